"""The Polish catalog covers every source string and compiles to a catalog Babel can load."""

import logging
import re
import shutil
from collections import Counter

from babel.messages.pofile import read_po
from babel.support import Translations

from mosty import catalogs

PL_PO = catalogs.TRANSLATIONS_DIR / "pl" / "LC_MESSAGES" / "messages.po"
# Python %-format placeholders, named or positional, with optional flags, width and precision.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _placeholders(text):
    return Counter(m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(0) != "%%")


def _copy_translations(tmp_path):
    target = tmp_path / "translations"
    # Copy only the sources, so the test also covers the "no .mo yet" case of a fresh checkout.
    shutil.copytree(catalogs.TRANSLATIONS_DIR, target, ignore=shutil.ignore_patterns("*.mo"))
    return target


def test_every_source_string_has_a_polish_translation():
    missing = catalogs.missing_translations()
    assert not missing, (
        f"{len(missing)} msgid(s) lack a Polish translation; run scripts/update_translations.sh "
        "and translate them in platform/mosty/translations/pl/LC_MESSAGES/messages.po:\n"
        + "\n".join(f"  {msgid!r}" for msgid in missing)
    )


def test_extraction_finds_strings_from_python_and_templates():
    # Guards against a broken babel.cfg silently extracting nothing (which would make the
    # test above pass vacuously).
    ids = {m.id for m in catalogs.extract_messages() if m.id}
    assert "Sign out" in ids  # templates/base.html
    assert "Welfare centre (GOPS/MOPS)" in ids  # lazy_gettext as _l in partnerships/labels.py


def test_compiled_catalog_loads_in_babel(tmp_path):
    translations_dir = _copy_translations(tmp_path)

    written = catalogs.compile_catalogs(translations_dir)

    assert {p.parents[1].name for p in written} == {"pl", "en"}
    pl = Translations.load(str(translations_dir), ["pl"])
    assert pl.gettext("Sign in") == "Zaloguj się"
    assert pl.gettext("Welfare centre (GOPS/MOPS)") == "Ośrodek pomocy społecznej (GOPS/MOPS)"
    assert pl.gettext("Dashboard") == "Pulpit"
    # English is the source language: an empty msgstr falls back to the msgid.
    en = Translations.load(str(translations_dir), ["en"])
    assert en.gettext("Sign in") == "Sign in"


def test_compile_skips_up_to_date_catalogs_unless_forced(tmp_path):
    translations_dir = _copy_translations(tmp_path)
    catalogs.compile_catalogs(translations_dir)

    assert catalogs.compile_catalogs(translations_dir) == []
    assert len(catalogs.compile_catalogs(translations_dir, force=True)) == 2


def test_compile_on_a_read_only_directory_warns_instead_of_failing(tmp_path, monkeypatch, caplog):
    translations_dir = _copy_translations(tmp_path)

    # chmod does not stop root (CI containers), so fail the write the way a read-only mount does.
    def refuse(*args, **kwargs):
        raise PermissionError(30, "Read-only file system")

    monkeypatch.setattr(catalogs.os, "replace", refuse)
    with caplog.at_level(logging.WARNING, logger="mosty.catalogs"):
        assert catalogs.compile_catalogs(translations_dir, force=True) == []

    assert "Cannot write" in caplog.text
    assert not list(translations_dir.rglob("*.mo")) and not list(translations_dir.rglob("*.tmp"))


def test_polish_placeholders_match_the_msgids():
    with PL_PO.open("rb") as fh:
        catalog = read_po(fh, locale="pl")
    mismatched = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            # Every plural form must carry the placeholders of the plural msgid.
            expected = _placeholders(message.id[1])
            strings = message.string
        else:
            expected = _placeholders(message.id)
            strings = (message.string,)
        for string in strings:
            if string and _placeholders(string) != expected:
                mismatched.append(f"{message.id!r} -> {string!r}")
    assert not mismatched, "placeholders differ:\n" + "\n".join(mismatched)


def test_polish_catalog_header_and_no_fuzzy_entries():
    with PL_PO.open("rb") as fh:
        catalog = read_po(fh, locale="pl")
    assert str(catalog.locale) == "pl"
    assert catalog.num_plurals == 3
    assert not [m.id for m in catalog if m.id and m.fuzzy]
