"""The base of the app's forms, and the checks every text and every whole number needs.

Bad input gets the form back with a message at the field, never a server error. PostgreSQL
refuses text holding a NUL character and whole numbers beyond its integer columns with a server
error, where SQLite stores both without a word; so these checks belong to every field of the
kind, not only to the forms that remembered them. ``Form`` adds them to each field it binds:
derive every form from it (plugins: ``mosty.toolkit.Form``).
"""

import re

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import ValidationError

from .i18n import lazy_gettext as _l
from .ids import MAX_ID

# Control characters (NUL above all; tab and line breaks are fine) and lone surrogates, which
# only a JSON string can carry and no database can store as UTF-8.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


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


# (field class, check): each field of the class (or a subclass) gets the check.
SHARED_CHECKS = ((StringField, no_control_characters), (IntegerField, number_in_range))


class Form(FlaskForm):
    """Flask-WTF's form with the shared checks on every field (text areas, e-mail and hidden
    fields are string fields too)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            extra = [check for kind, check in SHARED_CHECKS
                     if isinstance(field, kind) and check not in field.validators]
            if extra:
                field.validators = [*field.validators, *extra]
            return field
