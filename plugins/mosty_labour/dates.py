"""The dates the labour module's records may bear. A year such as 0001 or 2099 is a slip of the
keyboard: it is refused with a message naming the bound, never stored (the pages would then
count days or months from it, and an enrolment could never be completed).

Each bound is one function used by both the form (a message at the field) and the transition
(the rule, for every caller: the forms, the import, the inbox).
"""

from datetime import date

from flask_babel import format_date
from wtforms.validators import ValidationError

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

# Labour offices have registered the unemployed since 1990 (ustawa o zatrudnieniu, 1989): no
# registration period, and no benefit, of the office's history is older.
REGISTRATIONS_BEGIN = date(1990, 1, 1)
# The first day a job offer or an activation instrument of the programme may bear.
PROGRAMME_BEGINS = date(2000, 1, 1)
# The benefit is granted for 180 or 365 days; two years ahead leaves room for any extension.
BENEFIT_MONTHS_AHEAD = 24
# An instrument is planned at most three years ahead (its start and its end).
INSTRUMENT_MONTHS_AHEAD = 36
# A hired person starts work at most a year after the employer's answer is recorded.
JOB_START_MONTHS_AHEAD = 12


def months_ahead(months, today=None):
    return toolkit.add_months(today or toolkit.today(), months)


def outside(day, earliest, latest):
    """Why ``day`` is outside ``earliest``..``latest`` (both included), or None."""
    if day < earliest:
        return _l("The date cannot be before %(date)s.", date=format_date(earliest))
    if day > latest:
        if latest == toolkit.today():
            return _l("The date cannot be in the future.")
        return _l("The date cannot be after %(date)s.", date=format_date(latest))
    return None


def within(earliest, latest=toolkit.today):
    """A form check of ``outside``; ``latest`` is a date or a function giving one (the day the
    form is checked, not the day the module was imported)."""

    def check(form, field):
        if field.errors or field.data is None:
            return
        message = outside(field.data, earliest, latest() if callable(latest) else latest)
        if message is not None:
            raise ValidationError(message)

    return check

