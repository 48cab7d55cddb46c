"""Participant, Dependant and CareRelation."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from ..db import Base, TimestampMixin
from ..partnerships.models import Institution
from ..tenancy import PartnershipOwned

SEXES = ("female", "male")
AREAS = ("urban", "rural")
EDUCATION_LEVELS = ("none", "primary", "lower_secondary", "vocational", "secondary",
                    "post_secondary", "higher")
LABOUR_STATUSES = ("registered_unemployed", "unregistered_unemployed", "inactive", "employed",
                   "self_employed")
CONTRACT_TYPES = ("employment", "fixed_term", "mandate", "specific_task", "temporary", "other")
DISABILITY_LEVELS = ("none", "light", "moderate", "severe")
DEPENDANT_TYPES = ("child_under_7", "child_with_disability", "adult_with_disability",
                   "ill_or_elderly")


class Participant(TimestampMixin, PartnershipOwned, Base):
    """A person served by the programme. The registering institution controls the record."""

    __tablename__ = "participant"
    __table_args__ = (
        Index("ix_participant_partnership_pesel", "partnership_id", "pesel"),
        # On PostgreSQL its name columns carry COLLATE "pl-x-icu" (migration 0019), which the
        # lists order by (mosty.collation.by_name); the comparison of models and migrations
        # does not see a column's collation.
        Index("ix_participant_partnership_name", "partnership_id", "last_name", "first_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(120))
    sex: Mapped[str] = mapped_column(String(6))
    birth_date: Mapped[date] = mapped_column(Date)
    pesel: Mapped[str | None] = mapped_column(String(11))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    # Registered residence (zameldowanie) decides eligibility; actual address is where we visit.
    registered_teryt: Mapped[str] = mapped_column(String(7), default="")
    registered_locality: Mapped[str] = mapped_column(String(120), default="")
    registered_area: Mapped[str] = mapped_column(String(5), default="urban")
    actual_teryt: Mapped[str] = mapped_column(String(7), default="")
    actual_locality: Mapped[str] = mapped_column(String(120), default="")
    actual_area: Mapped[str] = mapped_column(String(5), default="urban")
    # None: not given (a person imported from a file without these columns). Nothing is
    # assumed for them: the registration form asks for both, reports count "not given".
    education: Mapped[str | None] = mapped_column(String(20))
    labour_status: Mapped[str | None] = mapped_column(String(30))
    unemployed_since: Mapped[date | None] = mapped_column(Date)
    long_term_unemployed: Mapped[bool] = mapped_column(Boolean, default=False)
    contract_type: Mapped[str | None] = mapped_column(String(20))
    disability_level: Mapped[str] = mapped_column(String(10), default="none")
    labour_office_case_no: Mapped[str] = mapped_column(String(40), default="")
    social_assistance_case_no: Mapped[str] = mapped_column(String(40), default="")
    # Restriction of processing (GDPR art. 18): the record stays but is not used or shared
    # (mosty.privacy.restriction sets and lifts it, with the reason and who did it).
    processing_restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    restriction_reason: Mapped[str] = mapped_column(Text, default="")
    restricted_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    restricted_by_id: Mapped[int | None] = mapped_column(Integer)
    # The earlier name of the flag, still used by the registry's access rule.
    restricted = synonym("processing_restricted")
    # Set when the retention period ended or an erasure request was carried out
    # (mosty.privacy.retention): names, identifiers, contact data and free text are blank.
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    institution: Mapped[Institution] = relationship()
    care_relations: Mapped[list["CareRelation"]] = relationship(
        back_populates="carer", cascade="all, delete-orphan", order_by="CareRelation.id"
    )

    @classmethod
    def searched_text(cls):
        """What the participant search looks in: names and localities, space-separated.

        A search word has no spaces, so it matches here exactly when it matches one of the
        columns; one ILIKE on the joined text costs PostgreSQL about half of four ILIKEs on
        the columns (a partnership of 42,000 people: 75 against 120-150 ms). The search has to
        read every person of the partnership: under row-level security PostgreSQL may not use
        an index with ILIKE, which is not leakproof (docs/benchmarks.md)."""
        return (cls.first_name + " " + cls.last_name + " " + cls.registered_locality + " "
                + cls.actual_locality)

    @property
    def full_name(self):
        # An anonymised record has no name left: its number stands in for it.
        return f"{self.first_name} {self.last_name}".strip() or f"#{self.id}"

    @property
    def is_unemployed(self):
        return self.labour_status in ("registered_unemployed", "unregistered_unemployed")

    @property
    def is_working(self):
        return self.labour_status in ("employed", "self_employed")

    def __str__(self):
        return self.full_name


class Dependant(TimestampMixin, PartnershipOwned, Base):
    """A person cared for by a carer: a small child, a person with disability, an ill elder."""

    __tablename__ = "dependant"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    dependant_type: Mapped[str] = mapped_column(String(30))


class CareRelation(PartnershipOwned, Base):
    """Carer → dependant, with the weekly load and the care services already used."""

    __tablename__ = "care_relation"

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"),
                                          index=True)
    dependant_id: Mapped[int] = mapped_column(ForeignKey("dependant.id", ondelete="CASCADE"))
    hours_per_week: Mapped[int] = mapped_column(Integer, default=0)
    care_services: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")

    carer: Mapped[Participant] = relationship(back_populates="care_relations")
    dependant: Mapped[Dependant] = relationship()
