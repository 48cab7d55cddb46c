"""Languages: Polish first, English second. Every user-facing string goes through gettext."""

from flask import current_app, g, has_request_context, session
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString

from .extensions import babel

__all__ = ["gettext", "init_app", "lazy_gettext", "ngettext", "select_locale"]

LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}


def _translations():
    """The catalogue of the locale in force, as Flask-Babel's ``get_translations`` gives it,
    remembered for the request next to the locale it belongs to.

    Why: a page translates a few hundred strings, and Flask-Babel looks the context, the
    domain, the locale and its cache up again for each one (about 2 ms of a 30-ms page).
    Remembered with the locale object itself, so ``force_locale`` (a new object) and
    ``refresh`` (which drops the locale) are still obeyed."""
    try:
        ctx = g._flask_babel
        locale = ctx.babel_locale
    except (AttributeError, RuntimeError):  # no locale chosen yet, or outside a request
        return get_translations()
    remembered = getattr(ctx, "mosty_translations", None)
    if remembered is not None and remembered[0] is locale:
        return remembered[1]
    translations = get_translations()
    ctx.mosty_translations = (locale, translations)
    return translations


def gettext(string, **variables):
    translated = _translations().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular, plural, num, **variables):
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string, **variables):
    return LazyString(gettext, string, **variables)


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
    # The templates' _() and ngettext() read the same remembered catalogue (Jinja fills in
    # the variables itself, escaped).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(LANGUAGE_NAMES=LANGUAGE_NAMES, get_locale=get_locale)

