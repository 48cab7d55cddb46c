"""Reading referrals for the inbox and outbox, the referral page and the participant page.

Every query goes through ``referral_visible_to`` (or, for the boxes, its half
``referral_box``): only the sending and the receiving institution know a referral exists.
"""

from flask import abort
from flask_babel import format_date
from sqlalchemy import and_, func, select, union
from sqlalchemy.orm import joinedload

from .. import dates
from ..collation import by_name
from ..consents.access import (
    consent_covers,
    participant_visible_to,
    referral_box,
    referral_consent_in_force,
    referral_visible_to,
)
from ..extensions import db
from ..families.models import Family, FamilyMember
from ..i18n import gettext
from ..participants.labels import (
    AREA_LABELS,
    CONTRACT_LABELS,
    DEPENDANT_TYPE_LABELS,
    DISABILITY_LABELS,
    education_label,
    labour_status_label,
)
from ..participants.models import CareRelation, Participant
from ..partnerships.models import Institution
from ..request_memo import request_memo
from ..services.models import Service
from .forms import SHAREABLE_FIELD_LABELS
from .models import SHAREABLE_FIELDS, STATUSES, Referral

BOXES = ("inbox", "outbox")
SORT_COLUMNS = {"sent": Referral.sent_at, "due": Referral.due_on, "status": Referral.status}
OPEN_STATUSES = ("sent", "accepted")


def other_institutions(institution_id):
    """Institutions of the partnership one can refer to: all but one's own."""
    return list(db.session.scalars(
        select(Institution).where(Institution.id != institution_id).order_by(by_name(Institution.name))
    ))


def active_services(institution_ids):
    return list(db.session.scalars(
        select(Service).where(Service.active.is_(True), Service.institution_id.in_(institution_ids))
        .options(joinedload(Service.institution))
        .order_by(Service.institution_id, by_name(Service.name))
    ))


def _with_parties(query):
    return query.options(joinedload(Referral.participant), joinedload(Referral.from_institution),
                         joinedload(Referral.to_institution), joinedload(Referral.service))


def referral_or_404(referral_id, institution_id):
    referral = db.session.scalar(_with_parties(
        select(Referral).where(Referral.id == referral_id, referral_visible_to(institution_id))
    ))
    if referral is None:
        abort(404)
    return referral


def overdue_condition(today=None):
    """Past its answer date and still unanswered. The date is when an answer is due ("Answer
    due by"): an accepted referral has its answer, however long its help then takes."""
    today = today or dates.today()
    return and_(Referral.status == "sent", Referral.due_on < today)


def box_query(institution_id, box, *, status=None, overdue=False, order=None):
    """Referrals received (``inbox``) or sent (``outbox``) by the institution."""
    query = _with_parties(select(Referral).where(referral_box(institution_id, box)))
    if status in STATUSES:
        query = query.where(Referral.status == status)
    if overdue:
        query = query.where(overdue_condition())
    if order is not None:
        query = query.order_by(order)
    return query.order_by(Referral.id.desc())


def box_counts(institution_id):
    """Waiting referrals in the inbox and open ones in the outbox, for the tabs: three counts,
    each along its own index, sent as one statement."""
    def count(*conditions):
        # count(*), not count(id): the rows are counted from the indexes alone (0015).
        return select(func.count()).select_from(Referral).where(*conditions).scalar_subquery()

    row = db.session.execute(select(
        count(Referral.to_institution_id == institution_id, Referral.status == "sent"),
        count(Referral.from_institution_id == institution_id,
              Referral.status.in_(OPEN_STATUSES)),
        count(Referral.to_institution_id == institution_id, overdue_condition()),
    )).one()
    return dict(zip(("inbox", "outbox", "overdue"), row, strict=True))


@request_memo
def participant_referrals(participant_id, institution_id):
    return list(db.session.scalars(_with_parties(
        select(Referral).where(Referral.participant_id == participant_id,
                               referral_visible_to(institution_id))
        .order_by(Referral.sent_at.desc(), Referral.id.desc())
    )))


@request_memo
def family_referrals(family_id, institution_id):
    """Referrals about the family or any of its members that the institution takes part in."""
    members = select(FamilyMember.participant_id).where(FamilyMember.family_id == family_id)
    # Two indexed lookups joined by UNION: written as one OR over two columns, the database
    # could use neither index and read every referral of the partnership.
    about = union(select(Referral.id).where(Referral.family_id == family_id),
                  select(Referral.id).where(Referral.participant_id.in_(members)))
    return list(db.session.scalars(_with_parties(
        select(Referral).where(
            Referral.id.in_(about),
            referral_visible_to(institution_id),
        ).order_by(Referral.sent_at.desc(), Referral.id.desc())
    )))


def participant_visible(participant_id, institution_id):
    return db.session.scalar(select(
        select(Participant.id).where(Participant.id == participant_id,
                                     participant_visible_to(institution_id)).exists()
    ))


def consent_for_referral(participant_id, institution_id):
    """Does an active consent let the participant be referred to the institution?"""
    if institution_id is None:
        return False
    return db.session.scalar(select(consent_covers(institution_id, participant_id,
                                                   purpose="referral")))


def consent_withdrawn(referral):
    """A referral never accepted (waiting, or declined) whose consent for "referral" is no
    longer in force: its shared data is hidden (read live, it would show the person's current
    phone and address to an institution with no consent), and a waiting one can only be
    declined. An accepted referral lets the receiver see the whole record anyway."""
    return (referral.status in ("sent", "declined")
            and not referral_consent_in_force(referral))


def answer_clock(referral, today=None):
    """How long the referral has waited and how long is left until it is due, in days."""
    today = today or dates.today()
    sent = dates.day_of(referral.sent_at)
    clock = {"waiting": None, "due_in": None, "answered_after": None}
    if referral.status == "sent":
        clock["waiting"] = (today - sent).days
    if referral.status == "sent" and referral.due_on is not None:
        clock["due_in"] = (referral.due_on - today).days
    if referral.answered_at is not None:
        clock["answered_after"] = (dates.day_of(referral.answered_at) - sent).days
    return clock


def shared_data(referral):
    """[(label, [lines])] of the participant's data the sender chose to share, in form order."""
    participant = referral.participant
    chosen = set(referral.shared_fields or ())
    return [(SHAREABLE_FIELD_LABELS[name], _shared_lines(name, participant))
            for name in SHAREABLE_FIELDS if name in chosen]


def _shared_lines(name, p):
    if name == "contact":
        return [value for value in (p.phone, p.email) if value] or [gettext("not given")]
    if name == "address":
        return [
            gettext("actual address: %(locality)s (TERYT %(teryt)s, %(area)s)",
                    locality=p.actual_locality, teryt=p.actual_teryt,
                    area=AREA_LABELS.get(p.actual_area, p.actual_area)),
            gettext("registered residence: %(locality)s (TERYT %(teryt)s)",
                    locality=p.registered_locality, teryt=p.registered_teryt),
        ]
    if name == "labour_status":
        lines = [str(labour_status_label(p.labour_status))]
        if p.unemployed_since:
            lines.append(gettext("unemployed since %(date)s", date=format_date(p.unemployed_since)))
        if p.long_term_unemployed:
            lines.append(gettext("long-term unemployed"))
        if p.contract_type:
            lines.append(str(CONTRACT_LABELS.get(p.contract_type, p.contract_type)))
        return lines
    if name == "education":
        return [str(education_label(p.education))]
    if name == "disability":
        return [str(DISABILITY_LABELS.get(p.disability_level, p.disability_level))]
    if name == "care_load":
        relations = db.session.scalars(
            select(CareRelation).where(CareRelation.carer_id == p.id)
            .options(joinedload(CareRelation.dependant)).order_by(CareRelation.id)
        ).all()
        return [gettext("%(type)s, %(hours)d h a week",
                        type=DEPENDANT_TYPE_LABELS.get(r.dependant.dependant_type,
                                                       r.dependant.dependant_type),
                        hours=r.hours_per_week)
                for r in relations] or [gettext("no care relations recorded")]
    if name == "family":
        memberships = db.session.scalars(
            select(FamilyMember).where(FamilyMember.participant_id == p.id)
            .options(joinedload(FamilyMember.family).selectinload(Family.members))
        ).all()
        return [gettext("%(family)s: %(count)d members", family=m.family.name,
                        count=len(m.family.members))
                for m in memberships] or [gettext("not in a registered family")]
    return []
