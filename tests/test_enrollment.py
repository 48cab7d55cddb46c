"""The programme path of participants and families: recruitment with the eligibility verdict
recorded, each next step (assess, start, complete, exit) with its audit entry, refused steps
with a readable message, and the retention date."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask import g, render_template
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.enrollment import sections
from mosty.enrollment.models import Enrollment, TargetGroup
from mosty.enrollment.service import default_retention, ensure_default_target_groups
from mosty.extensions import db
from mosty.families.models import Family
from mosty.participants.models import CareRelation, Dependant, Participant
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login as sign_in

MARKUP = "<b>Ola</b>"
NOT_POSSIBLE = "This step is not possible from the current stage."


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


def count_enrollments(app):
    with app.app_context(), system_scope("test: counting rows"):
        return db.session.scalar(select(func.count()).select_from(Enrollment))


def load(app, partnership, model, object_id):
    """A detached copy of a row's column values."""
    with app.app_context(), partnership_scope(partnership.id):
        obj = db.session.get(model, object_id)
        return SimpleNamespace(**{c.key: getattr(obj, c.key) for c in model.__table__.columns})


def carer(factory, institution, **fields):
    person = factory.participant(institution, **fields)
    with factory._in(institution.partnership_id):
        dependant = Dependant(first_name="Staś", birth_year=dates.today().year - 2,
                              dependant_type="child_under_7")
        db.session.add(dependant)
        db.session.flush()
        db.session.add(CareRelation(carer_id=person.id, dependant_id=dependant.id,
                                    hours_per_week=40))
        db.session.commit()
    return person


def group_id(app, partnership, code):
    with app.app_context(), partnership_scope(partnership.id):
        return db.session.scalar(select(TargetGroup.id).where(TargetGroup.code == code))


@pytest.fixture
def world(app, two_partnerships):
    w = two_partnerships
    w.slug = w.a.partnership.slug
    with app.app_context():
        for side in (w.a, w.b):
            ensure_default_target_groups("krakow", side.partnership.id)
            ensure_default_target_groups("pomorze", side.partnership.id)
        db.session.commit()
    w.group_1 = group_id(app, w.a.partnership, "1")
    w.group_2 = group_id(app, w.a.partnership, "2")
    w.group_r = group_id(app, w.a.partnership, "R")
    w.carer = carer(w.factory, w.a.other, labour_status="inactive")
    return w


def recruit(client, world, participant=None, group=None):
    participant = participant or world.carer
    return client.post(f"/{world.slug}/enrollment/new?participant={participant.id}",
                       data={"target_group": str(group or world.group_1)})


def enrollment_of(app, world, participant=None):
    participant = participant or world.carer
    with app.app_context(), partnership_scope(world.a.partnership.id):
        enrollment_id = db.session.scalar(select(Enrollment.id).where(
            Enrollment.participant_id == participant.id).order_by(Enrollment.id.desc()))
    return load(app, world.a.partnership, Enrollment, enrollment_id)


def step(client, world, enrollment, name, **data):
    return client.post(f"/{world.slug}/enrollment/{enrollment.id}/{name}", data=data,
                       follow_redirects=True)


def recruited_and_moved(app, client, world, *steps):
    login(client, world.a.caseworker)
    recruit(client, world)
    enrollment = enrollment_of(app, world)
    for name in steps:
        step(client, world, enrollment, name)
    return enrollment_of(app, world)


# --- recruitment ----------------------------------------------------------------------------------


def test_recruiting_records_the_verdict_with_its_reasons_and_one_audit_entry(app, client, world):
    login(client, world.a.caseworker)
    before = len(audit_log(app))
    response = recruit(client, world)
    assert response.status_code == 302
    enrollment = enrollment_of(app, world)
    assert (enrollment.status, enrollment.target_group_id, enrollment.institution_id,
            enrollment.recruited_on) == ("recruited", world.group_1, world.a.other.id,
                                         dates.today())
    assert enrollment.eligibility["eligible"] is True
    assert "registered residence Kraków is in Kraków: eligible" in [
        r["text"] for r in enrollment.eligibility["reasons"]]
    entries = audit_log(app)[before:]
    assert [(e.action, e.object_type, e.object_id) for e in entries] == [
        ("create", "Enrollment", str(enrollment.id))]
    page = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "eligible. Confirm the eligibility to go on." in page


def test_recruiting_someone_who_does_not_fit_records_why(app, client, world):
    working = carer(world.factory, world.a.other, labour_status="employed")
    login(client, world.a.caseworker)
    response = recruit(client, world, participant=working)
    assert response.status_code == 302
    enrollment = enrollment_of(app, world, working)
    assert enrollment.status == "recruited"
    assert enrollment.eligibility["eligible"] is False
    page = client.get(f"/{world.slug}/enrollment/{enrollment.id}/").get_data(as_text=True)
    assert "Not eligible" in page
    assert "labour-market status employed does not fit this target group" in page


def test_the_recruitment_form_reads_the_participant_once(app, client, world):
    login(client, world.a.caseworker)
    before = len(audit_log(app))
    body = client.get(f"/{world.slug}/enrollment/new?participant={world.carer.id}").get_data(
        as_text=True)
    assert "1: Opiekunowie osób zależnych pozostający bez pracy" in body
    assert "R: Rodziny wiejskie" not in body
    assert [(e.action, e.object_type) for e in audit_log(app)[before:]] == [
        ("read", "Participant")]


def test_a_participant_already_on_a_path_is_not_recruited_twice(app, client, world):
    login(client, world.a.caseworker)
    recruit(client, world)
    response = recruit(client, world, group=world.group_2)
    assert response.status_code == 422
    assert "Already on a programme path: finish or exit it first." in response.get_data(
        as_text=True)
    assert count_enrollments(app) == 1


def test_a_participant_may_be_recruited_again_after_leaving(app, client, world):
    enrollment = recruited_and_moved(app, client, world)
    step(client, world, enrollment, "exit", reason="withdrew")
    assert recruit(client, world).status_code == 302
    assert count_enrollments(app) == 2


@pytest.mark.parametrize("target_group, message", [
    ("", "Choose a target group."),
    ("abc", "Invalid Choice: could not coerce."),
    ("99999999", "Not a valid choice."),
    ("x" * 10_000, "Invalid Choice: could not coerce."),
    ("family_group", "Not a valid choice."),
    ("foreign_group", "Not a valid choice."),
])
def test_bad_recruitment_input_gets_a_clear_message_and_saves_nothing(app, client, world,
                                                                      target_group, message):
    if target_group == "family_group":
        target_group = str(world.group_r)
    elif target_group == "foreign_group":
        target_group = str(group_id(app, world.b.partnership, "1"))
    login(client, world.a.caseworker)
    before = len(audit_log(app))
    response = client.post(f"/{world.slug}/enrollment/new?participant={world.carer.id}",
                           data={"target_group": target_group})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_enrollments(app) == 0
    assert [e.action for e in audit_log(app)[before:]] == ["read"]


@pytest.mark.parametrize("query", ["", "?participant=abc", "?participant=99999999",
                                   "?family=abc", "?participant=1&family=1"])
def test_recruitment_without_exactly_one_real_subject_is_404(app, client, world, query):
    login(client, world.a.caseworker)
    assert client.get(f"/{world.slug}/enrollment/new{query}").status_code == 404


def test_a_participant_my_institution_may_not_see_cannot_be_recruited(app, client, world):
    stranger = carer(world.factory, world.a.leader, labour_status="inactive")
    foreign = carer(world.factory, world.b.other, labour_status="inactive")
    login(client, world.a.caseworker)
    for person in (stranger, foreign):
        assert client.get(f"/{world.slug}/enrollment/new?participant={person.id}"
                          ).status_code == 404
        assert recruit(client, world, participant=person).status_code == 404
    assert count_enrollments(app) == 0


def test_people_without_the_caseworker_role_do_not_recruit(app, client, world):
    login(client, world.a.admin)
    assert recruit(client, world).status_code == 404
    assert count_enrollments(app) == 0


def test_a_rural_family_is_recruited_to_the_family_target_group(app, client, world):
    people = [(world.factory.participant(world.a.other, labour_status="registered_unemployed"),
               relation) for relation in ("head", "spouse")]
    family = world.factory.family(world.a.other, members=people, area="rural")
    login(client, world.a.caseworker)
    form = client.get(f"/{world.slug}/enrollment/new?family={family.id}").get_data(as_text=True)
    assert "R: Rodziny wiejskie" in form and "1: Opiekunowie" not in form
    response = client.post(f"/{world.slug}/enrollment/new?family={family.id}",
                           data={"target_group": str(world.group_r)})
    assert response.status_code == 302
    with app.app_context(), partnership_scope(world.a.partnership.id):
        enrollment = db.session.scalar(select(Enrollment).where(Enrollment.family_id == family.id))
        assert enrollment.participant_id is None
        assert enrollment.eligibility["eligible"] is True
        enrollment_id = enrollment.id
    response = client.post(f"/{world.slug}/enrollment/{enrollment_id}/assess",
                           follow_redirects=True)
    assert "Eligibility confirmed." in response.get_data(as_text=True)
    assert load(app, world.a.partnership, Enrollment, enrollment_id).status == "eligible"


def test_a_participant_target_group_is_refused_for_a_family(app, client, world):
    family = world.factory.family(world.a.other, members=[(world.carer, "head")])
    login(client, world.a.caseworker)
    response = client.post(f"/{world.slug}/enrollment/new?family={family.id}",
                           data={"target_group": str(world.group_1)})
    assert response.status_code == 422
    assert "Not a valid choice." in response.get_data(as_text=True)
    assert count_enrollments(app) == 0


# --- the next steps -----------------------------------------------------------------------------


def transitions_logged(app, before):
    return [(e.action, e.detail) for e in audit_log(app)[before:]]


def test_confirming_eligibility_moves_to_eligible_with_one_transition_entry(app, client, world):
    enrollment = recruited_and_moved(app, client, world)
    before = len(audit_log(app))
    response = step(client, world, enrollment, "assess")
    assert "Eligibility confirmed." in response.get_data(as_text=True)
    saved = load(app, world.a.partnership, Enrollment, enrollment.id)
    assert (saved.status, saved.eligible_on) == ("eligible", dates.today())
    assert transitions_logged(app, before)[0] == (
        "transition", {"from": "recruited", "to": "eligible", "eligible": True})
    # the page redirected to afterwards writes its own read entry
    assert len([a for a, _ in transitions_logged(app, before) if a == "transition"]) == 1


def test_checking_again_when_still_not_eligible_records_the_verdict_only(app, client, world):
    working = carer(world.factory, world.a.other, labour_status="employed")
    login(client, world.a.caseworker)
    recruit(client, world, participant=working)
    enrollment = enrollment_of(app, world, working)
    before = len(audit_log(app))
    response = client.post(f"/{world.slug}/enrollment/{enrollment.id}/assess")
    assert response.status_code == 302
    assert load(app, world.a.partnership, Enrollment, enrollment.id).status == "recruited"
    assert [(e.action, e.detail) for e in audit_log(app)[before:]] == [
        ("update", {"fields": ["eligibility"], "eligible": False})]
    assert "Not eligible: see the reasons." in client.get(response.location).get_data(
        as_text=True)


def test_starting_the_programme_from_eligible(app, client, world):
    enrollment = recruited_and_moved(app, client, world, "assess")
    before = len(audit_log(app))
    response = client.post(f"/{world.slug}/enrollment/{enrollment.id}/start")
    assert response.status_code == 302
    saved = load(app, world.a.partnership, Enrollment, enrollment.id)
    assert (saved.status, saved.started_on, saved.changed_by_id) == (
        "active", dates.today(), world.a.caseworker.id)
    assert transitions_logged(app, before) == [("transition", {"from": "eligible",
                                                               "to": "active"})]


def test_completing_the_programme_sets_the_end_and_the_default_retention(app, client, world):
    enrollment = recruited_and_moved(app, client, world, "assess", "start")
    before = len(audit_log(app))
    response = client.post(f"/{world.slug}/enrollment/{enrollment.id}/complete")
    assert response.status_code == 302
    saved = load(app, world.a.partnership, Enrollment, enrollment.id)
    assert (saved.status, saved.ended_on) == ("completed", dates.today())
    assert saved.retention_until == default_retention(dates.today())
    assert saved.retention_until.year == dates.today().year + 5
    assert transitions_logged(app, before) == [("transition", {"from": "active",
                                                               "to": "completed"})]


@pytest.mark.parametrize("steps", [(), ("assess",), ("assess", "start")])
def test_exit_with_a_reason_from_every_open_stage(app, client, world, steps):
    enrollment = recruited_and_moved(app, client, world, *steps)
    stage = enrollment.status
    before = len(audit_log(app))
    response = step(client, world, enrollment, "exit", reason="found_work")
    assert "The exit from the programme has been recorded." in response.get_data(as_text=True)
    saved = load(app, world.a.partnership, Enrollment, enrollment.id)
    assert (saved.status, saved.exit_reason, saved.ended_on) == ("exited", "found_work",
                                                                 dates.today())
    assert transitions_logged(app, before)[0] == (
        "transition", {"from": stage, "to": "exited", "reason": "found_work"})


@pytest.mark.parametrize("reason", ["", "nonsense", "x" * 10_000])
def test_exit_without_a_known_reason_is_refused_readably(app, client, world, reason):
    enrollment = recruited_and_moved(app, client, world)
    before = len(audit_log(app))
    response = step(client, world, enrollment, "exit", reason=reason)
    assert response.status_code == 200
    assert "Choose a reason for leaving the programme." in response.get_data(as_text=True)
    saved = load(app, world.a.partnership, Enrollment, enrollment.id)
    assert (saved.status, saved.ended_on, saved.exit_reason) == ("recruited", None, None)
    assert "transition" not in [e.action for e in audit_log(app)[before:]]


@pytest.mark.parametrize("steps, refused", [
    ((), "complete"),
    ((), "start"),
    (("assess",), "complete"),
    (("assess",), "assess"),
    (("assess", "start"), "start"),
    (("assess", "start"), "assess"),
    (("assess", "start", "complete"), "exit"),
    (("assess", "start", "complete"), "complete"),
])
def test_a_step_that_does_not_fit_the_stage_is_refused_readably_and_changes_nothing(
        app, client, world, steps, refused):
    enrollment = recruited_and_moved(app, client, world, *steps)
    before = len(audit_log(app))
    response = step(client, world, enrollment, refused, reason="withdrew")
    assert response.status_code == 200
    assert NOT_POSSIBLE in response.get_data(as_text=True)
    saved = load(app, world.a.partnership, Enrollment, enrollment.id)
    assert vars(saved) == vars(enrollment)
    assert "transition" not in [e.action for e in audit_log(app)[before:]]


def test_only_the_institution_running_the_path_takes_its_steps(app, client, world):
    world.factory.consent(world.carer, [world.a.leader])
    enrollment = recruited_and_moved(app, client, world)
    colleague = world.factory.staff(world.a.leader, roles=("caseworker",))
    login(client, colleague)
    page = client.get(f"/{world.slug}/enrollment/{enrollment.id}/")
    assert page.status_code == 200
    assert f"/enrollment/{enrollment.id}/assess" not in page.get_data(as_text=True)
    for name in ("assess", "start", "complete", "exit", "retention"):
        response = client.post(f"/{world.slug}/enrollment/{enrollment.id}/{name}",
                               data={"reason": "withdrew", "retention_until": "2040-01-01"})
        assert response.status_code == 404
    assert vars(load(app, world.a.partnership, Enrollment, enrollment.id)) == vars(enrollment)


def test_paths_of_people_my_institution_may_not_see_are_404(app, client, world):
    enrollment = recruited_and_moved(app, client, world)
    outsider = world.factory.staff(world.a.leader, roles=("caseworker",))
    login(client, outsider)
    assert client.get(f"/{world.slug}/enrollment/{enrollment.id}/").status_code == 404
    assert client.post(f"/{world.slug}/enrollment/{enrollment.id}/start").status_code == 404


def test_paths_of_another_partnership_are_404(app, client, world):
    enrollment = recruited_and_moved(app, client, world)
    login(client, world.b.caseworker)
    assert client.get(f"/{world.b.partnership.slug}/enrollment/{enrollment.id}/"
                      ).status_code == 404
    assert client.post(f"/{world.b.partnership.slug}/enrollment/{enrollment.id}/exit",
                       data={"reason": "other"}).status_code == 404
    assert load(app, world.a.partnership, Enrollment, enrollment.id).status == "recruited"


def test_steps_are_posts_only(app, client, world):
    enrollment = recruited_and_moved(app, client, world)
    assert client.get(f"/{world.slug}/enrollment/{enrollment.id}/start").status_code == 405


# --- the enrollment page and the retention date ------------------------------------------------


def test_the_enrollment_page_shows_the_path_and_reads_once(app, client, world):
    enrollment = recruited_and_moved(app, client, world, "assess", "start", "complete")
    before = len(audit_log(app))
    body = client.get(f"/{world.slug}/enrollment/{enrollment.id}/").get_data(as_text=True)
    assert "completed" in body and "Eligible" in body
    assert "cares for 1 dependant(s), 40 hours a week" in body
    assert f"Kept until {default_retention(dates.today()).strftime('%b')}" in body
    assert [(e.action, e.object_type) for e in audit_log(app)[before:]] == [
        ("read", "Enrollment")]


def test_retention_date_is_editable_with_one_audit_entry(app, client, world):
    enrollment = recruited_and_moved(app, client, world)
    step(client, world, enrollment, "exit", reason="moved_away")
    before = len(audit_log(app))
    response = client.post(f"/{world.slug}/enrollment/{enrollment.id}/retention",
                           data={"retention_until": "2040-06-30"})
    assert response.status_code == 302
    assert load(app, world.a.partnership, Enrollment, enrollment.id).retention_until == date(
        2040, 6, 30)
    assert [(e.action, e.detail) for e in audit_log(app)[before:]] == [
        ("update", {"fields": ["retention_until"]})]


@pytest.mark.parametrize("value, message", [
    ("", "Give a date."),
    ("abc", "Enter a valid date as YYYY-MM-DD."),
    ("2040-02-30", "Enter a valid date as YYYY-MM-DD."),
    ("x" * 10_000, "Enter a valid date as YYYY-MM-DD."),
    ("2001-01-01", "Keep the record at least until"),
    ("2999-01-01", "Give a date within 50 years."),
])
def test_bad_retention_dates_get_a_clear_message_and_change_nothing(app, client, world, value,
                                                                    message):
    enrollment = recruited_and_moved(app, client, world)
    step(client, world, enrollment, "exit", reason="moved_away")
    saved = load(app, world.a.partnership, Enrollment, enrollment.id)
    response = client.post(f"/{world.slug}/enrollment/{enrollment.id}/retention",
                           data={"retention_until": value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert load(app, world.a.partnership, Enrollment, enrollment.id).retention_until == (
        saved.retention_until)


def test_default_retention_is_five_years_after_the_end_even_from_29_february():
    assert default_retention(date(2024, 3, 1)) == date(2029, 3, 1)
    assert default_retention(date(2024, 2, 29)) == date(2029, 2, 28)
    assert default_retention(None) is None


def test_markup_in_names_is_shown_as_text(app, client, world):
    person = carer(world.factory, world.a.other, first_name=MARKUP, labour_status="inactive")
    login(client, world.a.caseworker)
    recruit(client, world, participant=person)
    enrollment = enrollment_of(app, world, person)
    body = client.get(f"/{world.slug}/enrollment/{enrollment.id}/").get_data(as_text=True)
    assert MARKUP not in body and "&lt;b&gt;Ola&lt;/b&gt;" in body


# --- the "Programme path" section of the participant and family pages --------------------------


def render_path(app, world, subject_model, subject_id, institution):
    with app.test_request_context(), partnership_scope(world.a.partnership.id):
        g.partnership = SimpleNamespace(slug=world.slug, default_locale="en")
        subject = db.session.get(subject_model, subject_id)
        if subject_model is Family:
            panel = sections.family_path_section(subject, institution.id)
            timeline = sections.family_path_events(subject, institution.id)
        else:
            panel = sections.participant_path_section(subject, institution.id)
            timeline = sections.participant_path_events(subject, institution.id)
        return panel, render_template(panel.template, **panel.context), timeline


def test_section_offers_recruitment_to_the_participants_target_groups(app, world):
    panel, html, timeline = render_path(app, world, Participant, world.carer.id, world.a.other)
    assert str(panel.title) == "Programme path"
    assert f"/enrollment/new?participant={world.carer.id}" in html
    assert "1: Opiekunowie" in html and "2: Pracujący" in html and "R: Rodziny" not in html
    assert 'name="csrf_token"' in html
    assert timeline == []


def test_section_shows_the_verdict_and_the_next_steps_of_the_current_path(app, client, world):
    enrollment = recruited_and_moved(app, client, world)
    _panel, html, _timeline = render_path(app, world, Participant, world.carer.id,
                                          world.a.other)
    assert "registered residence Kraków is in Kraków: eligible" in html
    assert f"/enrollment/{enrollment.id}/assess" in html
    assert f"/enrollment/{enrollment.id}/exit" in html
    assert "found work" in html and "moved away" in html
    assert "/enrollment/new" not in html


def test_section_shows_no_steps_to_an_institution_that_does_not_run_the_path(app, client, world):
    world.factory.consent(world.carer, [world.a.leader])
    enrollment = recruited_and_moved(app, client, world)
    _panel, html, _timeline = render_path(app, world, Participant, world.carer.id,
                                          world.a.leader)
    assert f"/enrollment/{enrollment.id}/assess" not in html
    assert "Another institution runs this programme path" in html


def test_timeline_has_an_entry_for_each_stage_reached(app, client, world):
    enrollment = recruited_and_moved(app, client, world, "assess", "start")
    step(client, world, enrollment, "exit", reason="found_work")
    _panel, html, timeline = render_path(app, world, Participant, world.carer.id, world.a.other)
    assert [str(e.title) for e in timeline] == [
        "Recruited to the programme", "Eligibility confirmed", "Programme path started",
        "Left the programme"]
    assert str(timeline[-1].detail) == "found work"
    assert "Earlier programme paths" in html


def test_family_section_offers_the_family_target_group(app, world):
    family = world.factory.family(world.a.other, members=[(world.carer, "head")])
    _panel, html, _timeline = render_path(app, world, Family, family.id, world.a.other)
    assert f"/enrollment/new?family={family.id}" in html
    assert "R: Rodziny" in html and "1: Opiekunowie" not in html


def test_refused_step_leaves_a_message_not_an_error_page(app, client, world):
    enrollment = recruited_and_moved(app, client, world)
    response = client.post(f"/{world.slug}/enrollment/{enrollment.id}/complete",
                           data={"return_to": "enrollment"})
    assert response.status_code == 302
    assert response.location.endswith(f"/enrollment/{enrollment.id}/")
    assert NOT_POSSIBLE in client.get(response.location).get_data(as_text=True)


def test_recruitment_on_an_earlier_day_keeps_that_day(app, world):
    from mosty.enrollment import service

    with app.app_context(), partnership_scope(world.a.partnership.id):
        person = db.session.get(Participant, world.carer.id)
        group = db.session.get(TargetGroup, world.group_1)
        earlier = dates.today() - timedelta(days=40)
        enrollment, verdict = service.recruit(person, group, institution_id=world.a.other.id,
                                              actor_id=world.a.caseworker.id, on=earlier)
        assert verdict.eligible and enrollment.recruited_on == earlier
        db.session.rollback()


# --- on the real participant and family pages --------------------------------------------------


def test_the_participant_page_carries_the_programme_path_from_recruitment_to_the_next_step(
        app, client, world):
    login(client, world.a.caseworker)
    page_url = f"/{world.slug}/participants/{world.carer.id}/"
    page = client.get(page_url).get_data(as_text=True)
    assert "Programme path" in page and "Recruit and check eligibility" in page
    response = recruit(client, world)
    assert response.location.endswith(page_url)
    before = len(audit_log(app))
    page = client.get(page_url).get_data(as_text=True)
    enrollment = enrollment_of(app, world)
    assert "registered residence Kraków is in Kraków: eligible" in page
    assert "Confirm eligibility" in page and f"/enrollment/{enrollment.id}/exit" in page
    assert "Recruited to the programme" in page
    # the page's one read entry; the section adds none
    assert len(audit_log(app)) - before == 1


def test_the_family_page_carries_the_family_programme_path(app, client, world):
    people = [(world.factory.participant(world.a.other, labour_status="registered_unemployed"),
               relation) for relation in ("head", "child")]
    family = world.factory.family(world.a.other, members=people, area="rural")
    login(client, world.a.caseworker)
    page_url = f"/{world.slug}/families/{family.id}/"
    assert "R: Rodziny" in client.get(page_url).get_data(as_text=True)
    response = client.post(f"/{world.slug}/enrollment/new?family={family.id}",
                           data={"target_group": str(world.group_r)})
    assert response.location.endswith(page_url)
    page = client.get(page_url).get_data(as_text=True)
    assert "2 unemployed member(s) in the family (needed: 2)" in page
