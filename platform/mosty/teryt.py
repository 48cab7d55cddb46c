"""TERYT commune codes: whether seven digits can be a commune's code at all.

Mosty holds no list of every Polish commune (a partnership's territory lists its counties), so
a code is checked for its shape: a voivodeship code (the even numbers 02, dolnośląskie, to 32,
zachodniopomorskie), a county and a commune numbered from 01, and the commune's type as its
last digit. The registry's forms, an offer's place and anything else that takes a commune
code ask here; "9999999" passed the seven-digit check alone.
"""

from .i18n import lazy_gettext as _l

VOIVODESHIPS = frozenset(f"{n:02d}" for n in range(2, 33, 2))
# The 7th digit: 1 urban, 2 rural, 3 urban-rural commune, 4 town and 5 rural area of an
# urban-rural commune, 8 a district of Warsaw, 9 a district (delegatura) of another city.
COMMUNE_TYPES = frozenset("1234589")


def code_problem(code):
    """Why the seven digits ``code`` cannot be a commune's TERYT code, or None."""
    if code[:2] not in VOIVODESHIPS:
        return _l("There is no commune with the code %(code)s: %(voivodeship)s is not a "
                  "voivodeship code (02, 04, … 32).", code=code, voivodeship=code[:2])
    if code[2:4] == "00" or code[4:6] == "00":
        return _l("There is no commune with the code %(code)s: the county and the commune "
                  "are numbered from 01.", code=code)
    if code[6] not in COMMUNE_TYPES:
        return _l("There is no commune with the code %(code)s: its last digit, the type of "
                  "commune, is 1 to 5, 8 or 9.", code=code)
    return None
