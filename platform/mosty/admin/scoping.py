"""Who administers what in an admin request, and what they may see of the two global models.

Every admin request starts in ``enter_admin_request``: a platform admin works in the system
scope, a partnership admin in the scope of the partnership they picked, so the ORM wall limits
every partnership-owned model (lists, counts, single rows, pickers). Partnerships and user
accounts belong to no partnership; ``visible`` holds the rules for those two.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field

from flask import abort, g, request, session
from flask_login import current_user
from sqlalchemy import false, func, select

from ..auth.models import Membership, User
from ..collation import by_name, sort_key
from ..extensions import db, login_manager
from ..partnerships.models import Partnership
from ..plugins.models import PartnershipModule
from ..tenancy import partnership_scope, system_scope
from ..tenancy.context import set_request_partnership, set_request_system_scope

ADMIN_ROLE = "partnership_admin"
PARTNERSHIP_ARG = "partnership"
SESSION_KEY = "mosty_admin_partnership"
PLATFORM_REASON = "platform admin screens"


@dataclass
class AdminContext:
    """The signed-in administrator's standing in this request."""

    platform: bool
    # Partnerships the administrator may pick, by name.
    choices: list[Partnership]
    # The picked partnership: always set for a partnership admin, optional for a platform admin.
    partnership: Partnership | None = None
    membership: Membership | None = None
    enabled_modules: frozenset[str] = field(default_factory=frozenset)

    @property
    def partnership_id(self):
        return self.partnership.id if self.partnership is not None else None


def current_admin():
    """The ``AdminContext`` of this request, or ``None`` outside the admin."""
    return g.get("mosty_admin")


def _administered_memberships(user):
    """``[(membership, partnership)]`` where ``user`` is an active partnership admin."""
    with system_scope("finding the partnerships the signed-in user administers"):
        rows = db.session.execute(
            select(Membership, Partnership)
            .join(Partnership, Membership.partnership_id == Partnership.id)
            .where(Membership.user_id == user.id, Membership.active.is_(True))
        ).all()
    return [(membership, partnership) for membership, partnership in rows
            if membership.has_role(ADMIN_ROLE)]


def _all_partnerships():
    return list(db.session.scalars(select(Partnership).order_by(by_name(Partnership.name))))


def _pick(choices, platform):
    """The partnership named in ``?partnership=`` (then remembered in the session), else the
    remembered one, else (for a partnership admin) the first."""
    by_slug = {p.slug: p for p in choices}
    if PARTNERSHIP_ARG in request.args:
        slug = request.args.get(PARTNERSHIP_ARG) or ""
        if not slug and platform:
            session.pop(SESSION_KEY, None)
            return None
        if slug not in by_slug:
            # Not one of theirs: it does not exist for them.
            abort(404)
        session[SESSION_KEY] = slug
        return by_slug[slug]
    picked = by_slug.get(session.get(SESSION_KEY))
    if picked is None and not platform:
        picked = choices[0]
    return picked


def _enabled_modules(partnership_id):
    if partnership_id is None:
        return frozenset()
    with partnership_scope(partnership_id):
        return frozenset(db.session.scalars(
            select(PartnershipModule.module_key).where(PartnershipModule.enabled.is_(True))
        ))


def resolve_admin_context(user):
    """The context for ``user``, or ``None`` when they administer nothing."""
    if user.is_platform_admin:
        choices = _all_partnerships()
        partnership = _pick(choices, platform=True)
        return AdminContext(platform=True, choices=choices, partnership=partnership,
                            enabled_modules=_enabled_modules(getattr(partnership, "id", None)))
    administered = _administered_memberships(user)
    if not administered:
        return None
    by_partnership = {p.id: m for m, p in administered}
    choices = sorted((p for _m, p in administered), key=lambda p: sort_key(p.name))
    partnership = _pick(choices, platform=False)
    return AdminContext(platform=False, choices=choices, partnership=partnership,
                        membership=by_partnership[partnership.id],
                        enabled_modules=_enabled_modules(partnership.id))


def enter_admin_request(module_view=False):
    """Sign-in page, 403, or the request bound to the administrator's scope.

    A module's own admin view always works for one partnership, even for a platform admin.
    """
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    context = resolve_admin_context(current_user)
    if context is None:
        abort(403)
    g.mosty_admin = context
    if context.platform and not (module_view and context.partnership is not None):
        set_request_system_scope(PLATFORM_REASON)
        return None
    if context.partnership is None:
        # A platform admin on a module's view without a partnership picked.
        abort(404)
    set_request_partnership(context.partnership.id)
    g.partnership = context.partnership
    g.membership = context.membership
    return None


def working_partnership():
    """Work for the picked partnership (the platform admin's requests run in the system scope)."""
    context = current_admin()
    if context.platform:
        return partnership_scope(context.partnership_id)
    return nullcontext(context.partnership_id)


def _member_ids(partnership_id):
    return select(Membership.user_id).where(Membership.partnership_id == partnership_id)


def visible(model, query):
    """Limit ``query`` of ``model`` to what the current administrator may see.

    Partnership-owned models need nothing here: the ORM wall already limits them.
    """
    context = current_admin()
    if context is None:
        return query.filter(false())
    if context.platform:
        return query
    if model is Partnership:
        return query.filter(Partnership.id == context.partnership_id)
    if model is User:
        # Accounts are global; a partnership admin sees those with a membership in theirs.
        return query.filter(User.id.in_(_member_ids(context.partnership_id)))
    return query


def may_change_account(user):
    """Whether the administrator may change or delete this account.

    A partnership admin may not touch platform admins or people who also work in another
    partnership: a password set here would open that other partnership too.
    """
    context = current_admin()
    if context is None:
        return False
    if context.platform:
        return True
    if user.is_platform_admin:
        return False
    with system_scope("checking whether an account also belongs to other partnerships"):
        elsewhere = db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.user_id == user.id,
                Membership.partnership_id != context.partnership_id,
            )
        )
    return not elsewhere
