"""Partnership, Institution, territory and Agreement models."""

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin
from ..field_labels import (
    AGREEMENT_FIELDS,
    AGREEMENT_PARTY_FIELDS,
    INSTITUTION_FIELDS,
    PARTNERSHIP_FIELDS,
)
from ..tenancy import PartnershipOwned
from .labels import INSTITUTION_ROLE_LABELS

INSTITUTION_KINDS = (
    "ops",
    "pcpr",
    "labour_office",
    "rops",
    "ngo",
    "employer",
    "local_government",
    "church",
    "school",
    "other",
)
INSTITUTION_ROLES = ("leader", "partner")
TERRITORY_LEVELS = ("voivodeship", "county", "commune")


def teryt_level(code):
    """TERYT codes: voivodeship 2 digits, county 4, commune 7."""
    return {2: "voivodeship", 4: "county", 7: "commune"}.get(len(code or ""))


class Partnership(TimestampMixin, Base):
    """The tenant: a group of institutions running one programme under a signed agreement."""

    __tablename__ = "partnership"
    # The audit log names the fields an administrator changed as the admin screens do.
    __audit_field_labels__ = PARTNERSHIP_FIELDS

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    default_locale: Mapped[str] = mapped_column(String(5), default="pl")

    territory: Mapped[list["TerritoryUnit"]] = relationship(
        back_populates="partnership", order_by="TerritoryUnit.teryt", viewonly=True
    )

    def __str__(self):
        return self.name


class TerritoryUnit(PartnershipOwned, Base):
    """A county or commune (TERYT) the partnership serves."""

    __tablename__ = "territory_unit"
    __table_args__ = (UniqueConstraint("partnership_id", "teryt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    teryt: Mapped[str] = mapped_column(String(7))
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(12))

    partnership: Mapped[Partnership] = relationship(back_populates="territory")

    def covers(self, teryt_code):
        return bool(teryt_code) and teryt_code.startswith(self.teryt)

    def __str__(self):
        return f"{self.name} ({self.teryt})"


class Institution(TimestampMixin, PartnershipOwned, Base):
    """A member organisation; each one is a separate controller of personal data."""

    __tablename__ = "institution"
    __audit_field_labels__ = INSTITUTION_FIELDS

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(10), default="partner")
    teryt: Mapped[str] = mapped_column(String(7), default="")
    locality: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(200), default="")

    partnership: Mapped[Partnership] = relationship()

    @property
    def is_leader(self):
        return self.role == "leader"

    def __str__(self):
        return self.short_name or self.name


class Agreement(TimestampMixin, PartnershipOwned, Base):
    """The signed partnership agreement (porozumienie): parties, dates, contributions."""

    __tablename__ = "agreement"
    __audit_field_labels__ = AGREEMENT_FIELDS

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(Text, default="")

    parties: Mapped[list["AgreementParty"]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementParty.id"
    )
    partnership: Mapped[Partnership] = relationship()

    def __str__(self):
        return self.title


class AgreementParty(PartnershipOwned, Base):
    """One institution's signature on an agreement and what it contributes."""

    __tablename__ = "agreement_party"
    __audit_field_labels__ = AGREEMENT_PARTY_FIELDS
    __table_args__ = (UniqueConstraint("agreement_id", "institution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"))
    contribution: Mapped[str] = mapped_column(Text, default="")

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    institution: Mapped[Institution] = relationship()

    def __str__(self):
        # As the agreement's details list its parties: the institution and whether it leads.
        if self.institution is None:
            return ""
        role = self.institution.role
        return f"{self.institution.name} ({INSTITUTION_ROLE_LABELS.get(role, role)})"
