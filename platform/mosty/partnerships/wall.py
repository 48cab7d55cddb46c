"""The request wall: every URL under ``/<partnership>/`` works for that partnership only.

Registered on the app rather than on one blueprint, so module blueprints mounted under
``/<partnership>/<module>/`` are behind the same wall without doing anything themselves.
"""

import re

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BaseConverter

from ..auth.models import Membership
from ..extensions import db, login_manager
from ..ids import RowIdConverter
from ..plugins.access import access_table as module_access_table
from ..tenancy.context import clear_request_partnership, set_request_partnership
from .models import Partnership

SLUG_ARG = "partnership"

# First path segments that belong to the platform itself; no partnership may take them.
RESERVED_SLUGS = frozenset({
    "admin", "api", "static", "login", "logout", "language", "account", "health", "assets",
})
SLUG_PATTERN = r"[a-z0-9][a-z0-9-]{0,39}"


def is_valid_slug(slug):
    return bool(re.fullmatch(SLUG_PATTERN, slug or "")) and slug not in RESERVED_SLUGS


class PartnershipSlugConverter(BaseConverter):
    """Matches partnership slugs only, so ``/logout/`` is never read as a partnership."""

    # The lookahead keeps reserved words out of the match itself; refusing them only in
    # to_python would still let Werkzeug redirect GET /logout to /logout/.
    regex = "(?!(?:" + "|".join(sorted(RESERVED_SLUGS)) + ")(?![a-z0-9-]))" + SLUG_PATTERN


def enter_partnership(slug):
    """Resolve the slug for the signed-in user, or answer 404 (never a default partnership)."""
    if not current_user.is_authenticated:
        # Anonymous users learn nothing about which partnerships exist.
        abort(login_manager.unauthorized())
    partnership = db.session.scalar(select(Partnership).where(Partnership.slug == slug))
    if partnership is None:
        abort(404)
    set_request_partnership(partnership.id)
    membership = db.session.scalar(
        select(Membership).where(
            Membership.user_id == current_user.id, Membership.active.is_(True)
        )
    )
    if membership is None and not current_user.is_platform_admin:
        clear_request_partnership()
        abort(404)
    g.partnership = partnership
    g.membership = membership
    # Read now, in the request's first transaction: the menu needs it on every page, and read
    # after the page has committed its audit entry it would open a second transaction.
    module_access_table()
    return partnership


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
