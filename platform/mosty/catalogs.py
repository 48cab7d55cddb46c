"""Compile the gettext catalogs to .mo and find source strings that lack a Polish translation."""

import contextlib
import logging
import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
TRANSLATIONS_DIR = PACKAGE_DIR / "translations"
# platform/mosty -> platform -> repository root; babel.cfg and the source trees live there.
REPO_ROOT = PACKAGE_DIR.parents[1]
SOURCE_DIRS = ("platform", "plugins", "worker")


def compile_catalogs(translations_dir=None, force=False):
    """Write messages.mo next to every messages.po that is newer than its .mo (or always if force).

    Returns the list of .mo paths written.
    """
    root = Path(translations_dir) if translations_dir else TRANSLATIONS_DIR
    written = []
    for po_path in sorted(root.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        if not write_mo_atomically(po_path, mo_path, po_path.parents[1].name):
            # Installed packages and container images are often read-only; they ship compiled
            # catalogs, so the app must still start and simply keep whatever .mo is there.
            return written
        written.append(mo_path)
    return written


def write_mo_atomically(po_path, mo_path, locale):
    """Compile ``po_path`` into ``mo_path``; False (logged) when it cannot be written.

    Written to a temporary file and renamed, so a process starting at the same moment never
    loads a half-written catalog; a failed write leaves the catalog already there in use.
    """
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    tmp_path = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
    try:
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with tmp_path.open("wb") as fh:
            write_mo(fh, catalog)
        os.replace(tmp_path, mo_path)
    except OSError as exc:
        log.warning("Cannot write %s (%s); keeping the catalog already there.", mo_path, exc)
        with contextlib.suppress(OSError):
            tmp_path.unlink(missing_ok=True)
        return False
    return True


def extract_messages(repo_root=None):
    """A fresh catalog of every translatable string, extracted the way pybabel does with babel.cfg."""
    root = Path(repo_root) if repo_root else REPO_ROOT
    with (root / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, filename=str(root / "babel.cfg"))
    template = Catalog()
    for name in SOURCE_DIRS:
        source_dir = root / name
        if not source_dir.is_dir():  # plugins/ and worker/ may not exist in every checkout
            continue
        for filename, lineno, message, comments, context in extract_from_dir(
            str(source_dir), method_map, options_map
        ):
            template.add(
                message,
                locations=[(f"{name}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def missing_translations(translations_dir=None, locale="pl"):
    """Msgids found in the source that the locale's catalog lacks, leaves empty or marks fuzzy."""
    root = Path(translations_dir) if translations_dir else TRANSLATIONS_DIR
    po_path = root / locale / "LC_MESSAGES" / "messages.po"
    translated = {}
    if po_path.exists():
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        translated = {(m.id, m.context): m for m in catalog if m.id}
    missing = []
    for message in extract_messages():
        if not message.id:
            continue
        entry = translated.get((message.id, message.context))
        strings = entry.string if entry is not None else None
        # Plural entries hold a tuple of strings; every plural form needs a translation.
        complete = all(strings) if isinstance(strings, (list, tuple)) else bool(strings)
        if entry is None or entry.fuzzy or not complete:
            missing.append(message.id[0] if isinstance(message.id, tuple) else message.id)
    return missing
