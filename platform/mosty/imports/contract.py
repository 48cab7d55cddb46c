"""The import-format contract: what a format declares and what its handler receives and
returns. Core formats and modules (through ``ExchangeFormat(direction="import",
handler=...)``) use the same contract; see ``docs/imports.md``.

A handler is an object with:

- ``fields``: the columns it understands, as ``ImportField`` (or dicts with the same keys);
- ``__call__(rows, context) -> list[RowOutcome]`` (or dicts with the same keys): given the
  mapped rows, check each one and, unless ``context.dry_run``, apply it. It must not commit.
  The import framework commits only when no row has errors, in the job's one transaction;
  otherwise everything is rolled back.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class ImportField:
    """One column a format understands: ``key`` (the handler's name for it), ``label``
    (shown in the mapping form), whether it is ``required`` and the ``headers`` recognised
    automatically (compared without case, spaces, punctuation or Polish diacritics)."""

    key: str
    label: Any
    required: bool = False
    headers: tuple = ()


@dataclass
class ImportRow:
    """A data row after mapping: ``values`` by field key (text, stripped; "" when empty),
    ``columns`` the file's header for each field key (for error messages), ``line`` the line
    (CSV) or row (XLSX) number in the file."""

    line: int
    values: dict
    columns: dict


@dataclass
class RowError:
    field: str  # a field key, or "" for the row as a whole
    message: Any


@dataclass
class RowOutcome:
    """What happened (dry run: would happen) to one row.

    ``effect``: ``"create"`` (a new record), ``"update"`` (an existing record changed),
    ``"merge"`` (matched an existing record or an earlier line; nothing new), ``"skip"``
    (nothing to do, e.g. no matching person) or ``"error"``. ``note`` is a readable sentence
    for the dry-run list (no personal values); ``object_id`` the record it touched, if any;
    ``visible`` whether the member may open that record.
    """

    line: int
    effect: str = "create"
    errors: list = field(default_factory=list)
    note: Any = ""
    object_id: int | None = None
    visible: bool = False


@dataclass
class ImportContext:
    """What a handler knows about the import it serves."""

    partnership_id: int
    institution_id: int
    actor_id: int
    batch_id: int
    dry_run: bool
    report_progress: Any


def as_field(value):
    if isinstance(value, ImportField):
        return value
    return ImportField(key=value["key"], label=value.get("label", value["key"]),
                       required=bool(value.get("required")),
                       headers=tuple(value.get("headers", ())))


def as_outcome(value):
    if isinstance(value, RowOutcome):
        outcome = value
    else:
        outcome = RowOutcome(line=value["line"], effect=value.get("effect", "create"),
                             errors=list(value.get("errors", [])), note=value.get("note", ""),
                             object_id=value.get("object_id"),
                             visible=bool(value.get("visible")))
    outcome.errors = [e if isinstance(e, RowError) else RowError(e.get("field", ""),
                                                                  e["message"])
                      for e in outcome.errors]
    if outcome.errors:
        outcome.effect = "error"
    return outcome


# Cells longer than this are compared without remembering them: the cache holds the few
# words a file repeats (sex, relation, status), not 4,096 cells of 100,000 characters each,
# kept by the worker long after the import.
CACHED_KEY_LENGTH = 100


def header_key(text):
    """A header as compared: lower case, no diacritics (ł too), letters and digits only."""
    text = text or ""
    return _cached_key(text) if len(text) <= CACHED_KEY_LENGTH else _key(text)


def _key(text):
    return "".join(plain_words(text))


_cached_key = lru_cache(maxsize=4096)(_key)  # an import asks for the same few words per row


def plain_words(text):
    """The words of a cell as compared: lower case, without diacritics (ł too), letters and
    digits only ("Podjął pracę." → ["podjal", "prace"])."""
    text = (text or "").replace("ł", "l").replace("Ł", "L")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", text.casefold())
