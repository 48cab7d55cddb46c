"""Typing is not lost by leaving its page unsaved (QA: switching the language on a half-filled
registration form reloaded it empty): the language switch first asks, and staying keeps what
was typed; a form nobody typed into leaves without a question."""

from .conftest import sign_in


def test_switching_language_on_a_typed_form_asks_first(page, live_server):
    sign_in(page, live_server, "doradca@krakow.mosty.test")
    page.goto(f"{live_server.url}/krakow/participants/new")
    page.fill("input[name='first_name']", "Żaneta")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.click("button[name='locale'][value='en']")
    assert questions and "nie zostało zapisane" in questions[0]
    assert page.url.endswith("/krakow/participants/new")
    assert page.input_value("input[name='first_name']") == "Żaneta"

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    with page.expect_navigation():
        page.click("button[name='locale'][value='en']")
    assert len(questions) == 2
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_form_nobody_typed_into_switches_language_at_once(page, live_server):
    sign_in(page, live_server, "doradca@krakow.mosty.test")
    page.goto(f"{live_server.url}/krakow/participants/new")
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    with page.expect_navigation():
        page.click("button[name='locale'][value='en']")
    assert questions == []
    assert page.locator("html").get_attribute("lang") == "en"
