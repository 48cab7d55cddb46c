"""ImportBatch: one uploaded file on its way in; ImportMapping: an institution's saved column
mapping for a format."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..db import Base, TimestampMixin
from ..partnerships.models import Institution
from ..tenancy import PartnershipOwned

STATES = ("uploaded", "checked", "committed")


class ImportBatch(TimestampMixin, PartnershipOwned, Base):
    """An uploaded file of one institution, its mapping and its dry-run report.

    The file itself is kept (in the database, behind the wall) only until it is imported:
    the commit blanks it, keeping the fingerprint that recognises the same file again.
    """

    __tablename__ = "import_batch"
    __table_args__ = (
        Index("ix_import_batch_institution_fingerprint", "partnership_id", "institution_id",
              "fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    format_key: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    file_kind: Mapped[str] = mapped_column(String(4), default="csv")
    encoding: Mapped[str] = mapped_column(String(20), default="")
    separator: Mapped[str] = mapped_column(String(4), default="")
    headers: Mapped[list] = mapped_column(JSON, default=list)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    # {column index as text: field key}
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="uploaded")
    # The last dry run (or commit): counts, errors by line and column, matched duplicates.
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    dry_run_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("job.id", ondelete="SET NULL"))
    commit_job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    institution: Mapped[Institution] = relationship()

    def __str__(self):
        return self.filename


class ImportMapping(TimestampMixin, PartnershipOwned, Base):
    """The columns an institution mapped last time for a format: {header key: field key}."""

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("institution_id", "format_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"))
    format_key: Mapped[str] = mapped_column(String(80))
    columns: Mapped[dict] = mapped_column(JSON, default=dict)
