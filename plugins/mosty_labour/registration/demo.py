"""Demo registration files at the labour offices of both demo partnerships.

Switches the module on in both partnerships. Built from the demo registry: people the office may see who are registered unemployed get an
open period from the day their unemployment began (some with an earlier period that ended in a
job), and some of the working ones a closed period. Each filed person's registry record is then
brought in line with the office's status by the same function the transitions use
(``_sync_registry``). Deterministic, and loaded once.
"""

import random
from datetime import timedelta

from sqlalchemy import select

from mosty import toolkit

from ..plugin import mosty_modules
from .models import LabourRegistration, RegistrationPeriod
from .transitions import _sync_registry

LABOUR_OFFICE = "labour_office"


def labour_offices():
    return list(toolkit.db.session.scalars(
        select(toolkit.Institution).where(toolkit.Institution.kind == LABOUR_OFFICE)
        .order_by(toolkit.Institution.id)))


def _visible_people(office):
    return list(toolkit.db.session.scalars(
        select(toolkit.Participant).where(toolkit.participant_visible_to(office.id))
        .order_by(toolkit.Participant.id)))


def _file(office, person, case_no):
    registration = LabourRegistration(participant_id=person.id, institution_id=office.id,
                                      case_no=case_no, benefit_entitled=False)
    toolkit.db.session.add(registration)
    return registration


def load(partnerships):
    today = toolkit.today()
    for slug, partnership in sorted(partnerships.items()):
        with toolkit.partnership_scope(partnership.id):
            # Both demo partnerships have labour offices: the module is on, as an
            # administrator would switch it on, with its default grants.
            toolkit.switch_module(mosty_modules(), True)
            if toolkit.db.session.scalar(select(LabourRegistration.id).limit(1)) is not None:
                continue
            rng = random.Random(f"labour-registration-{slug}")
            filed = set()
            for office in labour_offices():
                for person in _visible_people(office):
                    if person.id in filed:
                        continue
                    if person.labour_status == "registered_unemployed" and person.unemployed_since:
                        filed.add(person.id)
                        _unemployed(office, person, rng, today)
                    elif person.labour_status == "employed" and rng.random() < 0.3:
                        filed.add(person.id)
                        _found_work(office, person, rng, today)
            toolkit.db.session.flush()
            # The registry shows what the office recorded, as after a clerk's change. Not
            # audited per person: creating the demo is one audit entry per partnership.
            for person_id in sorted(filed):
                _sync_registry(toolkit.db.session.get(toolkit.Participant, person_id))
            toolkit.db.session.flush()


def _case_no(office, person, year, rng):
    return person.labour_office_case_no or (
        f"{(office.short_name or 'UP').split()[0].upper()}/{year}/{rng.randint(100, 9999)}")


def _unemployed(office, person, rng, today):
    since = min(person.unemployed_since, today)
    registration = _file(office, person, _case_no(office, person, since.year, rng))
    if rng.random() < 0.3:
        # An earlier registration that ended in a job, then unemployment again.
        ended = since - timedelta(days=rng.randint(20, 200))
        began = ended - timedelta(days=rng.randint(90, 400))
        toolkit.db.session.add(RegistrationPeriod(
            registration=registration, status="unemployed", registered_on=began,
            deregistered_on=ended, deregistration_reason="employment"))
    toolkit.db.session.add(RegistrationPeriod(
        registration=registration, status="unemployed", registered_on=since,
        deregistration_reason=""))
    # Benefit is paid for the first 6 months (12 in counties with high unemployment).
    if (today - since).days < 180:
        registration.benefit_entitled = True
        registration.benefit_until = since + timedelta(days=180)


def _found_work(office, person, rng, today):
    ended = today - timedelta(days=rng.randint(30, 400))
    began = ended - timedelta(days=rng.randint(60, 500))
    registration = _file(office, person, _case_no(office, person, began.year, rng))
    toolkit.db.session.add(RegistrationPeriod(
        registration=registration, status=rng.choice(("unemployed", "unemployed", "job_seeker")),
        registered_on=began, deregistered_on=ended,
        deregistration_reason=rng.choice(("employment", "employment", "business"))))
