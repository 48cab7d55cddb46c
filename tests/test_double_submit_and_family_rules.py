"""A form sent twice (a double click, the back button and a resubmit) saves one record: a
delivery, an outcome, a case note, a family; a real second record is still saved. Registering
a person straight into a family follows the family's membership rules (one head of household,
the family's audit entry). Programme-path audit entries name the acting institution."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.db import utcnow
from mosty.enrollment.models import Enrollment, TargetGroup
from mosty.enrollment.service import ensure_default_target_groups
from mosty.extensions import db
from mosty.families.models import Family, FamilyMember
from mosty.notes.models import CaseNote
from mosty.outcomes.models import Outcome
from mosty.participants.models import CareRelation, Dependant, Participant
from mosty.resubmits import RESUBMIT_WINDOW
from mosty.services.models import ServiceDelivery
from mosty.tenancy import system_scope
from mosty.testing.factories import login as sign_in
from test_participants import person

NOTHING_NEW = "Nothing new was saved."
SECOND_HEAD = ("This family already has a head of household: choose another relation, or "
               "remove the present head first.")


def login(client, user):
    """Signed in, reading English (the messages asserted here are the English msgids)."""
    sign_in(client, user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def rows(app, model, **where):
    with app.app_context(), system_scope("test: reading what was saved"):
        return list(db.session.scalars(select(model).filter_by(**where).order_by(model.id)))


def count(app, model):
    with app.app_context(), system_scope("test: counting rows"):
        return db.session.scalar(select(func.count()).select_from(model))


def audit_entries(app, object_type=None):
    with app.app_context(), system_scope("test: reading the audit log"):
        query = select(AuditEntry).order_by(AuditEntry.id)
        if object_type:
            query = query.where(AuditEntry.object_type == object_type)
        return [SimpleNamespace(action=e.action, object_type=e.object_type,
                                object_id=e.object_id, institution_id=e.institution_id,
                                detail=e.detail)
                for e in db.session.scalars(query)]


def saved_long_ago(app, model):
    """Every row of ``model`` as if saved before the resubmit window opened."""
    with app.app_context(), system_scope("test: ageing rows"):
        db.session.execute(update(model).values(
            created_at=utcnow() - RESUBMIT_WINDOW - timedelta(minutes=1)))
        db.session.commit()


@pytest.fixture
def world(app, client, two_partnerships):
    w = two_partnerships
    w.slug = w.a.partnership.slug
    w.participant = w.factory.participant(w.a.other, first_name="Maria", last_name="Nowak")
    login(client, w.a.caseworker)
    return w


# --- deliveries -----------------------------------------------------------------------------------


@pytest.fixture
def delivery(world):
    world.service = world.factory.service(world.a.other, name="Doradztwo zawodowe")
    world.url = f"/{world.slug}/services/deliveries/new?participant={world.participant.id}"
    world.form = {"service": str(world.service.id), "delivered_on": dates.today().isoformat(),
                  "hours": "1,5", "result": "Plan działania ustalony"}
    return world


def test_a_delivery_sent_twice_is_saved_once_with_a_message(app, client, delivery):
    w = delivery
    assert client.post(w.url, data=w.form).status_code == 302
    again = client.post(w.url, data=w.form)
    assert again.status_code == 302  # to the person's page, as the first submit was
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "This delivery of Doradztwo zawodowe is already recorded" in page
    assert NOTHING_NEW in page
    assert count(app, ServiceDelivery) == 1
    assert [e.action for e in audit_entries(app, "ServiceDelivery")] == ["create"]


def test_the_message_reads_in_polish(app, client, delivery):
    w = delivery
    with client.session_transaction() as session:
        session["locale"] = "pl"
    client.post(w.url, data=w.form)
    page = client.post(w.url, data=w.form, follow_redirects=True).get_data(as_text=True)
    assert "Ta realizacja usługi Doradztwo zawodowe jest już odnotowana" in page
    assert "Nic nowego nie zapisano." in page


def test_a_different_delivery_or_the_same_one_later_is_saved(app, client, delivery):
    w = delivery
    client.post(w.url, data=w.form)
    assert client.post(w.url, data={**w.form, "hours": "2"}).status_code == 302
    assert client.post(w.url, data={**w.form, "result": "Drugie spotkanie"}).status_code == 302
    assert count(app, ServiceDelivery) == 3
    saved_long_ago(app, ServiceDelivery)  # a second identical session, later in the day
    assert client.post(w.url, data=w.form).status_code == 302
    assert count(app, ServiceDelivery) == 4


# --- outcomes -------------------------------------------------------------------------------------


OUTCOME_FORM = {"kind": "job_started", "occurred_on": dates.today().isoformat(),
                "employer": "Adecco Poland", "contract_type": "fixed_term",
                "hours_per_week": "30", "note": "Pół etatu"}


def test_an_outcome_sent_twice_is_saved_once_with_a_message(app, client, world):
    url = f"/{world.slug}/outcomes/new?participant={world.participant.id}"
    assert client.post(url, data=OUTCOME_FORM).status_code == 302
    again = client.post(url, data={**OUTCOME_FORM, "employer": " adecco  poland "},
                        follow_redirects=True)
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert "This outcome is already recorded for the person: job started on" in page
    assert NOTHING_NEW in page
    assert count(app, Outcome) == 1
    # Not a matter of minutes: the same job start is one fact, whenever it is sent again.
    saved_long_ago(app, Outcome)
    client.post(url, data=OUTCOME_FORM)
    assert count(app, Outcome) == 1


def test_another_outcome_of_the_same_day_is_saved(app, client, world):
    url = f"/{world.slug}/outcomes/new?participant={world.participant.id}"
    client.post(url, data=OUTCOME_FORM)
    assert client.post(url, data={**OUTCOME_FORM, "employer": "Biedronka"}).status_code == 302
    training = {"kind": "training_completed", "occurred_on": dates.today().isoformat(),
                "note": "Kurs spawacza"}
    assert client.post(url, data=training).status_code == 302
    assert client.post(url, data={**training, "note": "Kurs wózka widłowego"}).status_code == 302
    client.post(url, data=training)  # the same training again
    assert count(app, Outcome) == 4


# --- case notes -----------------------------------------------------------------------------------


def test_a_note_sent_twice_is_saved_once_with_a_message(app, client, world):
    url = f"/{world.slug}/notes/participants/{world.participant.id}/new"
    form = {"category": "general", "text": "Rozmowa o pracy w sklepie"}
    assert client.post(url, data=form).status_code == 302
    again = client.post(url, data=form, follow_redirects=True)
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert "This note is already saved" in page and NOTHING_NEW in page
    assert len(rows(app, CaseNote)) == 1
    assert client.post(url, data={**form, "text": "Druga rozmowa"}).status_code == 302
    assert len(rows(app, CaseNote)) == 2


def test_the_same_words_later_or_by_a_colleague_are_a_note_of_their_own(app, client, world):
    url = f"/{world.slug}/notes/participants/{world.participant.id}/new"
    form = {"category": "general", "text": "Nie odebrała telefonu"}
    client.post(url, data=form)
    colleague = login(app.test_client(), world.factory.staff(world.a.other,
                                                             roles=("caseworker",)))
    assert colleague.post(url, data=form).status_code == 302
    saved_long_ago(app, CaseNote)
    assert client.post(url, data=form).status_code == 302
    assert len(rows(app, CaseNote)) == 3


# --- families -------------------------------------------------------------------------------------


FAMILY_FORM = {"name": "Rodzina Wójcików", "teryt": "1261011", "locality": "Kraków",
               "area": "urban"}


def test_a_family_sent_twice_is_registered_once_and_its_page_opens(app, client, world):
    url = f"/{world.slug}/families/new"
    first = client.post(url, data=FAMILY_FORM)
    assert first.status_code == 302
    again = client.post(url, data=FAMILY_FORM)
    assert again.status_code == 302
    (family,) = rows(app, Family)
    assert again.headers["Location"] == first.headers["Location"]
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "The family “Rodzina Wójcików” is already registered" in page and NOTHING_NEW in page
    assert [e.object_id for e in audit_entries(app, "Family")
            if e.action == "create"] == [str(family.id)]


def test_a_namesake_family_in_a_village_of_the_same_name_elsewhere_is_registered(
        app, client, world):
    # "Nowa Wieś" is a village in many communes: the commune tells the families apart.
    url = f"/{world.slug}/families/new"
    village = {**FAMILY_FORM, "locality": "Nowa Wieś", "area": "rural"}
    assert client.post(url, data={**village, "teryt": "1206092"}).status_code == 302
    assert client.post(url, data={**village, "teryt": "1206032"}).status_code == 302
    assert len(rows(app, Family)) == 2


def test_a_namesake_family_elsewhere_or_later_is_registered(app, client, world):
    url = f"/{world.slug}/families/new"
    client.post(url, data=FAMILY_FORM)
    assert client.post(url, data={**FAMILY_FORM, "locality": "Wieliczka",
                                  "teryt": "1206052"}).status_code == 302
    saved_long_ago(app, Family)
    assert client.post(url, data=FAMILY_FORM).status_code == 302
    assert count(app, Family) == 3


# --- registering straight into a family -----------------------------------------------------------


@pytest.fixture
def household(world):
    head = world.factory.participant(world.a.other, first_name="Jan", last_name="Wiśniewski")
    world.family = world.factory.family(world.a.other, name="Rodzina Wiśniewskich",
                                        members=[(head, "head")])
    world.url = f"/{world.slug}/participants/new"
    return world


def test_a_second_head_is_refused_at_registration_and_no_one_is_registered(app, client,
                                                                            household):
    w = household
    # Said on the blank form already, before anything is typed.
    blank = client.get(f"{w.url}?family={w.family.id}&relation=head").get_data(as_text=True)
    assert SECOND_HEAD in blank
    assert SECOND_HEAD not in client.get(
        f"{w.url}?family={w.family.id}&relation=child").get_data(as_text=True)
    people, entries = count(app, Participant), len(audit_entries(app))
    response = client.post(w.url, data=person(family=str(w.family.id), relation="head"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert SECOND_HEAD in page
    assert 'value="Wiśniewska"' in page and 'value="beata@example.pl"' in page  # typed stays
    assert count(app, Participant) == people
    assert [m.relation for m in rows(app, FamilyMember, family_id=w.family.id)] == ["head"]
    assert [e.action for e in audit_entries(app)[entries:]] == ["read"]


def test_registering_into_a_family_writes_the_familys_audit_entry(app, client, household):
    w = household
    response = client.post(w.url, data=person(family=str(w.family.id), relation="child"))
    assert response.status_code == 302
    (beata,) = rows(app, Participant, last_name="Wiśniewska")
    (member,) = rows(app, FamilyMember, participant_id=beata.id)
    assert (member.family_id, member.relation) == (w.family.id, "child")
    joined = [e for e in audit_entries(app, "Family") if e.action == "update"]
    assert [(e.object_id, e.detail["added_participant_id"], e.detail["member_id"])
            for e in joined] == [(str(w.family.id), beata.id, member.id)]
    assert audit_entries(app)[-1].detail["family_id"] == w.family.id


# --- programme-path audit entries -----------------------------------------------------------------


def test_programme_path_entries_name_the_acting_institution(app, client, world):
    with app.app_context():
        ensure_default_target_groups("krakow", world.a.partnership.id)
        db.session.commit()
    with app.app_context(), system_scope("test: a carer and the target group"):
        group = db.session.scalar(select(TargetGroup.id).where(
            TargetGroup.partnership_id == world.a.partnership.id, TargetGroup.code == "1"))
    carer = world.factory.participant(world.a.other, labour_status="inactive")
    with world.factory._in(world.a.partnership.id):
        dependant = Dependant(first_name="Staś", birth_year=dates.today().year - 2,
                              dependant_type="child_under_7")
        db.session.add(dependant)
        db.session.flush()
        db.session.add(CareRelation(carer_id=carer.id, dependant_id=dependant.id,
                                    hours_per_week=40))
        db.session.commit()
    assert client.post(f"/{world.slug}/enrollment/new?participant={carer.id}",
                       data={"target_group": str(group)}).status_code == 302
    (enrollment,) = rows(app, Enrollment, participant_id=carer.id)
    for step, data in (("assess", {}), ("start", {}), ("exit", {"reason": "found_work"})):
        assert client.post(f"/{world.slug}/enrollment/{enrollment.id}/{step}",
                           data=data).status_code == 302
    (enrollment,) = rows(app, Enrollment, participant_id=carer.id)
    assert enrollment.status == "exited"
    written = [e for e in audit_entries(app, "Enrollment") if e.action != "read"]
    assert [e.action for e in written] == ["create", "transition", "transition", "transition"]
    assert {e.institution_id for e in written} == {world.a.other.id}
