"""A form whose CSRF token went stale keeps what was typed: the error page offers it back with
a fresh token, for a signed-in user's form sent from one of our own pages only."""

import re
from html import unescape

import pytest

from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from mosty.testing.plugin import build_two_partnerships

NEW_PERSON = {
    "first_name": "Halina", "last_name": "Stęchła", "sex": "female", "birth_date": "1979-05-02",
    "registered_teryt": "1261011", "registered_locality": "Kraków",
    "actual_teryt": "1261011", "actual_locality": "Kraków",
    "registered_area": "urban", "actual_same": "y", "actual_area": "urban",
    "education": "vocational", "labour_status": "registered_unemployed",
    "unemployed_since": "2025-03-01",
    "disability_level": "none",
}
SITE = "http://localhost"


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def world(csrf_app):
    return build_two_partnerships(csrf_app)


@pytest.fixture
def caseworker(csrf_app, world):
    client = login(csrf_app.test_client(), world.a.caseworker)
    assert client.get("/part-a/participants/new").status_code == 200  # a token in the session
    return client


def _post_stale(client, **headers):
    return client.post("/part-a/participants/new", headers=headers,
                       data={**NEW_PERSON, "csrf_token": "a-token-of-an-earlier-session"})


def _hidden_fields(page):
    return [(unescape(name), unescape(value)) for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)]


def _resend_form(page):
    """The page's own form (the layout's forms, such as the language switch, left out)."""
    start = page.index('<form method="post" action="/part-a/participants/new">')
    return page[start:page.index("</form>", start)]


def _people_named(app, partnership_id, last_name):
    with app.app_context(), partnership_scope(partnership_id):
        return db.session.query(Participant).filter_by(last_name=last_name).count()


def test_a_stale_form_from_our_own_page_comes_back_with_what_was_typed(csrf_app, world,
                                                                       caseworker):
    response = _post_stale(caseworker, Origin=SITE)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Formularz wygasł" in page and "Nic z tego, co wpisano, nie przepadło" in page
    fields = _hidden_fields(page)
    assert ("last_name", "Stęchła") in fields and ("education", "vocational") in fields
    token = dict(fields)["csrf_token"]
    assert token != "a-token-of-an-earlier-session"
    assert 'action="/part-a/participants/new"' in page
    assert _people_named(csrf_app, world.a.partnership.id, "Stęchła") == 0

    # "Send again" posts the same values with the fresh token: saved this time.
    resent = caseworker.post("/part-a/participants/new", data=dict(fields),
                             headers={"Origin": SITE})
    assert resent.status_code == 302
    assert _people_named(csrf_app, world.a.partnership.id, "Stęchła") == 1


def test_the_referer_names_our_page_when_the_browser_sends_no_origin(caseworker):
    page = _post_stale(caseworker, Referer=f"{SITE}/part-a/participants/new").get_data(
        as_text=True)
    assert ("first_name", "Halina") in _hidden_fields(page)


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Referer": "https://evil.example/form"},
    {"Origin": "http://localhost.evil.example"},
    {},
])
def test_a_post_from_another_site_or_of_unknown_origin_is_refused_as_before(caseworker,
                                                                             headers):
    response = _post_stale(caseworker, **headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Formularz wygasł lub został wysłany z innej strony" in page
    assert "Stęchła" not in page and "Wyślij ponownie" not in page


def test_a_signed_out_user_gets_no_form_back(csrf_app):
    client = csrf_app.test_client()
    client.get("/login")
    response = client.post("/login", headers={"Origin": SITE},
                           data={"email": "a@b.c", "password": "secret", "csrf_token": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "secret" not in page and "Wyślij ponownie" not in page


# --- the sign-in ended before the form was sent ------------------------------------------------

def test_a_form_sent_after_the_session_ended_comes_back_and_saves_after_signing_in_again(
        csrf_app, world):
    client = csrf_app.test_client()  # no session: it expired, or the user signed out
    response = _post_stale(client, Origin=SITE)
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "no-store"
    assert "Nastąpiło wylogowanie" in page and 'target="_blank"' in page
    fields = _hidden_fields(_resend_form(page))
    assert ("last_name", "Stęchła") in fields and "csrf_token" not in dict(fields)
    assert _people_named(csrf_app, world.a.partnership.id, "Stęchła") == 0

    # Signed in again (in another tab), "Send again" meets the stale-token page, which gives
    # the values a fresh token: saved on the second click, nothing retyped.
    login(client, world.a.caseworker)
    expired = client.post("/part-a/participants/new", data=dict(fields), headers={"Origin": SITE})
    assert expired.status_code == 400
    refreshed = _hidden_fields(_resend_form(expired.get_data(as_text=True)))
    assert ("last_name", "Stęchła") in refreshed
    saved = client.post("/part-a/participants/new", data=dict(refreshed),
                        headers={"Origin": SITE})
    assert saved.status_code == 302
    assert _people_named(csrf_app, world.a.partnership.id, "Stęchła") == 1


def test_a_signed_out_post_from_another_site_goes_to_the_sign_in_page_as_before(csrf_app,
                                                                               world):
    response = _post_stale(csrf_app.test_client(), Origin="https://evil.example")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Stęchła" not in response.get_data(as_text=True)


def test_a_form_with_a_password_is_never_written_back(caseworker):
    response = caseworker.post("/account/password", headers={"Origin": SITE}, data={
        "current_password": "old-secret-1", "new_password": "new-secret-2",
        "csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "old-secret-1" not in page and "new-secret-2" not in page


def test_without_csrf_a_signed_out_post_keeps_the_form_and_a_page_view_still_signs_in(app,
                                                                                       world):
    # The sign-in kept on the server ended while the cookie lived on: login_required answers.
    client = app.test_client()
    response = client.post("/part-a/participants/new", data=NEW_PERSON,
                           headers={"Origin": SITE})
    assert response.status_code == 401
    assert ("first_name", "Halina") in _hidden_fields(response.get_data(as_text=True))
    page_view = client.get("/part-a/participants/new")
    assert page_view.status_code == 302 and "/login" in page_view.headers["Location"]
    no_origin = client.post("/part-a/participants/new", data=NEW_PERSON)
    assert no_origin.status_code == 302 and "/login" in no_origin.headers["Location"]
