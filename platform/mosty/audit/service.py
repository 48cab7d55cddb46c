"""Reading the audit log for partnership administrators: filters, names, the read's own entry."""

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import get_timezone
from sqlalchemy import select

from ..auth.models import Membership, User
from ..collation import by_name
from ..db import as_utc
from ..extensions import db
from ..partnerships.models import Institution
from . import log
from .models import AuditEntry


@dataclass
class AuditFilters:
    actor_id: int | None = None
    institution_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def used(self):
        """Names of the filters in use (what the reading of the log records about itself)."""
        return [f.name for f in fields(self) if getattr(self, f.name) not in (None, "")]


@dataclass(frozen=True)
class AuditRow:
    """One entry as the viewer shows it, with names resolved."""

    id: int
    at: datetime
    actor: str | None
    institution: str | None
    action: str
    object_type: str
    object_id: str
    detail: dict


def partnership_actors():
    """(user id, name) of everyone who is or was a member of the current partnership."""
    query = (select(User.id, User.name)
             .join(Membership, Membership.user_id == User.id)
             .order_by(by_name(User.name), User.id))
    return [(row.id, row.name) for row in db.session.execute(query)]


def partnership_institutions():
    return [(row.id, row.name) for row in
            db.session.execute(select(Institution.id, Institution.name).order_by(by_name(Institution.name)))]


def logged_object_types():
    """Object types that occur in the current partnership's log."""
    return list(db.session.scalars(
        select(AuditEntry.object_type).where(AuditEntry.object_type != "")
        .distinct().order_by(AuditEntry.object_type)
    ))


def _local_midnight_utc(day):
    """The start of ``day`` in the partnership's time zone (Europe/Warsaw), as UTC."""
    return datetime.combine(day, time.min, tzinfo=get_timezone()).astimezone(UTC)


def entries_query(filters, order, newest_first=True):
    """The log of the current partnership (the wall limits it) narrowed by ``filters``."""
    query = select(AuditEntry)
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.institution_id is not None:
        query = query.where(AuditEntry.institution_id == filters.institution_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.date_from is not None:
        query = query.where(AuditEntry.at >= _local_midnight_utc(filters.date_from))
    if filters.date_to is not None:
        query = query.where(AuditEntry.at < _local_midnight_utc(filters.date_to + timedelta(days=1)))
    # Entries written in the same instant keep the order they were written in.
    return query.order_by(order, AuditEntry.id.desc() if newest_first else AuditEntry.id.asc())


def describe(entries):
    """AuditRows for ``entries``, with actor and institution names looked up once."""
    actor_ids = {e.actor_id for e in entries if e.actor_id is not None}
    institution_ids = {e.institution_id for e in entries if e.institution_id is not None}
    actors = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(actor_ids)))
                  .all()) if actor_ids else {}
    institutions = dict(db.session.execute(
        select(Institution.id, Institution.name).where(Institution.id.in_(institution_ids))
    ).all()) if institution_ids else {}
    return [
        AuditRow(id=e.id, at=as_utc(e.at), actor=actors.get(e.actor_id),
                 institution=institutions.get(e.institution_id), action=e.action,
                 object_type=e.object_type, object_id=e.object_id, detail=dict(e.detail or {}))
        for e in entries
    ]


def record_reading(rows, filters, page):
    """Reading the log is itself audited: one entry naming the entries shown."""
    return log.record("read", object_type="AuditEntry",
                      detail={"ids": [row.id for row in rows], "filters": filters.used(),
                              "page": page})
