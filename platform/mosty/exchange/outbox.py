"""The outbox: events written in the transaction of the change they announce.

``publish`` only adds rows to the session, so an event exists exactly when its cause was
committed. Delivery to webhooks happens afterwards, by a task (see ``delivery.py``): right after
the commit when a broker is configured, otherwise at the end of the request, and in any case by
the beat sweep that picks up whatever is still pending.
"""

from sqlalchemy import event, exists, literal, select, union_all

from .. import dates
from ..extensions import db
from ..tenancy import current_partnership_id
from .models import EVENT_KINDS, OutboxEvent
from .moments import iso_moment

_PENDING_KEY = "mosty_exchange_published"


def publish(kind, subject, institution_ids, payload, *, participant_id=None):
    """Add one event per institution to their outboxes, in the caller's transaction.

    ``subject`` is the ORM object the event is about (its type and id are recorded);
    ``payload`` holds ids, statuses and dates only, never more personal data than every one of
    ``institution_ids`` may see.
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    if subject.id is None:
        db.session.flush()
    events = []
    # The subject's partnership, stated explicitly so that a caller in the system scope (demo
    # data, a beat task) publishes into the right outboxes too.
    partnership_id = getattr(subject, "partnership_id", None) or current_partnership_id()
    for institution_id in dict.fromkeys(i for i in institution_ids if i is not None):
        row = OutboxEvent(institution_id=institution_id, kind=kind,
                          subject_type=type(subject).__name__, subject_id=subject.id,
                          participant_id=participant_id, payload=dict(payload))
        if partnership_id is not None:
            row.partnership_id = partnership_id
        db.session.add(row)
        events.append(row)
    if partnership_id is not None and events:
        db.session.info.setdefault(_PENDING_KEY, set()).add(partnership_id)
    return events


def referral_payload(referral):
    """What partner systems learn of a referral: ids, status and dates, no personal values.
    Moments carry their UTC offset (SQLite would otherwise hand them back naive)."""
    return {
        "referral_id": referral.id,
        "status": referral.status,
        "from_institution_id": referral.from_institution_id,
        "to_institution_id": referral.to_institution_id,
        "service_id": referral.service_id,
        "due_on": iso_moment(referral.due_on),
        "sent_at": iso_moment(referral.sent_at),
        "answered_at": iso_moment(referral.answered_at),
        "completed_at": iso_moment(referral.completed_at),
    }


def publish_referral(kind, referral):
    """Both institutions of the referral hear of it, each in its own outbox."""
    return publish(kind, referral,
                   [referral.to_institution_id, referral.from_institution_id],
                   referral_payload(referral), participant_id=referral.participant_id)


def enrollment_payload(enrollment, previous):
    """A programme-path status change: ids, the two statuses and the date, nothing else (no
    exit reason: "health" would say more about the person than a status)."""
    return {
        "enrollment_id": enrollment.id,
        "participant_id": enrollment.participant_id,
        "family_id": enrollment.family_id,
        "institution_id": enrollment.institution_id,
        "target_group_id": enrollment.target_group_id,
        "previous_status": previous,
        "status": enrollment.status,
        "changed_on": dates.today().isoformat(),
    }


def institutions_seeing(enrollment):
    """Institutions of the partnership that may see the enrollment's person (or family), by
    the rule of ``consents/access.py``; a restricted person stays with the registering
    institution only."""
    from ..consents.access import family_visible_to, participant_visible_to
    from ..families.models import Family
    from ..participants.models import Participant
    from ..partnerships.models import Institution

    partnership_id = enrollment.partnership_id or current_partnership_id()
    candidates = db.session.scalars(select(Institution.id).where(
        Institution.partnership_id == partnership_id).order_by(Institution.id)).all()

    def visible(institution_id):
        # The rule takes the institution as a value (its nested subqueries would not
        # correlate to an outer institution table): one branch per institution, one query.
        if enrollment.participant_id is not None:
            subject = select(Participant.id).where(Participant.id == enrollment.participant_id,
                                                   participant_visible_to(institution_id))
        else:
            subject = select(Family.id).where(Family.id == enrollment.family_id,
                                              family_visible_to(institution_id))
        return select(literal(institution_id)).where(exists(subject))

    if not candidates:
        return []
    return sorted(db.session.scalars(union_all(*(visible(i) for i in candidates))))


def publish_enrollment_status(enrollment, previous):
    """``status.changed`` for a step on the programme path, to every institution that may see
    the person; held back like any event about a restricted person."""
    return publish("status.changed", enrollment, institutions_seeing(enrollment),
                   enrollment_payload(enrollment, previous),
                   participant_id=enrollment.participant_id)


def take_published(session):
    """Partnerships with events committed since the last call (and forget them)."""
    return session.info.pop(_PENDING_KEY, set())


def init_session_events(on_commit):
    """Call ``on_commit(partnership_ids)`` after a commit that published events."""
    from sqlalchemy.orm import Session

    if getattr(init_session_events, "_done", False):
        return
    init_session_events._done = True

    @event.listens_for(Session, "after_commit")
    def _after_commit(session):
        published = take_published(session)
        if published:
            on_commit(published)

    @event.listens_for(Session, "after_soft_rollback")
    def _after_rollback(session, previous_transaction):
        # Rolled-back events were never written; nothing to deliver.
        if previous_transaction.parent is None:
            session.info.pop(_PENDING_KEY, None)
