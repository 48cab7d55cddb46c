"""Browser tests: the real app served over HTTP, driven by Debian's headless Chromium.

The app runs as in production where it matters to a browser: CSRF protection on, TESTING off,
security headers (CSP) as served, the demo data loaded. Playwright drives the system Chromium
(``/usr/bin/chromium``); Playwright's own browser downloads are not used. Without that binary
the tests skip with the reason, except in CI, where they fail.
"""

import re
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from mosty import create_app
from mosty.demo import load_demo
from mosty.extensions import db
from mosty.plugins import demo_loaders
from mosty.testing.plugin import BASE_CONFIG
from mosty.testing.services import in_ci

HERE = Path(__file__).resolve().parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1024, "height": 768}  # a tablet in the field
LOCALE = "pl-PL"
DEMO_PASSWORD = "browser-demo-2026"
ARTIFACTS_DIR = "test-artifacts"


# --- hooks -----------------------------------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    # A conftest's collection hook sees every item of the session: mark only our own.
    for item in items:
        if Path(item.path).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # item.rep_setup / item.rep_call / item.rep_teardown, read by the page fixture.
    setattr(item, "rep_" + report.when, report)
    return report


# --- the app, served -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live_server(sqlite_template, tmp_path_factory):
    """The app with the demo data, served on 127.0.0.1 in a background thread.

    Yields an object with ``url`` (no trailing slash), ``password`` (of every demo login)
    and ``app``.
    """
    path = tmp_path_factory.mktemp("live") / "mosty.sqlite"
    shutil.copyfile(sqlite_template, path)
    app = create_app({
        **BASE_CONFIG,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "MOSTY_MIGRATION_DATABASE_URL": f"sqlite:///{path}",
        "WTF_CSRF_ENABLED": True,
        "TESTING": False,
    })
    with app.app_context():
        load_demo(password=DEMO_PASSWORD, extra_loaders=demo_loaders(app))

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="mosty-live-server", daemon=True)
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


# --- the browser -----------------------------------------------------------------------------

def _unavailable(reason):
    if in_ci():
        pytest.fail(f"{reason}; CI requires the browser tests to run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium under Playwright (never a Playwright-downloaded browser)."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (install it: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"the python package 'playwright' is not installed ({error})")

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as error:  # noqa: BLE001 - any launch failure means no browser tests
        playwright.stop()
        _unavailable(f"{CHROMIUM} could not be started ({type(error).__name__}: {error})")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


def _artifact_name(nodeid):
    return re.sub(r"[^\w.-]+", "_", nodeid.split("::", 1)[-1]).strip("_") or "test"


@pytest.fixture
def page(browser, request):
    """A fresh browser context (tablet viewport, Polish locale) and page for one test.

    When the test fails, a screenshot is saved to ``test-artifacts/<test name>.png``.
    """
    context = browser.new_context(viewport=VIEWPORT, locale=LOCALE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        failed = any(
            getattr(request.node, f"rep_{when}", None) is not None
            and getattr(request.node, f"rep_{when}").failed
            for when in ("setup", "call")
        )
        if failed:
            directory = request.config.rootpath / ARTIFACTS_DIR
            directory.mkdir(parents=True, exist_ok=True)
            target = directory / f"{_artifact_name(request.node.nodeid)}.png"
            try:
                page.screenshot(path=str(target), full_page=True)
            except Exception as error:  # noqa: BLE001 - a lost screenshot must not hide the failure
                print(f"could not save a screenshot to {target}: {error}")
            else:
                print(f"screenshot of the failure: {target}")
        context.close()


@pytest.fixture
def console_errors(page):
    """Texts of the console messages of type ``error`` the page logs during the test.

    Chromium reports Content-Security-Policy violations here ("... violates the following
    Content Security Policy directive ...").
    """
    messages = []
    page.on("console", lambda msg: messages.append(msg.text) if msg.type == "error" else None)
    return messages


def csp_violations(messages):
    return [m for m in messages if "content security policy" in m.lower()]


# --- helpers ---------------------------------------------------------------------------------

def sign_in(page, live_server, email, password=None):
    """Open /login, fill in the form and submit it; returns after the answer has loaded."""
    page.goto(f"{live_server.url}/login")
    form = page.locator("form:has(input[name='password'])")
    form.locator("input[name='email']").fill(email)
    form.locator("input[name='password']").fill(
        live_server.password if password is None else password
    )
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    return page


def sign_out(page):
    """Press the sign-out button in the top bar; returns after the answer has loaded."""
    with page.expect_navigation():
        page.locator("header form[action$='/logout'] button[type='submit']").click()
    return page
