"""Referrals between institutions of a partnership: sent only with a consent covering the
receiving institution for referrals, answered only by the receiving institution (accept,
decline, complete; each transition audited once), inbox and outbox with overdue flags, and the
minimal data the receiving institution sees before it accepts."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.referrals.models import Referral
from mosty.referrals.transitions import ReferralRefused, accept_referral
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login

SLUG = "krakow-test"


@pytest.fixture
def world(app, factory):
    """Partnership A: the welfare centre (MOPS) registered Anna; the labour office (GUP) and an
    NGO are partners. Partnership B has its own labour office and service."""
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków", kind="ops")
    w.gup = factory.institution(p, name="Grodzki Urząd Pracy", kind="labour_office")
    w.ngo = factory.institution(p, name="Fundacja Most", kind="ngo")
    w.mops_worker = factory.staff(w.mops)
    w.gup_worker = factory.staff(w.gup)
    w.ngo_worker = factory.staff(w.ngo)
    w.advice = factory.service(w.gup, name="Poradnictwo zawodowe")
    w.ngo_workshop = factory.service(w.ngo, name="Warsztaty kompetencji")
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Nowak",
                                 phone="600100200", email="anna.nowak@example.test",
                                 education="vocational", disability_level="moderate")
    b = factory.partnership(slug="pomorze-test")
    w.foreign = factory.institution(b, name="PUP Białogard", kind="labour_office")
    w.foreign_service = factory.service(w.foreign, name="Staż w Białogardzie")
    return w


def client_of(world, user):
    """A signed-in browser reading English, so the messages below are the msgids."""
    client = login(world.app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def rows(world, model, *where):
    with world.app.app_context(), partnership_scope(world.p.id):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def referral_row(world, referral_id):
    with world.app.app_context(), partnership_scope(world.p.id):
        referral = db.session.get(Referral, referral_id)
        return SimpleNamespace(status=referral.status, decline_reason=referral.decline_reason,
                               result=referral.result, service_id=referral.service_id,
                               shared_fields=referral.shared_fields, due_on=referral.due_on,
                               answered_at=referral.answered_at)


def audit_entries(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        return [SimpleNamespace(action=e.action, object_type=e.object_type,
                                object_id=e.object_id, detail=e.detail,
                                institution_id=e.institution_id)
                for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def new_entries(world, before):
    return audit_entries(world)[len(before):]


def set_due(world, referral_id, due_on):
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.execute(update(Referral).where(Referral.id == referral_id)
                           .values(due_on=due_on))
        db.session.commit()


def referral_form(world, **overrides):
    data = {"to_institution": world.gup.id, "service": world.advice.id,
            "reason": "Pomoc w powrocie na rynek pracy", "shared_fields": ["contact"],
            "due_on": (dates.today() + timedelta(days=10)).isoformat()}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def send(world, client=None, participant=None, **overrides):
    client = client or client_of(world, world.mops_worker)
    participant = participant or world.anna
    return client.post(f"/{SLUG}/referrals/new?participant={participant.id}",
                       data=referral_form(world, **overrides))


def consent_for_referral(world, *institutions, purposes=("referral",), **kwargs):
    return world.f.consent(world.anna, list(institutions) or [world.gup], purposes=purposes,
                           **kwargs)


def sent_referral(world, **overrides):
    consent_for_referral(world)
    response = send(world, **overrides)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def detail_url(referral_id, action=""):
    return f"/{SLUG}/referrals/{referral_id}/{action}"


# --- sending needs a consent covering the receiving institution for referrals -----------------


def test_the_referral_form_offers_the_other_institutions_their_services_and_shareable_data(
        world):
    body = client_of(world, world.mops_worker).get(
        f"/{SLUG}/referrals/new?participant={world.anna.id}").get_data(as_text=True)
    assert "Grodzki Urząd Pracy" in body and "Fundacja Most" in body
    assert "Poradnictwo zawodowe" in body and "Warsztaty kompetencji" in body
    assert "PUP Białogard" not in body and "Staż w Białogardzie" not in body
    for label in ("contact (phone, e-mail)", "address", "labour-market status", "education",
                  "disability", "care load", "family"):
        assert label in body
    assert (dates.today() + timedelta(days=14)).isoformat() in body  # default due date


def test_a_referral_without_any_consent_is_refused_with_a_link_to_record_one(world):
    response = send(world)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is no active consent to share this person&#39;s data" in body
    assert f"/{SLUG}/consents/new?participant={world.anna.id}" in body
    assert rows(world, Referral) == 0


def test_a_consent_for_support_only_does_not_allow_a_referral(world):
    consent_for_referral(world, purposes=("support",))
    response = send(world)
    assert response.status_code == 422
    assert "There is no active consent" in response.get_data(as_text=True)
    assert rows(world, Referral) == 0


def test_a_withdrawn_consent_no_longer_allows_a_referral(world):
    consent_for_referral(world, withdrawn_on=dates.today())
    response = send(world)
    assert response.status_code == 422
    assert "There is no active consent" in response.get_data(as_text=True)
    assert rows(world, Referral) == 0


def test_a_consent_naming_another_institution_does_not_allow_a_referral(world):
    consent_for_referral(world, world.ngo)
    response = send(world)
    assert response.status_code == 422
    assert rows(world, Referral) == 0


def test_a_refused_referral_tells_other_institutions_who_records_the_consent(world):
    world.f.consent(world.anna, [world.ngo], purposes=("support",))
    response = send(world, client=client_of(world, world.ngo_worker))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Only the institution that registered the person (MOPS Kraków)" in body
    assert "/consents/new" not in body


def test_a_covered_referral_is_sent_with_one_audit_entry(world):
    consent_for_referral(world)
    before = audit_entries(world)
    response = send(world, shared_fields=["contact", "education"])
    assert response.status_code == 302
    referral_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    referral = referral_row(world, referral_id)
    assert referral.status == "sent"
    assert referral.service_id == world.advice.id
    assert referral.shared_fields == ["contact", "education"]
    [entry] = new_entries(world, before)
    assert (entry.action, entry.object_type, entry.object_id) == ("create", "Referral",
                                                                  str(referral_id))
    assert entry.institution_id == world.mops.id
    assert "Nowak" not in str(entry.detail) and "600100200" not in str(entry.detail)


def test_a_consent_recorded_through_the_form_lets_the_referral_through(world):
    mops = client_of(world, world.mops_worker)
    assert send(world, client=mops).status_code == 422
    recorded = mops.post(f"/{SLUG}/consents/new?participant={world.anna.id}", data={
        "lawful_basis": "consent", "purposes": ["referral"], "institutions": [world.gup.id],
        "given_on": dates.today().isoformat()})
    assert recorded.status_code == 302
    assert send(world, client=mops).status_code == 302
    assert rows(world, Referral) == 1


def test_the_referral_form_of_a_person_my_institution_cannot_see_is_404(world):
    ngo = client_of(world, world.ngo_worker)
    assert ngo.get(f"/{SLUG}/referrals/new?participant={world.anna.id}").status_code == 404
    assert send(world, client=ngo).status_code == 404
    mops = client_of(world, world.mops_worker)
    for query in ("?participant=abc", "?participant=999999", "?participant=-1"):
        assert mops.get(f"/{SLUG}/referrals/new{query}").status_code == 404
    assert rows(world, Referral) == 0


def test_the_referral_form_without_a_person_sends_me_to_the_participants(world):
    mops = client_of(world, world.mops_worker)
    for query in ("", "?participant="):
        response = mops.get(f"/{SLUG}/referrals/new{query}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/{SLUG}/participants/")


# --- bad input on the referral form ---------------------------------------------------------


@pytest.mark.parametrize("field, value, message", [
    ("reason", "", "Give the reason for the referral."),
    ("reason", "   ", "Give the reason for the referral."),
    ("reason", "x" * 10_000, "At most 2000 characters."),
    ("to_institution", "", "Choose the institution to refer to."),
    ("to_institution", "abc", "Choose one of the options offered."),
    ("to_institution", "FOREIGN", "Choose one of the options offered."),
    ("to_institution", "OWN", "Choose one of the options offered."),
    ("service", "OTHER_INSTITUTIONS", "The chosen service is not offered by the chosen "
                                      "institution."),
    ("service", "FOREIGN", "Choose one of the options offered."),
    ("service", "1.5", "Choose one of the options offered."),
    ("shared_fields", "pesel", "Choose one of the options offered."),
    ("due_on", "2024-02-31", "Enter a date as YYYY-MM-DD."),
    ("due_on", "jutro", "Enter a date as YYYY-MM-DD."),
    ("due_on", "", "Enter a date as YYYY-MM-DD."),
    ("due_on", "2020-01-01", "The due date cannot be in the past."),
])
def test_bad_input_on_the_referral_form_gets_a_message_and_saves_nothing(world, field, value,
                                                                          message):
    consent_for_referral(world)
    value = {"FOREIGN": {"to_institution": world.foreign.id,
                         "service": world.foreign_service.id}.get(field),
             "OWN": world.mops.id,
             "OTHER_INSTITUTIONS": world.ngo_workshop.id}.get(value, value)
    before = audit_entries(world)
    response = send(world, **{field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert rows(world, Referral) == 0
    assert [e.action for e in new_entries(world, before)] == ["read"]


def test_markup_in_the_reason_is_shown_as_text(world):
    referral_id = sent_referral(world, reason='<script>alert("x")</script> <b>pilne</b>')
    body = client_of(world, world.gup_worker).get(detail_url(referral_id)).get_data(as_text=True)
    assert "<script>alert" not in body and "<b>pilne</b>" not in body
    assert "&lt;script&gt;" in body and "&lt;b&gt;pilne&lt;/b&gt;" in body


# --- what the receiving institution sees ----------------------------------------------------


def test_before_accepting_the_receiver_sees_only_the_name_reason_and_shared_fields(world):
    referral_id = sent_referral(world, shared_fields=["contact"], reason="Szuka pracy")
    gup = client_of(world, world.gup_worker)
    body = gup.get(detail_url(referral_id)).get_data(as_text=True)
    assert "Anna Nowak" in body and "Szuka pracy" in body
    assert "600100200" in body and "anna.nowak@example.test" in body
    assert "basic vocational" not in body  # education was not shared
    assert "moderate" not in body  # nor the disability
    assert "1985" not in body  # nor the date of birth
    assert gup.get(f"/{SLUG}/participants/{world.anna.id}/").status_code == 404


def test_after_accepting_the_receiver_gets_the_participant_page(world):
    referral_id = sent_referral(world)
    gup = client_of(world, world.gup_worker)
    assert gup.get(f"/{SLUG}/participants/{world.anna.id}/").status_code == 404
    assert gup.post(detail_url(referral_id, "accept"), data={}).status_code == 302
    assert gup.get(f"/{SLUG}/participants/{world.anna.id}/").status_code == 200
    body = gup.get(detail_url(referral_id)).get_data(as_text=True)
    assert f"/{SLUG}/participants/{world.anna.id}/" in body


def test_the_referral_page_writes_one_read_entry_without_personal_values(world):
    referral_id = sent_referral(world)
    before = audit_entries(world)
    assert client_of(world, world.gup_worker).get(detail_url(referral_id)).status_code == 200
    [entry] = new_entries(world, before)
    assert (entry.action, entry.object_type, entry.object_id) == ("read", "Referral",
                                                                  str(referral_id))
    assert entry.detail["fields"] == ["contact"]
    assert "600100200" not in str(entry.detail)


# --- answers: each transition once, by the receiving institution only ------------------------


def test_sent_accepted_completed_each_with_one_transition_entry(world):
    referral_id = sent_referral(world, service=None)
    gup = client_of(world, world.gup_worker)

    before = audit_entries(world)
    response = gup.post(detail_url(referral_id, "accept"), data={"service": world.advice.id})
    assert response.status_code == 302
    referral = referral_row(world, referral_id)
    assert referral.status == "accepted" and referral.service_id == world.advice.id
    [entry] = new_entries(world, before)
    assert (entry.action, entry.object_type, entry.detail["from"], entry.detail["to"]) == (
        "transition", "Referral", "sent", "accepted")
    assert entry.institution_id == world.gup.id

    before = audit_entries(world)
    response = gup.post(detail_url(referral_id, "complete"),
                        data={"result": "Podjęła staż w urzędzie"})
    assert response.status_code == 302
    assert referral_row(world, referral_id).status == "completed"
    assert referral_row(world, referral_id).result == "Podjęła staż w urzędzie"
    [entry] = new_entries(world, before)
    assert (entry.action, entry.detail["from"], entry.detail["to"]) == (
        "transition", "accepted", "completed")
    assert "staż" not in str(entry.detail)


def test_sent_declined_with_a_reason_and_one_transition_entry(world):
    referral_id = sent_referral(world)
    gup = client_of(world, world.gup_worker)
    before = audit_entries(world)
    response = gup.post(detail_url(referral_id, "decline"),
                        data={"decline_reason": "Brak miejsc do końca miesiąca"})
    assert response.status_code == 302
    referral = referral_row(world, referral_id)
    assert referral.status == "declined"
    assert referral.decline_reason == "Brak miejsc do końca miesiąca"
    [entry] = new_entries(world, before)
    assert (entry.action, entry.detail["from"], entry.detail["to"]) == (
        "transition", "sent", "declined")
    body = client_of(world, world.mops_worker).get(detail_url(referral_id)).get_data(
        as_text=True)
    assert "declined" in body and "Brak miejsc do końca miesiąca" in body


def test_the_sender_sees_the_status_but_cannot_answer(world):
    referral_id = sent_referral(world)
    mops = client_of(world, world.mops_worker)
    body = mops.get(detail_url(referral_id)).get_data(as_text=True)
    assert "waiting for an answer" in body
    assert "Accept the referral" not in body and "Decline the referral" not in body
    before = audit_entries(world)
    for action, data in (("accept", {}), ("decline", {"decline_reason": "nie"}),
                         ("complete", {"result": "ok"})):
        assert mops.post(detail_url(referral_id, action), data=data).status_code == 403
    assert referral_row(world, referral_id).status == "sent"
    assert new_entries(world, before) == []


def test_an_institution_not_involved_gets_404_on_the_referral_and_its_answers(world):
    referral_id = sent_referral(world)
    ngo = client_of(world, world.ngo_worker)
    assert ngo.get(detail_url(referral_id)).status_code == 404
    for action in ("accept", "decline", "complete"):
        assert ngo.post(detail_url(referral_id, action),
                        data={"decline_reason": "x", "result": "x"}).status_code == 404
    assert referral_row(world, referral_id).status == "sent"


def test_answers_need_a_post(world):
    referral_id = sent_referral(world)
    gup = client_of(world, world.gup_worker)
    assert gup.get(detail_url(referral_id, "accept")).status_code == 405


def test_an_answered_referral_cannot_be_answered_again(world):
    referral_id = sent_referral(world)
    gup = client_of(world, world.gup_worker)
    assert gup.post(detail_url(referral_id, "decline"),
                    data={"decline_reason": "Brak miejsc"}).status_code == 302
    before = audit_entries(world)
    response = gup.post(detail_url(referral_id, "accept"), data={})
    assert response.status_code == 422
    assert "This referral has already been answered." in response.get_data(as_text=True)
    response = gup.post(detail_url(referral_id, "complete"), data={"result": "x"})
    assert "Only an accepted referral can be completed." in response.get_data(as_text=True)
    assert referral_row(world, referral_id).status == "declined"
    assert [e.action for e in new_entries(world, before)] == ["read", "read"]


@pytest.mark.parametrize("action, data, message", [
    ("decline", {"decline_reason": ""}, "Give the reason for declining."),
    ("decline", {"decline_reason": "  "}, "Give the reason for declining."),
    ("decline", {"decline_reason": "x" * 10_000}, "At most 2000 characters."),
    ("accept", {"service": "NGO"}, "Choose one of the options offered."),
    ("accept", {"service": "FOREIGN"}, "Choose one of the options offered."),
    ("accept", {"service": "abc"}, "Choose one of the options offered."),
])
def test_bad_input_on_an_answer_gets_a_message_and_changes_nothing(world, action, data, message):
    referral_id = sent_referral(world, service=None)
    values = {"NGO": world.ngo_workshop.id, "FOREIGN": world.foreign_service.id}
    data = {k: values.get(v, v) for k, v in data.items()}
    before = audit_entries(world)
    response = client_of(world, world.gup_worker).post(detail_url(referral_id, action), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    referral = referral_row(world, referral_id)
    assert (referral.status, referral.service_id, referral.answered_at) == ("sent", None, None)
    assert [e.action for e in new_entries(world, before)] == ["read"]


@pytest.mark.parametrize("result, message", [
    ("", "Describe the result."),
    ("x" * 10_000, "At most 2000 characters."),
])
def test_bad_input_on_completion_gets_a_message_and_changes_nothing(world, result, message):
    referral_id = sent_referral(world)
    gup = client_of(world, world.gup_worker)
    gup.post(detail_url(referral_id, "accept"), data={})
    response = gup.post(detail_url(referral_id, "complete"), data={"result": result})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert referral_row(world, referral_id).status == "accepted"


def test_a_referral_of_partnership_b_is_404_under_my_own_slug(world):
    b_person = world.f.participant(world.foreign)
    b_other = world.f.institution(SimpleNamespace(id=world.foreign.partnership_id))
    foreign = world.f.referral(b_person, world.foreign, b_other)
    mops = client_of(world, world.mops_worker)
    assert mops.get(detail_url(foreign.id)).status_code == 404
    assert mops.post(detail_url(foreign.id, "accept")).status_code == 404


# --- inbox and outbox -------------------------------------------------------------------------


def referral_between(world, sender, receiver, first_name, **fields):
    person = world.f.participant(sender, first_name=first_name, last_name="Testowa", **fields)
    return world.f.referral(person, sender, receiver)


def test_the_inbox_lists_only_referrals_to_my_institution_and_the_outbox_only_from_it(world):
    referral_between(world, world.mops, world.gup, "Barbara")
    referral_between(world, world.ngo, world.mops, "Celina")
    referral_between(world, world.ngo, world.gup, "Dorota")
    mops = client_of(world, world.mops_worker)

    inbox = mops.get(f"/{SLUG}/referrals/").get_data(as_text=True)
    assert "Celina" in inbox and "Barbara" not in inbox and "Dorota" not in inbox

    outbox = mops.get(f"/{SLUG}/referrals/?box=outbox").get_data(as_text=True)
    assert "Barbara" in outbox and "Celina" not in outbox and "Dorota" not in outbox

    gup_inbox = client_of(world, world.gup_worker).get(f"/{SLUG}/referrals/").get_data(
        as_text=True)
    assert "Barbara" in gup_inbox and "Dorota" in gup_inbox and "Celina" not in gup_inbox


def test_the_inbox_flags_overdue_referrals_and_can_show_only_them(world):
    late = referral_between(world, world.mops, world.gup, "Spóźniona")
    on_time = referral_between(world, world.mops, world.gup, "Terminowa")
    done_late = referral_between(world, world.mops, world.gup, "Zakończona")
    set_due(world, late.id, dates.today() - timedelta(days=3))
    set_due(world, done_late.id, dates.today() - timedelta(days=3))
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.execute(update(Referral).where(Referral.id == done_late.id)
                           .values(status="completed"))
        db.session.commit()
    gup = client_of(world, world.gup_worker)

    body = gup.get(f"/{SLUG}/referrals/").get_data(as_text=True)
    assert body.count('class="overdue-row"') == 1
    assert "3 days past the due date" in body
    assert "1 received referral is past its due date." in body

    only_overdue = gup.get(f"/{SLUG}/referrals/?overdue=1").get_data(as_text=True)
    assert "Spóźniona" in only_overdue
    assert "Terminowa" not in only_overdue and "Zakończona" not in only_overdue
    assert on_time.id  # listed on the unfiltered page above


def test_an_answered_referral_is_never_overdue(world):
    # QA: an accepted referral (answered in 10 days, before its due date) was counted among
    # those past their due date, and flagged "81 days past the due date" in the list.
    accepted = referral_between(world, world.mops, world.gup, "Przyjęta")
    waiting = referral_between(world, world.mops, world.gup, "Czekająca")
    for referral in (accepted, waiting):
        set_due(world, referral.id, dates.today() - timedelta(days=81))
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.execute(update(Referral).where(Referral.id == accepted.id)
                           .values(status="accepted"))
        db.session.commit()
    gup = client_of(world, world.gup_worker)
    body = gup.get(f"/{SLUG}/referrals/").get_data(as_text=True)
    assert body.count('class="overdue-row"') == 1
    assert "1 received referral is past its due date." in body
    assert body.count("81 days past the due date") == 1
    only_overdue = gup.get(f"/{SLUG}/referrals/?overdue=1").get_data(as_text=True)
    assert "Czekająca" in only_overdue and "Przyjęta" not in only_overdue
    detail = gup.get(f"/{SLUG}/referrals/{accepted.id}/").get_data(as_text=True)
    assert "past the due date" not in detail and "due in" not in detail


def test_the_inbox_shows_the_answer_clock(world):
    referral_between(world, world.mops, world.gup, "Ewa")
    body = client_of(world, world.gup_worker).get(f"/{SLUG}/referrals/").get_data(as_text=True)
    assert "waiting 0 days" in body and "due in 14 days" in body


def test_the_inbox_filters_by_status(world):
    waiting = referral_between(world, world.mops, world.gup, "Czekająca")
    accepted = referral_between(world, world.mops, world.gup, "Przyjęta")
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.execute(update(Referral).where(Referral.id == accepted.id)
                           .values(status="accepted"))
        db.session.commit()
    body = client_of(world, world.gup_worker).get(
        f"/{SLUG}/referrals/?status=accepted").get_data(as_text=True)
    assert "Przyjęta" in body and "Czekająca" not in body
    assert waiting.id


def test_the_inbox_is_paginated_and_sortable(world):
    world.app.config["MOSTY_PAGE_SIZE"] = 2
    for days, name in ((9, "Pierwsza"), (3, "Druga"), (6, "Trzecia")):
        referral = referral_between(world, world.mops, world.gup, name)
        set_due(world, referral.id, dates.today() + timedelta(days=days))
    gup = client_of(world, world.gup_worker)

    first = gup.get(f"/{SLUG}/referrals/?sort=due").get_data(as_text=True)
    assert "1–2 of 3" in first
    assert first.index("Druga") < first.index("Trzecia")
    assert "Pierwsza" not in first
    assert "page=2" in first

    second = gup.get(f"/{SLUG}/referrals/?sort=due&page=2").get_data(as_text=True)
    assert "3–3 of 3" in second and "Pierwsza" in second

    descending = gup.get(f"/{SLUG}/referrals/?sort=-due").get_data(as_text=True)
    assert descending.index("Pierwsza") < descending.index("Trzecia")


def test_the_inbox_writes_one_read_entry_with_the_listed_ids(world):
    shown = referral_between(world, world.mops, world.gup, "Fabiola")
    before = audit_entries(world)
    assert client_of(world, world.gup_worker).get(f"/{SLUG}/referrals/").status_code == 200
    [entry] = new_entries(world, before)
    assert (entry.action, entry.object_type) == ("read", "Referral")
    assert entry.detail["ids"] == [shown.id]


@pytest.mark.parametrize("query", [
    "?box=everything", "?status=<script>", "?sort=password", "?overdue=yes",
    "?box=outbox&status=lost&sort=-nothing",
])
def test_odd_query_strings_on_the_inbox_fall_back_to_defaults(world, query):
    referral_between(world, world.mops, world.gup, "Grażyna")
    response = client_of(world, world.gup_worker).get(f"/{SLUG}/referrals/{query}")
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[1]


def test_a_page_number_that_is_not_a_number_is_404_not_500(world):
    gup = client_of(world, world.gup_worker)
    assert gup.get(f"/{SLUG}/referrals/?page=abc").status_code == 404


def test_people_without_a_case_role_do_not_see_referrals(world):
    admin = world.f.staff(world.mops, roles=("partnership_admin",))
    assert client_of(world, admin).get(f"/{SLUG}/referrals/").status_code == 404


# --- the participant page ---------------------------------------------------------------------


def test_the_participant_page_lists_the_referrals_and_their_timeline(world):
    referral_id = sent_referral(world)
    gup = client_of(world, world.gup_worker)
    gup.post(detail_url(referral_id, "accept"), data={})
    body = client_of(world, world.mops_worker).get(
        f"/{SLUG}/participants/{world.anna.id}/").get_data(as_text=True)
    assert "Referrals" in body
    assert detail_url(referral_id) in body
    assert "Referral sent" in body and "Referral accepted" in body
    assert "Refer to another institution" in body


def test_the_participant_page_hides_referrals_my_institution_takes_no_part_in(world):
    world.f.consent(world.anna, [world.ngo], purposes=("support",))
    referral_id = sent_referral(world)
    body = client_of(world, world.ngo_worker).get(
        f"/{SLUG}/participants/{world.anna.id}/").get_data(as_text=True)
    assert detail_url(referral_id) not in body


def test_a_restricted_person_cannot_be_referred(world):
    restricted = world.f.participant(world.mops, restricted=True)
    world.f.consent(restricted, [world.gup], purposes=("referral",))
    response = send(world, participant=restricted)
    assert response.status_code == 422
    assert "Processing of this person&#39;s data is restricted" in response.get_data(as_text=True)
    assert rows(world, Referral) == 0


# --- the rules themselves ---------------------------------------------------------------------


def test_a_refused_answer_leaves_the_referral_untouched(world):
    referral_id = sent_referral(world, service=None)
    with world.app.app_context(), partnership_scope(world.p.id):
        referral = db.session.get(Referral, referral_id)
        with pytest.raises(ReferralRefused):
            accept_referral(referral, institution_id=world.gup.id, actor_id=world.gup_worker.id,
                            service_id=world.ngo_workshop.id)
        with pytest.raises(ReferralRefused):
            accept_referral(referral, institution_id=world.ngo.id, actor_id=world.ngo_worker.id)
        assert (referral.status, referral.service_id, referral.answered_at,
                referral.answered_by_id) == ("sent", None, None, None)
        assert not db.session.new


def test_the_family_page_lists_the_referrals_of_its_members(world):
    family = world.f.family(world.mops, members=[(world.anna, "head")], name="Rodzina Nowaków")
    referral_id = sent_referral(world)
    body = client_of(world, world.mops_worker).get(f"/{SLUG}/families/{family.id}/").get_data(
        as_text=True)
    assert "Referrals of the family members" in body
    assert detail_url(referral_id) in body
