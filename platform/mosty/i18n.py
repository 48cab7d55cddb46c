"""Languages: Polish first, English second. Every user-facing string goes through gettext."""

from flask import current_app, g, has_request_context, session
from flask_babel import get_locale, gettext, lazy_gettext, ngettext

from .extensions import babel

__all__ = ["gettext", "init_app", "lazy_gettext", "ngettext", "select_locale"]

LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}


def select_locale():
    """The user's choice, then their saved preference, then the partnership's, then Polish."""
    locales = current_app.config["MOSTY_LOCALES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in locales:
        return chosen
    from flask_login import current_user

    if current_user and current_user.is_authenticated and current_user.locale in locales:
        return current_user.locale
    partnership = g.get("partnership")
    if partnership is not None and partnership.default_locale in locales:
        return partnership.default_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app):
    from .catalogs import compile_catalogs

    # A fresh checkout carries only the .po sources; build the .mo files on first start.
    compile_catalogs()
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(LANGUAGE_NAMES=LANGUAGE_NAMES, get_locale=get_locale)
