"""Outcomes of participants and the follow-ups 3 and 6 months after a programme path ends:
recorded, listed when due for the institution, shown on the participant page."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask import g, render_template
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.enrollment.models import Enrollment
from mosty.extensions import db
from mosty.outcomes import sections
from mosty.outcomes.models import FOLLOW_UP_STATUSES, OUTCOME_KINDS, FollowUp, Outcome
from mosty.outcomes.service import (
    FOLLOW_UP_STATUS_LABELS,
    OUTCOME_KIND_LABELS,
    add_months,
    due_months,
)
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login as sign_in
from mosty.testing.plugin import build_two_partnerships

MARKUP = "<i>Firma</i>"
TODAY = dates.today()


def login(client, user):
    """Signed in, reading English (the messages asserted here are the English msgids)."""
    sign_in(client, user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def audit_log(app):
    with app.app_context(), system_scope("test: reading the audit log"):
        return [SimpleNamespace(action=e.action, object_type=e.object_type,
                                object_id=e.object_id, detail=e.detail)
                for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def count(app, model):
    with app.app_context(), system_scope("test: counting rows"):
        return db.session.scalar(select(func.count()).select_from(model))


def ended_path(factory, participant, institution, ended_on, status="completed", family=None):
    """A programme path that ended on ``ended_on`` (``None``: still active)."""
    with factory._in(institution.partnership_id):
        enrollment = Enrollment(
            participant_id=None if family else participant.id,
            family_id=family.id if family else None, institution_id=institution.id,
            status=status if ended_on else "active",
            recruited_on=(ended_on or TODAY) - timedelta(days=120),
            ended_on=ended_on, exit_reason="found_work" if status == "exited" else None)
        db.session.add(enrollment)
        db.session.commit()
        return SimpleNamespace(id=enrollment.id)


def follow_up(factory, partnership_id, enrollment, months, status="employed"):
    with factory._in(partnership_id):
        db.session.add(FollowUp(enrollment_id=enrollment.id, months=months, status=status,
                                checked_on=TODAY))
        db.session.commit()


@pytest.fixture
def world(two_partnerships):
    w = two_partnerships
    w.slug = w.a.partnership.slug
    w.participant = w.factory.participant(w.a.other, first_name="Maria", last_name="Nowak")
    return w


# --- vocabularies and dates ---------------------------------------------------------------------


def test_outcome_kinds_and_follow_up_statuses_have_translatable_labels():
    assert set(OUTCOME_KIND_LABELS) == set(OUTCOME_KINDS)
    assert set(FOLLOW_UP_STATUS_LABELS) == set(FOLLOW_UP_STATUSES)


def test_months_are_added_as_calendar_months_clamped_to_short_months():
    assert add_months(date(2025, 1, 15), 3) == date(2025, 4, 15)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2025, 5, 31), -3) == date(2025, 2, 28)


def test_follow_ups_fall_due_at_3_and_6_months_after_the_end():
    ended = SimpleNamespace(status="completed", ended_on=date(2025, 1, 10))
    assert due_months(ended, {}, today=date(2025, 4, 9)) == []
    assert due_months(ended, {}, today=date(2025, 4, 10)) == [3]
    assert due_months(ended, {}, today=date(2025, 7, 10)) == [3, 6]
    assert due_months(ended, {3: object()}, today=date(2025, 7, 10)) == [6]
    active = SimpleNamespace(status="active", ended_on=None)
    assert due_months(active, {}, today=date(2030, 1, 1)) == []


# --- outcomes -------------------------------------------------------------------------------------


OUTCOME_FORM = {"kind": "job_started", "occurred_on": TODAY.isoformat(),
                "employer": "Adecco Poland", "contract_type": "fixed_term",
                "hours_per_week": "30", "note": "Praca na pół etatu z elastycznymi godzinami"}


def test_caseworker_records_a_job_started_with_one_audit_entry(app, client, world):
    login(client, world.a.caseworker)
    url = f"/{world.slug}/outcomes/new?participant={world.participant.id}"
    before = len(audit_log(app))
    response = client.post(url, data=OUTCOME_FORM)
    assert response.status_code == 302
    with app.app_context(), partnership_scope(world.a.partnership.id):
        outcome = db.session.scalar(select(Outcome))
        assert (outcome.participant_id, outcome.institution_id, outcome.kind,
                outcome.occurred_on, outcome.employer, outcome.contract_type,
                outcome.hours_per_week) == (world.participant.id, world.a.other.id,
                                            "job_started", TODAY, "Adecco Poland",
                                            "fixed_term", 30)
    [entry] = audit_log(app)[before:]
    assert (entry.action, entry.object_type, entry.detail["participant_id"]) == (
        "create", "Outcome", world.participant.id)
    assert "Adecco" not in str(entry.detail)


def test_a_training_completed_needs_no_employer(app, client, world):
    login(client, world.a.caseworker)
    response = client.post(f"/{world.slug}/outcomes/new?participant={world.participant.id}",
                           data={"kind": "training_completed",
                                 "occurred_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert count(app, Outcome) == 1


def test_opening_the_outcome_form_reads_the_participant_once(app, client, world):
    login(client, world.a.caseworker)
    before = len(audit_log(app))
    body = client.get(f"/{world.slug}/outcomes/new?participant={world.participant.id}"
                      ).get_data(as_text=True)
    assert "Maria Nowak" in body and "registration as unemployed ended" in body
    assert [(e.action, e.object_type) for e in audit_log(app)[before:]] == [
        ("read", "Participant")]


HOURS_MESSAGE = "Give the hours per week as a whole number from 1 to 80."


@pytest.mark.parametrize("changes, message", [
    ({"kind": ""}, "Choose the outcome."),
    ({"kind": "nonsense"}, "Not a valid choice."),
    ({"occurred_on": ""}, "Give a date."),
    ({"occurred_on": "abc"}, "Enter a valid date as YYYY-MM-DD."),
    ({"occurred_on": "2025-02-30"}, "Enter a valid date as YYYY-MM-DD."),
    ({"occurred_on": "1899-12-31"}, "Give a date after 1 January 2000."),
    ({"occurred_on": (TODAY + timedelta(days=400)).isoformat()},
     "The date cannot be in the future."),
    ({"occurred_on": (TODAY + timedelta(days=1)).isoformat()},
     "The date cannot be in the future."),
    ({"employer": ""}, "Name the employer of the job."),
    ({"employer": "x" * 10_000}, "Field cannot be longer than 200 characters."),
    ({"contract_type": "nonsense"}, "Not a valid choice."),
    ({"hours_per_week": "abc"}, HOURS_MESSAGE),
    ({"hours_per_week": "-3"}, HOURS_MESSAGE),
    ({"hours_per_week": "0"}, HOURS_MESSAGE),
    ({"hours_per_week": "81"}, HOURS_MESSAGE),
    ({"hours_per_week": "1.5"}, HOURS_MESSAGE),
    ({"note": "x" * 10_000}, "Field cannot be longer than 2000 characters."),
])
def test_bad_outcome_input_gets_a_clear_message_and_saves_nothing(app, client, world, changes,
                                                                  message):
    login(client, world.a.caseworker)
    before = len(audit_log(app))
    response = client.post(f"/{world.slug}/outcomes/new?participant={world.participant.id}",
                           data={**OUTCOME_FORM, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, Outcome) == 0
    assert [e.action for e in audit_log(app)[before:]] == ["read"]


def test_outcomes_of_people_my_institution_may_not_see_are_404(app, client, world):
    stranger = world.factory.participant(world.a.leader)
    foreign = world.factory.participant(world.b.other)
    login(client, world.a.caseworker)
    for person in (stranger, foreign):
        url = f"/{world.slug}/outcomes/new?participant={person.id}"
        assert client.get(url).status_code == 404
        assert client.post(url, data=OUTCOME_FORM).status_code == 404
    for query in ("", "?participant=abc", "?participant=99999999"):
        assert client.get(f"/{world.slug}/outcomes/new{query}").status_code == 404
    assert count(app, Outcome) == 0


def test_people_without_the_caseworker_role_record_no_outcomes(app, client, world):
    login(client, world.a.admin)
    url = f"/{world.slug}/outcomes/new?participant={world.participant.id}"
    assert client.post(url, data=OUTCOME_FORM).status_code == 404
    assert client.get(f"/{world.slug}/outcomes/follow-ups/").status_code == 404


# --- follow-ups due -----------------------------------------------------------------------------


def test_due_follow_ups_list_paths_ended_3_or_6_months_ago_without_that_follow_up(
        app, client, world):
    f = world.factory
    three = f.participant(world.a.other, last_name="Trzymiesięczna")
    six = f.participant(world.a.other, last_name="Półroczna")
    done = f.participant(world.a.other, last_name="Sprawdzona")
    recent = f.participant(world.a.other, last_name="Świeża")
    active = f.participant(world.a.other, last_name="Aktywna")
    ended_path(f, three, world.a.other, add_months(TODAY, -4))
    six_path = ended_path(f, six, world.a.other, add_months(TODAY, -7), status="exited")
    follow_up(f, world.a.partnership.id, six_path, 3)
    done_path = ended_path(f, done, world.a.other, add_months(TODAY, -8))
    follow_up(f, world.a.partnership.id, done_path, 3)
    follow_up(f, world.a.partnership.id, done_path, 6)
    ended_path(f, recent, world.a.other, add_months(TODAY, -1))
    ended_path(f, active, world.a.other, None)
    login(client, world.a.caseworker)
    body = client.get(f"/{world.slug}/outcomes/follow-ups/").get_data(as_text=True)
    assert "Trzymiesięczna" in body and "Półroczna" in body
    for absent in ("Sprawdzona", "Świeża", "Aktywna"):
        assert absent not in body
    assert "1–2 of 2" in body
    assert f"enrollment={six_path.id}&amp;months=6" in body
    assert f"enrollment={six_path.id}&amp;months=3" not in body


def test_due_follow_ups_are_those_of_my_institution_only(app, client, world):
    f = world.factory
    theirs = f.participant(world.a.leader, last_name="Lidera")
    f.consent(theirs, [world.a.other])
    ended_path(f, theirs, world.a.leader, add_months(TODAY, -4))
    foreign = f.participant(world.b.other, last_name="Obca")
    ended_path(f, foreign, world.b.other, add_months(TODAY, -4))
    login(client, world.a.caseworker)
    body = client.get(f"/{world.slug}/outcomes/follow-ups/").get_data(as_text=True)
    assert "Lidera" not in body and "Obca" not in body
    assert "No follow-up is due." in body


def test_due_follow_ups_leave_out_people_no_longer_shared_with_us(app, client, world):
    f = world.factory
    shared = f.participant(world.a.leader, last_name="Wycofana")
    f.consent(shared, [world.a.other], withdrawn_on=TODAY)
    ended_path(f, shared, world.a.other, add_months(TODAY, -4))
    login(client, world.a.caseworker)
    body = client.get(f"/{world.slug}/outcomes/follow-ups/").get_data(as_text=True)
    assert "Wycofana" not in body


def test_family_paths_are_followed_up_too(app, client, world):
    family = world.factory.family(world.a.other, members=[(world.participant, "head")],
                                  name="Rodzina Nowaków")
    ended_path(world.factory, None, world.a.other, add_months(TODAY, -3), family=family)
    login(client, world.a.caseworker)
    body = client.get(f"/{world.slug}/outcomes/follow-ups/").get_data(as_text=True)
    assert "Family: Rodzina Nowaków" in body


def test_due_list_reads_once_with_the_ids_listed(app, client, world):
    path = ended_path(world.factory, world.participant, world.a.other, add_months(TODAY, -5))
    login(client, world.a.caseworker)
    before = len(audit_log(app))
    client.get(f"/{world.slug}/outcomes/follow-ups/")
    [entry] = audit_log(app)[before:]
    assert (entry.action, entry.object_type, entry.detail["ids"]) == (
        "read", "Enrollment", [path.id])


def test_due_list_is_paginated_and_sortable_by_name(make_app):
    app = make_app(MOSTY_PAGE_SIZE=2)
    world = build_two_partnerships(app)
    for months, name in ((4, "Cebula"), (5, "Adamska"), (6, "Bednarz")):
        person = world.factory.participant(world.a.other, last_name=name)
        ended_path(world.factory, person, world.a.other, add_months(TODAY, -months))
    client = login(app.test_client(), world.a.caseworker)
    slug = world.a.partnership.slug
    oldest_first = client.get(f"/{slug}/outcomes/follow-ups/").get_data(as_text=True)
    assert "1–2 of 3" in oldest_first
    assert oldest_first.index("Bednarz") < oldest_first.index("Adamska")
    assert "Cebula" not in oldest_first
    by_name = client.get(f"/{slug}/outcomes/follow-ups/?sort=name&page=2").get_data(
        as_text=True)
    assert "3–3 of 3" in by_name and "Cebula" in by_name
    assert client.get(f"/{slug}/outcomes/follow-ups/?page=x").status_code == 404


# --- recording a follow-up ----------------------------------------------------------------------


@pytest.fixture
def ended(world):
    world.path = ended_path(world.factory, world.participant, world.a.other,
                            add_months(TODAY, -7))
    world.url = f"/{world.slug}/outcomes/follow-ups/new?enrollment={world.path.id}&months=3"
    return world


FOLLOW_UP_FORM = {"months": "3", "status": "employed", "checked_on": TODAY.isoformat(),
                  "note": "Nadal pracuje"}


def test_recording_a_follow_up_takes_it_off_the_due_list(app, client, ended):
    login(client, ended.a.caseworker)
    form = client.get(ended.url).get_data(as_text=True)
    assert '<option selected value="3">' in form
    before = len(audit_log(app))
    response = client.post(ended.url, data=FOLLOW_UP_FORM)
    assert response.status_code == 302
    with app.app_context(), partnership_scope(ended.a.partnership.id):
        saved = db.session.scalar(select(FollowUp))
        assert (saved.enrollment_id, saved.months, saved.status, saved.checked_on,
                saved.note) == (ended.path.id, 3, "employed", TODAY, "Nadal pracuje")
    [entry] = audit_log(app)[before:]
    assert (entry.action, entry.object_type, entry.detail["months"]) == (
        "create", "FollowUp", 3)
    body = client.get(f"/{ended.slug}/outcomes/follow-ups/").get_data(as_text=True)
    assert f"enrollment={ended.path.id}&amp;months=3" not in body
    assert f"enrollment={ended.path.id}&amp;months=6" in body


def test_opening_the_follow_up_form_reads_the_path_once(app, client, ended):
    login(client, ended.a.caseworker)
    before = len(audit_log(app))
    assert client.get(ended.url).status_code == 200
    assert [(e.action, e.object_type) for e in audit_log(app)[before:]] == [
        ("read", "Enrollment")]


def test_the_same_follow_up_is_not_recorded_twice(app, client, ended):
    follow_up(ended.factory, ended.a.partnership.id, ended.path, 3)
    login(client, ended.a.caseworker)
    response = client.post(ended.url, data=FOLLOW_UP_FORM)
    assert response.status_code == 422
    assert "The follow-up after 3 months is already recorded." in response.get_data(
        as_text=True)
    assert count(app, FollowUp) == 1


def test_a_path_that_has_not_ended_gets_no_follow_up(app, client, world):
    path = ended_path(world.factory, world.participant, world.a.other, None)
    login(client, world.a.caseworker)
    response = client.post(f"/{world.slug}/outcomes/follow-ups/new?enrollment={path.id}",
                           data=FOLLOW_UP_FORM)
    assert response.status_code == 422
    assert "Follow-ups are recorded after the programme path has ended." in response.get_data(
        as_text=True)
    assert count(app, FollowUp) == 0


@pytest.mark.parametrize("changes, message", [
    ({"months": "5"}, "Not a valid choice."),
    ({"months": "abc"}, "Invalid Choice: could not coerce."),
    ({"months": ""}, "Choose 3 or 6 months."),
    ({"status": ""}, "Choose the situation found."),
    ({"status": "nonsense"}, "Not a valid choice."),
    ({"checked_on": ""}, "Give a date."),
    ({"checked_on": "31.02.2025"}, "Enter a valid date as YYYY-MM-DD."),
    ({"checked_on": "x" * 10_000}, "Enter a valid date as YYYY-MM-DD."),
    ({"checked_on": (TODAY + timedelta(days=1)).isoformat()},
     "The date cannot be in the future."),
    ({"checked_on": add_months(TODAY, -8).isoformat()},
     "The check cannot be before the end of the programme path."),
    ({"note": "x" * 10_000}, "Field cannot be longer than 2000 characters."),
])
def test_bad_follow_up_input_gets_a_clear_message_and_saves_nothing(app, client, ended, changes,
                                                                   message):
    login(client, ended.a.caseworker)
    before = len(audit_log(app))
    response = client.post(ended.url, data={**FOLLOW_UP_FORM, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, FollowUp) == 0
    assert [e.action for e in audit_log(app)[before:]] == ["read"]


def test_follow_ups_of_paths_of_another_institution_or_partnership_are_404(app, client, world):
    f = world.factory
    shared = f.participant(world.a.leader)
    f.consent(shared, [world.a.other])
    theirs = ended_path(f, shared, world.a.leader, add_months(TODAY, -7))
    foreign = ended_path(f, f.participant(world.b.other), world.b.other, add_months(TODAY, -7))
    login(client, world.a.caseworker)
    for path in (theirs, foreign):
        url = f"/{world.slug}/outcomes/follow-ups/new?enrollment={path.id}&months=3"
        assert client.get(url).status_code == 404
        assert client.post(url, data=FOLLOW_UP_FORM).status_code == 404
    for query in ("", "?enrollment=abc", "?enrollment=99999999"):
        assert client.get(f"/{world.slug}/outcomes/follow-ups/new{query}").status_code == 404
    assert count(app, FollowUp) == 0


# --- the participant page ---------------------------------------------------------------------


def render_outcomes(app, world, institution):
    with app.test_request_context(), partnership_scope(world.a.partnership.id):
        g.partnership = SimpleNamespace(slug=world.slug, default_locale="en")
        subject = db.session.get(Participant, world.participant.id)
        panel = sections.outcomes_section(subject, institution.id)
        return (panel, render_template(panel.template, **panel.context),
                sections.outcome_events(subject, institution.id))


def test_section_lists_outcomes_and_follow_ups_with_timeline_entries(app, client, ended):
    login(client, ended.a.caseworker)
    client.post(f"/{ended.slug}/outcomes/new?participant={ended.participant.id}",
                data={**OUTCOME_FORM, "employer": MARKUP})
    client.post(ended.url, data=FOLLOW_UP_FORM)
    panel, html, timeline = render_outcomes(app, ended, ended.a.other)
    assert str(panel.title) == "Outcomes and follow-ups"
    assert "job started" in html and "fixed-term contract" in html and ">30<" in html
    assert "&lt;i&gt;Firma&lt;/i&gt;" in html and MARKUP not in html
    assert "OPS a" in html
    assert "after 3 months – employed" in html
    assert f"enrollment={ended.path.id}&amp;months=6" in html
    assert f"/outcomes/new?participant={ended.participant.id}" in html
    assert sorted(str(e.title) for e in timeline) == [
        "Follow-up after 3 months", "Outcome: job started"]


def test_section_offers_no_follow_up_link_for_a_path_run_by_another_institution(app, ended):
    ended.factory.consent(ended.participant, [ended.a.leader])
    _panel, html, _timeline = render_outcomes(app, ended, ended.a.leader)
    assert "follow-ups/new" not in html
    assert "due" in html


def test_the_participant_page_lists_outcomes(app, client, world):
    login(client, world.a.caseworker)
    response = client.post(f"/{world.slug}/outcomes/new?participant={world.participant.id}",
                           data=OUTCOME_FORM)
    page_url = f"/{world.slug}/participants/{world.participant.id}/"
    assert response.location.endswith(page_url)
    page = client.get(page_url).get_data(as_text=True)
    assert "Outcomes and follow-ups" in page and "Adecco Poland" in page
    assert "Outcome: job started" in page
