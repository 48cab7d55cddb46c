"""Activation instruments: the catalogue per labour office, enrolment (consent for the labour
office required, capacity never exceeded, also by concurrent enrolments on PostgreSQL),
attendance, completion and drop-out, cancellation giving the place back, and who may do what.
"""

import threading
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from mosty import dates
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from mosty_labour.activation.models import ActivationInstrument, Attendance, InstrumentEnrolment
from mosty_labour.activation.transitions import ActivationRefused, enrol
from test_labour_registration import SLUG, audit_entries, client_of, in_a, labour_world

TODAY = dates.today()


@pytest.fixture
def world(app, factory):
    return labour_world(app, factory)


def add_instrument(world, office=None, capacity=2, kind="training", **values):
    office = office or world.gup
    with world.app.app_context(), partnership_scope(office.partnership_id):
        instrument = ActivationInstrument(
            institution_id=office.id, kind=kind, title=values.pop("title", "Kurs opiekuna osób starszych"),
            locality="Kraków", teryt="1261011", starts_on=values.pop("starts_on", TODAY),
            ends_on=values.pop("ends_on", TODAY + timedelta(days=60)), capacity=capacity,
            places_taken=0, description="", **values)
        db.session.add(instrument)
        db.session.commit()
        return SimpleNamespace(id=instrument.id)


def person_with_consent(world, name):
    person = world.f.participant(world.mops, first_name=name, last_name="Testowa")
    world.f.consent(person, [world.gup])
    return person


def enrol_url(world, person):
    return f"/{SLUG}/labour/enrolments/new?participant={person.id}"


def enrol_by_form(world, person, instrument, client=None):
    client = client or client_of(world, world.gup_clerk)
    return client.post(enrol_url(world, person), data={"instrument": instrument.id,
                                                       "enrolled_on": TODAY.isoformat()})


def places_taken(world, instrument):
    with in_a(world) as session:
        return session.scalar(select(ActivationInstrument.places_taken)
                              .where(ActivationInstrument.id == instrument.id))


def enrolments(world, instrument=None):
    with in_a(world) as session:
        query = select(InstrumentEnrolment).order_by(InstrumentEnrolment.id)
        if instrument is not None:
            query = query.where(InstrumentEnrolment.instrument_id == instrument.id)
        return [SimpleNamespace(id=e.id, participant_id=e.participant_id, status=e.status,
                                ended_on=e.ended_on, end_note=e.end_note)
                for e in session.scalars(query)]


def enrolment_url(enrolment_id, action=""):
    return f"/{SLUG}/labour/enrolments/{enrolment_id}/{action}"


# --- the catalogue ----------------------------------------------------------------------------


def test_a_clerk_adds_an_instrument_and_everyone_with_the_module_sees_it_in_the_catalogue(world):
    client = client_of(world, world.gup_clerk)
    response = client.post(f"/{SLUG}/labour/instruments/new", data={
        "kind": "internship", "title": "Staż w administracji", "locality": "Kraków",
        "teryt": "1261011", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=180)).isoformat(), "capacity": "5",
        "description": "Staż 6-miesięczny"})
    assert response.status_code == 302
    with in_a(world) as session:
        instrument = session.scalar(select(ActivationInstrument))
        assert (instrument.institution_id, instrument.kind, instrument.capacity) == (
            world.gup.id, "internship", 5)
    catalogue = client_of(world, world.mops_worker).get(f"/{SLUG}/labour/instruments/")
    page = catalogue.get_data(as_text=True)
    assert "Staż w administracji" in page and "5 of 5" in page


@pytest.mark.parametrize("data, message", [
    ({"capacity": "0"}, "Between 1 and 10000 places."),
    ({"ends_on": (TODAY - timedelta(days=1)).isoformat()}, "cannot be before the start"),
    ({"kind": "lottery"}, "Choose one of the options offered."),
    ({"title": ""}, "Give the instrument a title."),
    ({"starts_on": "jutro"}, "Enter a date as YYYY-MM-DD."),
    ({"teryt": "12a"}, "A commune code has 7 digits."),
])
def test_bad_instrument_input_gets_a_clear_message(world, data, message):
    form = {"kind": "training", "title": "Kurs", "locality": "Kraków", "teryt": "",
            "starts_on": TODAY.isoformat(), "ends_on": "", "capacity": "3", "description": ""}
    form.update(data)
    response = client_of(world, world.gup_clerk).post(f"/{SLUG}/labour/instruments/new",
                                                      data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_only_labour_office_clerks_add_or_edit_instruments(world):
    instrument = add_instrument(world)
    assert client_of(world, world.mops_worker).get(
        f"/{SLUG}/labour/instruments/new").status_code == 403
    assert client_of(world, world.mops_clerk).get(
        f"/{SLUG}/labour/instruments/new").status_code == 403
    # A clerk of another labour office sees it in the catalogue but cannot change it.
    uppk = client_of(world, world.uppk_clerk)
    assert uppk.get(f"/{SLUG}/labour/instruments/{instrument.id}/").status_code == 200
    assert uppk.get(f"/{SLUG}/labour/instruments/{instrument.id}/edit").status_code == 403


def test_capacity_cannot_be_lowered_below_the_places_taken(world):
    instrument = add_instrument(world, capacity=2)
    enrol_by_form(world, world.anna, instrument)
    enrol_by_form(world, person_with_consent(world, "Beata"), instrument)
    response = client_of(world, world.gup_clerk).post(
        f"/{SLUG}/labour/instruments/{instrument.id}/edit", data={
            "kind": "training", "title": "Kurs", "locality": "Kraków",
            "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=30)).isoformat(),
            "capacity": "1"})
    assert response.status_code == 422
    assert "2 places are already taken" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind, refused", [
    ("training", True), ("internship", True), ("intervention_works", True),
    ("public_works", True), ("job_club", True),
    ("activation_grant", False), ("startup_grant", False), ("job_placement", False),
    ("career_counselling", False),
])
def test_a_fixed_term_instrument_needs_its_end_date(world, kind, refused):
    """QA: an internship could be saved without an end date, though the form's hint said
    empty is for support without an end."""
    response = client_of(world, world.gup_clerk).post(f"/{SLUG}/labour/instruments/new",
                                                      data=instrument_form(kind=kind))
    html = response.get_data(as_text=True)
    if refused:
        assert response.status_code == 422
        assert "runs for a set time: give its end date" in html
    else:
        assert response.status_code == 302, html[:500]


# --- enrolment and capacity ------------------------------------------------------------------


def test_capacity_of_an_instrument_cannot_be_exceeded(world):
    instrument = add_instrument(world, capacity=2)
    people = [world.anna] + [person_with_consent(world, n) for n in ("Beata", "Celina")]
    assert enrol_by_form(world, people[0], instrument).status_code == 302
    assert enrol_by_form(world, people[1], instrument).status_code == 302
    full = enrol_by_form(world, people[2], instrument)
    assert full.status_code == 422
    # The full instrument is no longer offered, so the choice itself is refused.
    assert "has no instrument with places left" in full.get_data(as_text=True)
    with in_a(world) as session:
        participant = session.get(Participant, people[2].id)
        full_instrument = session.get(ActivationInstrument, instrument.id)
        with force_locale("en"), pytest.raises(ActivationRefused, match="no places left"):
            enrol(participant, full_instrument, office_id=world.gup.id, actor_id=None)
        session.rollback()
    assert places_taken(world, instrument) == 2
    assert len(enrolments(world, instrument)) == 2


def test_the_database_refuses_an_overfilled_instrument(world):
    instrument = add_instrument(world, capacity=1)
    with in_a(world) as session, pytest.raises(IntegrityError):
        session.execute(update(ActivationInstrument).where(
            ActivationInstrument.id == instrument.id).values(places_taken=2))
    assert places_taken(world, instrument) == 0


@pytest.mark.postgres
def test_concurrent_enrolments_never_take_more_places_than_there_are(pg_app, make_app):
    """Two clerks enrol two people on the last place at once: the first UPDATE holds the row
    lock until its transaction commits; the second then finds no place left."""
    from mosty.testing.factories import RegistryFactory

    world = labour_world(pg_app, RegistryFactory(pg_app))
    instrument = add_instrument(world, capacity=1)
    people = [world.anna, person_with_consent(world, "Beata")]
    first_took_place = threading.Event()
    outcomes = {}

    def clerk(index, hold):
        with pg_app.app_context(), partnership_scope(world.p.id):
            try:
                participant = db.session.get(Participant, people[index].id)
                target = db.session.get(ActivationInstrument, instrument.id)
                enrol(participant, target, office_id=world.gup.id, actor_id=None)
                if hold:
                    first_took_place.set()
                    threading.Event().wait(0.5)  # keep the lock while the other one tries
                db.session.commit()
                outcomes[index] = "enrolled"
            except ActivationRefused:
                db.session.rollback()
                outcomes[index] = "refused"
            finally:
                first_took_place.set()
                db.session.remove()

    first = threading.Thread(target=clerk, args=(0, True))
    first.start()
    first_took_place.wait(10)
    second = threading.Thread(target=clerk, args=(1, False))
    second.start()
    first.join(20)
    second.join(20)
    assert outcomes == {0: "enrolled", 1: "refused"}
    assert places_taken(world, instrument) == 1
    with pg_app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(text("SELECT count(*) FROM labour_enrolment")) == 1


def test_enrolment_needs_a_consent_naming_the_labour_office(world):
    instrument = add_instrument(world)
    stranger = world.f.participant(world.mops, first_name="Dorota", last_name="Bezzgody")
    world.f.consent(stranger, [world.uppk])  # a consent, but not for this office
    with in_a(world) as session:
        participant = session.get(Participant, stranger.id)
        target = session.get(ActivationInstrument, instrument.id)
        with force_locale("en"), pytest.raises(ActivationRefused, match="no active consent"):
            enrol(participant, target, office_id=world.gup.id, actor_id=None)
        session.rollback()
    # Without a consent the office does not even see the person: 404.
    assert enrol_by_form(world, stranger, instrument).status_code == 404
    assert places_taken(world, instrument) == 0


def test_a_person_is_enrolled_once_per_instrument(world):
    instrument = add_instrument(world, capacity=5)
    assert enrol_by_form(world, world.anna, instrument).status_code == 302
    again = enrol_by_form(world, world.anna, instrument)
    assert again.status_code == 422
    assert "already enrolled" in again.get_data(as_text=True)
    assert places_taken(world, instrument) == 1


def test_only_clerks_of_the_running_office_enrol(world):
    instrument = add_instrument(world)
    assert client_of(world, world.mops_worker).get(enrol_url(world, world.anna)).status_code == 403
    assert client_of(world, world.ngo_worker).get(enrol_url(world, world.anna)).status_code == 403
    world.f.consent(world.anna, [world.uppk])
    uppk = client_of(world, world.uppk_clerk)
    page = uppk.get(enrol_url(world, world.anna)).get_data(as_text=True)
    assert "has no instrument with places left" in page  # GUP's instrument is not offered
    assert enrol_by_form(world, world.anna, instrument, uppk).status_code == 422
    assert places_taken(world, instrument) == 0


# --- attendance, completion, drop-out, cancellation -------------------------------------------


def test_attendance_completion_and_the_participant_timeline(world):
    instrument = add_instrument(world, starts_on=TODAY - timedelta(days=10))
    enrol_by_form(world, world.anna, instrument)
    beata = person_with_consent(world, "Beata")
    enrol_by_form(world, beata, instrument)
    anna_e, beata_e = enrolments(world, instrument)
    client = client_of(world, world.gup_clerk)
    day = TODAY.isoformat()
    sheet = client.get(f"/{SLUG}/labour/instruments/{instrument.id}/attendance?day={day}")
    assert sheet.status_code == 200 and "Beata" in sheet.get_data(as_text=True)
    response = client.post(f"/{SLUG}/labour/instruments/{instrument.id}/attendance",
                           data={"day": day, "present": [str(anna_e.id)]})
    assert response.status_code == 302
    with in_a(world) as session:
        marks = dict(session.execute(select(Attendance.enrolment_id, Attendance.present)).all())
    assert marks == {anna_e.id: True, beata_e.id: False}
    assert client.post(enrolment_url(anna_e.id, "complete"), data={
        "ended_on": day, "note": "Certyfikat ukończenia"}).status_code == 302
    assert client.post(enrolment_url(beata_e.id, "dropout"), data={
        "ended_on": day, "reason": ""}).status_code == 422
    assert client.post(enrolment_url(beata_e.id, "dropout"), data={
        "ended_on": day, "reason": "Podjęła pracę"}).status_code == 302
    assert [(e.status, e.ended_on) for e in enrolments(world, instrument)] == [
        ("completed", TODAY), ("dropped_out", TODAY)]
    assert places_taken(world, instrument) == 2  # a drop-out still used the place
    page = client_of(world, world.mops_worker).get(
        f"/{SLUG}/participants/{world.anna.id}/").get_data(as_text=True)
    assert "Completed Kurs opiekuna osób starszych" in page
    assert "Enrolled on Kurs opiekuna osób starszych" in page
    transitions = [e.detail["to"] for e in audit_entries(world)
                   if e.object_type == "InstrumentEnrolment" and e.action == "transition"]
    assert transitions == ["completed", "dropped_out"]


def test_an_ended_enrolment_cannot_end_again_and_dates_are_checked(world):
    instrument = add_instrument(world)
    enrol_by_form(world, world.anna, instrument)
    (e,) = enrolments(world, instrument)
    client = client_of(world, world.gup_clerk)
    future = (TODAY + timedelta(days=3)).isoformat()
    response = client.post(enrolment_url(e.id, "complete"), data={"ended_on": future})
    assert response.status_code == 422 and "cannot be in the future" in response.get_data(
        as_text=True)
    client.post(enrolment_url(e.id, "complete"), data={"ended_on": TODAY.isoformat()})
    again = client.post(enrolment_url(e.id, "dropout"), data={"ended_on": TODAY.isoformat(),
                                                               "reason": "x"})
    assert again.status_code == 422 and "already ended" in again.get_data(as_text=True)


def test_cancelling_an_enrolment_frees_the_place(world):
    instrument = add_instrument(world, capacity=1)
    enrol_by_form(world, world.anna, instrument)
    (e,) = enrolments(world, instrument)
    client = client_of(world, world.gup_clerk)
    assert client.post(enrolment_url(e.id, "cancel"), data={
        "reason": "Rezygnacja przed startem"}).status_code == 302
    assert places_taken(world, instrument) == 0
    assert enrol_by_form(world, person_with_consent(world, "Beata"), instrument
                         ).status_code == 302
    assert places_taken(world, instrument) == 1


def test_the_enrolment_page_is_read_by_who_sees_the_person_and_acted_on_by_the_office(world):
    instrument = add_instrument(world)
    enrol_by_form(world, world.anna, instrument)
    (e,) = enrolments(world, instrument)
    mops = client_of(world, world.mops_worker).get(enrolment_url(e.id))
    assert mops.status_code == 200 and "Record the completion" not in mops.get_data(as_text=True)
    assert "Record the completion" in client_of(world, world.gup_clerk).get(
        enrolment_url(e.id)).get_data(as_text=True)
    assert client_of(world, world.ngo_worker).get(enrolment_url(e.id)).status_code == 404
    assert client_of(world, world.b.clerk).get(
        f"/labour-b/labour/enrolments/{e.id}/").status_code == 404
    # The roster on the instrument page is for the running office only.
    instrument_url = f"/{SLUG}/labour/instruments/{instrument.id}/"
    assert "Anna Nowak" in client_of(world, world.gup_clerk).get(instrument_url).get_data(
        as_text=True)
    assert "Anna Nowak" not in client_of(world, world.mops_worker).get(
        instrument_url).get_data(as_text=True)
    # Members of other institutions cannot end it: the guard (read access) or the office check.
    assert client_of(world, world.mops_worker).post(
        enrolment_url(e.id, "complete"), data={"ended_on": TODAY.isoformat()}).status_code == 403
    assert client_of(world, world.mops_clerk).post(
        enrolment_url(e.id, "complete"), data={"ended_on": TODAY.isoformat()}).status_code == 403


def test_an_internship_is_left_out_of_long_term_unemployment(world):
    from mosty_labour.registration import service

    start = TODAY - timedelta(days=420)
    client = client_of(world, world.gup_clerk)
    client.post(f"/{SLUG}/labour/registration/{world.anna.id}/register",
                data={"status": "unemployed", "registered_on": start.isoformat()})
    with in_a(world):
        assert service.summary(world.anna.id).long_term
    internship = add_instrument(world, kind="internship", starts_on=TODAY - timedelta(days=120),
                                ends_on=TODAY + timedelta(days=60), title="Staż")
    enrol_by_form(world, world.anna, internship)
    with in_a(world) as session:
        session.execute(update(InstrumentEnrolment).values(enrolled_on=TODAY - timedelta(days=120)))
        session.commit()
        summary = service.summary(world.anna.id)
        assert not summary.long_term
        assert summary.time_registered.months < 12


def test_personal_data_lists_enrolments_and_anonymisation_blanks_the_note(world):
    from mosty_labour.activation import hooks

    instrument = add_instrument(world)
    enrol_by_form(world, world.anna, instrument)
    (e,) = enrolments(world, instrument)
    client_of(world, world.gup_clerk).post(enrolment_url(e.id, "dropout"), data={
        "ended_on": TODAY.isoformat(), "reason": "Choroba dziecka"})
    with in_a(world) as session:
        anna = session.get(Participant, world.anna.id)
        section = hooks.personal_data(anna)
        assert "Choroba dziecka" in section.records[0].values()
        hooks.anonymise_participant(anna)
        session.commit()
    (after,) = enrolments(world, instrument)
    assert (after.status, after.end_note) == ("dropped_out", "")


def test_a_person_whose_processing_is_restricted_is_neither_enrolled_nor_registered(world):
    from mosty_labour.registration.transitions import RegistrationRefused, register_person

    instrument = add_instrument(world)
    with in_a(world) as session:
        session.execute(update(Participant).where(Participant.id == world.anna.id)
                        .values(processing_restricted=True))
        session.commit()
        anna = session.get(Participant, world.anna.id)
        with pytest.raises(ActivationRefused):
            enrol(anna, session.get(ActivationInstrument, instrument.id),
                  office_id=world.gup.id, actor_id=None)
        session.rollback()
        anna = session.get(Participant, world.anna.id)
        with pytest.raises(RegistrationRefused):
            register_person(anna, office_id=world.gup.id, actor_id=None, status="unemployed",
                            registered_on=TODAY)
        session.rollback()
    assert places_taken(world, instrument) == 0


def test_the_clerk_enrols_from_the_instrument_page_choosing_among_people_with_consent(world):
    instrument = add_instrument(world, capacity=2)
    stranger = world.f.participant(world.mops, first_name="Dorota", last_name="Bezzgody")
    client = client_of(world, world.gup_clerk)
    page = client.get(f"/{SLUG}/labour/instruments/{instrument.id}/").get_data(as_text=True)
    assert "Nowak Anna" in page and "Bezzgody" not in page
    enrol_url_ = f"/{SLUG}/labour/instruments/{instrument.id}/enrol"
    refused = client.post(enrol_url_, data={"participant": stranger.id,
                                            "enrolled_on": TODAY.isoformat()})
    assert refused.status_code == 422
    assert "Choose one of the options offered." in refused.get_data(as_text=True)
    assert client.post(enrol_url_, data={"participant": world.anna.id,
                                         "enrolled_on": TODAY.isoformat()}).status_code == 302
    assert [e.participant_id for e in enrolments(world, instrument)] == [world.anna.id]
    page = client.get(f"/{SLUG}/labour/instruments/{instrument.id}/").get_data(as_text=True)
    assert "Nowak Anna (" not in page  # no longer offered: already on it
    assert client_of(world, world.uppk_clerk).post(enrol_url_, data={
        "participant": world.anna.id, "enrolled_on": TODAY.isoformat()}).status_code == 403


def test_an_anonymised_record_is_closed_to_enrolment_and_registration_changes(world):
    from mosty.toolkit import utcnow
    from mosty_labour.registration.models import LabourRegistration
    from mosty_labour.registration.transitions import (
        RegistrationRefused,
        deregister,
        register_person,
    )

    instrument = add_instrument(world)
    with in_a(world) as session:
        anna = session.get(Participant, world.anna.id)
        register_person(anna, office_id=world.gup.id, actor_id=None, status="unemployed",
                        registered_on=TODAY)
        session.execute(update(Participant).where(Participant.id == world.anna.id)
                        .values(anonymised_at=utcnow()))
        session.commit()
        anna = session.get(Participant, world.anna.id)
        with force_locale("en"), pytest.raises(ActivationRefused, match="anonymised"):
            enrol(anna, session.get(ActivationInstrument, instrument.id),
                  office_id=world.gup.id, actor_id=None)
        session.rollback()
        registration = session.scalar(select(LabourRegistration))
        with force_locale("en"), pytest.raises(RegistrationRefused, match="anonymised"):
            deregister(registration, office_id=world.gup.id, actor_id=None, on=TODAY,
                       reason="employment")
        session.rollback()
        with force_locale("en"), pytest.raises(RegistrationRefused, match="anonymised"):
            register_person(session.get(Participant, world.anna.id), office_id=world.gup.id,
                            actor_id=None, status="unemployed", registered_on=TODAY)
        session.rollback()
    assert places_taken(world, instrument) == 0


def test_a_superscript_digit_as_the_person_is_a_message_not_an_error(world):
    """"²" passes str.isdigit() but int() refuses it."""
    response = client_of(world, world.gup_clerk).get(
        f"/{SLUG}/labour/enrolments/new?participant=²")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/{SLUG}/participants/")


# --- review fixes: the dates of instruments and enrolments -----------------------------------


def enrol_on(world, instrument, day, person=None):
    """The instrument page's "enrol a person" form."""
    return client_of(world, world.gup_clerk).post(
        f"/{SLUG}/labour/instruments/{instrument.id}/enrol",
        data={"participant": (person or world.anna).id, "enrolled_on": day})


@pytest.mark.parametrize("day, message", [
    ("2099-01-01", "at most 30 days ahead"),
    ((TODAY + timedelta(days=31)).isoformat(), "at most 30 days ahead"),
    ("0001-01-01", "before the instrument starts"),
    ((TODAY - timedelta(days=11)).isoformat(), "before the instrument starts"),
])
def test_an_enrolment_is_dated_within_the_instrument_and_not_far_ahead(world, day, message):
    instrument = add_instrument(world, starts_on=TODAY - timedelta(days=10), ends_on=None)
    response = enrol_on(world, instrument, day)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and day in html  # the form comes back as typed
    assert enrolments(world, instrument) == [] and places_taken(world, instrument) == 0


def test_an_enrolment_is_not_dated_after_the_instrument_ends(world):
    instrument = add_instrument(world, starts_on=TODAY - timedelta(days=10),
                                ends_on=TODAY + timedelta(days=5))
    response = enrol_on(world, instrument, (TODAY + timedelta(days=6)).isoformat())
    assert response.status_code == 422
    assert "after the instrument ends" in response.get_data(as_text=True)
    ahead = (TODAY + timedelta(days=5)).isoformat()
    assert enrol_on(world, instrument, ahead).status_code == 302


def test_an_instrument_starting_later_is_enrolled_from_its_start_and_cancelling_never_ends_before(
        world):
    starts = TODAY + timedelta(days=45)
    instrument = add_instrument(world, starts_on=starts, ends_on=starts + timedelta(days=60))
    with in_a(world) as session:
        enrolment = enrol(session.get(Participant, world.anna.id),
                          session.get(ActivationInstrument, instrument.id),
                          office_id=world.gup.id, actor_id=None)
        assert enrolment.enrolled_on == starts
        session.commit()
        enrolment_id = enrolment.id
    # Recruiting for it ahead: up to 30 days after its start.
    assert enrol_on(world, instrument, (starts + timedelta(days=30)).isoformat(),
                    person_with_consent(world, "Beata")).status_code == 302
    response = client_of(world, world.gup_clerk).post(enrolment_url(enrolment_id, "cancel"),
                                                      data={"reason": "Rezygnacja"})
    assert response.status_code == 302
    [cancelled, _beata] = enrolments(world, instrument)
    assert (cancelled.status, cancelled.ended_on) == ("cancelled", starts)


def instrument_form(**changes):
    form = {"kind": "training", "title": "Kurs", "locality": "Kraków", "teryt": "",
            "starts_on": TODAY.isoformat(), "ends_on": "", "capacity": "5", "description": ""}
    form.update(changes)
    return form


@pytest.mark.parametrize("changes, message", [
    ({"starts_on": "0001-01-01"}, "The date cannot be before Jan 1, 2000."),
    ({"starts_on": "2099-01-01"}, "The date cannot be after"),
    ({"ends_on": (TODAY + timedelta(days=4 * 366)).isoformat()}, "at most three years"),
])
def test_instrument_dates_are_bounded(world, changes, message):
    response = client_of(world, world.gup_clerk).post(f"/{SLUG}/labour/instruments/new",
                                                      data=instrument_form(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and next(iter(changes.values())) in html
    with in_a(world) as session:
        assert session.scalars(select(ActivationInstrument)).all() == []


def test_the_dates_of_an_instrument_cannot_leave_its_enrolments_outside(world):
    instrument = add_instrument(world, starts_on=TODAY - timedelta(days=30),
                                ends_on=TODAY + timedelta(days=30))
    enrolled_on = TODAY - timedelta(days=5)
    assert enrol_on(world, instrument, enrolled_on.isoformat()).status_code == 302
    client = client_of(world, world.gup_clerk)
    edit = f"/{SLUG}/labour/instruments/{instrument.id}/edit"
    starts = (TODAY - timedelta(days=30)).isoformat()
    earlier_end = client.post(edit, data=instrument_form(
        starts_on=starts, ends_on=(TODAY - timedelta(days=10)).isoformat()))
    assert earlier_end.status_code == 422
    assert (f"recorded up to {enrolled_on.isoformat()}: the instrument cannot end earlier"
            in earlier_end.get_data(as_text=True))
    later_start = client.post(edit, data=instrument_form(
        starts_on=(TODAY - timedelta(days=2)).isoformat(),
        ends_on=(TODAY + timedelta(days=30)).isoformat()))
    assert later_start.status_code == 422
    assert "the instrument cannot start later" in later_start.get_data(as_text=True)
    assert client.post(edit, data=instrument_form(
        starts_on=starts, ends_on=enrolled_on.isoformat())).status_code == 302


# --- second review: an enrolment ends within its own dates --------------------------------------


def test_an_enrolment_never_ends_before_it_began_nor_in_the_future(world):
    instrument = add_instrument(world, starts_on=TODAY - timedelta(days=10))
    began = TODAY - timedelta(days=5)
    assert enrol_on(world, instrument, began.isoformat()).status_code == 302
    (e,) = enrolments(world, instrument)
    client = client_of(world, world.gup_clerk)
    for action, data in (("complete", {}), ("dropout", {"reason": "Choroba"})):
        for day, message in (((began - timedelta(days=1)).isoformat(),
                              "The date cannot be before the enrolment."),
                             ("0001-01-01", "The date cannot be before the enrolment."),
                             ("2099-01-01", "The date cannot be in the future.")):
            response = client.post(enrolment_url(e.id, action), data={"ended_on": day, **data})
            assert response.status_code == 422, (action, day)
            assert message in response.get_data(as_text=True), (action, day)
    assert [(x.status, x.ended_on) for x in enrolments(world, instrument)] == [("enrolled", None)]
    assert client.post(enrolment_url(e.id, "complete"),
                       data={"ended_on": began.isoformat()}).status_code == 302
    assert [(x.status, x.ended_on) for x in enrolments(world, instrument)] == [
        ("completed", began)]


def test_an_enrolment_is_not_dated_before_2000_even_on_an_older_instrument(world):
    """An instrument recorded before the bounds (starting in 1995) does not let an enrolment
    carry a date before the programme."""
    instrument = add_instrument(world, starts_on=date(1995, 1, 1), ends_on=None)
    response = enrol_on(world, instrument, "1999-12-31")
    assert response.status_code == 422
    assert "The date cannot be before Jan 1, 2000." in response.get_data(as_text=True)
    assert enrolments(world, instrument) == []
