"""Demo catalogues of activation instruments for every labour office of the demo partnerships,
with enrolments: people placed through accepted referrals, others from the office's register,
completions and drop-outs of past editions, and a week of attendance on running ones.

Every office keeps an open training with free places, so the demo clerk can accept a waiting
referral onto it. Deterministic, and loaded once.
"""

import random
from datetime import timedelta

from sqlalchemy import select

from mosty import toolkit

from ..registration.access import has_consent_for
from ..registration.demo import labour_offices
from ..registration.models import LabourRegistration
from .models import ActivationInstrument, Attendance, InstrumentEnrolment

# kind, title, start (days from today), length in days (None: one-off), places, description
CATALOGUE = [
    ("training", "Opiekun osoby starszej i niesamodzielnej", -20, 60, 14,
     "Kurs zawodowy z praktyką w domu pomocy społecznej; zajęcia 9:00–13:00, "
     "dopasowane do godzin przedszkola."),
    ("training", "Kasjer-sprzedawca z obsługą kas fiskalnych", -160, 45, 12,
     "Kurs z egzaminem wewnętrznym i zaświadczeniem MEN."),
    ("training", "Kompetencje cyfrowe w pracy biurowej", 25, 40, 15,
     "Pakiet biurowy, poczta, bankowość elektroniczna; możliwa część zdalna."),
    ("internship", "Staż: pomoc administracyjna w urzędzie gminy", -100, 180, 6,
     "Staż sześciomiesięczny, 7 godzin dziennie."),
    ("intervention_works", "Prace interwencyjne w spółdzielni socjalnej", -60, 180, 5,
     "Refundacja części wynagrodzenia pracodawcy przez 6 miesięcy."),
    ("public_works", "Roboty publiczne: utrzymanie zieleni gminnej", -200, 150, 10,
     "Zatrudnienie przy pracach porządkowych organizowanych przez gminę."),
    ("job_club", "Klub Pracy: aktywne poszukiwanie pracy", -10, 21, 12,
     "Trzy tygodnie warsztatów: CV, rozmowa kwalifikacyjna, praca na część etatu."),
    ("career_counselling", "Poradnictwo zawodowe indywidualne", -300, None, 40,
     "Spotkania z doradcą zawodowym, także dla osób opiekujących się bliskimi."),
    ("startup_grant", "Jednorazowe środki na podjęcie działalności gospodarczej", -120, None, 4,
     "Dotacja do wysokości sześciokrotności przeciętnego wynagrodzenia."),
    ("activation_grant", "Dodatek aktywizacyjny", -90, None, 20,
     "Dla osób, które same podjęły pracę w niepełnym wymiarze."),
    ("job_placement", "Pośrednictwo pracy: oferty z elastycznym czasem pracy", -30, None, 30,
     "Dobór ofert z pracą na część etatu lub zdalną."),
]
OPEN_TRAINING = CATALOGUE[0][1]
DROPOUT_REASONS = ("Opieka nad chorym dzieckiem", "Podjęła zatrudnienie przed końcem kursu",
                   "Brak opieki nad osobą zależną w godzinach zajęć", "Przeprowadzka")
RESULTS = ("Zaświadczenie o ukończeniu kursu", "Egzamin zdany", "Staż ukończony, opinia "
           "pracodawcy pozytywna", "")


def load(partnerships):
    today = toolkit.today()
    for slug, partnership in sorted(partnerships.items()):
        with toolkit.partnership_scope(partnership.id):
            if toolkit.db.session.scalar(select(ActivationInstrument.id).limit(1)) is not None:
                continue
            rng = random.Random(f"labour-activation-{slug}")
            for office in labour_offices():
                instruments = _catalogue(office, rng, today)
                _placements(office, instruments, rng, today)
            toolkit.db.session.flush()


def _catalogue(office, rng, today):
    chosen = [CATALOGUE[0]] + rng.sample(CATALOGUE[1:], 7)
    instruments = []
    for kind, title, start, length, places, description in chosen:
        starts_on = today + timedelta(days=start + rng.randint(-5, 5))
        instrument = ActivationInstrument(
            institution_id=office.id, kind=kind, title=title, locality=office.locality,
            teryt=office.teryt if len(office.teryt or "") == 7 else "", starts_on=starts_on,
            ends_on=starts_on + timedelta(days=length) if length else None, capacity=places,
            places_taken=0, description=description)
        toolkit.db.session.add(instrument)
        instruments.append(instrument)
    toolkit.db.session.flush()
    return instruments


def _room(instrument, keep_free=0):
    return instrument.capacity - instrument.places_taken > keep_free


def _place(instrument, person, enrolled_on, referral_id, rng, today):
    enrolment = InstrumentEnrolment(instrument_id=instrument.id, participant_id=person.id,
                                    referral_id=referral_id, status="enrolled",
                                    enrolled_on=enrolled_on, end_note="")
    instrument.places_taken += 1
    ends = instrument.ends_on or enrolled_on + timedelta(days=rng.randint(14, 60))
    if ends < today:
        if rng.random() < 0.78:
            enrolment.status, enrolment.ended_on = "completed", ends
            enrolment.end_note = rng.choice(RESULTS)
        else:
            enrolment.status = "dropped_out"
            enrolment.ended_on = min(ends, enrolled_on + timedelta(days=rng.randint(3, max(
                (ends - enrolled_on).days - 1, 3))))
            enrolment.end_note = rng.choice(DROPOUT_REASONS)
    toolkit.db.session.add(enrolment)
    return enrolment


def _placements(office, instruments, rng, today):
    started = [i for i in instruments if i.starts_on <= today]
    placed = set()
    accepted = toolkit.db.session.scalars(
        select(toolkit.Referral).where(toolkit.Referral.to_institution_id == office.id,
                                       toolkit.Referral.status.in_(("accepted", "completed")))
        .order_by(toolkit.Referral.id))
    for referral in accepted:
        person = toolkit.db.session.get(toolkit.Participant, referral.participant_id)
        answered = referral.answered_at.date() if referral.answered_at else today
        # Instruments running around the time the referral was accepted.
        fitting = [i for i in started if _room(i, 4 if i.title == OPEN_TRAINING else 0)
                   and i.starts_on - timedelta(days=30) <= answered
                   and answered <= (i.ends_on or i.starts_on + timedelta(days=365))]
        if not fitting or not has_consent_for(person, office.id) or rng.random() < 0.25:
            continue
        instrument = rng.choice(fitting)
        _place(instrument, person, max(answered, instrument.starts_on), referral.id, rng, today)
        placed.add((instrument.id, person.id))
    registered = toolkit.db.session.scalars(
        select(toolkit.Participant).join(
            LabourRegistration, LabourRegistration.participant_id == toolkit.Participant.id)
        .where(LabourRegistration.institution_id == office.id).order_by(toolkit.Participant.id))
    for person in registered:
        if rng.random() > 0.45 or not has_consent_for(person, office.id):
            continue
        fitting = [i for i in started if _room(i, 4 if i.title == OPEN_TRAINING else 0)
                   and (i.id, person.id) not in placed]
        if fitting:
            instrument = rng.choice(fitting)
            _place(instrument, person, instrument.starts_on + timedelta(days=rng.randint(0, 3)),
                   None, rng, today)
            placed.add((instrument.id, person.id))
    toolkit.db.session.flush()
    _attendance(started, rng, today)


def _attendance(instruments, rng, today):
    """The last week's attendance on running courses and clubs."""
    days = [today - timedelta(days=n) for n in range(1, 8)
            if (today - timedelta(days=n)).weekday() < 5]
    for instrument in instruments:
        if instrument.kind not in ("training", "job_club") or instrument.ends_on is None:
            continue
        enrolments = toolkit.db.session.scalars(select(InstrumentEnrolment).where(
            InstrumentEnrolment.instrument_id == instrument.id))
        for enrolment in enrolments:
            for day in days:
                if (instrument.starts_on <= day <= instrument.ends_on
                        and enrolment.enrolled_on <= day
                        and (enrolment.ended_on is None or day <= enrolment.ended_on)):
                    toolkit.db.session.add(Attendance(enrolment_id=enrolment.id, day=day,
                                                      present=rng.random() < 0.87))
