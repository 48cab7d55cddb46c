"""Flask-Admin's own messages (buttons, filters, "Failed to create record.") in the user's language.

Flask-Admin 2.2 ships each language's ``admin.po`` up to date but an ``admin.mo`` compiled from
an older one: the Polish .mo lacks "Failed to create record." among others, so those stay in
English. Flask-Admin reads the catalogs in ``Admin(translations_path=...)`` besides its own, so
the app compiles the shipped .po files there (again only when Flask-Admin's .po is newer).
"""

import logging
from pathlib import Path

import flask_admin.translations
from flask_babel import Domain
from wtforms.i18n import messages_path

from ..catalogs import write_mo_atomically

log = logging.getLogger(__name__)

ADMIN_TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
FLASK_ADMIN_TRANSLATIONS_DIR = Path(flask_admin.translations.__path__[0])
DOMAIN = "admin"

# For the form fields: WTForms' messages first, then Flask-Admin's (its pickers raise "Not a
# valid choice", which WTForms' catalog does not hold).
_wtforms_domain = Domain(messages_path(), domain="wtforms")
# The later directory wins where both hold a message.
_admin_domain = Domain([str(FLASK_ADMIN_TRANSLATIONS_DIR), str(ADMIN_TRANSLATIONS_DIR)],
                       domain=DOMAIN)


def compile_flask_admin_catalogs(locales, target=ADMIN_TRANSLATIONS_DIR, force=False):
    """Compile Flask-Admin's ``admin.po`` of each locale into ``target``; the paths written.

    A read-only ``target`` is logged and skipped: Flask-Admin's own (older) catalog still works.
    """
    written = []
    for locale in locales:
        po_path = FLASK_ADMIN_TRANSLATIONS_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po_path.exists():
            continue
        mo_path = Path(target) / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        if not write_mo_atomically(po_path, mo_path, locale):
            continue  # Flask-Admin keeps its own (older) catalog
        written.append(mo_path)
    return written


class AdminFormTranslations:
    """The messages of the admin forms' own fields and validators, in the user's language."""

    def gettext(self, string):
        text = _wtforms_domain.get_translations().ugettext(string)
        return text if text != string else _admin_domain.get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        text = _wtforms_domain.get_translations().ungettext(singular, plural, n)
        if text in (singular, plural):
            text = _admin_domain.get_translations().ungettext(singular, plural, n)
        return text
