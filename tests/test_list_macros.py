"""The one pager and sortable heading every list page uses (templates/macros.html)."""

from types import SimpleNamespace

import pytest
from flask import render_template_string

USE = '{% from "macros.html" import pager, sort_heading %}'


def a_page(page, pages, total):
    return SimpleNamespace(page=page, pages=pages, total=total, total_shown=str(total),
                           first=(page - 1) * 10 + 1 if total else 0,
                           last=min(page * 10, total), has_prev=page > 1,
                           has_next=page < pages, prev_num=page - 1, next_num=page + 1)


@pytest.fixture
def render(app):
    def render(source, **context):
        with app.test_request_context("/"):
            return render_template_string(USE + source, **context)
    return render


def test_the_links_keep_the_sort_and_filters_and_leave_out_none(render):
    html = render("{{ pager(page, endpoint='audit.index', partnership='krakow', sort='-at', "
                  "action='read', actor=none) }}", page=a_page(2, 3, 25))
    assert "11–20 z 25" in html and "actor=" not in html
    for rel, number in (("prev", 1), ("next", 3)):
        link = html.split(f'rel="{rel}" href="')[1].split('"')[0]
        assert link.startswith("/krakow/") and f"page={number}" in link
        assert "sort=-at" in link and "action=read" in link


def test_a_list_with_arguments_in_its_path_builds_its_links_itself(render):
    html = render("{{ pager(page, url=url) }}", page=a_page(1, 2, 12),
                  url=lambda **args: f"/hooks/7/?page={args['page']}")
    assert 'rel="next" href="/hooks/7/?page=2"' in html and 'rel="prev"' not in html


def test_one_page_shows_its_count_and_no_links_an_empty_list_nothing(render):
    html = render("{{ pager(page, endpoint='audit.index', partnership='krakow') }}",
                  page=a_page(1, 1, 7))
    assert "1–7 z 7" in html and "rel=" not in html
    assert "pager" not in render("{{ pager(page, endpoint='audit.index') }}",
                                 page=a_page(1, 1, 0))


def test_the_sorted_column_says_so_and_its_link_reverses_the_order(render):
    html = render("{{ sort_heading('Name', 'name', 'name', 'audit.index', partnership='krakow', "
                  "q='x') }}")
    assert 'aria-sort="ascending"' in html and "sort=-name" in html and "q=x" in html
    html = render("{{ sort_heading('Date', 'at', 'name', 'audit.index', "
                  "partnership='krakow') }}")
    assert "aria-sort" not in html and "sort=at" in html
