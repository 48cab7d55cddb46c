"""Consent and the institutions it names."""

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import dates
from ..db import Base, TimestampMixin
from ..i18n import lazy_gettext as _l
from ..participants.models import Participant
from ..partnerships.models import Institution
from ..tenancy import PartnershipOwned

LAWFUL_BASES = ("consent", "legal_obligation", "public_task", "vital_interests", "contract")
PURPOSES = ("support", "referral", "reporting", "contact")


class Consent(TimestampMixin, PartnershipOwned, Base):
    """A participant's consent (or other lawful basis) to share their record with institutions."""

    __tablename__ = "consent"
    # The audit log page names the fields an entry lists (a consent's own, not a person's).
    __audit_field_labels__ = {
        "lawful_basis": _l("Lawful basis"), "purposes": _l("Purposes"),
        "given_on": _l("Given on"), "withdrawn_on": _l("Withdrawn on"),
        "institutions": _l("Institutions it names"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    lawful_basis: Mapped[str] = mapped_column(String(20), default="consent")
    purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    given_on: Mapped[date] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)

    participant: Mapped[Participant] = relationship()
    institution: Mapped[Institution] = relationship()
    shared_with: Mapped[list["ConsentInstitution"]] = relationship(
        back_populates="consent", cascade="all, delete-orphan"
    )

    def is_active(self, on=None):
        on = on or dates.today()
        return self.given_on <= on and (self.withdrawn_on is None or self.withdrawn_on > on)


class ConsentInstitution(PartnershipOwned, Base):
    """An institution a consent lets see the participant's record."""

    __tablename__ = "consent_institution"
    __table_args__ = (UniqueConstraint("consent_id", "institution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent.id", ondelete="CASCADE"),
                                            index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)

    consent: Mapped[Consent] = relationship(back_populates="shared_with")
    institution: Mapped[Institution] = relationship()
