"""A person with no education or labour-market status (imported from a file without them) reads
"not given" everywhere a person reads the record: the participant page, the list, the family
page and the access export (mosty.participants.labels.education_label / labour_status_label). The partners'
spreadsheet export keeps an empty cell, as for every other missing value there.

Also: the two "send again" pages share one form (macros.html resend_form); only the stale-token
page carries a fresh token."""

import json
import re
from types import SimpleNamespace

import pytest
from flask import render_template
from flask_babel import force_locale

from mosty.exchange.exports import dataset
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login

SLUG = "krakow-not-given"


def client_of(app, user, locale="pl"):
    client = login(app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = locale
    return client


@pytest.fixture
def world(app, factory):
    """Halina came from a file without education and status; Zofia's record has both."""
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków")
    w.worker = factory.staff(w.mops, name="Maria Pracownicza")
    w.halina = factory.participant(w.mops, first_name="Halina", last_name="Bez-Danych",
                                   education=None, labour_status=None)
    w.zofia = factory.participant(w.mops, first_name="Zofia", last_name="Z-Danymi",
                                  education="higher", labour_status="employed")
    return w


def _facts(page):
    """The page's "education and the labour market" facts, label by label."""
    block = re.search(r"<dt>Wykształcenie</dt>.*?</dl>", page, re.S).group(0)
    return dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd[^>]*>([^<]*)</dd>", block))


def test_the_participant_page_says_not_given(world):
    client = client_of(world.app, world.worker)
    response = client.get(f"/{SLUG}/participants/{world.halina.id}/")
    assert response.status_code == 200
    facts = _facts(response.get_data(as_text=True))
    assert facts["Wykształcenie"] == "nie podano"
    assert facts["Status na rynku pracy"] == "nie podano"


def test_the_participant_page_still_names_a_given_education_and_status(world):
    page = client_of(world.app, world.worker).get(
        f"/{SLUG}/participants/{world.zofia.id}/").get_data(as_text=True)
    facts = _facts(page)
    assert facts["Wykształcenie"] == "wyższe"
    assert facts["Status na rynku pracy"] == "zatrudniony"


def test_the_family_page_says_not_given(world, factory):
    family = factory.family(world.mops, [(world.halina, "head"), (world.zofia, "sibling")])
    response = client_of(world.app, world.worker).get(f"/{SLUG}/families/{family.id}/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = dict(re.findall(r"<tr>\s*<td><a [^>]*>([^<]+)</a></td>(.*?)</tr>", page, re.S))
    halina = next(row for name, row in rows.items() if "Halina" in name)
    zofia = next(row for name, row in rows.items() if "Zofia" in name)
    assert "<td>nie podano</td>" in halina
    assert "<td>zatrudniony</td>" in zofia


def test_the_list_says_not_given(world):
    response = client_of(world.app, world.worker).get(f"/{SLUG}/participants/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = {name: row for name, row in re.findall(
        r"<tr>\s*<td><a [^>]*>([^<]+)</a></td>(.*?)</tr>", page, re.S)}
    assert "<td>nie podano</td>" in rows["Bez-Danych Halina"]
    assert "<td>zatrudniony</td>" in rows["Z-Danymi Zofia"]
    assert ">None<" not in page


def test_the_printable_access_export_says_not_given(world):
    response = client_of(world.app, world.worker).get(
        f"/{SLUG}/privacy/participants/{world.halina.id}/export")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    record = re.search(r"<h2>Dane osobowe</h2>.*?</dl>", page, re.S).group(0)
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>([^<]*)</dd>", record))
    assert facts["Wykształcenie"] == "nie podano"
    assert facts["Status na rynku pracy"] == "nie podano"


def test_the_json_access_export_says_not_given(world):
    response = client_of(world.app, world.worker).get(
        f"/{SLUG}/privacy/participants/{world.halina.id}/export.json")
    assert response.status_code == 200
    document = json.loads(response.get_data(as_text=True))
    personal = next(s for s in document["sections"] if s["title"] == "Dane osobowe")["records"][0]
    assert personal["Wykształcenie"] == "nie podano"
    assert personal["Status na rynku pracy"] == "nie podano"


def test_the_partners_spreadsheet_keeps_an_empty_cell(world):
    """As for a missing PESEL: an empty cell a spreadsheet filters as blank, not a word in the
    language of whoever started the export."""
    with world.app.test_request_context("/"), force_locale("en"), \
            partnership_scope(world.p.id):
        _kind, headers, _query, row, _person = dataset("participants", world.mops.id)
        columns = [str(h) for h in headers]
        cells = dict(zip(columns, row(db.session.get(Participant, world.halina.id)), strict=True))
        assert cells["Education"] == "" and cells["Labour-market status"] == ""
        assert cells["PESEL"] == ""


# --- the "send again" form of the two pages for a form that could not be saved ------------------


def _hidden_fields(page):
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)


def _form(page):
    start = page.index('<form method="post" action="/somewhere?x=1">')
    return page[start:page.index("</form>", start)]


@pytest.mark.parametrize(("template", "has_token", "has_back_link"), [
    ("form_expired.html", True, True),
    ("session_ended.html", False, False),
])
def test_both_pages_offer_the_same_form_with_a_token_only_when_signed_in(
        app, template, has_token, has_back_link):
    with app.test_request_context("/"):
        form = _form(render_template(template, action="/somewhere?x=1",
                                     fields=[("first_name", "Halina"), ("note", '"<b>')]))
    fields = _hidden_fields(form)
    assert ("first_name", "Halina") in fields
    assert ("note", "&#34;&lt;b&gt;") in fields
    assert any(name == "csrf_token" for name, _ in fields) is has_token
    assert 'type="submit"' in form
    assert ("Back to the start page" in form or "Wróć" in form) is has_back_link
