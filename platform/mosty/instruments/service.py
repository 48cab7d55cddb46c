"""Instrument definitions (saving versions, installing the shipped examples) and
administrations (starting, saving a draft, finishing with the scores), each write audited.

Who sees an administration follows the registry's institution rule: an institution that may
see the participant sees their finished administrations; a draft is seen only by the
institution filling it in, and only that institution changes it.
"""

from functools import cache
from pathlib import Path

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from .. import audit
from ..consents.access import family_visible_to, participant_visible_to
from ..db import utcnow
from ..extensions import db
from ..families.models import Family, FamilyMember
from ..i18n import gettext
from ..participants.models import Participant
from ..privacy.restriction import ProcessingRestricted, ensure_not_restricted
from ..request_memo import request_memo
from .definitions import parse_definition
from .forms import missing_required
from .models import Administration, FamilyRound, Instrument, InstrumentVersion
from .scoring import score_answers

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
EXAMPLE_KEYS = ("diagnosis", "family_motivation", "carer_wlb", "employer_attitudes")


class InstrumentRefused(Exception):
    """The change cannot be made; the message says why, in the user's language."""


class AnswersIncomplete(Exception):
    """Finishing refused: ``errors`` maps item ids to what is missing or wrong."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(", ".join(errors))


# --- definitions -----------------------------------------------------------------------------------

def instruments():
    return list(db.session.scalars(
        select(Instrument).options(selectinload(Instrument.versions))
        .order_by(Instrument.title, Instrument.id)))


def instrument_or_404(instrument_id):
    instrument = db.session.scalar(
        select(Instrument).where(Instrument.id == instrument_id)
        .options(selectinload(Instrument.versions)))
    if instrument is None:
        abort(404)
    return instrument


def instrument_by_key(key):
    """The partnership's instrument with this stable key (modules look instruments up so)."""
    return db.session.scalar(select(Instrument).where(Instrument.key == key))


def save_definition(source, *, actor_id, instrument=None, audited=True):
    """Check the YAML and save it as version 1 of a new instrument, or as the next version of
    ``instrument``. Raises ``InvalidDefinition`` (faults) or ``InstrumentRefused``.
    ``audited=False`` only for the demo data, which the demo loader audits as a whole."""
    spec = parse_definition(source)
    if instrument is None:
        if instrument_by_key(spec["key"]) is not None:
            raise InstrumentRefused(gettext(
                "An instrument with the key \"%(key)s\" exists already: open it and save a new "
                "version there.", key=spec["key"]))
        instrument = Instrument(key=spec["key"], title=spec["title"],
                                is_example=spec["example"])
        db.session.add(instrument)
        number = 1
    else:
        if spec["key"] != instrument.key:
            raise InstrumentRefused(gettext(
                "The key cannot change between versions: keep \"%(key)s\" (programme modules "
                "find the instrument by it).", key=instrument.key))
        current = instrument.current
        if current is not None and current.source.strip() == source.strip():
            raise InstrumentRefused(gettext(
                "The definition is the same as the current version: nothing to save."))
        number = (current.number if current else 0) + 1
        instrument.title, instrument.is_example = spec["title"], spec["example"]
    version = InstrumentVersion(instrument=instrument, number=number, title=spec["title"],
                                source=source, spec=spec, created_by_id=actor_id,
                                created_at=utcnow())
    db.session.add(version)
    db.session.flush()
    if audited:
        audit.record("create", version, actor_id=actor_id,
                     detail={"instrument_id": instrument.id, "key": instrument.key,
                             "number": number})
    return version


@cache
def example_source(key):
    if key not in EXAMPLE_KEYS:
        return None
    return (EXAMPLES_DIR / f"{key}.yaml").read_text(encoding="utf-8")


def examples():
    """[(key, title, installed instrument or None)] of the shipped example instruments."""
    installed = {i.key: i for i in instruments()}
    return [(key, parse_definition(example_source(key))["title"], installed.get(key))
            for key in EXAMPLE_KEYS]


def install_example(key, *, actor_id, audited=True):
    source = example_source(key)
    if source is None:
        raise InstrumentRefused(gettext("There is no example instrument with this key."))
    if instrument_by_key(key) is not None:
        raise InstrumentRefused(gettext(
            "The partnership has an instrument with the key \"%(key)s\" already.", key=key))
    return save_definition(source, actor_id=actor_id, audited=audited)


def install_examples_for_demo():
    """Install every example the partnership does not have yet (the demo loader audits what
    it creates as a whole)."""
    return [install_example(key, actor_id=None, audited=False) for key in EXAMPLE_KEYS
            if instrument_by_key(key) is None]


def version_or_404(instrument, number):
    version = next((v for v in instrument.versions if v.number == number), None)
    if version is None:
        abort(404)
    return version


def usage_counts(version_ids):
    """{version id: finished administrations} for the definitions page."""
    if not version_ids:
        return {}
    return dict(db.session.execute(
        select(Administration.version_id, func.count(Administration.id))
        .where(Administration.version_id.in_(version_ids), Administration.status == "finished")
        .group_by(Administration.version_id)).all())


# --- administrations ---------------------------------------------------------------------------

def _refuse_restricted(participant):
    """Restriction of processing (GDPR art. 18): the record stays, but no instrument is given
    or changed; the message names the person, as a family round may hold several."""
    try:
        ensure_not_restricted(participant)
    except ProcessingRestricted as restricted:
        raise InstrumentRefused(gettext("%(name)s: %(message)s", name=participant.full_name,
                                        message=restricted.message)) from None


def start_administration(participant, instrument, *, institution_id, actor_id,
                         family_round=None):
    """A draft of the instrument's current version for the participant."""
    _refuse_restricted(participant)
    version = instrument.current
    administration = Administration(
        version_id=version.id, participant_id=participant.id, institution_id=institution_id,
        family_round=family_round, status="draft", answers={}, started_at=utcnow(),
        administered_by_id=actor_id,
    )
    db.session.add(administration)
    db.session.flush()
    audit.record("create", administration, actor_id=actor_id, institution_id=institution_id,
                 detail={"participant_id": participant.id, "version_id": version.id,
                         "family_round_id": family_round.id if family_round else None})
    return administration


def start_family_round(family, instrument, members, *, institution_id, actor_id):
    """One draft per chosen member, grouped in a round."""
    if not members:
        raise InstrumentRefused(gettext("Choose at least one family member."))
    for participant in members:
        _refuse_restricted(participant)
    family_round = FamilyRound(family_id=family.id, version_id=instrument.current.id,
                               institution_id=institution_id, started_by_id=actor_id,
                               started_at=utcnow())
    db.session.add(family_round)
    db.session.flush()
    audit.record("create", family_round, actor_id=actor_id, institution_id=institution_id,
                 detail={"family_id": family.id, "member_ids": [p.id for p in members]})
    for participant in members:
        start_administration(participant, instrument, institution_id=institution_id,
                             actor_id=actor_id, family_round=family_round)
    return family_round


def _check_editable(administration, institution_id):
    if administration.institution_id != institution_id:
        raise InstrumentRefused(gettext(
            "Only the institution that started this administration can change it."))
    if not administration.is_draft:
        raise InstrumentRefused(gettext(
            "This administration is finished: its answers can no longer be changed."))
    _refuse_restricted(administration.participant)


def save_draft(administration, answers, *, institution_id, actor_id):
    _check_editable(administration, institution_id)
    administration.answers = dict(answers)
    audit.record("update", administration, actor_id=actor_id, institution_id=institution_id,
                 detail={"participant_id": administration.participant_id,
                         "items": sorted(answers)})
    return administration


def finish_administration(administration, answers, *, institution_id, actor_id):
    """Check the required items, compute the scores with the administration's own version
    and store them; the answers are saved as a draft even when finishing is refused."""
    _check_editable(administration, institution_id)
    spec = administration.version.spec
    missing = missing_required(spec, answers)
    if missing:
        raise AnswersIncomplete(missing)
    administration.answers = dict(answers)
    administration.scores = score_answers(spec, answers)
    administration.status = "finished"
    administration.finished_at = utcnow()
    audit.record("transition", administration, actor_id=actor_id,
                 institution_id=institution_id,
                 detail={"participant_id": administration.participant_id, "from": "draft",
                         "to": "finished", "items": sorted(answers)})
    return administration


def discard_draft(administration, *, institution_id, actor_id):
    _check_editable(administration, institution_id)
    audit.record("delete", administration, actor_id=actor_id, institution_id=institution_id,
                 detail={"participant_id": administration.participant_id})
    db.session.delete(administration)


# --- reading ------------------------------------------------------------------------------------

def _visible(institution_id):
    """Administrations an institution sees: of people it may see; drafts only its own."""
    return (participant_visible_to(institution_id)
            & ((Administration.status == "finished")
               | (Administration.institution_id == institution_id)))


def administration_or_404(administration_id, institution_id):
    administration = db.session.scalar(
        select(Administration).join(Participant, Participant.id == Administration.participant_id)
        .where(Administration.id == administration_id, _visible(institution_id))
        .options(joinedload(Administration.version).joinedload(InstrumentVersion.instrument),
                 joinedload(Administration.participant),
                 joinedload(Administration.institution)))
    if administration is None:
        abort(404)
    return administration


@request_memo
def participant_administrations(participant_id, institution_id):
    return list(db.session.scalars(
        select(Administration).join(Participant, Participant.id == Administration.participant_id)
        .where(Administration.participant_id == participant_id, _visible(institution_id))
        .options(joinedload(Administration.version).joinedload(InstrumentVersion.instrument),
                 joinedload(Administration.institution))
        .order_by(Administration.started_at.desc(), Administration.id.desc())))


def history(participant_id, instrument_id, institution_id):
    """Finished administrations of one instrument (every version) for one person, oldest
    first: the points of the change-over-time chart."""
    return list(db.session.scalars(
        select(Administration).join(Participant, Participant.id == Administration.participant_id)
        .join(InstrumentVersion, InstrumentVersion.id == Administration.version_id)
        .where(Administration.participant_id == participant_id,
               InstrumentVersion.instrument_id == instrument_id,
               Administration.status == "finished", participant_visible_to(institution_id))
        .options(joinedload(Administration.version))
        .order_by(Administration.finished_at, Administration.id)))


def family_round_or_404(round_id, institution_id):
    family_round = db.session.scalar(
        select(FamilyRound).join(Family, Family.id == FamilyRound.family_id)
        .where(FamilyRound.id == round_id, family_visible_to(institution_id))
        .options(joinedload(FamilyRound.family),
                 joinedload(FamilyRound.version).joinedload(InstrumentVersion.instrument)))
    if family_round is None:
        abort(404)
    return family_round


def round_administrations(family_round, institution_id):
    """The round's administrations of the members the institution may see."""
    return list(db.session.scalars(
        select(Administration).join(Participant, Participant.id == Administration.participant_id)
        .where(Administration.family_round_id == family_round.id, _visible(institution_id))
        .options(joinedload(Administration.participant))
        .order_by(Administration.id)))


@request_memo
def family_rounds(family_id, institution_id):
    rounds = list(db.session.scalars(
        select(FamilyRound).where(FamilyRound.family_id == family_id)
        .options(joinedload(FamilyRound.version).joinedload(InstrumentVersion.instrument))
        .order_by(FamilyRound.started_at.desc(), FamilyRound.id.desc())))
    return [(r, round_administrations(r, institution_id)) for r in rounds]


def visible_members(family, institution_id):
    """Members of the family the institution may see (the ones it may give an instrument)."""
    return list(db.session.scalars(
        select(Participant).join(FamilyMember, FamilyMember.participant_id == Participant.id)
        .where(FamilyMember.family_id == family.id, participant_visible_to(institution_id))
        .order_by(FamilyMember.id)))


def usable_instruments():
    """Instruments that have a version to give (all of them, once saved)."""
    return [i for i in instruments() if i.current is not None]


@request_memo
def can_give_instruments():
    """Whether the partnership has an instrument to give: the sections' "give" link. One
    row's id, not every instrument with every version's definition (the definitions are the
    largest text a participant page would otherwise read)."""
    return db.session.scalar(select(InstrumentVersion.id).limit(1)) is not None

