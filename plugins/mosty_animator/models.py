"""The animator's records about a family. Personal data stays in the registry: these rows hold
ids of families, participants, institutions and users, plus the animator's own notes."""

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from . import labels as names

# The audit log page names the keys of the module's entries and the codes they carry with the
# module's own labels (``__audit_detail_labels__``, ``__audit_value_labels__``); the ``fields``
# a model's update names, with ``__audit_field_labels__``.
AUDIT_KEYS = names.AUDIT_KEYS

# Recruitment (nabór): where a family came from, and the stages of the board, in order.
SOURCES = ("welfare_centre", "club", "self", "parish", "school", "other")
STAGES = ("lead", "contacted", "visited", "eligible", "not_eligible", "enrolled")
CONTACT_KINDS = ("phone", "home_visit", "office", "club", "letter", "other")
WHO_KINDS = ("member", "animator", "institution")
ACTION_STATUSES = ("planned", "in_progress", "done", "refused", "cancelled")
REQUEST_STATUSES = ("open", "answered")
# Barriers the diagnosis looks for (each found one is recorded with a note).
BARRIERS = ("transport", "care_duties", "health", "debt", "housing", "addiction", "motivation",
            "qualifications")
# The instruments the module gives through the instruments package, by their stable keys.
INSTRUMENT_KEYS = {"diagnosis": "diagnosis", "motivation": "family_motivation"}
OCCASIONS = ("entry", "review")
# The longest free text each form field takes, in characters. The columns are TEXT, so the
# limit is the purpose's: a goal or an action is a sentence or two, shown in the plan's tables
# and printed for the family; notes, answers and summaries are a page at most; a commitment is
# also the referral's reason, which the registry's own form keeps to 2,000.
MAX_TEXT = {
    "lead_note": 2000, "contact_present": 300, "contact_note": 5000, "contact_next_step": 300,
    "goal": 1000, "action": 1000, "review_notes": 5000, "commitment": 2000, "question": 2000,
    "answer": 5000, "barrier_note": 2000, "strengths": 5000, "barriers_summary": 5000,
}


class Case(toolkit.PartnershipOwned, toolkit.TimestampMixin, toolkit.Base):
    """A family on the animator's recruitment board, and then in work with the animator."""

    __tablename__ = "animator_case"
    __audit_label__ = _l("Family on the recruitment board")
    __audit_detail_labels__ = AUDIT_KEYS
    __audit_value_labels__ = {"from": names.STAGES, "to": names.STAGES, "stage": names.STAGES,
                              "source": names.SOURCES, "purpose": names.PURPOSES,
                              "part": names.PURPOSES}
    __audit_field_labels__ = names.CASE_FIELDS
    __table_args__ = (UniqueConstraint("partnership_id", "family_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"),
                                           index=True)
    # The institution running the case (the animator's employer): only its staff see it.
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    animator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="other")
    stage: Mapped[str] = mapped_column(String(20), default="lead")
    lead_on: Mapped[date] = mapped_column(Date)
    contacted_on: Mapped[date | None] = mapped_column(Date)
    visited_on: Mapped[date | None] = mapped_column(Date)
    assessed_on: Mapped[date | None] = mapped_column(Date)
    enrolled_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # The registry's verdict with its readable reasons, as it stood when assessed.
    eligibility: Mapped[dict] = mapped_column(JSON, default=dict)
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollment.id", ondelete="SET NULL"))
    advisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    advisor_since: Mapped[date | None] = mapped_column(Date)
    # The diagnosis summary: what the family can build on, and what holds it back.
    strengths: Mapped[str] = mapped_column(Text, default="")
    barriers_summary: Mapped[str] = mapped_column(Text, default="")
    diagnosed_on: Mapped[date | None] = mapped_column(Date)

    family: Mapped[toolkit.Family] = relationship()
    animator: Mapped[toolkit.User | None] = relationship(foreign_keys=[animator_id])
    advisor: Mapped[toolkit.User | None] = relationship(foreign_keys=[advisor_id])

    @property
    def last_step_on(self):
        """The date of the family's latest recruitment step (the next is not dated before)."""
        return max(d for d in (self.lead_on, self.contacted_on, self.visited_on,
                               self.assessed_on, self.enrolled_on) if d is not None)

    @property
    def joined_on(self):
        """When the family joined the programme: its enrolment, or its lead when the board
        has no enrolment date (the plan is not signed before)."""
        return self.enrolled_on or self.lead_on


class Contact(toolkit.PartnershipOwned, toolkit.TimestampMixin, toolkit.Base):
    """One contact with the family: a phone call, a home visit, a meeting."""

    __tablename__ = "animator_contact"
    __audit_label__ = _l("Contact or home visit")
    __audit_detail_labels__ = AUDIT_KEYS
    __audit_value_labels__ = {"kind": names.CONTACT_KINDS}

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("animator_case.id", ondelete="CASCADE"),
                                         index=True)
    on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    present: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)


class Plan(toolkit.PartnershipOwned, toolkit.TimestampMixin, toolkit.Base):
    """The family work plan, written together with the family and signed by both sides."""

    __tablename__ = "animator_plan"
    __audit_label__ = _l("Family work plan")
    __audit_detail_labels__ = AUDIT_KEYS
    __audit_value_labels__ = {"purpose": names.PURPOSES, "signed": names.SIGNED_BY}
    __table_args__ = (UniqueConstraint("case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("animator_case.id", ondelete="CASCADE"))
    review_every_days: Mapped[int] = mapped_column(Integer, default=30)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    family_signed_on: Mapped[date | None] = mapped_column(Date)
    family_signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"))
    animator_signed_on: Mapped[date | None] = mapped_column(Date)
    animator_signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    case: Mapped[Case] = relationship()
    goals: Mapped[list["Goal"]] = relationship(back_populates="plan", order_by="Goal.id",
                                               cascade="all, delete-orphan")
    reviews: Mapped[list["Review"]] = relationship(order_by="Review.held_on.desc()",
                                                   cascade="all, delete-orphan")
    family_signed_by: Mapped[toolkit.Participant | None] = relationship()
    animator_signed_by: Mapped[toolkit.User | None] = relationship()

    @property
    def signed(self):
        return self.family_signed_on is not None and self.animator_signed_on is not None


class Goal(toolkit.PartnershipOwned, toolkit.Base):
    """A goal of the family as a whole (no member) or of one member."""

    __tablename__ = "animator_goal"
    __audit_label__ = _l("Work plan goal")
    __audit_detail_labels__ = AUDIT_KEYS

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("animator_plan.id", ondelete="CASCADE"),
                                         index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # per cent, from the last review

    plan: Mapped[Plan] = relationship(back_populates="goals")
    participant: Mapped[toolkit.Participant | None] = relationship()
    actions: Mapped[list["Action"]] = relationship(
        back_populates="goal", order_by="Action.due_on", cascade="all, delete-orphan")


class Agreement(toolkit.PartnershipOwned, toolkit.TimestampMixin, toolkit.Base):
    """An agreement with an institution: its commitment covers plan actions, and concluding it
    sends a referral through the registry (whose answer then drives those actions)."""

    __tablename__ = "animator_agreement"
    __audit_label__ = _l("Agreement with an institution (animator)")
    __audit_detail_labels__ = AUDIT_KEYS

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("animator_case.id", ondelete="CASCADE"),
                                         index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    commitment: Mapped[str] = mapped_column(Text)
    concluded_on: Mapped[date] = mapped_column(Date)
    concluded_by_id: Mapped[int | None] = mapped_column(Integer)
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral.id", ondelete="SET NULL"))

    institution: Mapped[toolkit.Institution] = relationship()
    participant: Mapped[toolkit.Participant] = relationship()
    referral: Mapped[toolkit.Referral | None] = relationship()


# How the registry's referral status reads as the status of the actions it covers.
REFERRAL_TO_ACTION = {"sent": "planned", "accepted": "in_progress", "declined": "refused",
                      "completed": "done"}


class Action(toolkit.PartnershipOwned, toolkit.Base):
    """What is to be done for a goal, by whom and by when."""

    __tablename__ = "animator_action"
    __audit_label__ = _l("Work plan action")
    __audit_detail_labels__ = AUDIT_KEYS
    __audit_value_labels__ = {"from": names.ACTION_STATUSES, "to": names.ACTION_STATUSES,
                              "who_kind": names.WHO_KINDS}
    __table_args__ = (Index("ix_animator_action_due", "partnership_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("animator_goal.id", ondelete="CASCADE"),
                                         index=True)
    what: Mapped[str] = mapped_column(Text)
    who_kind: Mapped[str] = mapped_column(String(12))
    who_participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"))
    who_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("animator_agreement.id", ondelete="SET NULL"))

    goal: Mapped[Goal] = relationship(back_populates="actions")
    who_participant: Mapped[toolkit.Participant | None] = relationship()
    who_institution: Mapped[toolkit.Institution | None] = relationship()
    agreement: Mapped[Agreement | None] = relationship()

    @property
    def effective_status(self):
        """An action under an agreement follows the institution's answer to the referral, so
        the plan shows the answer without the registry knowing about plans."""
        referral = self.agreement.referral if self.agreement is not None else None
        if referral is not None and self.status not in ("cancelled",):
            return REFERRAL_TO_ACTION.get(referral.status, self.status)
        return self.status

    def is_overdue(self, today=None):
        today = today or toolkit.today()
        return (self.due_on is not None and self.due_on < today
                and self.effective_status in ("planned", "in_progress"))


class Review(toolkit.PartnershipOwned, toolkit.Base):
    """A periodic review of the plan: notes and the progress of each goal at that date."""

    __tablename__ = "animator_review"
    __audit_label__ = _l("Work plan review")
    __audit_detail_labels__ = AUDIT_KEYS

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("animator_plan.id", ondelete="CASCADE"),
                                         index=True)
    held_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[dict] = mapped_column(JSON, default=dict)  # {goal id: per cent}
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)


class InfoRequest(toolkit.PartnershipOwned, toolkit.TimestampMixin, toolkit.Base):
    """A question to the information operators (job offers, training, transport...)."""

    __tablename__ = "animator_info_request"
    __audit_label__ = _l("Information request")
    __audit_detail_labels__ = AUDIT_KEYS
    __audit_value_labels__ = {"from": names.REQUEST_STATUSES, "to": names.REQUEST_STATUSES}

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    asked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    asked_by: Mapped[toolkit.User | None] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[toolkit.User | None] = relationship(foreign_keys=[answered_by_id])

    def is_overdue(self, today=None):
        return self.status == "open" and self.deadline < (today or toolkit.today())


class Barrier(toolkit.PartnershipOwned, toolkit.Base):
    """A barrier found in the diagnosis, for the whole family (no member) or one member."""

    __tablename__ = "animator_barrier"
    __audit_label__ = _l("Barrier found in the diagnosis")
    __audit_detail_labels__ = AUDIT_KEYS
    __audit_value_labels__ = {"kind": names.BARRIERS}

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("animator_case.id", ondelete="CASCADE"),
                                         index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_on: Mapped[date] = mapped_column(Date)

    case: Mapped[Case] = relationship()
    participant: Mapped[toolkit.Participant | None] = relationship()


class InstrumentRound(toolkit.PartnershipOwned, toolkit.Base):
    """A family round of the instruments package given by the animator: the needs-and-skills
    diagnosis, or the family motivation test at entry or at a review."""

    __tablename__ = "animator_instrument_round"
    __audit_label__ = _l("Diagnosis or motivation round")
    __audit_detail_labels__ = AUDIT_KEYS
    __audit_value_labels__ = {"purpose": names.PURPOSES, "occasion": names.OCCASIONS}

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("animator_case.id", ondelete="CASCADE"),
                                         index=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("instrument_family_round.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(12))
    occasion: Mapped[str] = mapped_column(String(10), default="entry")
    started_on: Mapped[date] = mapped_column(Date)
    # A round at a review: the plan review it was given at (the latest one when it started).
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("animator_review.id", ondelete="SET NULL"))

    review: Mapped[Review | None] = relationship()
