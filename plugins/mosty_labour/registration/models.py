"""A person's file at a labour office and its registration periods."""

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from . import labels

# "Bezrobotny" and "poszukujący pracy" (ustawa o promocji zatrudnienia): only the first counts
# towards long-term unemployment.
PERIOD_STATUSES = ("unemployed", "job_seeker")
# Why a registration period ended. "status_changed" closes a period when the person passes
# between unemployed and job seeker; a new period starts the same day.
DEREGISTRATION_REASONS = ("employment", "business", "refused_offer", "no_show", "own_request",
                          "pension", "education", "other", "status_changed")


class LabourRegistration(toolkit.TimestampMixin, toolkit.PartnershipOwned, toolkit.Base):
    """One person's file at one labour office: the office's case number and benefit."""

    __tablename__ = "labour_registration"
    __audit_label__ = _l("Labour office registration")
    # The keys of the module's entries, as the audit log page names them.
    __audit_detail_labels__ = {
        "registration_id": _l("labour office registration (number)"),
        "period_id": _l("registration period (number)"),
        "labour_registration_ids": _l("labour office registrations (numbers)"),
        "registry_fields": _l("fields updated in the registry"),
        "day": _l("day"),
    }
    # A change of status goes from a period's status to another one or to "deregistered", for
    # a reason; the nightly task's entries (about the person) give their own reason.
    __audit_value_labels__ = {
        key: {**labels.PERIOD_STATUS_LABELS, "deregistered": labels.STATUS_LABELS["deregistered"]}
        for key in ("from", "to")
    } | {"reason": {**labels.DEREGISTRATION_REASON_LABELS, **labels.RECOMPUTE_REASON_LABELS}}
    __audit_field_labels__ = labels.REGISTRATION_FIELD_LABELS
    # The person's fields the office's status was copied to (_sync_registry).
    __audit_person_field_keys__ = ("registry_fields",)
    __table_args__ = (UniqueConstraint("participant_id", "institution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    case_no: Mapped[str] = mapped_column(String(40), default="")
    benefit_entitled: Mapped[bool] = mapped_column(Boolean, default=False)
    benefit_until: Mapped[date | None] = mapped_column(Date)

    participant: Mapped[toolkit.Participant] = relationship()
    institution: Mapped[toolkit.Institution] = relationship()
    periods: Mapped[list["RegistrationPeriod"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan",
        order_by="(RegistrationPeriod.registered_on, RegistrationPeriod.id)")

    @property
    def open_period(self):
        return next((p for p in self.periods if p.deregistered_on is None), None)

    @property
    def last_period(self):
        return self.periods[-1] if self.periods else None


class RegistrationPeriod(toolkit.TimestampMixin, toolkit.PartnershipOwned, toolkit.Base):
    """Registered as unemployed (or as a job seeker) from ``registered_on`` until the day
    before ``deregistered_on``; an open period has no deregistration date."""

    __tablename__ = "labour_registration_period"
    __audit_label__ = _l("Registration period")
    __audit_value_labels__ = {"status": labels.PERIOD_STATUS_LABELS}
    __table_args__ = (
        CheckConstraint("deregistered_on IS NULL OR deregistered_on >= registered_on",
                        name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("labour_registration.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    registered_on: Mapped[date] = mapped_column(Date)
    deregistered_on: Mapped[date | None] = mapped_column(Date)
    deregistration_reason: Mapped[str] = mapped_column(String(20), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)

    registration: Mapped[LabourRegistration] = relationship(back_populates="periods")

    @property
    def is_open(self):
        return self.deregistered_on is None
