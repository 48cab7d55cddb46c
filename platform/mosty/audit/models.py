"""AuditEntry: one row per read or write of personal data or access settings."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow
from ..tenancy import PartnershipOwned


class AuditEntry(PartnershipOwned, Base):
    """Append-only: the runtime database role may insert but never update or delete.

    ``partnership_id`` is empty only for platform-level events (e.g. a platform admin changing
    a user), which are written inside the system scope.
    """

    partnership_optional_in_system_scope = True

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_partnership_at", "partnership_id", "at"),
        # A record's history (participant and family pages: its updates, by time, however
        # many reads it has); migrations 0012 and 0017.
        Index("ix_audit_entry_partnership_object", "partnership_id", "object_type", "object_id",
              "action", "at"),
        # The log found by its author: the audit log's "who" filter and the check before an
        # account is deleted (migration 0020).
        Index("ix_audit_entry_actor_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    institution_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(60), default="")
    # Names of changed fields, a reason code, a count: never personal values.
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
