"""TaskReceipt: proof that a task with a given idempotency key has already had its effect."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, utcnow
from .tenancy import PartnershipOwned


class TaskReceipt(PartnershipOwned, Base):
    __tablename__ = "task_receipt"

    partnership_optional_in_system_scope = True

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(200), unique=True)
    task: Mapped[str] = mapped_column(String(120))
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
