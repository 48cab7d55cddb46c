"""The base of the app's forms, and the checks every text and every whole number needs.

Bad input gets the form back with a message at the field, never a server error. PostgreSQL
refuses text holding a NUL character and whole numbers beyond its integer columns with a server
error, where SQLite stores both without a word; so these checks belong to every field of the
kind, not only to the forms that remembered them. ``Form`` adds them to each field it binds,
with readable messages for input a field cannot read: derive every form from it (plugins:
``mosty.toolkit.Form``).
"""

import re
from datetime import date, timedelta

from flask_babel import format_date
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeField,
    DecimalField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import StopValidation, ValidationError

from . import dates
from .i18n import lazy_gettext as _l
from .ids import MAX_ID

# Control characters (NUL above all; tab and line breaks are fine) and lone surrogates, which
# only a JSON string can carry and no database can store as UTF-8.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

# The first day a record of the programme's work may bear (a consent, a referral, a request):
# nothing of it happened earlier, and a year such as 0001 is a slip of the keyboard that the
# pages would then show (a referral "due in 2912102 days").
EARLIEST_RECORD_DATE = date(2000, 1, 1)


def has_control_characters(text):
    return isinstance(text, str) and CONTROL_CHARACTERS.search(text) is not None


def no_control_characters(form, field):
    if has_control_characters(field.data):
        raise ValidationError(_l("This text contains characters that are not allowed."))


def number_in_range(form, field):
    """A whole number an INTEGER column holds (said once: a field's own narrower range may
    have refused it already)."""
    if field.errors:
        return
    if isinstance(field.data, int) and not -MAX_ID <= field.data <= MAX_ID:
        raise ValidationError(_l("This number is out of range."))


def unreadable_input_stops(form, field):
    """Typed input the field could not read (not a number, not a date, not among the choices)
    has its message already; the field's other checks would add a second one ("required",
    a range, "choose one") about the same input. Blank input goes on to ``Optional`` or
    ``InputRequired``, which judge it."""
    if field.process_errors and any(isinstance(value, str) and value.strip()
                                    for value in field.raw_data or ()):
        raise StopValidation()


# A phone number as people write it: digits, with spaces, hyphens, dots, slashes or brackets
# between them and a "+" first; 9 digits in Poland, up to 15 abroad (ITU E.164).
_PHONE = re.compile(r"\+?[0-9 ()./-]+")
PHONE_DIGITS = (9, 15)


def phone_problem(value):
    """A message when ``value`` is not a phone number (None when it is, or empty). The forms
    and the imports ask the same, so a record imported is never refused later, on a field
    nobody touched, by the form that edits it."""
    if not value:
        return None
    digits = sum(character.isdigit() for character in value)
    if not _PHONE.fullmatch(value) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        return _l("Write the phone number in digits, e.g. 601 234 567 or +48 12 345 67 89.")
    return None


def a_phone_number(form, field):
    if field.data and not field.errors:
        problem = phone_problem(field.data)
        if problem is not None:
            raise ValidationError(problem)


def whole_number(value):
    """``coerce`` for a select of ids or numbers: an int, or ASCII digits only. ``int()`` would
    also read other scripts' digits ("١"), spaces, "+1" and "1_0" as a choice offered."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise ValueError("not a whole number")


def date_within(earliest=EARLIEST_RECORD_DATE, days_ahead=0, too_early=None, too_late=None):
    """A check that a date falls from ``earliest`` (a date, or a function giving one, such as
    ``dates.today``) to ``days_ahead`` days after today (0: today at the latest). The messages
    name the bound unless the form gives its own words (``too_early``, ``too_late``)."""

    def check(form, field):
        if field.errors or field.data is None:
            return
        first = earliest() if callable(earliest) else earliest
        if field.data < first:
            raise ValidationError(too_early or _l("Give a date from %(date)s on.",
                                                  date=format_date(first)))
        latest = dates.today() + timedelta(days=days_ahead)
        if field.data > latest:
            raise ValidationError(too_late or (
                _l("Give a date no later than %(date)s.", date=format_date(latest)) if days_ahead
                else _l("The date cannot be in the future.")))

    return check


# (field class, check): each field of the class (or a subclass) gets the check.
SHARED_CHECKS = ((StringField, no_control_characters), (IntegerField, number_in_range))

NOT_AMONG_THE_OPTIONS = _l("A chosen option is not a valid choice: choose only among the "
                           "options offered.")
# WTForms' own messages for a value a field cannot read are jargon ("could not coerce"), repeat
# the typed value, or lack a Polish translation; these stand in wherever a field brings none of
# its own. (Field class, message for a value it cannot read, message for a value not among its
# choices), a subclass before its base. The English of some stays WTForms' wording.
UNREADABLE_VALUE_MESSAGES = (
    (SelectMultipleField, NOT_AMONG_THE_OPTIONS, NOT_AMONG_THE_OPTIONS),
    (SelectField, _l("Invalid Choice: could not coerce."), _l("Not a valid choice.")),
    (IntegerField, _l("Not a valid integer value."), None),
    (DecimalField, _l("Enter a number."), None),
    (FloatField, _l("Enter a number."), None),
    (DateField, _l("Enter a valid date as YYYY-MM-DD."), None),
    (TimeField, _l("Enter a valid time."), None),
    (DateTimeField, _l("Enter a valid date and time."), None),
)


def _give_readable_messages(field):
    for kind, unreadable, not_offered in UNREADABLE_VALUE_MESSAGES:
        if isinstance(field, kind):
            if field.invalid_value_message is None:
                field.invalid_value_message = unreadable
            if not_offered is not None and field.invalid_choice_message is None:
                field.invalid_choice_message = not_offered
            return


class Form(FlaskForm):
    """Flask-WTF's form with the shared checks on every field (text areas, e-mail and hidden
    fields are string fields too), and one readable message for input a field cannot read."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            _give_readable_messages(field)
            extra = [check for kind, check in SHARED_CHECKS
                     if isinstance(field, kind) and check not in field.validators]
            first = [] if unreadable_input_stops in field.validators else [unreadable_input_stops]
            field.validators = [*first, *field.validators, *extra]
            return field


def with_field_ids(forms):
    """Gives each form's fields ids of their own (``complete_form.ended_on`` becomes
    ``complete-ended_on``), for pages that show several forms with the same field names: a
    repeated id leaves the second field without its label. The names stay as they are, so
    what the forms post does not change (unlike a WTForms ``prefix``). ``forms`` maps the
    template's names (``complete_form``) to the forms; returns it."""
    for key, form in forms.items():
        prefix = key.removesuffix("_form")
        for form_field in form:
            if not form_field.id.startswith(f"{prefix}-"):
                form_field.id = f"{prefix}-{form_field.id}"
                form_field.label.field_id = form_field.id
    return forms
