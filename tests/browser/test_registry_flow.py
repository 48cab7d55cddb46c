"""A caseworker of the Kraków welfare centre registers a family and a participant in it,
records the person's consent naming the city labour office, refers them there, and the labour
office clerk finds the referral in the inbox (headless Chromium, the demo data loaded).

Elements are found by field names, links and the institutions' own names, so the test holds
in Polish and in English.
"""

import random
import re
from datetime import date
from urllib.parse import urlsplit

import pytest

from mosty.demo.registry import pesel_for
from mosty.testing.services import in_ci

try:
    from playwright.sync_api import expect
except ImportError as error:  # the browser fixture explains; CI must not skip silently
    if in_ci():
        raise
    pytest.skip(f"the python package 'playwright' is not installed ({error})",
                allow_module_level=True)

from .conftest import csp_violations, sign_in, sign_out

GUP = "Grodzki Urząd Pracy w Krakowie"
FIRST, LAST = "Jadwiga", "Przeglądarkowa"
BIRTH = date(1987, 5, 19)


def path_of(page):
    return urlsplit(page.url).path


def submit(page, form):
    with page.expect_navigation():
        form.locator("button[type='submit'].primary").click()


def test_caseworker_refers_a_new_family_member_and_the_labour_office_sees_it(
        page, console_errors, live_server):
    sign_in(page, live_server, "doradca@krakow.mosty.test")

    # A family first, then a person registered straight into it as the head.
    page.goto(f"{live_server.url}/krakow/families/new")
    form = page.locator("main form[method='post']")
    form.locator("input[name='name']").fill("Rodzina Przeglądarkowych")
    form.locator("input[name='teryt']").fill("1261011")
    form.locator("input[name='locality']").fill("Kraków")
    form.locator("select[name='area']").select_option("urban")
    submit(page, form)
    assert re.fullmatch(r"/krakow/families/\d+/", path_of(page))
    family_path = path_of(page)

    register = page.locator("main form[action$='/participants/new']")
    register.locator("select[name='relation']").select_option("head")
    with page.expect_navigation():
        register.locator("button[type='submit']").click()
    form = page.locator("main form.participant-form")
    form.locator("input[name='first_name']").fill(FIRST)
    form.locator("input[name='last_name']").fill(LAST)
    form.locator("select[name='sex']").select_option("female")
    form.locator("input[name='birth_date']").fill(BIRTH.isoformat())
    form.locator("input[name='pesel']").fill(pesel_for(BIRTH, "female", random.Random(7), set()))
    form.locator("input[name='phone']").fill("+48 601 234 567")
    form.locator("input[name='registered_teryt']").fill("1261011")
    form.locator("input[name='registered_locality']").fill("Kraków")
    form.locator("select[name='education']").select_option("secondary")
    form.locator("select[name='labour_status']").select_option("registered_unemployed")
    form.locator("input[name='unemployed_since']").fill("2025-09-01")
    submit(page, form)
    assert path_of(page) == family_path
    member = page.locator("#members a", has_text=f"{FIRST} {LAST}")
    expect(member).to_be_visible()

    # The consent names the city labour office, for support and for referrals.
    with page.expect_navigation():
        member.click()
    participant_path = path_of(page)
    assert re.fullmatch(r"/krakow/participants/\d+/", participant_path)
    with page.expect_navigation():
        page.locator("main a[href*='/consents/new?participant=']").click()
    form = page.locator("main form[method='post']")
    form.locator("input[name='purposes'][value='support']").check()
    form.locator("input[name='purposes'][value='referral']").check()
    form.get_by_label(GUP, exact=True).check()
    submit(page, form)
    assert path_of(page) == participant_path
    expect(page.locator(".flash-success")).to_be_visible()

    # The referral to the labour office.
    with page.expect_navigation():
        page.locator("main a[href*='/referrals/new?participant=']").click()
    form = page.locator("main form[method='post']")
    form.locator("select[name='to_institution']").select_option(label=GUP)
    form.locator("textarea[name='reason']").fill(
        "Szuka pracy w niepełnym wymiarze godzin, pogodzonej z opieką nad matką.")
    form.locator("input[name='shared_fields'][value='contact']").check()
    form.locator("input[name='shared_fields'][value='labour_status']").check()
    submit(page, form)
    referral_path = path_of(page)
    assert re.fullmatch(r"/krakow/referrals/\d+/", referral_path), page.url
    sign_out(page)

    # The labour office clerk finds it among the received referrals and opens it.
    sign_in(page, live_server, "urzad@krakow.mosty.test")
    page.goto(f"{live_server.url}/krakow/referrals/")
    received = page.locator(f"main table a[href='{referral_path}']")
    expect(received).to_have_text(f"{FIRST} {LAST}")
    row = page.locator("main table tr").filter(has=page.locator(f"a[href='{referral_path}']"))
    expect(row).to_contain_text(
        "Miejski Ośrodek Pomocy Społecznej w Krakowie")
    with page.expect_navigation():
        received.click()
    expect(page.locator("main")).to_contain_text("Szuka pracy w niepełnym wymiarze godzin")

    violations = csp_violations(console_errors)
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
