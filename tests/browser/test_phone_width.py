"""Pages fit a phone held upright (360 px): wide tables scroll inside themselves, selects and
long values (an e-mail address) wrap or shrink, and the page never scrolls sideways. (QA: the
participant list was 761 px wide, a person's consents table pushed "Wycofaj" to x=772.)"""

from .conftest import sign_in, sign_out

NO_SIDEWAYS_SCROLL = ("() => document.documentElement.scrollWidth"
                      " <= document.documentElement.clientWidth")


def first_link(page, base, path, pattern):
    """The first link on ``path`` whose address matches the regular expression ``pattern``."""
    page.goto(base + path)
    return page.evaluate("""pattern => [...document.querySelectorAll('a[href]')]
        .map(a => a.getAttribute('href')).find(h => new RegExp(pattern).test(h))""", pattern)


def overflowing(page):
    """What sticks out of a 360 px page, for the failure message."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(
            e.getBoundingClientRect().right))""")


def assert_fit(page, base, paths):
    for path in paths:
        response = page.goto(path if path.startswith("http") else base + path)
        assert response.status == 200, path
        assert page.evaluate(NO_SIDEWAYS_SCROLL), (path, overflowing(page))


def test_the_registry_pages_fit_a_phone(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, "doradca@krakow.mosty.test")
    base = live_server.url
    person = first_link(page, base, "/krakow/participants/", r"/participants/\d+/$")
    family = first_link(page, base, "/krakow/families/", r"/families/\d+/?$")
    assert_fit(page, base, [
        "/krakow/", "/krakow/participants/", person, "/krakow/participants/new",
        "/krakow/families/", family, "/krakow/referrals/", "/krakow/services/", "/krakow/jobs/",
        "/krakow/instruments/"])
    sign_out(page)


def test_the_animator_family_page_fits_a_phone(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, "animator@pomorze.mosty.test")
    base = live_server.url
    family = first_link(page, base, "/pomorze/animator/", r"/animator/families/\d+")
    person = first_link(page, base, "/pomorze/participants/", r"/participants/\d+/$")
    assert_fit(page, base, [family, person, "/pomorze/families/"])
