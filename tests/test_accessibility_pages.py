"""Accessibility of pages an accessibility QA found wanting: pages with several forms give every
field an id of its own (a repeated id leaves the second field without its label), every field
has a label; the administration says its language, has an h1, names its search box, navbar
toggle and row actions in Polish; page titles name the person the page is about.
"""

import re
from collections import Counter
from datetime import date

import pytest

from mosty import dates
from mosty.testing.factories import login
from mosty.testing.plugin import build_two_partnerships
from test_labour_activation import add_instrument, enrol_by_form, enrolments
from test_labour_registration import SLUG, labour_world

ID = re.compile(r'\sid="([^"]*)"')
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
LABEL_FOR = re.compile(r'<label\b[^>]*\sfor="([^"]*)"', re.I)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


def attribute(attributes, name):
    found = re.search(rf'\s{name}="([^"]*)"', attributes)
    return found.group(1) if found else None


def assert_ids_unique(html):
    repeated = sorted(i for i, n in Counter(ID.findall(html)).items() if n > 1)
    assert not repeated, f"ids repeated on the page: {repeated}"


def assert_every_field_labelled(html):
    """Every input a person fills in has a <label for> its id (or a name of its own)."""
    labelled = set(LABEL_FOR.findall(html))
    unlabelled = []
    for tag, attributes in FIELD.findall(html):
        kind = (attribute(attributes, "type") or "text").lower()
        if tag.lower() == "input" and kind in UNLABELLED_TYPES:
            continue
        if attribute(attributes, "aria-label") or attribute(attributes, "aria-labelledby"):
            continue
        field_id = attribute(attributes, "id")
        if field_id is None or field_id not in labelled:
            unlabelled.append(f"<{tag}{attributes}>")
    assert not unlabelled, f"fields without a label: {unlabelled}"


def assert_accessible_forms(response, status=200):
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert_ids_unique(html)
    assert_every_field_labelled(html)
    return html


def title_of(html):
    return TITLE.search(html).group(1).strip()


# --- labour pages with several forms ----------------------------------------------------------


@pytest.fixture
def world(app, factory):
    return labour_world(app, factory)


def polish_client(world, user):
    return login(world.app.test_client(), user)


def registration_url(world, action=""):
    return f"/{SLUG}/labour/registration/{world.anna.id}/{action}"


def test_the_enrolment_page_gives_each_forms_fields_ids_of_their_own(world):
    instrument = add_instrument(world)
    client = polish_client(world, world.gup_clerk)
    assert enrol_by_form(world, world.anna, instrument, client=client).status_code == 302
    (enrolment,) = enrolments(world, instrument)
    url = f"/{SLUG}/labour/enrolments/{enrolment.id}/"
    html = assert_accessible_forms(client.get(url))
    # The completion's and the drop-out's day, each with its own label.
    assert 'for="complete-ended_on"' in html and 'id="complete-ended_on"' in html
    assert 'for="dropout-ended_on"' in html and 'id="dropout-ended_on"' in html
    assert 'id="dropout-reason"' in html and 'id="cancel-reason"' in html
    # The title names the person, as the h1 does.
    assert "Anna Nowak" in title_of(html)
    # A refused post shows the forms again, with the same ids, and posts the same names.
    refused = client.post(url + "dropout", data={"ended_on": dates.today().isoformat(),
                                                 "reason": ""})
    html = assert_accessible_forms(refused, status=422)
    assert 'name="reason"' in html and 'id="dropout-reason"' in html


def test_the_registration_page_gives_each_forms_fields_ids_of_their_own(world):
    client = polish_client(world, world.gup_clerk)
    html = assert_accessible_forms(client.get(registration_url(world)))
    assert "Anna Nowak" in title_of(html)
    assert client.post(registration_url(world, "register"), data={
        "status": "unemployed", "registered_on": "2024-03-01",
        "case_no": "CAZ/2024/117"}).status_code == 302
    # Registered: change the status, deregister, the case number: two "on" days.
    html = assert_accessible_forms(client.get(registration_url(world)))
    assert 'id="status-on"' in html and 'id="deregister-on"' in html
    assert 'id="details-case_no"' in html and 'for="details-benefit_entitled"' in html
    assert client.post(registration_url(world, "deregister"), data={
        "reason": "employment", "on": "2024-06-01"}).status_code == 302
    # Deregistered: registering again and the case number: two case numbers.
    html = assert_accessible_forms(client.get(registration_url(world)))
    assert 'id="register-case_no"' in html and 'id="details-case_no"' in html
    refused = client.post(registration_url(world, "register"), data={
        "status": "unemployed", "registered_on": "1.3.2024"})
    assert_accessible_forms(refused, status=422)


def test_the_labour_inbox_referral_is_titled_with_the_person(world):
    referral = world.f.referral(world.anna, world.mops, world.gup, reason="Powrót na rynek")
    client = polish_client(world, world.gup_clerk)
    html = assert_accessible_forms(client.get(f"/{SLUG}/labour/inbox/{referral.id}/"))
    assert title_of(html).startswith("Skierowanie: Anna Nowak")


# --- the registry's referral ------------------------------------------------------------------


def test_a_referral_page_is_titled_with_the_person(app, factory):
    p = factory.partnership(slug="a11y-titles")
    mops = factory.institution(p, name="MOPS Kraków", kind="ops")
    ngo = factory.institution(p, name="Fundacja Most", kind="ngo")
    worker = factory.staff(mops)
    anna = factory.participant(mops, first_name="Anna", last_name="Nowak",
                               birth_date=date(1985, 3, 14))
    factory.consent(anna, [ngo])
    referral = factory.referral(anna, mops, ngo, reason="Wsparcie")
    client = login(app.test_client(), worker)
    html = client.get(f"/{p.slug}/referrals/{referral.id}/").get_data(as_text=True)
    assert title_of(html) == "Skierowanie: Anna Nowak · Mosty"


# --- the administration -----------------------------------------------------------------------


@pytest.fixture
def admin_client(app):
    world = build_two_partnerships(app)
    return login(app.test_client(), world.a.admin)


@pytest.mark.parametrize("path", ["/admin/users/", "/admin/memberships/"])
def test_an_admin_list_says_its_language_has_an_h1_and_names_its_controls(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'<html lang="pl">', html)
    assert re.search(r"<h1\b[^>]*>\s*(Użytkownicy|Członkostwa)\s*</h1>", html), "no h1"
    search = re.search(r'<input[^>]*name="search"[^>]*>', html, re.S).group(0)
    assert 'aria-label="Szukaj na liście"' in search
    assert 'aria-label="Pokaż lub ukryj menu"' in html
    assert "Toggle navigation" not in html
    # Icon-only row actions are named, and the delete forms repeat no ids.
    assert re.search(r'<a class="icon"[^>]*aria-label="[^"]+"', html)
    assert re.search(r'<button type="submit"[^>]*aria-label="[^"]+"', html)
    assert_ids_unique(html)
    # Tap targets and the sideways-scrolling table come from the admin's own stylesheet.
    assert "/static/css/admin.css" in html
    assert '<div class="table-responsive">' in html
