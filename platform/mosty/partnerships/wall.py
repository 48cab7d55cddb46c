"""The request wall: every URL under ``/<partnership>/`` works for that partnership only.

Registered on the app rather than on one blueprint, so module blueprints mounted under
``/<partnership>/<module>/`` are behind the same wall without doing anything themselves.
"""

import re
from types import SimpleNamespace

from flask import abort, current_app, g
from flask_login import current_user
from sqlalchemy import and_, select
from werkzeug.routing import BaseConverter

from ..auth.models import Membership
from ..extensions import db, login_manager
from ..ids import RowIdConverter
from ..plugins.access import remember_access
from ..plugins.models import ModuleGrant, PartnershipModule
from ..tenancy.context import (
    clear_request_partnership,
    current_partnership_id,
    set_request_partnership,
)
from .models import Partnership

SLUG_ARG = "partnership"

# First path segments that belong to the platform itself; no partnership may take them.
RESERVED_SLUGS = frozenset({
    "admin", "api", "static", "login", "logout", "language", "account", "health", "assets",
})
SLUG_PATTERN = r"[a-z0-9][a-z0-9-]{0,39}"
# Per app: {slug: partnership id} learnt from earlier requests (checked on every use).
KNOWN_IDS = "mosty.partnership_ids"


def is_valid_slug(slug):
    return bool(re.fullmatch(SLUG_PATTERN, slug or "")) and slug not in RESERVED_SLUGS


class PartnershipSlugConverter(BaseConverter):
    """Matches partnership slugs only, so ``/logout/`` is never read as a partnership."""

    # The lookahead keeps reserved words out of the match itself; refusing them only in
    # to_python would still let Werkzeug redirect GET /logout to /logout/.
    regex = "(?!(?:" + "|".join(sorted(RESERVED_SLUGS)) + ")(?![a-z0-9-]))" + SLUG_PATTERN


def enter_partnership(slug):
    """Resolve the slug for the signed-in user, or answer 404 (never a default partnership)."""
    known = current_app.extensions.setdefault(KNOWN_IDS, {})
    # Read once: other threads of this process may learn or forget the slug meanwhile.
    remembered = known.get(slug)
    if remembered is not None:
        # Chosen before the request's first statement, so that its transaction begins with
        # this partnership's database setting (one set_config, not two) and the partnership,
        # the membership and the module grants come in one statement, checked below.
        set_request_partnership(remembered)
    if not current_user.is_authenticated:
        # Anonymous users learn nothing about which partnerships exist.
        abort(login_manager.unauthorized())
    entry = _entry(slug, current_user.id) if remembered is not None else None
    if entry is None or entry.partnership.id != current_partnership_id():
        # The first request for this slug in this process, or the slug changed hands since.
        partnership_id = db.session.scalar(select(Partnership.id).where(Partnership.slug == slug))
        entry = None
        if partnership_id is not None:
            set_request_partnership(partnership_id)
            entry = _entry(slug, current_user.id)
        if entry is None or entry.partnership.id != partnership_id:
            # No such slug, or it moved again between the two statements.
            known.pop(slug, None)
            clear_request_partnership()
            abort(404)
        known[slug] = partnership_id
    if entry.membership is None and not current_user.is_platform_admin:
        clear_request_partnership()
        abort(404)
    g.partnership = entry.partnership
    g.membership = entry.membership
    # Kept now, from the request's first transaction: the menu needs it on every page.
    remember_access(entry.membership, entry.grants)
    return entry.partnership


def _entry(slug, user_id):
    """The partnership of ``slug``, the user's active membership in it (or None) and the
    grants of the modules switched on there (any role): one statement, read under the
    partnership already chosen, so the walls keep every other partnership's rows out."""
    rows = db.session.execute(
        select(Partnership, Membership, ModuleGrant.module_key, ModuleGrant.role,
               ModuleGrant.access)
        .outerjoin(Membership, and_(Membership.partnership_id == Partnership.id,
                                    Membership.user_id == user_id,
                                    Membership.active.is_(True)))
        .outerjoin(PartnershipModule, and_(PartnershipModule.partnership_id == Partnership.id,
                                           PartnershipModule.enabled.is_(True)))
        .outerjoin(ModuleGrant, and_(ModuleGrant.partnership_id == Partnership.id,
                                     ModuleGrant.module_key == PartnershipModule.module_key))
        .where(Partnership.slug == slug)
    ).all()
    if not rows:
        return None
    grants = [(key, role, access) for _p, _m, key, role, access in rows if key is not None]
    return SimpleNamespace(partnership=rows[0][0], membership=rows[0][1], grants=grants)


def init_request_wall(app):
    app.url_map.converters["partnership"] = PartnershipSlugConverter
    app.url_map.converters["int"] = RowIdConverter

    @app.url_value_preprocessor
    def pull_partnership(endpoint, values):
        clear_request_partnership()
        if values and SLUG_ARG in values:
            enter_partnership(values.pop(SLUG_ARG))

    @app.url_defaults
    def add_partnership(endpoint, values):
        if SLUG_ARG in values or "partnership" not in g:
            return
        if app.url_map.is_endpoint_expecting(endpoint, SLUG_ARG):
            values[SLUG_ARG] = g.partnership.slug

    @app.teardown_request
    def leave_partnership(exc):
        clear_request_partnership()
