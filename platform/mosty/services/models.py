"""Service and ServiceDelivery."""

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin
from ..participants.models import Participant
from ..partnerships.models import Institution
from ..tenancy import PartnershipOwned

SERVICE_KINDS = ("advisory", "training", "psychological", "legal", "care_substitution",
                 "placement", "benefit", "other")


class Service(TimestampMixin, PartnershipOwned, Base):
    """An item of an institution's catalogue, usually provided from its own resources."""

    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(200), default="")
    own_resources: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    institution: Mapped[Institution] = relationship()

    def __str__(self):
        return self.name


class ServiceDelivery(TimestampMixin, PartnershipOwned, Base):
    """One delivery of a service to a participant."""

    __tablename__ = "service_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    delivered_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1"))
    staff_id: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship()
    participant: Mapped[Participant] = relationship()
