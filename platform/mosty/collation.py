"""Names sorted the Polish way: "Łukasz" after "Lech" and before "Marek", "Śliwa" after
"Szymon", "Żak" last.

Byte order (SQLite's BINARY, PostgreSQL's C collation, Python's ``sorted``) puts every letter
with a diacritic after "z", so a caseworker looking for "Łukasiewicz" in a list sorted by name
found her at the very end. Lists order names through ``by_name``:

- on PostgreSQL it uses the ICU collation ``pl-x-icu``, present wherever PostgreSQL is built
  with ICU (Debian's and the official packages are); the participant list's index is built
  with it (migration 0019), so the sorted page is still read from the index;
- on SQLite the engine registers a collation of the same name (``register_sqlite``) that
  compares ``sort_key``s, an approximation of the Polish rules good for names: letters in the
  Polish alphabet's order, other accented letters beside their base letter, case and accents
  deciding only between otherwise equal names.

Python-side sorts of names use ``sort_key`` too.

Searches match names without their diacritics (``matches``): a caseworker typing "lecka" on a
phone finds "Łęcka", and "ŁĘCKA" finds "łęcka" whatever the database's locale.
"""

import re
import unicodedata
from functools import lru_cache

NAME_COLLATION = "pl-x-icu"

# The Polish alphabet, with q, v and x where the Latin alphabet has them.
ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}

# Groups of the primary key: spaces and punctuation sort before digits, digits before letters,
# letters of other scripts last (as in the Unicode collation's defaults).
_PUNCTUATION, _DIGIT, _LETTER, _OTHER = range(4)


# Polish letters and their base letters, both cases.
_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
# A base letter matches itself and its Polish forms, in both cases.
_FORMS = {"a": "aąAĄ", "c": "cćCĆ", "e": "eęEĘ", "l": "lłLŁ", "n": "nńNŃ", "o": "oóOÓ",
          "s": "sśSŚ", "z": "zźżZŹŻ"}


def fold(text):
    """``text`` as the search compares it: Polish letters without diacritics, lower case."""
    return text.translate(_FOLD).lower()


def search_pattern(word):
    """A regular expression matching ``word`` with or without Polish diacritics, in any case:
    "lecka" -> [lłLŁ][eęEĘ][cćCĆ][kK][aąAĄ]. Spelled out letter by letter rather than left to
    the database's case folding, which depends on its locale (a C locale lowers ASCII only);
    translate() on every row instead cost PostgreSQL eight times the plain search."""
    parts = []
    for char in fold(word):
        if char in _FORMS:
            parts.append(f"[{_FORMS[char]}]")
        elif char.isalpha() and len(char.upper()) == 1 and char.upper() != char:
            parts.append(f"[{char}{char.upper()}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def matches(column, word):
    """SQL: ``column`` contains ``word``, ignoring case and Polish diacritics."""
    return column.regexp_match(search_pattern(word))


def by_name(column):
    """``column`` in ORDER BY, compared as Polish names."""
    return column.collate(NAME_COLLATION)


def _primary(char):
    """(group, rank, accented) of one case-folded character."""
    if char in _LETTER_RANK:
        return _LETTER, _LETTER_RANK[char], 0
    base = unicodedata.normalize("NFD", char)[0]
    if base in _LETTER_RANK:
        # é, ü, č...: beside their base letter; the accent decides only between equal names.
        return _LETTER, _LETTER_RANK[base], 1
    if char.isdigit():
        return _DIGIT, unicodedata.digit(char, 0), 0
    if char.isalpha():
        return _OTHER, ord(char), 0
    return _PUNCTUATION, ord(char), 0


@lru_cache(maxsize=8192)
def sort_key(text):
    """A key that orders ``text`` as a Polish name. ``None`` sorts first."""
    if text is None:
        return ((),)
    folded = [_primary(char) for char in text.casefold()]
    return (
        tuple((group, rank) for group, rank, _accent in folded),
        tuple(accent for _group, _rank, accent in folded),
        # Lower case before upper case between names equal otherwise (as ICU does).
        tuple(char.isupper() for char in text),
        text,
    )


def _compare(left, right):
    left, right = sort_key(left), sort_key(right)
    return (left > right) - (left < right)


def register_sqlite(dbapi_connection):
    """Make ``COLLATE "pl-x-icu"`` mean the Polish order on this SQLite connection."""
    dbapi_connection.create_collation(NAME_COLLATION, _compare)
