"""Rectification (history of changed personal fields), RestrictionChange (restriction set or
lifted, with the reason) and ErasureRequest (a request under GDPR art. 17 and its outcome)."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, TimestampMixin, utcnow
from ..tenancy import PartnershipOwned

ERASURE_OUTCOMES = ("refused", "carried_out")


class Rectification(PartnershipOwned, Base):
    """One changed field of a participant's record: the old and the new value, who and when.

    The values are the person's own data (shown to them in the access export); the audit log
    keeps only the field name.
    """

    __tablename__ = "rectification"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(Integer)
    institution_id: Mapped[int | None] = mapped_column(Integer)


class RestrictionChange(PartnershipOwned, Base):
    """Restriction of processing set (``restricted``) or lifted, with the reason given."""

    __tablename__ = "restriction_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    restricted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(Integer)
    institution_id: Mapped[int | None] = mapped_column(Integer)


class ErasureRequest(TimestampMixin, PartnershipOwned, Base):
    """A person's request to erase their data, decided when it is recorded.

    ``refused`` while a retention obligation applies (``retention_until``, or
    ``retention_open`` while a programme path has not ended); ``carried_out`` (the person
    anonymised) when none does.
    """

    __tablename__ = "erasure_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(12))
    retention_until: Mapped[date | None] = mapped_column(Date)
    retention_open: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)
    institution_id: Mapped[int | None] = mapped_column(Integer)
