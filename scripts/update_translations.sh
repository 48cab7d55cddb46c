#!/usr/bin/env bash
# Re-extract translatable strings and merge them into the Polish and English catalogs.
# Existing translations are kept; new strings arrive with an empty msgstr. Afterwards, translate
# the empty entries in the Polish catalog and run the tests (tests/test_translations.py).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${VIRTUAL_ENV:-}" && -f .venv/bin/activate ]]; then
    # shellcheck disable=SC1091
    . .venv/bin/activate
fi

translations=platform/mosty/translations
pot="$(mktemp --suffix=.pot)"
trap 'rm -f "$pot"' EXIT

# Only the source trees that exist in this checkout (plugins/ or worker/ may be absent).
sources=()
for dir in platform plugins worker; do
    [[ -d "$dir" ]] && sources+=("$dir")
done

pybabel -q extract -F babel.cfg \
    --project=Mosty --copyright-holder="Mosty contributors" --msgid-bugs-address="" \
    -o "$pot" "${sources[@]}"

for locale in pl en; do
    po="$translations/$locale/LC_MESSAGES/messages.po"
    if [[ -f "$po" ]]; then
        # --no-fuzzy-matching: a guessed translation of a similar string is worse than none,
        # and fuzzy entries would not be shown anyway.
        pybabel -q update --no-fuzzy-matching --ignore-obsolete \
            -i "$pot" -d "$translations" -l "$locale"
    else
        pybabel -q init -i "$pot" -d "$translations" -l "$locale"
    fi
done

untranslated="$(python - "$translations/pl/LC_MESSAGES/messages.po" <<'PY'
import sys

from babel.messages.pofile import read_po

with open(sys.argv[1], "rb") as fh:
    catalog = read_po(fh, locale="pl")
missing = [
    m.id for m in catalog
    if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
]
for msgid in missing:
    print(f"  {msgid[0] if isinstance(msgid, tuple) else msgid}", file=sys.stderr)
print(len(missing))
PY
)"
echo "Untranslated Polish strings: $untranslated"
