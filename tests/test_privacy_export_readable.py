"""The access export reads as a letter to the person, in their language, also where modules
add to it (QA: the animator's and the labour office's sections showed "put_forward",
"record: goal", "status: not_hired" and "2026-03-01" on a Polish page). Modules hand over
translated labels, codes in words and dates as dates; the export formats them, and its JSON
gives every moment with its offset."""

import html as html_lib
import json
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from mosty.auth.models import User
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.partnerships.models import Partnership
from mosty.plugins.manager import get_plugin_manager
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login
from mosty_animator import labels as animator_labels
from mosty_animator.models import Action, Agreement, Barrier, Goal, Plan
from mosty_labour.activation import labels as activation_labels
from mosty_labour.activation.models import Attendance, InstrumentEnrolment
from mosty_labour.offers import service as offers_service
from mosty_labour.offers.models import Candidate, Skill
from mosty_labour.registration import labels as registration_labels
from mosty_labour.registration.models import LabourRegistration, RegistrationPeriod
from test_demo import loaded_demo

SLUG = "pomorze"
# The keys the modules used to hand over as labels.
RAW_KEYS = {"record", "text", "progress", "what", "due_on", "status", "institution",
            "commitment", "concluded_on", "signed_on", "kind", "note", "recorded_on", "skill",
            "recorded", "offer", "put_forward", "reasons", "start_date", "not_hired_reason"}
CODE_DICTS = (animator_labels.ACTION_STATUSES, animator_labels.BARRIERS,
              offers_service.CANDIDATE_STATUS_LABELS, activation_labels.ENROLMENT_STATUS_LABELS,
              activation_labels.KIND_LABELS, registration_labels.PERIOD_STATUS_LABELS,
              registration_labels.DEREGISTRATION_REASON_LABELS)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
SECTION = re.compile(r'<section class="export-section">\s*<h2>(.*?)</h2>(.*?)</section>', re.S)
FACT = re.compile(r'<dt>(.*?)</dt><dd class="prewrap">(.*?)</dd>', re.S)


@pytest.fixture(scope="module")
def demo(sqlite_template, tmp_path_factory):
    with loaded_demo(sqlite_template, tmp_path_factory, "export-readable",
                     with_modules=True) as app:
        yield app


def partnership_id(app):
    with app.app_context(), system_scope("test: the demo partnership"):
        return db.session.scalar(select(Partnership.id).where(Partnership.slug == SLUG))


def first(query):
    found = db.session.scalars(query.order_by(Participant.id).limit(1)).first()
    assert found is not None, str(query)
    return found


def people_with_module_data(app):
    """A person for each kind of record the modules export: one with the animator's goals,
    actions, agreements, barriers and a signed plan; candidates hired and not hired, with
    skills; a closed registration period; an enrolment with attendance."""
    pid = partnership_id(app)
    with app.app_context(), partnership_scope(pid):
        person = select(Participant.id)
        animated = first(person.where(
            Participant.id.in_(select(Goal.participant_id)),
            Participant.id.in_(select(Action.who_participant_id)),
            Participant.id.in_(select(Agreement.participant_id)),
            Participant.id.in_(select(Barrier.participant_id)),
            Participant.id.in_(select(Plan.family_signed_by_id))))
        candidates = [first(person.where(
            Participant.id.in_(select(Candidate.participant_id).where(Candidate.status == s)),
            Participant.id.in_(select(Skill.participant_id)))) for s in ("hired", "not_hired")]
        registered = first(person.join(LabourRegistration,
                                       LabourRegistration.participant_id == Participant.id)
                           .join(RegistrationPeriod)
                           .where(RegistrationPeriod.deregistered_on.is_not(None)))
        enrolment = db.session.scalars(select(InstrumentEnrolment).order_by(
            InstrumentEnrolment.id)).first()
        if not enrolment.attendance:  # the demo may keep no register: two days of one
            for offset, present in ((0, True), (1, False)):
                db.session.add(Attendance(partnership_id=pid, enrolment_id=enrolment.id,
                                          day=enrolment.enrolled_on + timedelta(days=offset),
                                          present=present))
            db.session.commit()
        return sorted({animated, *candidates, registered, enrolment.participant_id})


def module_titles(app, participant_id):
    """The titles of the sections the plugins add for the person, as a Polish page names
    them."""
    with (app.test_request_context(), force_locale("pl"),
          partnership_scope(partnership_id(app))):
        participant = db.session.get(Participant, participant_id)
        titles = set()
        for result in get_plugin_manager().hook.mosty_personal_data(participant=participant):
            for section in result if isinstance(result, list | tuple) else [result]:
                titles.add(str(section.title))
        return titles


def polish_code_words(app):
    """Codes whose Polish name is not the code itself (``transport`` is Polish too)."""
    with app.test_request_context(), force_locale("pl"):
        return {code for labels in CODE_DICTS for code, label in labels.items()
                if str(label) != code}


@pytest.fixture(scope="module")
def admin(demo):
    with demo.app_context():
        user = db.session.scalar(select(User).where(User.email == f"admin@{SLUG}.mosty.test"))
    client = login(demo.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    return client


def module_facts(page, titles):
    """(section title, label, value) of every fact in the plugins' sections of the page."""
    facts = []
    for title, body in SECTION.findall(page):
        title = html_lib.unescape(title).strip()
        if title in titles:
            facts += [(title, html_lib.unescape(dt).strip(), html_lib.unescape(dd).strip())
                      for dt, dd in FACT.findall(body)]
    return facts


def test_the_modules_sections_read_in_polish_with_named_codes_and_formatted_dates(demo, admin):
    people = people_with_module_data(demo)
    codes = polish_code_words(demo)
    shown, problems = [], []
    for participant_id in people:
        response = admin.get(f"/{SLUG}/privacy/participants/{participant_id}/export")
        assert response.status_code == 200, participant_id
        facts = module_facts(response.get_data(as_text=True), module_titles(demo, participant_id))
        assert facts, participant_id
        shown += facts
        for title, label, value in facts:
            if label in RAW_KEYS or IDENTIFIER.fullmatch(label):
                problems.append(("raw label", participant_id, title, label))
            if value in codes or IDENTIFIER.search(value):
                problems.append(("raw code", participant_id, title, label, value))
            if ISO_DATE.search(value):
                problems.append(("ISO date", participant_id, title, label, value))
    assert not problems, "\n".join(map(str, problems))
    titles = {title for title, _, _ in shown}
    assert {"Animator pracy: cele", "Animator pracy: działania planu",
            "Animator pracy: porozumienia z instytucjami", "Animator pracy: bariery",
            "Animator pracy: plany działania podpisane w imieniu rodziny"} <= titles
    labels = {label for _, label, _ in shown}
    assert {"Postęp (%)", "Czynność", "Termin", "Bariera", "Umiejętność", "Oferta pracy",
            "Zgłoszono", "Dlaczego zgłoszono tę osobę", "Data rozpoczęcia pracy"} <= labels
    values = {value for _, _, value in shown}
    assert {"zatrudniony", "niezatrudniony"} <= values, "candidate statuses named in Polish"
    attendance = [v for _, label, v in shown if label == "Obecność"]
    assert any(":" in v for v in attendance), attendance


def moments(document):
    """Every string of the JSON document that reads as a moment (date and time)."""
    if isinstance(document, dict):
        return [m for v in document.values() for m in moments(v)]
    if isinstance(document, list):
        return [m for v in document for m in moments(v)]
    return [document] if isinstance(document, str) and re.match(
        r"\d{4}-\d{2}-\d{2}T", document) else []


def test_the_json_export_gives_every_moment_in_utc_with_its_offset(demo, admin):
    # A candidate: skills and candidacies carry moments, which SQLite hands back naive.
    people = people_with_module_data(demo)
    found = []
    for participant_id in people:
        response = admin.get(f"/{SLUG}/privacy/participants/{participant_id}/export.json")
        assert response.status_code == 200
        document = json.loads(response.get_data(as_text=True))
        assert document["generated_at"].endswith("+00:00")
        found += moments(document)
    assert found
    assert [m for m in found if not m.endswith("+00:00")] == []
    # Dates stay dates (no time), in ISO form for a machine.
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in _strings(document))


def _strings(document):
    if isinstance(document, dict):
        return [s for v in document.values() for s in _strings(v)]
    if isinstance(document, list):
        return [s for v in document for s in _strings(v)]
    return [document] if isinstance(document, str) else []
