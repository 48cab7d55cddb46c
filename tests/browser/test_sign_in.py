"""A browser test (headless Chromium) signs in as a demo user and reaches the dashboard."""

from urllib.parse import urlsplit

import pytest

from mosty.testing.services import in_ci

try:
    from playwright.sync_api import expect
except ImportError as error:  # the browser fixture explains; CI must not skip silently
    if in_ci():
        raise
    pytest.skip(f"the python package 'playwright' is not installed ({error})",
                allow_module_level=True)

from .conftest import csp_violations, sign_in, sign_out

KRAKOW = "Równowaga – Praca – Rodzina"
POMORZE = "System wyjścia z bezrobocia rodzinnego na wsi"
MOPS_KRAKOW = "Miejski Ośrodek Pomocy Społecznej w Krakowie"


def path_of(page):
    return urlsplit(page.url).path


def assert_no_csp_violations(console_errors):
    violations = csp_violations(console_errors)
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def test_advisor_signs_in_and_reaches_the_krakow_dashboard(page, console_errors, live_server):
    sign_in(page, live_server, "doradca@krakow.mosty.test")

    assert path_of(page) == "/krakow/"
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.locator("h1")).to_have_text(KRAKOW)
    expect(page.locator("header .partnership-name")).to_have_text(KRAKOW)
    institutions = page.locator("table.table").first
    expect(institutions.get_by_role("cell", name=MOPS_KRAKOW, exact=True)).to_be_visible()
    # The other partnership's institutions never show up here.
    expect(page.get_by_text(POMORZE)).to_have_count(0)
    assert_no_csp_violations(console_errors)


def test_wrong_password_shows_an_error_and_stays_on_login(page, console_errors, live_server):
    sign_in(page, live_server, "doradca@krakow.mosty.test", password="not-the-password")

    assert path_of(page) == "/login"
    expect(page.locator(".flash-error")).to_be_visible()
    # The e-mail is kept; the password is not sent back.
    expect(page.locator("input[name='email']")).to_have_value("doradca@krakow.mosty.test")
    expect(page.locator("input[name='password']")).to_have_value("")
    # Still signed out: the dashboard sends the browser back to the sign-in page.
    page.goto(f"{live_server.url}/krakow/")
    assert path_of(page) == "/login"
    assert_no_csp_violations(console_errors)


def test_platform_admin_lands_on_the_chooser_with_both_partnerships(page, console_errors,
                                                                   live_server):
    sign_in(page, live_server, "admin@mosty.test")

    assert path_of(page) == "/"
    tiles = page.locator("ul.tiles")
    expect(tiles.get_by_role("link", name=KRAKOW, exact=True)).to_be_visible()
    expect(tiles.get_by_role("link", name=POMORZE, exact=True)).to_be_visible()

    # The admin may enter either partnership from there.
    with page.expect_navigation():
        tiles.get_by_role("link", name=POMORZE, exact=True).click()
    assert path_of(page) == "/pomorze/"
    expect(page.locator("h1")).to_have_text(POMORZE)
    assert_no_csp_violations(console_errors)


def test_signing_out_returns_to_login(page, console_errors, live_server):
    sign_in(page, live_server, "doradca@krakow.mosty.test")
    assert path_of(page) == "/krakow/"

    sign_out(page)

    assert path_of(page) == "/login"
    expect(page.locator("input[name='password']")).to_be_visible()
    expect(page.locator("header form[action$='/logout']")).to_have_count(0)
    # The session is really gone, not just the page.
    page.goto(f"{live_server.url}/krakow/")
    assert path_of(page) == "/login"
    assert_no_csp_violations(console_errors)


def test_language_switch_to_english(page, console_errors, live_server):
    page.goto(f"{live_server.url}/login")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "pl")

    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="English", exact=True).click()

    assert path_of(page) == "/login"
    expect(html).to_have_attribute("lang", "en")

    # The choice survives signing in (a fresh session keeps the chosen language).
    sign_in(page, live_server, "doradca@krakow.mosty.test")
    assert path_of(page) == "/krakow/"
    expect(html).to_have_attribute("lang", "en")

    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Polski", exact=True).click()
    assert path_of(page) == "/krakow/"
    expect(html).to_have_attribute("lang", "pl")
    assert_no_csp_violations(console_errors)


def test_the_csp_watch_sees_a_violation(page, console_errors, live_server):
    """Guards the checks above: an inline style, which the policy forbids, is reported."""
    page.goto(f"{live_server.url}/login")
    page.evaluate(
        "() => { const s = document.createElement('style');"
        " s.textContent = 'body { color: red }'; document.head.appendChild(s); }"
    )
    for _ in range(50):  # console events arrive asynchronously
        if csp_violations(console_errors):
            break
        page.wait_for_timeout(20)
    violations = csp_violations(console_errors)
    assert violations, f"no CSP violation reported; console errors: {console_errors}"
    assert any("style-src" in m for m in violations), violations
