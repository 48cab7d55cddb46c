"""TargetGroup (eligibility as data) and Enrollment."""

from datetime import date

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from ..db import Base, TimestampMixin
from ..tenancy import PartnershipOwned

STATUSES = ("recruited", "eligible", "active", "completed", "exited")
EXIT_REASONS = ("found_work", "moved_away", "withdrew", "not_eligible", "health", "no_contact",
                "other")


class TargetGroup(PartnershipOwned, Base):
    """A target group of the partnership, with the criteria that admit a person or family.

    ``criteria`` is a list of ``{"rule": name, ...parameters}`` evaluated by
    ``mosty.enrollment.eligibility``; residence in the partnership's territory always applies.
    """

    __tablename__ = "target_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    applies_to: Mapped[str] = mapped_column(String(12), default="participant")
    criteria: Mapped[list[dict]] = mapped_column(JSON, default=list)

    def __str__(self):
        return f"{self.code}: {self.name}"


class Enrollment(TimestampMixin, PartnershipOwned, Base):
    __tablename__ = "enrollment"
    __table_args__ = (
        CheckConstraint("(participant_id IS NULL) <> (family_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("family.id", ondelete="CASCADE"), index=True
    )
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    target_group_id: Mapped[int | None] = mapped_column(ForeignKey("target_group.id"))
    status: Mapped[str] = mapped_column(String(10), default="recruited")
    recruited_on: Mapped[date] = mapped_column(Date)
    eligible_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(String(20))
    # The verdict with its readable reasons, as it stood when the rule was applied.
    eligibility: Mapped[dict] = mapped_column(JSON, default=dict)
    # Kept until this date, then anonymised (mosty.privacy.retention); set by default from the
    # end of the path and MOSTY_RETENTION_YEARS. ``retain_until`` is the same column.
    retention_until: Mapped[date | None] = mapped_column(Date)
    retain_until = synonym("retention_until")
    changed_by_id: Mapped[int | None] = mapped_column(Integer)

    target_group: Mapped[TargetGroup | None] = relationship()
