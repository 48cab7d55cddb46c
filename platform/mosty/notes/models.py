"""CaseNote: a note about a participant, stored exactly as written and shown escaped."""

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin
from ..participants.models import Participant
from ..partnerships.models import Institution
from ..tenancy import PartnershipOwned

CATEGORIES = ("general", "employment", "family", "housing", "finances", "health", "disability")
# Special categories of data (GDPR art. 9): always sensitive, whatever the author ticks.
SENSITIVE_CATEGORIES = ("health", "disability")


class CaseNote(TimestampMixin, PartnershipOwned, Base):
    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    author_id: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20), default="general")
    # Readable only by the author's institution; others see that the note exists.
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")

    participant: Mapped[Participant] = relationship()
    institution: Mapped[Institution] = relationship()
