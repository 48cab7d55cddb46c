"""In the browser: a partnership admin switches a module on and grants it; the admin screens
work under the Content-Security-Policy (confirm dialogs and bulk actions included)."""

import shutil
import threading
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

import sample_module
from mosty import create_app
from mosty.demo import load_demo
from mosty.extensions import db
from mosty.plugins import demo_loaders
from mosty.testing.plugin import BASE_CONFIG
from mosty.testing.services import in_ci

try:
    from playwright.sync_api import expect
except ImportError as error:  # the browser fixture explains; CI must not skip silently
    if in_ci():
        raise
    pytest.skip(f"the python package 'playwright' is not installed ({error})",
                allow_module_level=True)

from .conftest import DEMO_PASSWORD, LOCALE, VIEWPORT, csp_violations, sign_in

KRAKOW_ADMIN = "admin@krakow.mosty.test"
KRAKOW_ADVISOR = "doradca@krakow.mosty.test"  # a caseworker at the city welfare centre


@pytest.fixture(scope="module")
def live_server(sqlite_template, tmp_path_factory):
    """The conftest's demo server, with the test-only sample module installed as well."""
    path = tmp_path_factory.mktemp("live-admin") / "mosty.sqlite"
    shutil.copyfile(sqlite_template, path)
    app = create_app({
        **BASE_CONFIG,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "MOSTY_MIGRATION_DATABASE_URL": f"sqlite:///{path}",
        "WTF_CSRF_ENABLED": True,
        "TESTING": False,
        "MOSTY_EXTRA_PLUGINS": [sample_module],
    })
    with app.app_context():
        load_demo(password=DEMO_PASSWORD, extra_loaders=demo_loaders(app))

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="mosty-admin-live-server",
                              daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(
            url=f"http://127.0.0.1:{server.server_port}", password=DEMO_PASSWORD, app=app
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def second_page(browser):
    """Another person at another tablet: a browser context of its own."""
    context = browser.new_context(viewport=VIEWPORT, locale=LOCALE)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def path_of(page):
    return urlsplit(page.url).path


def assert_no_csp_violations(console_errors):
    violations = csp_violations(console_errors)
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def submit(page, button):
    with page.expect_navigation():
        button.click()


def test_admin_turns_the_sample_module_on_and_the_advisor_sees_it(page, console_errors,
                                                                  second_page, live_server):
    sign_in(page, live_server, KRAKOW_ADMIN)
    assert path_of(page) == "/krakow/"
    submit(page, page.locator("header a[href='/admin/']"))
    assert path_of(page) == "/admin/"
    submit(page, page.locator("nav a.nav-link[href='/admin/modules/']"))
    assert path_of(page) == "/admin/modules/"

    module = page.locator("section#module-sample")
    expect(module.locator(".module-state")).to_have_class(r"badge badge-secondary module-state")
    submit(page, module.locator("form:has(input[name='enabled'][value='on']) button"))
    expect(module.locator(".module-state")).to_have_class(r"badge badge-success module-state")
    # Turning it on applied the module's default grant.
    expect(module.locator("select[name='access-sample_worker']")).to_have_value("write")

    module.locator("select[name='access-caseworker']").select_option("read")
    submit(page, module.locator("form:has(select[name='access-caseworker']) button"))
    expect(module.locator("select[name='access-caseworker']")).to_have_value("read")
    assert_no_csp_violations(console_errors)

    advisor = second_page
    sign_in(advisor, live_server, KRAKOW_ADVISOR)
    assert path_of(advisor) == "/krakow/"
    menu_entry = advisor.locator("nav.menu a[href='/krakow/sample/']")
    expect(menu_entry).to_be_visible()
    submit(advisor, menu_entry)
    assert path_of(advisor) == "/krakow/sample/"
    expect(advisor.locator("#access")).to_have_text("read")


def test_row_delete_asks_first_and_bulk_actions_work_under_the_csp(page, console_errors,
                                                                   live_server):
    sign_in(page, live_server, KRAKOW_ADMIN)
    page.goto(f"{live_server.url}/admin/institutions/new/")
    for name in ("Fundacja do usunięcia 1", "Fundacja do usunięcia 2"):
        page.locator("input[name='name']").fill(name)
        submit(page, page.locator("input[name='_add_another']"))
    page.goto(f"{live_server.url}/admin/institutions/?search=usunięcia")
    rows = page.locator("table.model-list tbody tr")
    expect(rows).to_have_count(2)

    answers = iter([False, True])
    page.on("dialog", lambda dialog: dialog.accept() if next(answers) else dialog.dismiss())

    # The row delete button asks first; "cancel" keeps the record.
    rows.first.locator("button[data-mosty-confirm]").click()
    page.wait_for_timeout(300)
    expect(rows).to_have_count(2)

    # The bulk action: pick both, "With selected" > "Delete", confirm.
    page.locator("input.action-rowtoggle").check()
    page.locator("li.dropdown:has([data-mosty-action]) > a.dropdown-toggle").click()
    submit(page, page.locator("[data-mosty-action='delete']"))
    page.goto(f"{live_server.url}/admin/institutions/?search=usunięcia")
    expect(page.locator("table.model-list tbody tr td.list-buttons-column")).to_have_count(0)
    assert_no_csp_violations(console_errors)
