"""Erasure on request (GDPR art. 17): recorded, then decided at once.

While a retention obligation applies the request is refused with the legal reason (art.
17(3)(b): keeping the programme documentation is a legal obligation) and the date until which
it applies; when none applies the person is anonymised, which is how erasure is carried out
here (the rows stay for the statistics, nothing in them identifies the person). Being
irreversible, that needs the recorder's explicit confirmation naming the person; a refusal does
not.
"""

from flask_babel import format_date
from sqlalchemy import select

from .. import audit, dates
from ..extensions import db
from ..i18n import lazy_gettext as _l
from .models import ErasureRequest
from .restriction import RecordClosed, ensure_record_open
from .retention import anonymise, retention_status


class ErasureRefused(Exception):
    """The request cannot be recorded; the message says why."""


class ErasureNotConfirmed(ErasureRefused):
    """The request would erase the person's data and the recorder has not confirmed it."""


def confirmation_text(participant):
    """What the recorder confirms before an erasure is carried out: the person, by name, and
    that it cannot be undone."""
    return _l("I confirm: the data of %(name)s will be erased permanently; this cannot be "
              "undone.", name=participant.full_name)


def request_erasure(participant, *, received_on, actor_id, institution_id, confirmed=False,
                    today=None):
    """Record the request and decide it. ErasureNotConfirmed, with nothing recorded, when it
    would be carried out and ``confirmed`` is not set: the decision follows the retention
    status at this moment, which the form shown earlier may no longer match."""
    today = today or dates.today()
    try:
        # Already anonymised: erasure has been carried out, the record is closed.
        ensure_record_open(participant)
    except RecordClosed as closed:
        raise ErasureRefused(closed.message) from None
    if received_on is None or received_on > today:
        raise ErasureRefused(_l("The request cannot be dated in the future."))
    status = retention_status(participant, today)
    if not status.applies and not confirmed:
        raise ErasureNotConfirmed(_l("Tick the confirmation: the data of %(name)s will be "
                                     "erased permanently; this cannot be undone.",
                                     name=participant.full_name))
    request = ErasureRequest(participant_id=participant.id, received_on=received_on,
                             recorded_by_id=actor_id, institution_id=institution_id,
                             outcome="refused" if status.applies else "carried_out",
                             retention_until=status.until if status.applies else None,
                             retention_open=status.applies and status.open)
    db.session.add(request)
    db.session.flush()
    audit.record("create", request, actor_id=actor_id, institution_id=institution_id,
                 detail={"participant_id": participant.id, "outcome": request.outcome})
    if not status.applies:
        anonymise(participant, actor_id=actor_id, institution_id=institution_id,
                  reason="erasure")
    return request


def decision_text(request, retention_years):
    """The readable decision, with the legal reason of a refusal."""
    if request.outcome == "carried_out":
        return _l("Erasure carried out: names, identifiers, contact data and free text have "
                  "been removed; only anonymous statistical data remains.")
    if request.retention_open:
        return _l("Erasure refused for now (GDPR art. 17(3)(b)): the person's programme path "
                  "has not ended, and the partnership must keep the programme records to "
                  "comply with a legal obligation, the retention of project documentation "
                  "(art. 82 of Regulation (EU) 2021/1060 and the co-financing agreement), for "
                  "%(years)d years after the path ends. The data is then anonymised "
                  "automatically.", years=retention_years)
    return _l("Erasure refused for now (GDPR art. 17(3)(b)): the partnership must keep the "
              "programme records to comply with a legal obligation, the retention of project "
              "documentation (art. 82 of Regulation (EU) 2021/1060 and the co-financing "
              "agreement), until %(date)s. After that date the data is anonymised "
              "automatically.", date=format_date(request.retention_until))


def requests_of(participant_id):
    return list(db.session.scalars(select(ErasureRequest).where(
        ErasureRequest.participant_id == participant_id)
        .order_by(ErasureRequest.received_on.desc(), ErasureRequest.id.desc())))
