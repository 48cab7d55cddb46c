"""Flask-Admin at ``/admin/``: platform admins across partnerships, partnership admins in theirs.

``init_admin(app)`` builds a fresh ``Admin`` and fresh views for every app (tests build many).
"""

import logging
import secrets

from flask import Blueprint, abort, g, request
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from ..auth.models import Membership, User
from ..i18n import lazy_gettext as _l
from ..partnerships.models import Agreement, Institution, Partnership
from ..plugins.manager import get_plugin_manager, get_registry
from ..plugins.models import ModuleGrant, PartnershipModule
from ..security import CONTENT_SECURITY_POLICY
from .catalog import ADMIN_TRANSLATIONS_DIR, compile_flask_admin_catalogs
from .scoping import current_admin, enter_admin_request
from .views import (
    AgreementView,
    HomeView,
    InstitutionView,
    MembershipView,
    ModuleGrantView,
    ModulesView,
    PartnershipModuleView,
    PartnershipView,
    UserView,
)

__all__ = ["init_admin"]

log = logging.getLogger(__name__)

_NONCE_KEY = "mosty_admin_csp_nonce"
_SCRIPT_SRC = "script-src 'self'"


def csp_nonce():
    """One nonce per request, on every script tag of the admin and in its CSP header."""
    nonce = g.get(_NONCE_KEY)
    if nonce is None:
        nonce = secrets.token_urlsafe(18)
        setattr(g, _NONCE_KEY, nonce)
    return nonce


def init_admin(app):
    # Registered before Flask-Admin's blueprints, so our copies of its templates (without
    # inline event handlers) win over the originals.
    app.register_blueprint(Blueprint("mosty_admin", __name__, template_folder="templates"))
    compile_flask_admin_catalogs(app.config["MOSTY_LOCALES"])

    admin = Admin(
        name=_l("Mosty administration"),
        index_view=HomeView(name=_l("Home"), template="admin/mosty/index.html"),
        theme=Bootstrap4Theme(base_template="admin/mosty/base.html", swatch="default"),
        csp_nonce_generator=csp_nonce,
        translations_path=str(ADMIN_TRANSLATIONS_DIR),
    )
    records = _l("Module records")
    views = [
        PartnershipView(Partnership, name=_l("Partnerships"), endpoint="admin_partnerships",
                        url="partnerships"),
        InstitutionView(Institution, name=_l("Institutions"), endpoint="admin_institutions",
                        url="institutions"),
        AgreementView(Agreement, name=_l("Agreements"), endpoint="admin_agreements",
                      url="agreements"),
        UserView(User, name=_l("Users"), endpoint="admin_users", url="users"),
        MembershipView(Membership, name=_l("Memberships"), endpoint="admin_memberships",
                       url="memberships"),
        ModulesView(name=_l("Modules"), endpoint="admin_modules", url="modules"),
        PartnershipModuleView(PartnershipModule, name=_l("Module switches"), category=records,
                              endpoint="admin_module_switches", url="module-switches"),
        ModuleGrantView(ModuleGrant, name=_l("Module grants"), category=records,
                        endpoint="admin_module_grants", url="module-grants"),
    ]
    module_views = _module_admin_views(app)
    admin.add_views(*views, *module_views)
    admin.init_app(app)

    blueprints = {view.blueprint.name for view in (admin.index_view, *views, *module_views)}
    module_blueprints = {view.blueprint.name for view in module_views}

    @app.before_request
    def enter_admin():
        if request.blueprint in blueprints:
            return enter_admin_request(module_view=request.blueprint in module_blueprints)
        return None

    @app.after_request
    def add_admin_script_nonce(response):
        # Runs before security.add_security_headers, which keeps a header already set.
        nonce = g.get(_NONCE_KEY)
        if nonce and _SCRIPT_SRC in CONTENT_SECURITY_POLICY:
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
                _SCRIPT_SRC, f"{_SCRIPT_SRC} 'nonce-{nonce}'", 1)
        return response

    app.extensions["mosty.admin"] = admin
    return admin


def _module_admin_views(app):
    """Admin views of the installed modules, each shown only where its module is on."""
    registry = get_registry(app)
    views = []
    hook = get_plugin_manager(app).hook.mosty_admin_views
    for impl in hook.get_hookimpls():
        try:
            result = impl.function()
        except Exception:  # noqa: BLE001 - one plugin must not stop the admin
            log.exception("Plugin %s failed in mosty_admin_views", impl.plugin_name)
            continue
        for view in result if isinstance(result, list | tuple) else [result]:
            if view is None:
                continue
            if getattr(view, "module", None) not in registry.module_keys_of(impl.plugin_name):
                log.error("Admin view %r of plugin %s names no module of its plugin; left out",
                          view, impl.plugin_name)
                continue
            _guard_module_view(view)
            views.append(view)
    return views


def _guard_module_view(view):
    own_check = view.is_accessible

    def is_accessible():
        context = current_admin()
        return (context is not None and view.module in context.enabled_modules
                and own_check())

    def inaccessible_callback(name, **kwargs):
        # Off for this partnership: the view does not exist here.
        abort(404)

    view.is_accessible = is_accessible
    view.inaccessible_callback = inaccessible_callback
