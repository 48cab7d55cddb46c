"""The audit log page of both demo partnerships, in Polish, names every detail key and every
code it shows, and every object type (QA: "family", "case id:", "z: lead do: contacted",
"rodzaj: phone", "pola: lawful_basis, purposes" on a Polish page). Modules declare their
labels on their models (``__audit_detail_labels__``, ``__audit_value_labels__``,
``__audit_field_labels__``); this checks nothing the demo and the animator's pages write is
left raw."""

import html as html_lib
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from mosty.audit.labels import detail_key_label, detail_text, object_type_label
from mosty.audit.models import AuditEntry
from mosty.auth.models import User
from mosty.extensions import db
from mosty.partnerships.models import Partnership
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login
from mosty_animator.models import Case
from test_demo import loaded_demo

# Codes QA found on the page, and others the demo writes: never shown as such.
KNOWN_CODES = {"lead", "contacted", "visited", "enrolled", "planned", "in_progress", "done",
               "open", "answered", "phone", "home_visit", "school", "welfare_centre",
               "lawful_basis", "purposes", "given_on", "institutions", "lead_choice",
               "advisor", "dashboard", "diagnosis", "motivation", "family", "entry"}
# ("animator" is also the Polish word for the animator.)
# A code as modules write them: an identifier with an underscore (``in_progress``).
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
DETAIL = re.compile(r'<div><span class="muted">(.*?):</span> (.*?)</div>')


@pytest.fixture(scope="module")
def demo(sqlite_template, tmp_path_factory):
    with loaded_demo(sqlite_template, tmp_path_factory, "audit-labels", with_modules=True) as app:
        yield app


def client_for(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
    return login(app.test_client(), user)


def read_the_animators_pages(app):
    """The animator's, the peer advisor's and the operator's pages write the readings QA saw
    (``case_id``, ``family_ids``, ``part``, ``card``, ``purpose``...)."""
    with app.app_context(), system_scope("test: the demo's families"):
        pomorze = db.session.scalar(select(Partnership.id).where(Partnership.slug == "pomorze"))
    with app.app_context(), partnership_scope(pomorze):
        cases = db.session.scalars(select(Case)).all()
        advised = [c.family_id for c in cases if c.advisor_id is not None]
        families = [c.family_id for c in cases]
    animator = client_for(app, "animator@pomorze.mosty.test")
    for url in ("/pomorze/animator/", "/pomorze/animator/leads/new",
                "/pomorze/animator/dashboard", "/pomorze/animator/requests/"):
        assert animator.get(url).status_code == 200, url
    for family_id in families[:3] + advised[:1]:
        for page in ("", "/plan", "/plan/print", "/diagnosis", "/motivation",
                     "/agreements/new"):
            animator.get(f"/pomorze/animator/families/{family_id}{page}")
    advisor = client_for(app, "klub@pomorze.mosty.test")
    advisor.get("/pomorze/animator/advisor/")
    for family_id in advised[:1]:
        advisor.get(f"/pomorze/animator/advisor/families/{family_id}")
    # The demo records its consents without the log: an entry as consents.service writes it.
    with app.app_context(), partnership_scope(pomorze):
        db.session.add(AuditEntry(partnership_id=pomorze, action="create", object_type="Consent",
                                  object_id="1", detail={
                                      "participant_id": 1, "institution_ids": [1, 2],
                                      "fields": ["lawful_basis", "purposes", "given_on",
                                                 "institutions"]}))
        db.session.commit()


# An administration's answered items are named by the instrument's own question ids (its
# author's, in Polish, per installed version), not by codes of the platform or a module.
INSTRUMENT_ITEMS = {"odpowiedzi na pozycje"}


def raw_codes(pairs):
    """The shown keys and values that read as codes: an identifier, or one of the known."""
    found = set()
    for key, value in pairs:
        if key in INSTRUMENT_ITEMS:
            continue
        for text in [key, *value.split(", ")]:
            text = html_lib.unescape(text).strip()
            if IDENTIFIER.fullmatch(text) or text in KNOWN_CODES:
                found.add((key, value))
    return found


def test_every_detail_key_and_code_is_named_in_polish(demo):
    read_the_animators_pages(demo)
    with demo.app_context(), system_scope("test: every entry"):
        entries = db.session.execute(select(AuditEntry.object_type, AuditEntry.detail)).all()
    types = {object_type for object_type, _ in entries}
    assert {"animator_case", "animator_contact", "animator_action", "animator_info_request",
            "family", "Consent"} <= types
    shown, unnamed = set(), set()
    with demo.test_request_context(), force_locale("pl"):
        for object_type, detail in entries:
            for key, value in (detail or {}).items():
                label = detail_key_label(key, object_type)
                # A declared label is a translatable string; a plain one is the key as recorded.
                if isinstance(label, str):
                    unnamed.add((object_type, key))
                shown.add((str(label), detail_text(object_type, key, value)))
        named = {t: str(object_type_label(t)) for t in types}
    assert not unnamed, "\n".join(map(str, sorted(unnamed)))
    raw = raw_codes(shown)
    assert not raw, "\n".join(sorted(map(str, raw)))
    assert {t: n for t, n in named.items() if n == t or IDENTIFIER.fullmatch(n)} == {}
    assert named["family"] == "Rodzina"


@pytest.mark.parametrize("slug", ["pomorze", "krakow"])
def test_the_audit_pages_show_no_raw_codes(demo, slug):
    admin = client_for(demo, f"admin@{slug}.mosty.test")
    first = admin.get(f"/{slug}/audit/")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    options = dict(re.findall(r'<option value="([^"]+)">([^<]*)</option>',
                              page.split('name="object_type"')[1].split("</select>")[0]))
    assert options and all(label != value for value, label in options.items()), options
    pages = [page]
    for object_type in options:
        response = admin.get(f"/{slug}/audit/", query_string={"object_type": object_type})
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True))
    shown = {pair for html in pages for pair in DETAIL.findall(html)}
    assert shown
    raw = raw_codes(shown)
    assert not raw, "\n".join(sorted(map(str, raw)))
