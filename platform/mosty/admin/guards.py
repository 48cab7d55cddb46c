"""Changes the administration refuses because they would lock administrators out.

Nobody deletes or switches off their own account or their own membership, or takes away their
own administrator rights; no change leaves a partnership without an active partnership
administrator, nor the platform without an active platform administrator (only platform
administrators change platform administrators, and the one changing stays; the check is there
all the same). An administrator who means it asks another one.

The checks read the database: after a change is flushed it holds the new state; a record about
to be deleted is named in ``leaving``.
"""

from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import func, select

from ..audit.models import AuditEntry
from ..auth.models import Membership, User
from ..extensions import db
from ..i18n import gettext as _
from ..partnerships.models import Partnership
from ..tenancy import system_scope
from .scoping import ADMIN_ROLE


class AdminRefusal(Exception):
    """The administrator asked for something the administration does not allow; the text says
    why."""


@dataclass(frozen=True)
class AdminSeat:
    """An active membership with the partnership administrator role, of an active account."""

    membership_id: int
    partnership_id: int
    user_id: int


@dataclass(frozen=True)
class AccountStanding:
    """What of an account keeps administrators in: taken before a change to compare after it."""

    platform_admin: bool
    seats: tuple[AdminSeat, ...]


def admin_seats(*conditions):
    """The ``AdminSeat`` rows matching the SQL ``conditions`` on ``Membership``."""
    rows = db.session.execute(
        select(Membership.id, Membership.partnership_id, Membership.user_id, Membership.roles)
        .join(User, User.id == Membership.user_id)
        .where(Membership.active.is_(True), User.active.is_(True), *conditions)
    ).all()
    return [AdminSeat(row.id, row.partnership_id, row.user_id)
            for row in rows if ADMIN_ROLE in (row.roles or ())]


def account_standing(user):
    return AccountStanding(
        platform_admin=bool(user.active and user.is_platform_admin),
        seats=tuple(admin_seats(Membership.user_id == user.id)) if user.id else (),
    )


def keep_admin_seats(before, leaving=()):
    """Refuse losing the administrator's own seat or a partnership's last one.

    ``before`` are the seats the changed records held; a seat is lost when the database no
    longer holds it (or its membership is in ``leaving``, about to be deleted).
    """
    partnership_ids = {seat.partnership_id for seat in before}
    if not partnership_ids:
        return
    left = set(leaving)
    after = {seat for seat in admin_seats(Membership.partnership_id.in_(partnership_ids))
             if seat.membership_id not in left}
    lost = [seat for seat in before if seat not in after]
    if any(seat.user_id == current_user.id for seat in lost):
        raise AdminRefusal(_("You cannot take away your own partnership administrator "
                             "rights. Ask another administrator."))
    for partnership_id in sorted({seat.partnership_id for seat in lost}):
        if not any(seat.partnership_id == partnership_id for seat in after):
            partnership = db.session.get(Partnership, partnership_id)
            raise AdminRefusal(_(
                "%(partnership)s would be left without an active partnership administrator. "
                "Give someone else the partnership administrator role first.",
                partnership=partnership.name))


def keep_platform_admin(user):
    """Refuse a change that leaves no active platform administrator (``user``, flushed or about
    to be deleted, was one before it)."""
    others = db.session.scalar(
        select(func.count(User.id)).where(User.id != user.id, User.active.is_(True),
                                          User.is_platform_admin.is_(True)))
    if not others:
        raise AdminRefusal(_("Mosty would be left without an active platform administrator. "
                             "Make someone else a platform administrator first."))


def check_account_change(before, user):
    """Refuse switching off one's own account or dropping one's own platform administrator
    flag, and a change that leaves a partnership without an administrator. Call after the
    change is flushed, with the account's standing from before it."""
    if user.id == current_user.id:
        if not user.active:
            raise AdminRefusal(_("You cannot switch off your own account. Ask another "
                                 "administrator."))
        if before.platform_admin and not user.is_platform_admin:
            raise AdminRefusal(_("You cannot take away your own platform administrator "
                                 "rights. Ask another platform administrator."))
    if before.platform_admin and not (user.active and user.is_platform_admin):
        keep_platform_admin(user)
    keep_admin_seats(before.seats)


def check_account_deletion(user):
    if user.id == current_user.id:
        raise AdminRefusal(_("You cannot delete your own account. Ask another administrator."))
    standing = account_standing(user)
    if standing.platform_admin:
        keep_platform_admin(user)
    keep_admin_seats(standing.seats, leaving=[seat.membership_id for seat in standing.seats])
    if has_history(user):
        raise AdminRefusal(_("This account has a history in the audit log (sign-ins, reads or "
                             "changes of personal data), which must keep naming who did what, "
                             "so it cannot be deleted. Switch it off instead (untick "
                             "\"Active\"): the person can no longer sign in."))


def has_history(user):
    """Whether the account did anything the audit log records, in any partnership. The log
    names people by their account: deleting it would turn them into "system" on every entry
    (and on the records that name their author), in partnerships this administrator does
    not even see. An account created by mistake, never used, may go."""
    if user.id is None:
        return False
    with system_scope("checking whether an account appears in the audit log"):
        return db.session.scalar(
            select(AuditEntry.id).where(AuditEntry.actor_id == user.id).limit(1)) is not None


def membership_seats(membership):
    """The seat ``membership`` holds now (as stored, or flushed), as a list of none or one."""
    if membership.id is None:
        return []
    return admin_seats(Membership.id == membership.id)


@dataclass(frozen=True)
class MembershipStanding:
    """What of a membership the checks compare: taken before a change."""

    user_id: int | None
    active: bool
    seats: tuple[AdminSeat, ...]


def membership_standing(membership):
    return MembershipStanding(user_id=membership.user_id, active=bool(membership.active),
                              seats=tuple(membership_seats(membership)))


def check_membership_change(before, membership):
    """Refuse switching off one's own membership or handing it to someone else, and losing an
    administrator seat (one's own, or a partnership's last). Call after the change is
    flushed."""
    keep_admin_seats(before.seats)
    if before.user_id == current_user.id and before.active and not (
            membership.active and membership.user_id == current_user.id):
        raise AdminRefusal(_("You cannot switch off your own membership or give it to someone "
                             "else. Ask another administrator."))


def check_membership_deletion(membership):
    seats = membership_seats(membership)
    keep_admin_seats(seats, leaving=[seat.membership_id for seat in seats])
    if membership.user_id == current_user.id:
        raise AdminRefusal(_("You cannot delete your own membership. Ask another "
                             "administrator."))


def check_institution_deletion(institution):
    """Deleting an institution deletes the memberships of the people working there."""
    seats = admin_seats(Membership.institution_id == institution.id)
    keep_admin_seats(seats, leaving=[seat.membership_id for seat in seats])
    own = db.session.scalar(select(func.count(Membership.id)).where(
        Membership.institution_id == institution.id, Membership.user_id == current_user.id))
    if own:
        raise AdminRefusal(_("You work in this institution: deleting it would delete your own "
                             "membership. Ask another administrator."))
