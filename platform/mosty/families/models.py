"""Family and FamilyMember."""

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin
from ..participants.models import Participant
from ..partnerships.models import Institution
from ..tenancy import PartnershipOwned

# Relation to the head of the household, and the generation it puts the member in
# (0: the head's, -1: parents, +1: children), used to see unemployment across generations.
RELATIONS = {
    "head": 0, "spouse": 0, "partner": 0, "sibling": 0,
    "parent": -1, "parent_in_law": -1, "grandparent": -2,
    "child": 1, "child_in_law": 1, "grandchild": 2, "other": 0,
}


class Family(TimestampMixin, PartnershipOwned, Base):
    """A household served as a whole."""

    __tablename__ = "family"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    teryt: Mapped[str] = mapped_column(String(7), default="")
    locality: Mapped[str] = mapped_column(String(120), default="")
    area: Mapped[str] = mapped_column(String(5), default="rural")

    institution: Mapped[Institution] = relationship()
    members: Mapped[list["FamilyMember"]] = relationship(
        back_populates="family", cascade="all, delete-orphan", order_by="FamilyMember.id"
    )

    def __str__(self):
        return self.name


class FamilyMember(PartnershipOwned, Base):
    __tablename__ = "family_member"
    __table_args__ = (UniqueConstraint("family_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"),
                                           index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    relation: Mapped[str] = mapped_column(String(20), default="other")

    family: Mapped[Family] = relationship(back_populates="members")
    participant: Mapped[Participant] = relationship()

    @property
    def generation(self):
        return RELATIONS.get(self.relation, 0)
