"""Demo instruments: the four examples installed in both demo partnerships, and results that
show change over time (family motivation tests in West Pomerania, carers' self-assessments
in Kraków, needs diagnoses in both).

Deterministic (one seed per partnership); administrations are added once: a partnership that
already has some is left as it is, but missing examples are always installed. Demo data is
audited by the registry's demo loader, as one entry per partnership.
"""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import dates
from ..auth.models import Membership
from ..db import utcnow
from ..extensions import db
from ..families.models import Family
from ..participants.models import Participant
from ..tenancy import partnership_scope
from .factories import add_administration
from .models import Administration, FamilyRound
from .service import install_examples_for_demo, instrument_by_key

SEED = 5_2026
TEXT_ANSWERS = (
    "Chciałaby zrobić kurs na wózki widłowe.",
    "Potrzebne prawo jazdy – najbliższa praca 15 km od wsi.",
    "Boi się utraty zasiłku, trzeba policzyć dochody po podjęciu pracy.",
    "Opieka nad mamą po udarze, szuka pracy na pół etatu.",
    "Zainteresowana pracą w przetwórni „Drawa”.",
    "",
)


def _answers(spec, rng, level):
    """Answers of someone at ``level`` (0 low .. 1 high) on every scored scale."""
    answers = {}
    for item_id, item in spec["items"].items():
        if not item["required"] and rng.random() < 0.15:
            continue  # people skip optional questions
        kind = item["type"]
        if kind == "scale":
            low, high = item["min"], item["max"]
            agree = level if not item["reverse"] else 1 - level
            point = round(low + agree * (high - low) + rng.uniform(-1, 1))
            answers[item_id] = max(low, min(high, point))
        elif kind == "yes_no":
            good = item["yes_score"] >= item["no_score"]
            answers[item_id] = "yes" if (rng.random() < level) == good else "no"
        elif kind == "choice":
            answers[item_id] = rng.choice(item["options"])["value"]
        elif kind == "number":
            low, high = item.get("min") or 0, item.get("max") or 100
            answers[item_id] = rng.randint(int(low), int(min(high, low + 60)))
        elif kind == "text":
            text = rng.choice(TEXT_ANSWERS)
            if text:
                answers[item_id] = text
    return answers


def _moment(days_ago, rng):
    day = utcnow().date() - timedelta(days=days_ago)
    return datetime.combine(day, time(rng.randint(8, 15), rng.choice((0, 15, 30, 45))), UTC)


def _staff(institution_id):
    return db.session.scalar(select(Membership.user_id).where(
        Membership.institution_id == institution_id).order_by(Membership.id).limit(1))


def _rounds(families, version, rng):
    """Each family's adults fill the test twice, months apart; motivation usually grows."""
    for family in families:
        adults = [m.participant for m in family.members
                  if (dates.today() - m.participant.birth_date).days >= 18 * 365][:4]
        if len(adults) < 2:
            continue
        levels = {p.id: rng.uniform(0.15, 0.6) for p in adults}
        actor = _staff(family.institution_id)
        for days_ago, gain in ((rng.randint(150, 240), 0.0), (rng.randint(10, 60), 0.3)):
            at = _moment(days_ago, rng)
            family_round = FamilyRound(family_id=family.id, version_id=version.id,
                                       institution_id=family.institution_id,
                                       started_by_id=actor, started_at=at)
            db.session.add(family_round)
            db.session.flush()
            for person in adults:
                level = min(1.0, levels[person.id] + gain * rng.uniform(0.3, 1.3))
                add_administration(version, person.id, family.institution_id,
                                   _answers(version.spec, rng, level), at=at,
                                   family_round_id=family_round.id, actor_id=actor)


def _people(participants, version, rng, times):
    for person in participants:
        level = rng.uniform(0.2, 0.7)
        actor = _staff(person.institution_id)
        for index in range(times):
            days_ago = rng.randint(200, 300) if index == 0 else rng.randint(5, 90)
            add_administration(version, person.id, person.institution_id,
                               _answers(version.spec, rng, min(1.0, level + 0.2 * index)),
                               at=_moment(days_ago, rng), actor_id=actor)


def load_instruments_demo(partnerships):
    """Install the examples in every demo partnership ({slug: Partnership}) and, once, add
    demo results."""
    for slug, partnership in partnerships.items():
        with partnership_scope(partnership.id):
            install_examples_for_demo()
            db.session.flush()
            if db.session.scalar(select(func.count(Administration.id))):
                continue
            rng = random.Random(f"{SEED}-{slug}")
            people = list(db.session.scalars(select(Participant).order_by(Participant.id)))
            adults = [p for p in people if (dates.today() - p.birth_date).days >= 18 * 365]
            diagnosis = instrument_by_key("diagnosis").current
            if slug == "pomorze":
                families = list(db.session.scalars(
                    select(Family).options(selectinload(Family.members))
                    .order_by(Family.id).limit(12)))
                _rounds(families, instrument_by_key("family_motivation").current, rng)
                _people(adults[:15], diagnosis, rng, times=1)
            else:
                carers = [p for p in adults if p.care_relations][:12]
                _people(carers, instrument_by_key("carer_wlb").current, rng, times=2)
                _people(adults[:10], diagnosis, rng, times=1)
            db.session.flush()
