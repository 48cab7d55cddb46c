"""PESEL validation with python-stdnum, cross-checked against the date of birth and sex."""

from stdnum import exceptions
from stdnum.pl import pesel as stdnum_pesel

from ..i18n import lazy_gettext as _l


def pesel_problems(number, birth_date=None, sex=None):
    """Readable reasons why ``number`` cannot be this person's PESEL (empty when it can)."""
    number = (number or "").strip()
    if not number:
        return []
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
