"""User and Membership: who may work in which partnership, for which institution, as what."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, TimestampMixin
from ..field_labels import MEMBERSHIP_FIELDS, USER_FIELDS
from ..i18n import lazy_gettext as _l
from ..partnerships.models import Institution, Partnership
from ..tenancy import PartnershipOwned
from .passwords import hash_password, needs_rehash, verify_password


class User(UserMixin, TimestampMixin, Base):
    """A person who signs in. Users are global; what they see comes from memberships."""

    __tablename__ = "user_account"
    # The audit log names the fields an administrator changed, and why an account was
    # switched off without one (``tasks.deactivate_dormant``), as the admin screens do.
    __audit_field_labels__ = USER_FIELDS
    __audit_value_labels__ = {"reason": {"dormant": _l("not signed in for a long time")}}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Part of the session id: raising it signs the user out everywhere else.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self):
        return self.active

    # The secret of the sign-in this object was loaded or signed in with (``sign_ins``); kept
    # in memory only: the database holds its digest.
    sign_in_secret = None

    # Equal when the same object, as every other model (the identity map keeps one object per
    # row): UserMixin compares session ids, which now name a sign-in rather than a user.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def get_id(self):
        if not self.sign_in_secret:
            # Every way in records a sign-in first (``sign_ins.start``); an id without one
            # would sign nobody in, so a path that forgot it should fail loudly in its tests.
            raise RuntimeError("no sign-in recorded for this user: call sign_ins.start first")
        return f"{self.id}:{self.session_version}:{self.sign_in_secret}"

    def set_password(self, password):
        self.password_hash = hash_password(password)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password):
        ok = verify_password(self.password_hash, password)
        if ok and needs_rehash(self.password_hash):
            self.password_hash = hash_password(password)
        return ok

    def __str__(self):
        return f"{self.name} <{self.email}>"


class SignIn(Base):
    """One live session of a user, by the digest of the secret in its cookie (``sign_ins``)."""

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Membership(TimestampMixin, PartnershipOwned, Base):
    """A user's place in one partnership: the institution they work for and their roles."""

    __tablename__ = "membership"
    __audit_field_labels__ = MEMBERSHIP_FIELDS
    __table_args__ = (UniqueConstraint("user_id", "partnership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    user: Mapped[User] = relationship(back_populates="memberships")
    institution: Mapped[Institution] = relationship()
    partnership: Mapped[Partnership] = relationship()

    def has_role(self, *roles):
        return any(role in (self.roles or []) for role in roles)

    def __str__(self):
        return f"{self.user.email} @ {self.institution}"
