"""Restriction of processing (GDPR art. 18): while it is set the record is kept and can be
read, but it may not be used or shared.

Code that uses or shares a person's data (new referrals, instrument administrations,
matching suggestions, exports, webhooks) calls ``ensure_not_restricted(participant)`` first.

An anonymised record is closed for good: it can be read (the statistics and the audit trail
stay), but it is not edited and nothing new is recorded about the person, since whatever was
added would identify them again. ``ensure_record_open`` is that guard; ``ensure_not_restricted``
applies it too, so every caller of either refuses both.
"""

from .. import audit
from ..db import utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from .models import RestrictionChange

RESTRICTED_MESSAGE = _l("Processing of this person's data is restricted (GDPR art. 18): the "
                        "record is kept, but it may not be used or shared until the "
                        "restriction is lifted.")
ANONYMISED_MESSAGE = _l("This person's record has been anonymised and is closed: it can be "
                        "read, but it can no longer be changed and nothing new can be recorded "
                        "about the person.")
MAX_REASON = 2000


class ProcessingRestricted(Exception):
    """The person's data may not be used or shared; ``str()`` is the message for the user."""

    def __init__(self, message=RESTRICTED_MESSAGE):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class RecordClosed(ProcessingRestricted):
    """The person's record is anonymised: a kind of ProcessingRestricted, so every place that
    refuses restricted people with their message refuses this one too."""

    def __init__(self, message=ANONYMISED_MESSAGE):
        super().__init__(message)


class RestrictionRefused(Exception):
    """Setting or lifting the restriction is not possible; the message says why."""


def ensure_record_open(participant):
    """Refuse (RecordClosed) any change to, or new record about, an anonymised person."""
    if participant.anonymised_at is not None:
        raise RecordClosed()


def ensure_not_restricted(participant):
    ensure_record_open(participant)
    if participant.processing_restricted:
        raise ProcessingRestricted()


def warn_on_form(form, check, subject):
    """Put on a form, when it is first shown, the refusal its save would meet (``check``:
    ``ensure_not_restricted``, ``ensure_record_open`` or the like, applied to ``subject``),
    so that it is said before anything is typed rather than after."""
    try:
        check(subject)
    except ProcessingRestricted as refused:
        form.form_errors.append(str(refused))


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise RestrictionRefused(_l("Give the reason."))
    if len(reason) > MAX_REASON:
        raise RestrictionRefused(_l("At most %(max)d characters.", max=MAX_REASON))
    return reason


def _open(participant):
    try:
        ensure_record_open(participant)
    except RecordClosed as closed:
        raise RestrictionRefused(closed.message) from None


def restrict(participant, *, reason, actor_id, institution_id):
    """Set the restriction (e.g. while the person contests the accuracy of the data)."""
    _open(participant)
    reason = _reason(reason)
    if participant.processing_restricted:
        raise RestrictionRefused(_l("Processing is already restricted."))
    return _change(participant, True, reason, actor_id, institution_id)


def lift_restriction(participant, *, reason, actor_id, institution_id):
    _open(participant)
    reason = _reason(reason)
    if not participant.processing_restricted:
        raise RestrictionRefused(_l("Processing is not restricted."))
    return _change(participant, False, reason, actor_id, institution_id)


def _change(participant, restricted, reason, actor_id, institution_id):
    now = utcnow()
    participant.processing_restricted = restricted
    participant.restriction_reason = reason if restricted else ""
    participant.restricted_since = now if restricted else None
    participant.restricted_by_id = actor_id if restricted else None
    change = RestrictionChange(participant_id=participant.id, restricted=restricted,
                               reason=reason, changed_at=now, changed_by_id=actor_id,
                               institution_id=institution_id)
    db.session.add(change)
    db.session.flush()
    audit.record("update", participant, actor_id=actor_id, institution_id=institution_id,
                 detail={"fields": ["processing_restricted"], "restricted": restricted,
                         "restriction_change_id": change.id})
    return change
