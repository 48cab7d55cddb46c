"""Enrollment status changes: one function per transition, each checks its rule and audits.

recruited → eligible → active → completed, and exited from any open state.
"""

from .. import audit, dates
from ..exchange.outbox import publish_enrollment_status
from ..i18n import lazy_gettext as _l
from .eligibility import evaluate
from .models import Enrollment


class TransitionRefused(Exception):
    """The transition does not apply to the enrollment's current state; message is readable."""


def _acting(enrollment, institution_id):
    """The institution an audit entry is for: the one taking the step, by default the one
    running the path (only it moves the path on). ``actor_id`` alone leaves the entry without
    an institution (audit.record), and the audit log's institution filter would miss it."""
    return institution_id if institution_id is not None else enrollment.institution_id


def _move(enrollment, allowed_from, to, actor_id, institution_id=None, **detail):
    if enrollment.status not in allowed_from:
        raise TransitionRefused(_l("This step is not possible from the current stage."))
    previous = enrollment.status
    enrollment.status = to
    enrollment.changed_by_id = actor_id
    audit.record("transition", enrollment, actor_id=actor_id,
                 institution_id=_acting(enrollment, institution_id),
                 detail={"from": previous, "to": to, **detail})
    # Partner systems of the institutions that may see the person hear of it (ids only).
    publish_enrollment_status(enrollment, previous)
    return enrollment


def recruit(*, institution_id, actor_id, participant=None, family=None, target_group=None,
            on=None):
    """Start a path through the programme for a participant or a whole family."""
    if (participant is None) == (family is None):
        raise TransitionRefused(_l("Choose either a participant or a family."))
    enrollment = Enrollment(
        participant_id=participant.id if participant else None,
        family_id=family.id if family else None,
        institution_id=institution_id, target_group=target_group, status="recruited",
        recruited_on=on or dates.today(), changed_by_id=actor_id,
    )
    from ..extensions import db

    db.session.add(enrollment)
    db.session.flush()
    audit.record("create", enrollment, actor_id=actor_id, institution_id=institution_id,
                 detail={"status": "recruited"})
    return enrollment


def assess_eligibility(enrollment, subject, actor_id, on=None, institution_id=None):
    """Evaluate the target group's rule, record the verdict; eligible moves the stage on."""
    if enrollment.target_group is None:
        raise TransitionRefused(_l("Choose a target group first."))
    if enrollment.status != "recruited":
        # The verdict recorded at this stage stays as it was applied.
        raise TransitionRefused(_l("This step is not possible from the current stage."))
    verdict = evaluate(subject, enrollment.target_group, today=on)
    enrollment.eligibility = verdict.as_dict()
    if verdict.eligible:
        enrollment.eligible_on = on or dates.today()
        _move(enrollment, {"recruited"}, "eligible", actor_id, institution_id, eligible=True)
    else:
        audit.record("update", enrollment, actor_id=actor_id,
                     institution_id=_acting(enrollment, institution_id),
                     detail={"fields": ["eligibility"], "eligible": False})
    return verdict


# Dates are set after _move has accepted the step, so a refused step changes nothing.
def start(enrollment, actor_id, on=None, institution_id=None):
    _move(enrollment, {"eligible"}, "active", actor_id, institution_id)
    enrollment.started_on = on or dates.today()
    return enrollment


def complete(enrollment, actor_id, on=None, institution_id=None):
    _move(enrollment, {"active"}, "completed", actor_id, institution_id)
    enrollment.ended_on = on or dates.today()
    return enrollment


def exit_programme(enrollment, reason, actor_id, on=None, institution_id=None):
    from .models import EXIT_REASONS

    if reason not in EXIT_REASONS:
        raise TransitionRefused(_l("Choose a reason for leaving the programme."))
    _move(enrollment, {"recruited", "eligible", "active"}, "exited", actor_id, institution_id,
          reason=reason)
    enrollment.ended_on = on or dates.today()
    enrollment.exit_reason = reason
    return enrollment
