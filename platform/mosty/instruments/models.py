"""Instrument, its versions, family rounds and administrations.

A version is never changed once saved: an administration points at the version it was
answered with and keeps the scores computed from it, so a new version never changes an old
score.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin
from ..families.models import Family
from ..participants.models import Participant
from ..partnerships.models import Institution
from ..tenancy import PartnershipOwned

STATUSES = ("draft", "finished")


class Instrument(TimestampMixin, PartnershipOwned, Base):
    """A questionnaire of the partnership, known by a stable key (``family_motivation``)."""

    __tablename__ = "instrument"
    __table_args__ = (UniqueConstraint("partnership_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    # The title of the newest version, so lists need not read the versions.
    title: Mapped[str] = mapped_column(String(200))
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)

    versions: Mapped[list["InstrumentVersion"]] = relationship(
        back_populates="instrument", order_by="InstrumentVersion.number",
        cascade="all, delete-orphan",
    )

    @property
    def current(self):
        return self.versions[-1] if self.versions else None

    def __str__(self):
        return self.title


class InstrumentVersion(PartnershipOwned, Base):
    """One saved definition: the YAML as written and the checked, normalised spec."""

    __tablename__ = "instrument_version"
    __table_args__ = (UniqueConstraint("instrument_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("instrument.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    spec: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    instrument: Mapped[Instrument] = relationship(back_populates="versions")


class FamilyRound(PartnershipOwned, Base):
    """One instrument given to several members of a family at one time (one administration
    per member), so their results are read side by side."""

    __tablename__ = "instrument_family_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"),
                                           index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    started_by_id: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    family: Mapped[Family] = relationship()
    version: Mapped[InstrumentVersion] = relationship()
    institution: Mapped[Institution] = relationship()
    administrations: Mapped[list["Administration"]] = relationship(
        back_populates="family_round", order_by="Administration.id")


class Administration(TimestampMixin, PartnershipOwned, Base):
    """One person's answers to one version of an instrument: a draft, then finished with its
    scores stored beside the answers."""

    __tablename__ = "instrument_administration"
    __table_args__ = (
        Index("ix_instrument_administration_person", "partnership_id", "participant_id",
              "version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    family_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("instrument_family_round.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    scores: Mapped[dict | None] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    administered_by_id: Mapped[int | None] = mapped_column(Integer)

    version: Mapped[InstrumentVersion] = relationship()
    participant: Mapped[Participant] = relationship()
    institution: Mapped[Institution] = relationship()
    family_round: Mapped[FamilyRound | None] = relationship(back_populates="administrations")

    @property
    def is_draft(self):
        return self.status == "draft"
