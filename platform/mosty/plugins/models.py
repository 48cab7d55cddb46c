"""Which modules a partnership has switched on, and which roles may use them."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow
from ..field_labels import MODULE_GRANT_FIELDS, PARTNERSHIP_MODULE_FIELDS
from ..tenancy import PartnershipOwned

ACCESS_LEVELS = ("read", "write")


class PartnershipModule(PartnershipOwned, Base):
    """A module switched on (or off again) for one partnership."""

    __tablename__ = "partnership_module"
    # The audit log names the fields an administrator changed as the admin screens do.
    __audit_field_labels__ = PARTNERSHIP_MODULE_FIELDS
    __table_args__ = (UniqueConstraint("partnership_id", "module_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_key: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)


class ModuleGrant(PartnershipOwned, Base):
    """A role's access to a module in one partnership: ``read`` or ``write``."""

    __tablename__ = "module_grant"
    __audit_field_labels__ = MODULE_GRANT_FIELDS
    __table_args__ = (UniqueConstraint("partnership_id", "module_key", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_key: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(40))
    access: Mapped[str] = mapped_column(String(5), default="read")
