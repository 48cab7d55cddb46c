"""On a phone held upright (360 px), as the accessibility QA used it: table cells keep whole
words (QA: names broke into "Chmie/lew/ska", dates into one character a line) and the page
still never scrolls sideways; the menu is folded under "Menu" and opens; a form sent back with
errors puts the focus on its error summary; the skip link is the first thing a keyboard
reaches."""

from .conftest import sign_in, sign_out
from .test_phone_width import NO_SIDEWAYS_SCROLL, overflowing

PHONE = {"width": 360, "height": 740}
CASEWORKER = "doradca@krakow.mosty.test"


def test_the_participant_list_keeps_names_whole_on_a_phone(page, live_server):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, CASEWORKER)
    page.goto(f"{live_server.url}/krakow/participants/")
    widths = page.evaluate("""() => [...document.querySelectorAll('table.table tbody tr')]
        .map(row => row.querySelector('td')).filter(Boolean)
        .map(cell => cell.getBoundingClientRect().width)""")
    assert widths, "no participants listed"
    assert min(widths) > 60, widths
    # The dates too: a whole "24 lis 2026" fits a line or breaks between words only.
    letters = page.evaluate("""() => [...document.querySelectorAll('table.table td')]
        .filter(cell => cell.textContent.trim().length > 3)
        .map(cell => cell.getBoundingClientRect().width)""")
    assert min(letters) > 30, letters
    assert page.evaluate(NO_SIDEWAYS_SCROLL), overflowing(page)
    sign_out(page)


def test_the_menu_folds_on_a_phone_and_opens(page, live_server):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, CASEWORKER)
    page.goto(f"{live_server.url}/krakow/")
    toggle = page.locator("details.menu-toggle")
    assert toggle.evaluate("d => d.open") is False
    menu_link = page.locator("nav.menu a").first
    assert not menu_link.is_visible()
    page.locator("details.menu-toggle > summary").click()
    assert menu_link.is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), overflowing(page)
    # On a wide screen the menu is simply there, without the toggle.
    page.set_viewport_size({"width": 1024, "height": 768})
    page.reload()
    assert page.locator("details.menu-toggle").evaluate("d => d.open") is True
    assert not page.locator("details.menu-toggle > summary").is_visible()
    assert page.locator("nav.menu a[aria-current=page]").count() == 1
    sign_out(page)


def test_a_form_sent_back_puts_the_focus_on_the_error_summary(page, live_server):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, CASEWORKER)
    page.goto(f"{live_server.url}/krakow/participants/new")
    with page.expect_navigation():
        page.locator("form.participant-form button[type=submit]").click()
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "error-summary"
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    # Its first link leads to the field.
    summary.locator("a").first.click()
    assert page.evaluate("() => location.hash") == "#first_name"
    assert page.evaluate(NO_SIDEWAYS_SCROLL), overflowing(page)
    sign_out(page)


def test_the_skip_link_comes_first_and_shows_on_focus(page, live_server):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, CASEWORKER)
    page.goto(f"{live_server.url}/krakow/participants/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] >= 30
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    sign_out(page)
