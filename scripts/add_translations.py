"""Merge Polish translations from a JSON file into the catalog, after re-extracting the sources.

    python scripts/add_translations.py my-strings.json

The JSON maps a msgid to its Polish text (a list of forms for a plural msgid; a key of the form
"context|msgid" for a pgettext string). Runs scripts/update_translations.sh first under a lock,
so several people (or helpers) can add strings side by side without clobbering the catalog.
"""

import fcntl
import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "platform/mosty/translations/pl/LC_MESSAGES/messages.po"


def merge(translations):
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="pl")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        key = f"{message.context}|{msgid}" if message.context else msgid
        text = translations.get(key)
        if text is None:
            continue
        message.string = tuple(text) if isinstance(message.id, tuple) else text
        message.flags.discard("fuzzy")
        filled += 1
    with PO.open("wb") as fh:
        write_po(fh, catalog)
    return filled


def main(path):
    translations = json.loads(Path(path).read_text(encoding="utf-8"))
    with open("/tmp/mosty-translations.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["bash", str(ROOT / "scripts/update_translations.sh")], check=True)
        filled = merge(translations)
    print(f"Filled {filled} of {len(translations)} translations")


if __name__ == "__main__":
    main(sys.argv[1])
