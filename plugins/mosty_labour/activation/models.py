"""Activation instruments, enrolments on them and attendance."""

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from . import labels

INSTRUMENT_KINDS = ("training", "internship", "intervention_works", "public_works",
                    "activation_grant", "startup_grant", "job_placement", "career_counselling",
                    "job_club")
# Kinds that run for a set time (a course, an internship, a works contract, a club's cycle):
# they have an end date. Grants, job placement and career counselling may have none.
FIXED_TERM_KINDS = ("training", "internship", "intervention_works", "public_works", "job_club")
# enrolled → completed / dropped_out; cancelled (before the start) gives the place back.
ENROLMENT_STATUSES = ("enrolled", "completed", "dropped_out", "cancelled")
ENDED_STATUSES = ("completed", "dropped_out")


class ActivationInstrument(toolkit.TimestampMixin, toolkit.PartnershipOwned, toolkit.Base):
    """One edition of an instrument run by a labour office: where, when, how many places.

    ``places_taken`` is changed only by one conditional UPDATE (see ``activation.transitions``)
    and the database refuses a value above ``capacity``, so concurrent enrolments cannot
    overfill it."""

    __tablename__ = "labour_instrument"
    __audit_label__ = _l("Activation instrument")
    # The keys of the module's entries, as the audit log page names them.
    __audit_detail_labels__ = {
        "instrument_id": _l("activation instrument (number)"),
        "enrolment_ids": _l("enrolments (numbers)"),
        "candidate_ids": _l("people who can be enrolled (numbers)"),
        "attendance_day": _l("day of attendance"),
    }
    __audit_value_labels__ = {"kind": labels.KIND_LABELS}
    __audit_field_labels__ = labels.INSTRUMENT_FIELD_LABELS
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("places_taken >= 0 AND places_taken <= capacity",
                        name="places_within_capacity"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    locality: Mapped[str] = mapped_column(String(120), default="")
    teryt: Mapped[str] = mapped_column(String(7), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    places_taken: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")

    institution: Mapped[toolkit.Institution] = relationship()

    @property
    def places_left(self):
        return self.capacity - self.places_taken

    def __str__(self):
        return self.title


class InstrumentEnrolment(toolkit.TimestampMixin, toolkit.PartnershipOwned, toolkit.Base):
    """A participant's place on an instrument and how it ended."""

    __tablename__ = "labour_enrolment"
    __audit_label__ = _l("Enrolment on an activation instrument")
    __audit_detail_labels__ = {"referral_id": _l("referral (number)")}
    # The inbox (inbox/views.py) has no model of its own: its list of referrals, the way to an
    # enrolment, is named here ("box": "labour_inbox" on its readings of referrals).
    __audit_value_labels__ = {key: labels.ENROLMENT_STATUS_LABELS for key in ("from", "to")} | {
        "box": {"labour_inbox": _l("received by the labour office")}}

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("labour_instrument.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    # The referral accepted onto this instrument, when the place came through the inbox.
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default="enrolled")
    enrolled_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_note: Mapped[str] = mapped_column(Text, default="")
    enrolled_by_id: Mapped[int | None] = mapped_column(Integer)

    instrument: Mapped[ActivationInstrument] = relationship()
    participant: Mapped[toolkit.Participant] = relationship()
    attendance: Mapped[list["Attendance"]] = relationship(
        back_populates="enrolment", cascade="all, delete-orphan", order_by="Attendance.day")

    @property
    def days_present(self):
        return sum(1 for a in self.attendance if a.present)


class Attendance(toolkit.PartnershipOwned, toolkit.Base):
    """Present or absent on one day of the instrument."""

    __tablename__ = "labour_attendance"
    __audit_label__ = _l("Attendance on an activation instrument")
    __table_args__ = (UniqueConstraint("enrolment_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("labour_enrolment.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    present: Mapped[bool] = mapped_column(Boolean)
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)

    enrolment: Mapped[InstrumentEnrolment] = relationship(back_populates="attendance")
