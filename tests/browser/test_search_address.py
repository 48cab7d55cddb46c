"""A caseworker searches the registry for a PESEL in the browser: the list shows the person,
the PESEL is in the search box but never in the address (history, server log); headless
Chromium, the demo data loaded. Paging a sealed search: tests/test_sealed_search.py."""

from urllib.parse import unquote

import pytest

from mosty.testing.services import in_ci

try:
    from playwright.sync_api import expect
except ImportError as error:  # the browser fixture explains; CI must not skip silently
    if in_ci():
        raise
    pytest.skip(f"the python package 'playwright' is not installed ({error})",
                allow_module_level=True)

from .conftest import csp_violations, sign_in


def a_person_of_the_advisor(live_server):
    """(PESEL, surname) of someone the demo advisor's welfare centre registered."""
    from sqlalchemy import select

    from mosty.extensions import db
    from mosty.participants.models import Participant
    from mosty.partnerships.models import Institution, Partnership
    from mosty.tenancy import partnership_scope, system_scope

    with live_server.app.app_context():
        with system_scope("the browser test picks a demo person"):
            pid = db.session.scalar(select(Partnership.id).where(Partnership.slug == "krakow"))
        with partnership_scope(pid):
            person = db.session.scalars(
                select(Participant).join(Institution, Institution.id == Participant.institution_id)
                .where(Participant.pesel.is_not(None), Institution.kind == "ops")
                .order_by(Participant.id)).first()
            return person.pesel, person.last_name


def search(page, text):
    form = page.locator("main form[role='search']")
    form.locator("input[name='q']").fill(text)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()


def test_a_pesel_searched_for_stays_out_of_the_address(page, console_errors, live_server):
    pesel, name = a_person_of_the_advisor(live_server)
    sign_in(page, live_server, "doradca@krakow.mosty.test")
    page.goto(f"{live_server.url}/krakow/participants/")
    search(page, pesel)
    assert pesel not in unquote(page.url) and "q=" not in page.url
    assert "s=" in page.url
    expect(page.locator("table.table tbody tr")).to_have_count(1)
    expect(page.locator("table.table tbody")).to_contain_text(name)
    expect(page.locator("main form[role='search'] input[name='q']")).to_have_value(pesel)

    assert csp_violations(console_errors) == []
