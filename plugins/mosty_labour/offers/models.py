"""JobOffer, the Skill list a clerk keeps for a person, and Candidate (a person put forward
for an offer, with the employer's answer)."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

OFFER_STATUSES = ("open", "filled", "closed")
CANDIDATE_STATUSES = ("referred", "hired", "not_hired")


class JobOffer(toolkit.TimestampMixin, toolkit.PartnershipOwned, toolkit.Base):
    """A vacancy an employer reported to a labour office of the partnership."""

    __tablename__ = "labour_offer"
    __audit_label__ = _l("Job offer")
    # The audit log page names the fields an offer's entries list, as the offer's form does.
    __audit_field_labels__ = {
        "position": _l("Position"), "employer_id": _l("Employer"),
        "employer_name": _l("or the employer's name"),
        "commune_teryt": _l("TERYT commune code of the workplace"), "locality": _l("Locality"),
        "hours_per_week": _l("Hours a week"), "contract_type": _l("Contract type"),
        "requirements": _l("Required skills"), "part_time": _l("Part-time"),
        "flexible_hours": _l("Flexible hours"), "remote": _l("Remote work possible"),
        "vacancies": _l("Vacancies"), "posted_on": _l("Reported on"),
        "description": _l("Description"), "status": _l("Status"),
    }
    __table_args__ = (Index("ix_labour_offer_status", "partnership_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The labour office that took the offer and answers for it.
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    # An employer of the partnership, or only a name for employers outside it.
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    employer_name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200))
    commune_teryt: Mapped[str] = mapped_column(String(7))
    locality: Mapped[str] = mapped_column(String(120), default="")
    hours_per_week: Mapped[int] = mapped_column(Integer)
    contract_type: Mapped[str] = mapped_column(String(20))
    # Normalised skill names (lower case), compared with the people's skill lists.
    requirements: Mapped[list[str]] = mapped_column(JSON, default=list)
    part_time: Mapped[bool] = mapped_column(Boolean, default=False)
    flexible_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    vacancies: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10), default="open")
    description: Mapped[str] = mapped_column(Text, default="")
    posted_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(Integer)

    institution: Mapped[toolkit.Institution] = relationship(foreign_keys=[institution_id])
    employer: Mapped[toolkit.Institution | None] = relationship(foreign_keys=[employer_id])

    @property
    def employer_label(self):
        return str(self.employer) if self.employer is not None else self.employer_name

    @property
    def employer_full_name(self):
        return self.employer.name if self.employer is not None else self.employer_name

    @property
    def care_friendly(self):
        return self.part_time or self.flexible_hours or self.remote

    def __str__(self):
        return f"{self.position} ({self.employer_label})"


class Skill(toolkit.PartnershipOwned, toolkit.Base):
    """One skill of a person as a labour clerk recorded it (a driving licence, forklift, ...)."""

    __tablename__ = "labour_skill"
    __audit_label__ = _l("Skill")
    # Recorded on the person's entries when skills are added or removed.
    __audit_detail_labels__ = {"labour_skills_added": _l("skills added"),
                               "labour_skill_removed": _l("skill removed (number)")}
    __table_args__ = (UniqueConstraint("participant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=toolkit.utcnow)


class Candidate(toolkit.TimestampMixin, toolkit.PartnershipOwned, toolkit.Base):
    """A person a labour office put forward for an offer: referred → hired / not hired."""

    __tablename__ = "labour_candidate"
    __audit_label__ = _l("Candidate for a job offer")
    __audit_detail_labels__ = {"offer_id": _l("job offer (number)"),
                               "labour_offer_id": _l("job offer (number)")}
    # The statuses as offers/service.py names them (the same messages; the service imports
    # this module, not the reverse).
    __audit_value_labels__ = {key: {"referred": _l("referred to the employer"),
                                    "hired": _l("hired"), "not_hired": _l("not hired")}
                              for key in ("from", "to", "status")}
    __table_args__ = (UniqueConstraint("offer_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("labour_offer.id", ondelete="CASCADE"),
                                          index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    # The labour office that put the person forward; only it records the answer.
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    status: Mapped[str] = mapped_column(String(10), default="referred")
    # Why the person was suggested, as reason codes (readable words come from service.py).
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    referred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    referred_by_id: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_by_id: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date | None] = mapped_column(Date)
    not_hired_reason: Mapped[str] = mapped_column(Text, default="")
    # The registry's "job started" outcome a hire records (effectiveness counts outcomes).
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcome.id", ondelete="SET NULL"))

    offer: Mapped[JobOffer] = relationship()
    participant: Mapped[toolkit.Participant] = relationship()
