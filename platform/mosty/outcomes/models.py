"""Outcome and FollowUp."""

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin
from ..participants.models import Participant
from ..tenancy import PartnershipOwned
from .labels import OUTCOME_FIELD_LABELS, OUTCOME_KIND_LABELS

OUTCOME_KINDS = ("job_started", "training_completed", "registration_ended", "self_employment")
FOLLOW_UP_MONTHS = (3, 6)
FOLLOW_UP_STATUSES = ("employed", "self_employed", "unemployed", "inactive", "in_education",
                      "unknown")


class Outcome(TimestampMixin, PartnershipOwned, Base):
    __tablename__ = "outcome"
    __audit_value_labels__ = {"kind": OUTCOME_KIND_LABELS}
    __audit_field_labels__ = OUTCOME_FIELD_LABELS

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    kind: Mapped[str] = mapped_column(String(24))
    occurred_on: Mapped[date] = mapped_column(Date)
    employer: Mapped[str] = mapped_column(String(200), default="")
    contract_type: Mapped[str | None] = mapped_column(String(20))
    hours_per_week: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    participant: Mapped[Participant] = relationship()


class FollowUp(TimestampMixin, PartnershipOwned, Base):
    """The participant's situation 3 and 6 months after leaving the programme."""

    __tablename__ = "follow_up"
    __table_args__ = (UniqueConstraint("enrollment_id", "months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"))
    months: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    checked_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
