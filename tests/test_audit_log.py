"""The audit log viewer: partnership administrators read who touched what, with filters;
reading the log is audited too, and nothing in the application can change an entry.

(That the runtime database role cannot UPDATE, DELETE or TRUNCATE ``audit_entry`` on
PostgreSQL is specified in test_rls_wall.py.)
"""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.tenancy import partnership_scope
from mosty.testing.plugin import build_two_partnerships


@pytest.fixture
def world(two_partnerships):
    return two_partnerships


def write_entry(app, partnership, *, at, action="read", object_type="Participant",
                object_id="1", actor=None, institution=None, detail=None):
    with app.app_context(), partnership_scope(partnership.id):
        entry = AuditEntry(at=at, action=action, object_type=object_type, object_id=object_id,
                           actor_id=actor.id if actor else None,
                           institution_id=institution.id if institution else None,
                           detail=detail or {})
        db.session.add(entry)
        db.session.commit()
        return entry.id


def entries(app, partnership, **where):
    with app.app_context(), partnership_scope(partnership.id):
        query = select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
        return [(e.action, e.object_type, e.actor_id, e.detail) for e in db.session.scalars(query)]


def count_entries(app, partnership):
    with app.app_context(), partnership_scope(partnership.id):
        return db.session.scalar(select(func.count(AuditEntry.id)))


def shown_ids(html):
    """Object ids in the order the table shows them."""
    return [int(i) for i in re.findall(r'<small class="muted">#(\d+)</small>', html)]


def row_of(html, object_id):
    """The table row about object ``object_id``."""
    return next(row for row in html.split("<tr>") if f"#{object_id}</small>" in row)


def in_english(client):
    client.post("/language", data={"locale": "en", "next": "/"})


def at(day, hour=12, minute=0):
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


# --- who may read the log ---------------------------------------------------------------------

def test_partnership_admin_sees_who_did_what_to_which_object(app, client, world, login_as):
    a = world.a
    write_entry(app, a.partnership, at=at(15, 10), action="update", object_type="Participant",
                object_id="42", actor=a.caseworker, institution=a.other,
                detail={"fields": ["phone", "email"]})
    login_as(client, a.admin)
    in_english(client)
    page = client.get("/part-a/audit/")
    assert page.status_code == 200
    row = row_of(page.get_data(as_text=True), 42)
    with app.app_context():
        from mosty.auth.models import User
        name = db.session.get(User, a.caseworker.id).name
    assert name in row and a.caseworker.email not in row  # a name, not a login
    assert "OPS a" in row
    assert "changed" in row and "Participant" in row
    assert "fields:</span> Phone, E-mail" in row


def test_times_are_shown_in_warsaw_time(app, client, world, login_as):
    write_entry(app, world.a.partnership, at=at(15, 10, 5), object_id="7")
    login_as(client, world.a.admin)
    html = client.get("/part-a/audit/?object_type=Participant").get_data(as_text=True)
    shown = re.search(r"<time [^>]*>([^<]*)</time>", html).group(1)
    # 10:05 UTC in January is 11:05 in Warsaw.
    assert "11:05" in shown and "10:05" not in shown


def test_action_and_object_type_are_shown_in_the_users_language(app, client, world, login_as):
    write_entry(app, world.a.partnership, at=at(15), action="transition",
                object_type="Referral", object_id="3")
    login_as(client, world.a.admin)
    in_english(client)
    row = row_of(client.get("/part-a/audit/").get_data(as_text=True), 3)
    assert "status changed" in row and "Referral" in row


@pytest.mark.parametrize("roles", [("caseworker",), ("coordinator",), ("peer_advisor",)])
def test_members_who_are_not_partnership_admins_get_404(app, client, world, login_as, roles):
    member = world.factory.staff(world.a.leader, roles=roles)
    login_as(client, member)
    assert client.get("/part-a/audit/").status_code == 404


def test_platform_admin_without_membership_gets_404(app, client, world, login_as):
    platform_admin = world.factory.user(platform_admin=True)
    login_as(client, platform_admin)
    assert client.get("/part-a/audit/").status_code == 404


def test_admin_of_another_partnership_gets_404_and_sees_only_own_log(app, client, world,
                                                                     login_as):
    write_entry(app, world.b.partnership, at=at(15), object_id="9999")
    login_as(client, world.a.admin)
    assert "#9999" not in client.get("/part-a/audit/").get_data(as_text=True)
    assert client.get("/part-b/audit/").status_code == 404


def test_menu_offers_the_audit_log_to_partnership_admins_only(app, client, world, login_as):
    login_as(client, world.a.admin)
    assert 'href="/part-a/audit/"' in client.get("/part-a/").get_data(as_text=True)
    other = app.test_client()
    login_as(other, world.a.caseworker)
    assert 'href="/part-a/audit/"' not in other.get("/part-a/").get_data(as_text=True)


# --- reading is audited -----------------------------------------------------------------------

def test_reading_the_log_writes_one_read_entry_naming_the_entries_shown(app, client, world,
                                                                      login_as):
    a = world.a
    first = write_entry(app, a.partnership, at=at(14), object_id="1")
    second = write_entry(app, a.partnership, at=at(15), object_id="2")
    login_as(client, a.admin)
    before = count_entries(app, a.partnership)
    client.get("/part-a/audit/?action=read")
    assert count_entries(app, a.partnership) == before + 1
    ((action, object_type, actor_id, detail),) = entries(app, a.partnership,
                                                         object_type="AuditEntry")
    assert (action, actor_id) == ("read", a.admin.id)
    assert detail["ids"] == [second, first]
    assert detail["filters"] == ["action"] and detail["page"] == 1


def test_the_read_entry_of_one_visit_shows_up_on_the_next(app, client, world, login_as):
    login_as(client, world.a.admin)
    in_english(client)
    assert "No entries match these filters." in client.get("/part-a/audit/").get_data(
        as_text=True)
    html = client.get("/part-a/audit/").get_data(as_text=True)
    (row,) = re.findall(r"<tr>\s*<td><time.*?</tr>", html, re.S)
    assert "read" in row and "Audit log" in row


# --- filters ----------------------------------------------------------------------------------

@pytest.fixture
def log(app, world):
    a = world.a
    other_worker = world.factory.staff(a.leader, roles=("caseworker",))
    ids = {
        "cw_read": write_entry(app, a.partnership, at=at(10), action="read", object_id="1",
                               actor=a.caseworker, institution=a.other),
        "cw_update": write_entry(app, a.partnership, at=at(12), action="update",
                                 object_type="Family", object_id="2", actor=a.caseworker,
                                 institution=a.other),
        "other_create": write_entry(app, a.partnership, at=at(14), action="create",
                                    object_type="Referral", object_id="3", actor=other_worker,
                                    institution=a.leader),
        # 23:30 UTC on the 20th is already the 21st in Warsaw.
        "late": write_entry(app, a.partnership, at=at(20, 23, 30), action="read",
                            object_id="4", actor=other_worker, institution=a.leader),
    }
    return ids, other_worker


def listed(client, query):
    return shown_ids(client.get(f"/part-a/audit/?{query}").get_data(as_text=True))


def test_filter_by_person(client, world, log, login_as):
    login_as(client, world.a.admin)
    assert listed(client, f"actor={world.a.caseworker.id}") == [2, 1]


def test_filter_by_institution(client, world, log, login_as):
    login_as(client, world.a.admin)
    assert listed(client, f"institution={world.a.leader.id}") == [4, 3]


def test_filter_by_action_and_object_type(client, world, log, login_as):
    login_as(client, world.a.admin)
    assert listed(client, "action=update") == [2]
    assert listed(client, "object_type=Referral") == [3]
    assert listed(client, "action=read&object_type=Participant") == [4, 1]


def test_date_range_follows_warsaw_days(client, world, log, login_as):
    login_as(client, world.a.admin)
    assert listed(client, "date_from=2026-01-12&date_to=2026-01-14") == [3, 2]
    assert listed(client, "date_from=2026-01-21&date_to=2026-01-21") == [4]
    assert listed(client, "date_to=2026-01-20") == [3, 2, 1]


def test_date_range_and_warsaw_time_on_both_databases(any_app, login_as):
    world = build_two_partnerships(any_app)
    for day, hour in ((20, 22), (20, 23), (21, 0)):
        write_entry(any_app, world.a.partnership, at=at(day, hour, 30), object_id=str(hour))
    client = login_as(any_app.test_client(), world.a.admin)
    # 22:30 UTC is 23:30 on the 20th in Warsaw; 23:30 and 00:30 UTC are already the 21st.
    assert listed(client, "date_from=2026-01-21&date_to=2026-01-21") == [0, 23]
    assert listed(client, "date_to=2026-01-20&sort=at") == [22]
    html = client.get("/part-a/audit/?date_to=2026-01-20").get_data(as_text=True)
    assert "23:30" in re.search(r"<time [^>]*>([^<]*)</time>", html).group(1)


def test_person_filter_offers_only_members_of_this_partnership(client, world, log, login_as):
    login_as(client, world.a.admin)
    html = client.get("/part-a/audit/").get_data(as_text=True)
    select_html = html[html.index('name="actor"'):html.index("</select>", html.index('name="actor"'))]
    assert f'value="{world.a.caseworker.id}"' in select_html
    assert f'value="{world.b.caseworker.id}"' not in select_html


@pytest.mark.parametrize("query", [
    "actor=abc", "actor=999999", "institution=-1", "action=drop", "object_type=%3Cb%3E",
    "date_from=2026-13-45", "date_to=yesterday", "date_from=2026-01-20&date_to=2026-01-10",
])
def test_bad_filters_get_a_message_not_an_error(client, world, log, login_as, query):
    login_as(client, world.a.admin)
    page = client.get(f"/part-a/audit/?{query}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<p class="error"' in html
    assert "<b>" not in html


def test_foreign_partnerships_person_is_refused_as_a_filter(client, world, log, login_as):
    login_as(client, world.a.admin)
    html = client.get(f"/part-a/audit/?actor={world.b.admin.id}").get_data(as_text=True)
    assert '<p class="error"' in html


def test_a_bad_filter_leaves_the_good_ones_working(client, world, log, login_as):
    login_as(client, world.a.admin)
    assert listed(client, "action=update&date_from=nonsense") == [2]


# --- pagination and sorting -------------------------------------------------------------------

@pytest.fixture
def long_log(app, world):
    return [write_entry(app, world.a.partnership, at=at(1 + i % 28, i % 24), object_id=str(i))
            for i in range(30)]


def test_newest_first_paginated_with_position(app, client, world, long_log, login_as):
    app.config["MOSTY_PAGE_SIZE"] = 10
    login_as(client, world.a.admin)
    html = client.get("/part-a/audit/?object_type=Participant").get_data(as_text=True)
    assert "1–10 of 30" in html or "1–10 z 30" in html
    assert shown_ids(html) == sorted(shown_ids(html), key=lambda i: (1 + i % 28, i % 24),
                                     reverse=True)
    assert 'rel="next"' in html and 'rel="prev"' not in html
    assert "page=2" in html and "object_type=Participant" in html


def test_last_page_and_going_back(app, client, world, long_log, login_as):
    app.config["MOSTY_PAGE_SIZE"] = 10
    login_as(client, world.a.admin)
    html = client.get("/part-a/audit/?object_type=Participant&page=3").get_data(as_text=True)
    assert "21–30" in html and 'rel="prev"' in html and 'rel="next"' not in html


def test_sorting_by_time_oldest_first(app, client, world, long_log, login_as):
    login_as(client, world.a.admin)
    html = client.get("/part-a/audit/?object_type=Participant&sort=at").get_data(as_text=True)
    keys = [(1 + i % 28, i % 24) for i in shown_ids(html)]
    assert keys == sorted(keys)
    assert "sort=-at" in html  # the header link turns the order around


def test_bad_page_or_sort_never_fails(client, world, long_log, login_as):
    login_as(client, world.a.admin)
    assert client.get("/part-a/audit/?sort=drop_table").status_code == 200
    assert client.get("/part-a/audit/?page=abc").status_code == 404
    # Past the end: the last page, with the same sort.
    page = client.get("/part-a/audit/?page=99&sort=at")
    assert page.status_code == 302 and "sort=at" in page.headers["Location"]
    assert client.get(page.headers["Location"]).status_code == 200


# --- append-only ------------------------------------------------------------------------------

def test_audit_pages_only_read(app, client, world, login_as):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("audit.")]
    assert [r.endpoint for r in rules] == ["audit.index"]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)
    login_as(client, world.a.admin)
    assert client.post("/part-a/audit/").status_code == 405


def test_no_administration_screen_edits_the_audit_log(app):
    admin = app.extensions["admin"][0]
    models = {getattr(view, "model", None) for view in admin._views}
    assert AuditEntry not in models
