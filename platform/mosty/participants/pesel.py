"""PESEL validation with python-stdnum, cross-checked against the date of birth and sex."""

from datetime import date

from stdnum import exceptions
from stdnum.pl import pesel as stdnum_pesel

from ..i18n import lazy_gettext as _l

_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
# The month field carries the century: +80 for the 1800s, +0, +20, +40, +60 for 1900-2200s.
_CENTURY = (1900, 2000, 2100, 2200, 1800)


def decode_pesel(number):
    """(date of birth, sex) of a valid PESEL written as 11 digits, else None.

    The same rules as python-stdnum (check digit, the date with its century, odd tenth digit
    for men) in a few arithmetic steps: an import checks a hundred thousand of them. Anything
    else goes through stdnum, which also says what is wrong."""
    if len(number) != 11 or not (number.isascii() and number.isdigit()):
        return None
    digits = [ord(c) - 48 for c in number]
    if (10 - sum(w * d for w, d in zip(_WEIGHTS, digits, strict=False)) % 10) % 10 != digits[10]:
        return None
    month = digits[2] * 10 + digits[3]
    try:
        born = date(_CENTURY[month // 20] + digits[0] * 10 + digits[1], month % 20,
                    digits[4] * 10 + digits[5])
    except ValueError:
        return None
    return born, ("male" if digits[9] % 2 else "female")


def pesel_problems(number, birth_date=None, sex=None):
    """Readable reasons why ``number`` cannot be this person's PESEL (empty when it can)."""
    number = (number or "").strip()
    if not number:
        return []
    decoded = decode_pesel(number)
    if decoded is not None:
        encoded_birth, encoded_sex = decoded
        problems = []
        if birth_date is not None and encoded_birth != birth_date:
            problems.append(_l("PESEL does not match the date of birth."))
        if sex is not None and encoded_sex != sex:
            problems.append(_l("PESEL does not match the sex."))
        return problems
    try:
        number = stdnum_pesel.validate(number)
    except exceptions.InvalidLength:
        return [_l("PESEL must have 11 digits.")]
    except exceptions.InvalidFormat:
        return [_l("PESEL may contain digits only.")]
    except exceptions.InvalidComponent:
        return [_l("PESEL encodes a date that does not exist.")]
    except exceptions.InvalidChecksum:
        return [_l("PESEL check digit is wrong: please check the number for a typo.")]
    problems = []
    if birth_date is not None and stdnum_pesel.get_birth_date(number) != birth_date:
        problems.append(_l("PESEL does not match the date of birth."))
    if sex is not None:
        encoded = "male" if stdnum_pesel.get_gender(number) == "M" else "female"
        if encoded != sex:
            problems.append(_l("PESEL does not match the sex."))
    return problems
