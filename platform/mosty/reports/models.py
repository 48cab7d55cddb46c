"""StoredReport (a monthly report kept with its files) and ReportRecipient (who gets it)."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin
from ..tenancy import PartnershipOwned

KINDS = ("monthly",)
VARIANTS = ("internal", "external")
FORMATS = ("xlsx", "pdf")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class StoredReport(TimestampMixin, PartnershipOwned, Base):
    """One partnership report for one period, made by beat; at most one per kind and period."""

    __tablename__ = "stored_report"
    __table_args__ = (UniqueConstraint("partnership_id", "kind", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default="monthly")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # Mailing happens after the report is stored; these say how it went (counts, no addresses).
    mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mailed_count: Mapped[int] = mapped_column(Integer, default=0)
    mail_note: Mapped[str] = mapped_column(Text, default="")

    files: Mapped[list["StoredReportFile"]] = relationship(
        back_populates="report", cascade="all, delete-orphan",
        order_by="StoredReportFile.id",
    )


class StoredReportFile(PartnershipOwned, Base):
    """A rendering of a stored report: internal or external, XLSX or PDF."""

    __tablename__ = "stored_report_file"
    __table_args__ = (UniqueConstraint("stored_report_id", "variant", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stored_report_id: Mapped[int] = mapped_column(
        ForeignKey("stored_report.id", ondelete="CASCADE"), index=True
    )
    variant: Mapped[str] = mapped_column(String(10))
    format: Mapped[str] = mapped_column(String(4))
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    report: Mapped[StoredReport] = relationship(back_populates="files")

    @property
    def content_type(self):
        return CONTENT_TYPES[self.format]


class ReportRecipient(TimestampMixin, PartnershipOwned, Base):
    """An address the monthly report is mailed to, chosen by a partnership administrator.

    ``variant`` says which copy the address gets: ``internal`` (full numbers, for the
    partnership's own people) or ``external`` (small cells hidden: local government,
    employers, the public).
    """

    __tablename__ = "report_recipient"
    __table_args__ = (UniqueConstraint("partnership_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200), default="")
    variant: Mapped[str] = mapped_column(String(10), default="internal")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_by_id: Mapped[int | None] = mapped_column(Integer)

    def __str__(self):
        return self.email
