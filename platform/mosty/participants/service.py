"""Finding, registering and rectifying participants within what the member's institution may
see; duplicate detection across the partnership; care relations; the page's own timeline."""

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .. import audit
from ..audit.models import AuditEntry
from ..collation import by_name
from ..consents.access import family_visible_to, participant_visible_to
from ..extensions import db
from ..families.models import RELATIONS, Family, FamilyMember
from ..i18n import lazy_gettext as _l
from ..plugins.contributions import TimelineEntry
from ..privacy.restriction import ensure_record_open
from .models import CareRelation, Dependant, Participant

SEARCH_MAX_LENGTH = 100

# ?sort= keys of the participant list; the name sorts by last name, then first name.
SORT_COLUMNS = {
    "name": by_name(Participant.last_name),
    "birth_date": Participant.birth_date,
    "locality": by_name(Participant.registered_locality),
    "registered": Participant.created_at,
}


def visible_participants(institution_id):
    return select(Participant).where(participant_visible_to(institution_id))


def search(institution_id, text, order):
    """Participants the institution may see matching ``text``: digits search the PESEL, words
    each match a first or last name or a (registered or actual) locality."""
    query = visible_participants(institution_id).options(joinedload(Participant.institution))
    text = (text or "").strip()
    if text.isdigit():
        query = query.where(Participant.pesel.startswith(text, autoescape=True))
    elif text:
        searched = Participant.searched_text()
        for word in text.split():
            query = query.where(searched.icontains(word, autoescape=True))
    return query.order_by(order, by_name(Participant.first_name), Participant.id)


def get_visible(participant_id, institution_id):
    """The participant, or 404 when the institution may not see them."""
    return db.first_or_404(
        visible_participants(institution_id).where(Participant.id == participant_id)
    )


def get_editable(participant_id, institution_id):
    """Only the registering institution rectifies a record: 404 without access, 403 for
    institutions that see it through a consent or a referral; an anonymised record is closed
    (RecordClosed, shown with its message)."""
    participant = get_visible(participant_id, institution_id)
    if participant.institution_id != institution_id:
        abort(403)
    ensure_record_open(participant)
    return participant


@dataclass
class DuplicateMatch:
    """A possible duplicate. ``participant`` stays server-side: templates show its name and
    link only when ``visible``; otherwise just the registering institution."""

    participant: Participant
    visible: bool
    reasons: list = field(default_factory=list)
    # The name is what the member typed when it matched, so it may be shown without access.
    name_matches: bool = False

    @property
    def institution(self):
        return self.participant.institution


def find_duplicates(institution_id, values, exclude_id=None):
    """Records in the whole partnership (any institution: the ORM wall only) with the same
    PESEL, or the same first and last name (ignoring case) and date of birth."""
    criteria = [Participant.birth_date == values["birth_date"]]
    if values.get("pesel"):
        criteria.append(Participant.pesel == values["pesel"])
    query = select(Participant).where(or_(*criteria)).options(
        selectinload(Participant.institution))
    if exclude_id is not None:
        query = query.where(Participant.id != exclude_id)
    first, last = values["first_name"].casefold(), values["last_name"].casefold()
    matches = []
    for candidate in db.session.scalars(query.order_by(Participant.id)):
        reasons = []
        if values.get("pesel") and candidate.pesel == values["pesel"]:
            reasons.append(_l("same PESEL"))
        name_matches = (candidate.birth_date == values["birth_date"]
                        and candidate.first_name.casefold() == first
                        and candidate.last_name.casefold() == last)
        if name_matches:
            reasons.append(_l("same name and date of birth"))
        if reasons:
            matches.append(DuplicateMatch(candidate, False, reasons, name_matches))
    if matches:
        visible_ids = set(db.session.scalars(
            select(Participant.id).where(Participant.id.in_([m.participant.id for m in matches]),
                                         participant_visible_to(institution_id))))
        for match in matches:
            match.visible = match.participant.id in visible_ids
    return matches


def family_to_join(family_id, relation, institution_id):
    """The family a new participant is registered into, or None when it may not be used:
    only the family's registering institution adds members, with a known relation."""
    if not family_id or relation not in RELATIONS:
        return None
    return db.session.scalar(select(Family).where(
        Family.id == int(family_id), Family.institution_id == institution_id,
        family_visible_to(institution_id)))


def register(institution_id, values, family=None, relation=None):
    """A new participant of the institution (and member of ``family``), audited as created."""
    participant = Participant(institution_id=institution_id, **values)
    db.session.add(participant)
    db.session.flush()
    detail = {"fields": sorted(name for name, value in values.items() if value not in ("", None))}
    if family is not None:
        db.session.add(FamilyMember(family_id=family.id, participant_id=participant.id,
                                    relation=relation))
        detail["family_id"] = family.id
    audit.record("create", participant, detail=detail)
    return participant


def rectify(participant, values):
    """Change the record; the audit entry names the changed fields, never their values."""
    ensure_record_open(participant)
    changed = sorted(name for name, value in values.items()
                     if getattr(participant, name) != value)
    for name in changed:
        setattr(participant, name, values[name])
    if changed:  # a save without a change changes nothing, so leaves no "update" entry
        audit.record("update", participant, detail={"fields": changed})
    return changed


def add_care_relation(participant, values):
    dependant = Dependant(first_name=values["first_name"], birth_year=values["birth_year"],
                          dependant_type=values["dependant_type"])
    relation = CareRelation(carer=participant, dependant=dependant,
                            hours_per_week=values["hours_per_week"],
                            care_services=values["care_services"], note=values["note"])
    db.session.add(relation)
    db.session.flush()
    audit.record("create", relation, detail={"participant_id": participant.id,
                                              "dependant_id": dependant.id})
    return relation


def remove_care_relation(participant, relation_id):
    """Remove one of the participant's care relations (404 for any other id) and its
    dependant, who is recorded for this carer only."""
    relation = db.first_or_404(select(CareRelation).where(
        CareRelation.id == relation_id, CareRelation.carer_id == participant.id))
    dependant = relation.dependant
    audit.record("delete", relation, detail={"participant_id": participant.id,
                                              "dependant_id": dependant.id})
    db.session.delete(relation)
    db.session.delete(dependant)


def load_care_relations(participant):
    """The participant's care relations with their dependants, in one query.

    The page reads them after committing its audit entry: left to the lazy loaders, that
    opened a second transaction and loaded each dependant with a query of its own."""
    relations = db.session.scalars(
        select(CareRelation).where(CareRelation.carer_id == participant.id)
        .options(joinedload(CareRelation.dependant)).order_by(CareRelation.id)).all()
    set_committed_value(participant, "care_relations", relations)
    return relations


def families_of(participant, institution_id):
    """(family, relation) pairs of the families the participant belongs to."""
    return list(db.session.execute(
        select(Family, FamilyMember.relation)
        .join(FamilyMember, FamilyMember.family_id == Family.id)
        .where(FamilyMember.participant_id == participant.id, family_visible_to(institution_id))
        .order_by(by_name(Family.name))
    ))


def record_events(obj, registered_title):
    """The record's own timeline: registration and the dates it was updated (from the audit
    log, which names fields only, so the entries carry no personal values)."""
    entries = [TimelineEntry(module="core", at=obj.created_at, title=registered_title,
                             detail=obj.institution.name)]
    updated = db.session.scalars(select(AuditEntry.at).where(
        AuditEntry.object_type == type(obj).__name__, AuditEntry.object_id == str(obj.id),
        AuditEntry.action == "update").order_by(AuditEntry.at))
    entries.extend(TimelineEntry(module="core", at=at, title=_l("Record updated"))
                   for at in updated)
    return entries


def merge_timeline(*sources):
    """All entries, newest first (dates and datetimes ordered by their ISO text)."""
    return sorted((entry for source in sources for entry in source),
                  key=lambda entry: str(entry.at), reverse=True)


def age(birth_date, on=None):
    on = on or date.today()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def months_between(start, end=None):
    end = end or date.today()
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(months - (end.day < start.day), 0)

