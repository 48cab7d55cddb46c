"""Markup for screen readers and phones (accessibility QA of the core templates): a field with
errors is aria-invalid and described by its error and hint, required fields are marked, a form
sent back with errors starts with an error summary, a list of checkboxes is a fieldset, one menu
item is current, a skip link leads to the content and an error flash is an alert."""

import re
from types import SimpleNamespace

import pytest

from mosty.testing.factories import login
from test_labour_registration import SLUG as LABOUR_SLUG
from test_labour_registration import labour_world

ID = re.compile(r'\sid="([^"]*)"')
MENU = re.compile(r'<nav class="menu"[^>]*>(.*?)</nav>', re.S)
CURRENT = re.compile(r'<a href="([^"]*)" class="current" aria-current="page">')


def signed_in(client, user):
    login(client, user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def tag_with_id(page, element_id):
    found = re.search(rf'<[a-z]+\b[^>]*\sid="{re.escape(element_id)}"[^>]*>', page)
    assert found, f"nothing has the id {element_id}"
    return found.group(0)


def attribute(tag, name):
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def current_items(page):
    (menu,) = MENU.findall(page)
    return CURRENT.findall(menu)


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug="krakow")
    ops = factory.institution(p, name="MOPS Kraków")
    other = factory.institution(p, name="Grodzki Urząd Pracy", kind="labour_office")
    staff = factory.staff(ops)
    anna = factory.participant(ops, first_name="Anna", last_name="Nowak")
    return SimpleNamespace(partnership=p, ops=ops, other=other, staff=staff, anna=anna)


@pytest.fixture
def caseworker(app, world):
    return signed_in(app.test_client(), world.staff)


@pytest.fixture
def empty_registration(caseworker):
    response = caseworker.post("/krakow/participants/new", data={})
    assert response.status_code == 422
    return response.get_data(as_text=True)


# --- fields with errors ----------------------------------------------------------------------

def test_a_field_with_an_error_is_invalid_and_described_by_the_error(empty_registration):
    page = empty_registration
    control = tag_with_id(page, "first_name")
    assert attribute(control, "aria-invalid") == "true"
    described = attribute(control, "aria-describedby").split()
    assert "first_name-error" in described
    ids = set(ID.findall(page))
    assert set(described) <= ids
    error = tag_with_id(page, "first_name-error")
    assert error.startswith('<p class="error"')


def test_every_description_reference_points_at_an_element(empty_registration):
    ids = set(ID.findall(empty_registration))
    for described in re.findall(r'aria-describedby="([^"]*)"', empty_registration):
        assert set(described.split()) <= ids, described


def test_a_field_without_errors_is_not_marked_invalid(empty_registration):
    # The phone number is optional: nothing to correct there.
    assert attribute(tag_with_id(empty_registration, "phone"), "aria-invalid") is None


def test_a_hint_is_tied_to_its_field(app, world, caseworker):
    page = caseworker.get("/krakow/families/new").get_data(as_text=True)
    assert 'id="name-hint"' in page
    assert "name-hint" in attribute(tag_with_id(page, "name"), "aria-describedby").split()


def test_the_required_first_name_is_marked_in_its_label(empty_registration):
    label = re.search(r'<label for="first_name">(.*?)</label>', empty_registration, re.S)
    assert label, "no label for the first name"
    assert '<span class="required" aria-hidden="true">*</span>' in label.group(1)
    assert "(required)" in label.group(1)
    phone = re.search(r'<label for="phone">(.*?)</label>', empty_registration, re.S).group(1)
    assert 'class="required"' not in phone


# --- the error summary -----------------------------------------------------------------------

def test_a_form_sent_back_starts_with_an_error_summary(empty_registration):
    page = empty_registration
    summary = re.search(r'<div class="error-summary" role="alert" tabindex="-1">(.*?)</div>',
                        page, re.S)
    assert summary, "no error summary"
    body = summary.group(1)
    assert "Please correct the marked fields." in body
    links = re.findall(r'<a href="#([^"]+)">', body)
    assert re.search(rf"{len(links)} fields to correct:", body)
    assert "first_name" in links and "last_name" in links
    ids = set(ID.findall(page))
    assert set(links) <= ids
    # It comes before the form, and it is the page's only alert about the fields.
    assert page.index('class="error-summary"') < page.index('<form method="post" novalidate')
    assert page.count('class="error-summary"') == 1
    assert 'role="alert">Please correct the marked fields.' not in page


def test_the_summary_counts_in_polish(app, world, caseworker):
    with caseworker.session_transaction() as session:
        session["locale"] = "pl"
    page = caseworker.post("/krakow/families/new", data={}).get_data(as_text=True)
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert "Popraw 4 pola:" in summary and "Pola oznaczone * są wymagane." in summary, summary


def test_a_clean_form_has_no_summary(app, world, caseworker):
    page = caseworker.get("/krakow/participants/new").get_data(as_text=True)
    assert "error-summary" not in page and 'aria-invalid' not in page


def test_the_scripts_that_move_the_focus_to_the_problem_are_loaded(empty_registration):
    assert re.search(r'<script src="[^"]*/js/a11y\.js" defer></script>', empty_registration)


# --- groups of checkboxes ----------------------------------------------------------------------

def test_a_list_of_checkboxes_is_a_fieldset_named_by_its_legend(app, world, caseworker):
    address = f"/krakow/consents/new?participant={world.anna.id}"
    page = caseworker.get(address).get_data(as_text=True)
    group = re.search(r'<fieldset class="field group"[^>]*>\s*<legend>Purposes.*?</fieldset>',
                      page, re.S)
    assert group, "the purposes are not a fieldset"
    assert re.search(r'<ul [^>]*id="purposes"', group.group(0))
    assert 'type="checkbox"' in group.group(0)
    assert '<label for="purposes">' not in page


def test_a_groups_error_is_tied_to_the_fieldset(app, world, caseworker):
    address = f"/krakow/consents/new?participant={world.anna.id}"
    page = caseworker.post(address, data={"given_on": "2024-01-10"}).get_data(as_text=True)
    group = re.search(r'<fieldset class="field group has-error"([^>]*)>\s*<legend>Purposes',
                      page)
    assert group, "the purposes group is not marked"
    described = attribute(group.group(1), "aria-describedby").split()
    assert "purposes-error" in described and "purposes-hint" in described
    assert set(described) <= set(ID.findall(page))


def test_the_summary_links_a_group_to_its_first_option(app, world, caseworker):
    address = f"/krakow/consents/new?participant={world.anna.id}"
    page = caseworker.post(address, data={"given_on": "2024-01-10"}).get_data(as_text=True)
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#purposes-0"' in summary  # a list cannot take the focus, its first box can
    assert 'id="purposes-0"' in page


def test_a_refusal_of_the_whole_form_makes_no_summary_of_marked_fields(app, world, factory):
    """A restricted person's consent form says why it cannot be saved; no "correct the marked
    fields" box with none marked takes the focus from that message."""
    from mosty.extensions import db
    from mosty.participants.models import Participant
    from mosty.tenancy import partnership_scope

    with app.app_context(), partnership_scope(world.partnership.id):
        db.session.get(Participant, world.anna.id).processing_restricted = True
        db.session.commit()
    client = signed_in(app.test_client(), world.staff)
    page = client.get(f"/krakow/consents/new?participant={world.anna.id}").get_data(
        as_text=True)
    assert "error-summary" not in page
    assert "restricted" in page


# --- the menu, the skip link, flashes, sign-in ------------------------------------------------

def test_one_menu_item_is_current_at_a_time(app, world, caseworker):
    assert current_items(caseworker.get("/krakow/").get_data(as_text=True)) == ["/krakow/"]
    assert current_items(caseworker.get("/krakow/participants/").get_data(as_text=True)) == [
        "/krakow/participants/"]
    # A participant's page is under Participants.
    person = caseworker.get(f"/krakow/participants/{world.anna.id}/").get_data(as_text=True)
    assert current_items(person) == ["/krakow/participants/"]


def test_one_labour_item_is_current_at_a_time(app, factory):
    w = labour_world(app, factory)
    clerk = signed_in(app.test_client(), w.gup_clerk)
    (menu,) = MENU.findall(clerk.get(f"/{LABOUR_SLUG}/").get_data(as_text=True))
    labour = [href for href in re.findall(r'<a href="([^"]*)"', menu) if "/labour/" in href]
    assert len(labour) >= 2
    for href in labour:
        response = clerk.get(href)
        assert response.status_code == 200, href
        assert current_items(response.get_data(as_text=True)) == [href]


def test_the_skip_link_comes_first_and_leads_to_the_content(app, world, caseworker):
    page = caseworker.get("/krakow/participants/").get_data(as_text=True)
    body = page.split("<body", 1)[1]
    first_link = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body.split(">", 1)[1])
    assert first_link.group(0) == '<a class="skip-link" href="#main">'
    assert '<main id="main" tabindex="-1">' in page
    assert '<details class="menu-toggle" open>' in page


def test_an_error_flash_is_an_alert_and_the_form_is_not_autofocused(app, world):
    client = app.test_client()
    response = client.post("/login", data={"email": world.staff.email, "password": "wrong"})
    page = response.get_data(as_text=True)
    assert re.search(r'<p class="flash flash-error" role="alert">', page)
    assert "autofocus" not in page


def test_a_clean_sign_in_form_is_autofocused_and_a_notice_is_a_status(app, world):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "autofocus" in tag_with_id(page, "email")
    signed_in(client, world.staff)
    page = client.post("/logout", follow_redirects=True).get_data(as_text=True)
    assert 'class="flash flash-info" role="status"' in page


def test_the_summary_tells_the_two_addresses_apart(empty_registration):
    summary = empty_registration.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r"<a [^>]*>(.*?)</a>", summary, re.S)
    assert len(links) == len(set(links)), links  # no label twice
    assert any(link.startswith("Registered residence: ") for link in links)
