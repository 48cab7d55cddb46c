"""Finding and registering families, their members at a glance, and unemployment across
generations; members the institution may not see appear without personal data."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, selectinload

from .. import audit, dates
from ..collation import by_name, matches
from ..consents.access import family_visible_to, participant_visible_to
from ..db import utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..participants import service as participants
from ..participants.models import Participant
from ..partnerships.models import Institution
from ..privacy.restriction import ensure_not_restricted
from ..resubmits import RESUBMIT_WINDOW, wait_for_the_first
from .models import Family, FamilyMember

SORT_COLUMNS = {
    "name": by_name(Family.name),
    "locality": by_name(Family.locality),
    "registered": Family.created_at,
}
CANDIDATES_SHOWN = 20
SECOND_HEAD_MESSAGE = _l("This family already has a head of household: choose another relation, "
                         "or remove the present head first.")


class MembershipRefused(Exception):
    """The person cannot join the family as asked; ``str()`` is the message for the user."""


def visible_families(institution_id):
    return select(Family).where(family_visible_to(institution_id))


def search(institution_id, text, order):
    """Families the institution may see whose name or locality contains every word."""
    query = visible_families(institution_id).options(
        selectinload(Family.institution), selectinload(Family.members))
    for word in (text or "").split():
        query = query.where(or_(matches(Family.name, word), matches(Family.locality, word)))
    return query.order_by(order, Family.id)


def get_visible(family_id, institution_id):
    return db.first_or_404(visible_families(institution_id).where(Family.id == family_id))


def get_editable(family_id, institution_id):
    """Only the registering institution changes the household: 404 without access, 403 for
    institutions that see it through one of its members."""
    family = get_visible(family_id, institution_id)
    if family.institution_id != institution_id:
        abort(403)
    return family


class DuplicateFamily(Exception):
    """The same family was just registered (the form sent twice); ``str()`` is the message,
    ``existing`` the family registered by the first submit."""

    def __init__(self, existing):
        super().__init__(_l("The family “%(name)s” is already registered: your institution "
                            "registered it a moment ago. Nothing new was saved.",
                            name=existing.name))
        self.existing = existing


def _plain(text):
    return " ".join((text or "").split()).casefold()


def just_registered(institution_id, values):
    """The institution's family of the same name, commune (TERYT) and locality registered
    within RESUBMIT_WINDOW, or None: a resent form. A namesake family registered later, or
    in another place ("Nowa Wieś" is a village in many communes), is a family of its own."""
    candidates = db.session.scalars(select(Family).where(
        Family.institution_id == institution_id,
        Family.created_at >= utcnow() - RESUBMIT_WINDOW).order_by(Family.id))
    name, locality = _plain(values.get("name")), _plain(values.get("locality"))
    teryt = _plain(values.get("teryt"))
    return next((f for f in candidates
                 if _plain(f.name) == name and _plain(f.locality) == locality
                 and _plain(f.teryt) == teryt), None)


def register(institution_id, values):
    """A new family of the institution; refused (DuplicateFamily) when it was just
    registered."""
    # A family has no row of its own yet: both sends touch the institution's.
    wait_for_the_first(Institution, institution_id)
    existing = just_registered(institution_id, values)
    if existing is not None:
        raise DuplicateFamily(existing)
    family = Family(institution_id=institution_id, **values)
    db.session.add(family)
    db.session.flush()
    audit.record("create", family, detail={"fields": sorted(k for k, v in values.items() if v)})
    return family


def has_head(family):
    return db.session.scalar(select(FamilyMember.id).where(
        FamilyMember.family_id == family.id, FamilyMember.relation == "head").limit(1)) is not None


def add_member(family, participant, relation):
    """The participant joins the family. Refused with MembershipRefused for a second head of
    household, and with ProcessingRestricted while the person's processing is restricted or
    their record is anonymised (a membership links their data to the household's)."""
    ensure_not_restricted(participant)
    if relation == "head" and has_head(family):
        raise MembershipRefused(SECOND_HEAD_MESSAGE)
    member = FamilyMember(family=family, participant_id=participant.id, relation=relation)
    db.session.add(member)
    db.session.flush()
    audit.record("update", family, detail={"added_participant_id": participant.id,
                                           "member_id": member.id})
    return member


def remove_member(family, member_id):
    """Remove the membership; False when it is not (or no longer) in the family: removed a
    moment ago from another tab, or the button pressed twice."""
    member = db.session.scalar(select(FamilyMember).where(
        FamilyMember.id == member_id, FamilyMember.family_id == family.id))
    if member is None:
        return False
    audit.record("update", family, detail={"removed_participant_id": member.participant_id,
                                           "member_id": member.id})
    db.session.delete(member)
    return True


def joinable_participant(family, participant_id, institution_id):
    """A participant the institution may see who is not yet in the family, or None."""
    return db.session.scalar(
        select(Participant).where(
            Participant.id == participant_id, participant_visible_to(institution_id),
            Participant.id.not_in(select(FamilyMember.participant_id)
                                  .where(FamilyMember.family_id == family.id)))
    )


def candidates(family, institution_id, text):
    """Visible participants matching the search who are not members yet (a short list)."""
    query = participants.search(institution_id, text, by_name(Participant.last_name).asc()).where(
        Participant.id.not_in(select(FamilyMember.participant_id)
                              .where(FamilyMember.family_id == family.id)))
    return list(db.session.scalars(query.limit(CANDIDATES_SHOWN)))


@dataclass
class MemberRow:
    """One line of the family table. ``participant`` is None when the institution may not
    see the person: only the registering institution is then shown."""

    member: FamilyMember
    participant: Participant | None
    institution: object
    age: int | None = None
    unemployed_months: int | None = None

    @property
    def relation(self):
        return self.member.relation

    @property
    def generation(self):
        return self.member.generation

    @property
    def unemployed(self):
        return self.participant is not None and self.participant.is_unemployed


def member_rows(family, institution_id, today=None):
    """Every member, oldest generation first, with age and months of unemployment."""
    today = today or dates.today()
    # One statement: each member with their record, its institution and whether this
    # institution may see it (the family page reads it on every view).
    members = db.session.execute(
        select(FamilyMember, participant_visible_to(institution_id).label("visible"))
        .join(FamilyMember.participant).join(Participant.institution)
        .where(FamilyMember.family_id == family.id)
        .options(contains_eager(FamilyMember.participant)
                 .contains_eager(Participant.institution))
    ).all()
    rows = []
    for member, visible in members:
        person = member.participant
        if not visible:
            rows.append(MemberRow(member, None, person.institution))
            continue
        rows.append(MemberRow(
            member, person, person.institution,
            age=participants.age(person.birth_date, today),
            unemployed_months=(participants.months_between(person.unemployed_since, today)
                               if person.is_unemployed and person.unemployed_since else None),
        ))
    return sorted(rows, key=lambda row: (row.generation, row.member.relation != "head",
                                         row.member.id))


@dataclass(frozen=True)
class UnemploymentSummary:
    generations: int
    unemployed: int
    hidden_members: int


def unemployment_summary(rows):
    """Unemployment across the members the institution may see (the others are counted apart,
    so their status is not revealed)."""
    unemployed = [row for row in rows if row.unemployed]
    return UnemploymentSummary(
        generations=len({row.generation for row in unemployed}),
        unemployed=len(unemployed),
        hidden_members=sum(1 for row in rows if row.participant is None),
    )
