"""Referral: sent → accepted / declined → completed."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import dates
from ..db import Base, TimestampMixin
from ..participants.models import Participant
from ..partnerships.models import Institution
from ..services.models import Service
from ..tenancy import PartnershipOwned

STATUSES = ("sent", "accepted", "declined", "completed")
# The minimum the receiving institution may see of the participant; more only with consent.
SHAREABLE_FIELDS = ("contact", "address", "labour_status", "education", "disability",
                    "care_load", "family")


class Referral(TimestampMixin, PartnershipOwned, Base):
    __tablename__ = "referral"
    __table_args__ = (
        # Carries participant_id for the access rule's "a referral it accepted" (consents/
        # access.py) and due_on for the inbox's overdue count, both answered from the index
        # alone (migration 0015).
        Index("ix_referral_to_status", "partnership_id", "to_institution_id", "status",
              postgresql_include=["participant_id", "due_on"]),
        Index("ix_referral_from_status", "partnership_id", "from_institution_id", "status"),
        # The inbox's newest first, read in order (migration 0012).
        Index("ix_referral_to_sent", "partnership_id", "to_institution_id", "sent_at"),
        Index("ix_referral_from_sent", "partnership_id", "from_institution_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("family.id", ondelete="SET NULL"), index=True
    )
    from_institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    to_institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    reason: Mapped[str] = mapped_column(Text)
    shared_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="sent")
    due_on: Mapped[date | None] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    sent_by_id: Mapped[int | None] = mapped_column(Integer)
    answered_by_id: Mapped[int | None] = mapped_column(Integer)

    participant: Mapped[Participant] = relationship()
    from_institution: Mapped[Institution] = relationship(foreign_keys=[from_institution_id])
    to_institution: Mapped[Institution] = relationship(foreign_keys=[to_institution_id])
    service: Mapped[Service | None] = relationship()

    def is_overdue(self, today=None):
        """Unanswered past its answer date (as referrals.service.overdue_condition)."""
        today = today or dates.today()
        return self.status == "sent" and self.due_on is not None and self.due_on < today
