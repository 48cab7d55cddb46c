"""Job: one long piece of work of a member, its state, progress, result file and errors."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..db import Base, TimestampMixin
from ..partnerships.models import Institution
from ..tenancy import PartnershipOwned

STATES = ("queued", "running", "done", "failed")
FINISHED = ("done", "failed")


class Job(TimestampMixin, PartnershipOwned, Base):
    """A job of ``kind`` started by ``actor_id`` for ``institution_id``.

    The result file lives in the database (``result_data``), so it sits behind the same
    partnership wall and row-level security as the records it was made from and is reached
    only through the job pages' access check; it is loaded only when downloaded.
    """

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_institution_created", "partnership_id", "institution_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10), default="queued")
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    # Why a failed job failed, readable, in the language of the person who started it.
    message: Mapped[str] = mapped_column(Text, default="")
    # Where the job page sends the member once the job has finished (e.g. the import page).
    return_url: Mapped[str] = mapped_column(String(300), default="")
    # The language of the page the job was started from: its messages are written in it.
    locale: Mapped[str] = mapped_column(String(5), default="")
    result_filename: Mapped[str] = mapped_column(String(200), default="")
    result_content_type: Mapped[str] = mapped_column(String(120), default="")
    result_size: Mapped[int] = mapped_column(Integer, default=0)
    result_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    institution: Mapped[Institution] = relationship()

    @property
    def finished(self):
        return self.state in FINISHED

    @property
    def has_result(self):
        return self.state == "done" and bool(self.result_filename)

    @property
    def percent(self):
        if self.state == "done":
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_done / self.progress_total))

    def __str__(self):
        return self.title
