"""Security headers, a Content-Security-Policy the pages really keep, and the error pages."""

import logging
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

import mosty
from mosty import errors

POLISH_CATALOG = Path(mosty.__file__).parent / "translations/pl/LC_MESSAGES/messages.mo"
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.I)


def localised(app, message, locale):
    with app.test_request_context(), force_locale(locale):
        return str(escape(gettext(message)))


def sign_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": user.password})
    assert response.status_code == 302
    return client


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def member_of_both(two_partnerships):
    user = two_partnerships.factory.staff(two_partnerships.a.other)
    two_partnerships.factory.membership(user, two_partnerships.b.other)
    return user


@pytest.fixture
def signed_in(client, member_of_both):
    return sign_in(client, member_of_both)


@pytest.fixture
def failing_app(make_app):
    """An app as deployed (not in testing mode) with a view that fails unexpectedly."""
    app = make_app(TESTING=False)

    def boom():
        raise RuntimeError("secret internal detail")

    # Flask allows new routes only before the first request.
    app.add_url_rule("/boom", "boom", boom)
    return app


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def polish_catalog():
    if not POLISH_CATALOG.exists():
        catalogs = pytest.importorskip("mosty.catalogs")
        catalogs.compile_catalogs(force=True)
    if not POLISH_CATALOG.exists():
        pytest.skip("the Polish catalog is not available yet")


def all_kinds_of_pages(app, client, failing_app, csrf_app):
    """(name, response) for every kind of page a user can get, signed in as a member of both."""
    anonymous = app.test_client()
    csrf_client = csrf_app.test_client()
    csrf_client.get("/login")
    return [
        ("login", anonymous.get("/login")),
        ("redirect to login", anonymous.get("/part-a/")),
        ("404 anonymous", anonymous.get("/no/such/page")),
        ("chooser", client.get("/")),
        ("dashboard", client.get("/part-a/")),
        ("password", client.get("/account/password")),
        ("404 other partnership", client.get("/part-zz/")),
        ("405", client.put("/login")),
        ("400", csrf_client.post("/login", data={"email": "a@b.c", "password": "x"})),
        ("500", failing_app.test_client().get("/boom")),
        ("stylesheet", anonymous.get("/static/css/mosty.css")),
    ]


@pytest.fixture
def pages(app, signed_in, failing_app, csrf_app):
    return all_kinds_of_pages(app, signed_in, failing_app, csrf_app)


def test_pages_are_the_expected_kinds(pages):
    statuses = {name: response.status_code for name, response in pages}
    assert statuses == {
        "login": 200, "redirect to login": 302, "404 anonymous": 404, "chooser": 200,
        "dashboard": 200, "password": 200, "404 other partnership": 404, "405": 405,
        "400": 400, "500": 500, "stylesheet": 200,
    }


def test_every_response_carries_the_security_headers(pages):
    for name, response in pages:
        assert response.headers.get("X-Frame-Options") == "DENY", name
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert response.headers.get("Referrer-Policy") == "same-origin", name
        directives = csp_directives(response)
        assert directives["frame-ancestors"] == ["'none'"], name
        script_src = directives.get("script-src", directives.get("default-src"))
        assert script_src == ["'self'"], name
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, name
        assert directives["object-src"] == ["'none'"], name
        response.close()


def test_no_page_may_be_kept_by_the_browser_but_static_files_may(pages):
    # Back after signing out showed the last person's record from the browser's cache.
    for name, response in pages:
        cache_control = response.headers.get("Cache-Control", "")
        if name == "stylesheet":
            assert "no-store" not in cache_control
        else:
            assert "no-store" in cache_control, name


def test_a_participant_page_and_the_list_are_not_kept_by_the_browser(app):
    from mosty.testing.factories import login
    from mosty.testing.plugin import build_two_partnerships

    world = build_two_partnerships(app)
    person = world.factory.participant(world.a.other)
    client = login(app.test_client(), world.a.caseworker)
    for url in (f"/part-a/participants/{person.id}/", "/part-a/participants/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_pages_contain_no_inline_script_or_event_handler(pages):
    for name, response in pages:
        if response.mimetype != "text/html" or response.status_code == 302:
            continue
        html = response.get_data(as_text=True)
        for attributes, body in SCRIPT_TAG.findall(html):
            assert "src=" in attributes and not body.strip(), f"inline <script> on {name}"
        assert not EVENT_HANDLER.search(html), f"on*= handler on {name}"
        assert not JAVASCRIPT_URL.search(html), f"javascript: URL on {name}"


def test_pages_contain_no_inline_style_the_policy_would_block(pages):
    for name, response in pages:
        if response.mimetype == "text/html" and response.status_code != 302:
            assert not INLINE_STYLE.search(response.get_data(as_text=True)), name


def test_no_strict_transport_security_outside_production(app, client):
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_strict_transport_security_with_secure_cookies(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_configuration_sends_strict_transport_security(make_app, monkeypatch):
    monkeypatch.setenv("MOSTY_ENV", "production")
    monkeypatch.setenv("MOSTY_SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("MOSTY_DATABASE_URL", "postgresql://app@db.example/mosty")
    app = make_app()  # the test database replaces the PostgreSQL URL
    assert app.config["SESSION_COOKIE_SECURE"] is True
    for path in ("/login", "/no/such/page"):
        assert "Strict-Transport-Security" in app.test_client().get(path).headers


def test_unexpected_error_shows_the_friendly_page_and_is_logged(failing_app, caplog):
    with caplog.at_level(logging.ERROR, logger="mosty.errors"):
        response = failing_app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert localised(failing_app, errors.MESSAGES[500][1], "pl") in page
    assert "secret internal detail" not in page
    assert "Traceback" not in page and "RuntimeError" not in page
    assert any(r.exc_info and isinstance(r.exc_info[1], RuntimeError) for r in caplog.records)


def test_unexpected_error_propagates_in_testing_mode(make_app):
    app = make_app()

    def boom():
        raise RuntimeError("visible to the test")

    app.add_url_rule("/boom", "boom", boom)
    with pytest.raises(RuntimeError, match="visible to the test"):
        app.test_client().get("/boom")


# --- error pages in the user's language --------------------------------------------------------


def switch_language(client, locale, token=None):
    data = {"locale": locale, "next": "/login"}
    if token:
        data["csrf_token"] = token
    response = client.post("/language", data=data)
    assert response.status_code == 302


def assert_error_page_in(app, response, status, locale, message=None):
    assert response.status_code == status
    page = response.get_data(as_text=True)
    title, default_message = errors.MESSAGES[status]
    message = message or default_message
    assert f'<html lang="{locale}">' in page
    assert localised(app, title, locale) in page
    assert localised(app, message, locale) in page
    if locale != "en":
        # A translation exists, and the English source does not leak through.
        assert localised(app, message, locale) != str(escape(message))
        assert str(escape(message)) not in page


@pytest.mark.usefixtures("polish_catalog")
@pytest.mark.parametrize("status", [404, 405])
def test_error_pages_are_polish_by_default_and_english_when_chosen(app, status):
    client = app.test_client()
    request = {404: lambda: client.get("/no/such/page"), 405: lambda: client.put("/login")}[status]
    assert_error_page_in(app, request(), status, "pl")
    switch_language(client, "en")
    assert_error_page_in(app, request(), status, "en")
    switch_language(client, "pl")
    assert_error_page_in(app, request(), status, "pl")


@pytest.mark.usefixtures("polish_catalog")
def test_form_expired_page_follows_the_chosen_language(csrf_app):
    client = csrf_app.test_client()
    token = CSRF_TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    expired = "The form has expired or was sent from another page. Please try again."

    def post_without_token():
        return client.post("/login", data={"email": "a@b.c", "password": "x"})

    assert_error_page_in(csrf_app, post_without_token(), 400, "pl", expired)
    switch_language(client, "en", token)
    assert_error_page_in(csrf_app, post_without_token(), 400, "en", expired)


@pytest.mark.usefixtures("polish_catalog")
def test_unexpected_error_page_follows_the_chosen_language(failing_app):
    client = failing_app.test_client()
    assert_error_page_in(failing_app, client.get("/boom"), 500, "pl")
    switch_language(client, "en")
    assert_error_page_in(failing_app, client.get("/boom"), 500, "en")


@pytest.mark.usefixtures("polish_catalog")
def test_signed_in_users_saved_language_is_used_for_error_pages(app, member_of_both):
    client = sign_in(app.test_client(), member_of_both)
    switch_language(client, "en")
    # A new session of the same user keeps English, from the saved preference.
    other = sign_in(app.test_client(), member_of_both)
    assert_error_page_in(app, other.get("/part-zz/"), 404, "en")
