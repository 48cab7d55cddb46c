"""Finding, registering and rectifying participants within what the member's institution may
see; duplicate detection across the partnership; care relations; the page's own timeline."""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime, time

from flask import abort, current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .. import audit, dates
from ..audit.models import AuditEntry
from ..collation import by_name, matches
from ..consents.access import family_visible_to, participant_visible_to
from ..extensions import db
from ..families.models import RELATIONS, Family, FamilyMember
from ..i18n import lazy_gettext as _l
from ..plugins.contributions import TimelineEntry
from ..privacy.restriction import ensure_record_open
from .labels import FIELD_LABELS
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
            query = query.where(matches(searched, word))
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
    # A PESEL identifies one person: such a match is never a namesake (see pesel_taken).
    same_pesel: bool = False

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
        same_pesel = bool(values.get("pesel")) and candidate.pesel == values["pesel"]
        if same_pesel:
            reasons.append(_l("same PESEL"))
        name_matches = (candidate.birth_date == values["birth_date"]
                        and candidate.first_name.casefold() == first
                        and candidate.last_name.casefold() == last)
        if name_matches:
            reasons.append(_l("same name and date of birth"))
        if reasons:
            matches.append(DuplicateMatch(candidate, False, reasons, name_matches, same_pesel))
    if matches:
        visible_ids = set(db.session.scalars(
            select(Participant.id).where(Participant.id.in_([m.participant.id for m in matches]),
                                         participant_visible_to(institution_id))))
        for match in matches:
            match.visible = match.participant.id in visible_ids
    return matches


def pesel_taken(matches):
    """Why the person may not be saved with this PESEL, or None. Unlike a namesake (same name
    and date of birth), a record with the same PESEL is the same person: confirming "a
    different person" does not override it, since a second record splits the person's case
    and breaks the matching by PESEL (the labour office's import, docs/imports.md). The
    message names the registering institution only when the record is not visible, as the
    duplicate warning does."""
    taken = [match for match in matches if match.same_pesel]
    if not taken:
        return None
    if any(match.visible for match in taken):
        return _l("A person with this PESEL is already in the registry. Open their record "
                  "(below) instead of registering them again.")
    return _l("A person with this PESEL is already in the registry, registered by "
              "%(institution)s; your institution has no access to the record. Do not register "
              "them again: ask that institution to share the record with yours (the person's "
              "consent naming your institution, or a referral).",
              institution=", ".join(sorted({match.institution.name for match in taken})))


def family_to_join(family_id, relation, institution_id):
    """The family a new participant is registered into, or None when it may not be used:
    only the family's registering institution adds members, with a known relation."""
    if not family_id or relation not in RELATIONS:
        return None
    return db.session.scalar(select(Family).where(
        Family.id == int(family_id), Family.institution_id == institution_id,
        family_visible_to(institution_id)))


def register(institution_id, values, family=None, relation=None):
    """A new participant of the institution (and member of ``family``), audited as created.

    The person joins the family as any member does (families.service.add_member: one head of
    household, the family's audit entry). A refused membership (MembershipRefused) refuses
    the whole registration: the caller rolls back, so no one is left registered without the
    family the form asked for."""
    from ..families import service as families  # families.service imports this module

    participant = Participant(institution_id=institution_id, **values)
    db.session.add(participant)
    db.session.flush()
    detail = {"fields": sorted(name for name, value in values.items() if value not in ("", None))}
    if family is not None:
        families.add_member(family, participant, relation)
        detail["family_id"] = family.id
    audit.record("create", participant, detail=detail)
    return participant


# The stored fields the participant form edits (the keys of ParticipantForm.values()).
EDITABLE_FIELDS = tuple(FIELD_LABELS)
VERSION_PREFIX = "v1"
DIGEST_BYTES = 6  # 48 bits a field: a change passing unseen is a chance in 2**48


def _field_digest(participant_id, name, value):
    """A keyed digest of one stored value, so the version in the page names no personal data
    (a PESEL or a phone number could be found again from a plain hash)."""
    text = json.dumps([participant_id, name, value], default=str, ensure_ascii=False)
    digest = hmac.new(current_app.secret_key.encode(), text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:DIGEST_BYTES]).decode()


def record_version(participant):
    """The version of the record an edit form is loaded from: a digest of each edited field.

    Digests of the values, not ``updated_at``: an import or a plugin may write the record
    without touching it, and the digests also tell which fields changed since."""
    return ".".join([VERSION_PREFIX, *(
        _field_digest(participant.id, name, getattr(participant, name))
        for name in EDITABLE_FIELDS)])


def _loaded_digests(version):
    """{field: digest} of a version sent back by the form, or None when it cannot be read
    (garbled, or from a form of an earlier release)."""
    parts = (version or "").split(".")
    if parts[0] != VERSION_PREFIX or len(parts) != len(EDITABLE_FIELDS) + 1:
        return None
    return dict(zip(EDITABLE_FIELDS, parts[1:], strict=True))


@dataclass
class FieldChange:
    """A field saved by someone else since the form was loaded, and differing from the form."""

    name: str
    saved: object  # the value saved now
    sent: object  # the value the form sent
    # Whether the member changed the field in the form; None: unknown (an unreadable version).
    member_changed: bool | None


class EditConflict(Exception):
    """The record changed since the edit form was loaded: nothing is saved. ``version`` is the
    current one, which a form showing the saved values sends back to save."""

    def __init__(self, changes, version):
        super().__init__([change.name for change in changes])
        self.changes = changes
        self.version = version

    @property
    def by_name(self):
        return {change.name: change for change in self.changes}


def edit_conflicts(participant, values, loaded_version):
    """The fields saving ``values`` would overwrite although they changed since the form was
    loaded from ``loaded_version``. A field both changed to the same value is no conflict."""
    loaded = _loaded_digests(loaded_version)
    changes = []
    for name in EDITABLE_FIELDS:
        saved = getattr(participant, name)
        if values[name] == saved:
            continue
        if loaded is None:
            changes.append(FieldChange(name, saved, values[name], None))
        elif _field_digest(participant.id, name, saved) != loaded[name]:
            member_changed = _field_digest(participant.id, name, values[name]) != loaded[name]
            changes.append(FieldChange(name, saved, values[name], member_changed))
    return changes


def ensure_current(participant, values, loaded_version):
    """Refuse (EditConflict) to save ``values`` over changes made since the form was loaded.

    The row is locked until the commit, so no other save slips between this check and the
    write. A form without a version (sent by a client that does not carry it) is not checked."""
    if not loaded_version:
        return
    db.session.refresh(participant, with_for_update=True)
    changes = edit_conflicts(participant, values, loaded_version)
    if changes:
        raise EditConflict(changes, record_version(participant))


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
    updated = db.session.execute(select(AuditEntry.at, AuditEntry.detail).where(
        AuditEntry.object_type == type(obj).__name__, AuditEntry.object_id == str(obj.id),
        AuditEntry.action == "update").order_by(AuditEntry.at))
    entries.extend(TimelineEntry(module="core", at=at, title=_update_title(detail))
                   for at, detail in updated)
    return entries


def _update_title(detail):
    # A family's members come and go as updates of the family; say which kind of change it
    # was (not who: the member may be someone this reader does not see).
    detail = detail if isinstance(detail, dict) else {}
    if "added_participant_id" in detail:
        return _l("Member added to the family")
    if "removed_participant_id" in detail:
        return _l("Member removed from the family")
    return _l("Record updated")


def merge_timeline(*sources):
    """All entries, newest first. A moment (stored in UTC) is placed on its Polish day and
    time; an entry with a date only counts as the end of its day, since such steps (a consent,
    a path's start) are recorded after the person's registration that day, not before it.
    Ordering by the values' text put a moment after 23:00 UTC on the day before."""
    return sorted((entry for source in sources for entry in source),
                  key=lambda entry: _timeline_key(entry.at), reverse=True)


def _timeline_key(at):
    if isinstance(at, datetime):
        local = dates.local(at)
        return local.date(), local.time().replace(tzinfo=None)
    return at, time.max


def age(birth_date, on=None):
    on = on or dates.today()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def months_between(start, end=None):
    end = end or dates.today()
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(months - (end.day < start.day), 0)

