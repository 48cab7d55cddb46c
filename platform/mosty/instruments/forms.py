"""Forms of the instrument pages: a definition (textarea or file), starting an administration,
and reading the answers of an instrument form (built from the version's spec, so the fields
are not declared here)."""

import math
import re

from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice

from ..consents.forms import CheckboxesField, ChoiceField
from ..forms import Form, whole_number
from ..i18n import gettext
from ..i18n import lazy_gettext as _l
from .definitions import MAX_SOURCE

MAX_TEXT_ANSWER = 2000
MAX_NUMBER_LENGTH = 30
FIELD_PREFIX = "q-"
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")
_SCALE_POINT = re.compile(r"^-?[0-9]{1,6}$")


def optional_id(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class DefinitionForm(Form):
    source = TextAreaField(
        _l("Definition (YAML)"), render_kw={"rows": 24, "spellcheck": "false"},
        description=_l("Edit the text, or choose a file below instead. Saving creates a new "
                       "version; earlier versions and the results given with them stay."),
    )
    upload = FileField(_l("…or a YAML file"))

    def text(self):
        """The definition text, from the file when one was chosen; (text, error)."""
        upload = self.upload.data
        if upload and getattr(upload, "filename", ""):
            raw = upload.read(MAX_SOURCE + 1)
            if len(raw) > MAX_SOURCE:
                return None, gettext("The file is too large: at most %(n)d characters.",
                                     n=MAX_SOURCE)
            try:
                return raw.decode("utf-8-sig"), None
            except UnicodeDecodeError:
                return None, gettext("The file is not UTF-8 text. Save it as UTF-8 and try "
                                     "again.")
        text = (self.source.data or "").replace("\r\n", "\n")
        if not text.strip():
            return None, gettext("Write the definition or choose a file.")
        return text, None


class StartForm(Form):
    instrument = ChoiceField(_l("Standardized instrument"), coerce=optional_id)
    members = CheckboxesField(_l("Family members to fill it in"), coerce=whole_number)

    def __init__(self, *args, instruments=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument.choices = [SelectChoice(value="", label=_l("— choose —"))] + [
            SelectChoice(value=i.id, label=i.title) for i in instruments]
        self.members.choices = [(p.id, p.full_name) for p in members]


class AnswersForm(Form):
    """Only the CSRF token: the answers are read by ``read_answers`` (the plain buttons of
    the pages, such as installing an example, use it for the token too)."""


def field_name(item_id):
    return FIELD_PREFIX + item_id


def _number(raw):
    text = raw.strip().replace(" ", "")
    if len(text) > MAX_NUMBER_LENGTH or not _NUMBER.match(text):
        return None
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() else value


def read_answer(item, raw):
    """(value, error) for one item's submitted text; (None, None) when left empty."""
    raw = (raw or "")
    if not raw.strip():
        return None, None
    kind = item["type"]
    if kind == "text":
        if len(raw) > MAX_TEXT_ANSWER:
            return None, gettext("At most %(max)d characters.", max=MAX_TEXT_ANSWER)
        return raw, None
    if kind == "scale":
        # ASCII digits only: str.isdigit() accepts "²" and "--5", which int() refuses.
        if _SCALE_POINT.match(raw.strip()) and item["min"] <= int(raw) <= item["max"]:
            return int(raw), None
        return None, gettext("Choose a point of the scale.")
    if kind == "choice":
        if raw in {o["value"] for o in item["options"]}:
            return raw, None
        return None, gettext("Choose one of the options.")
    if kind == "yes_no":
        if raw in ("yes", "no"):
            return raw, None
        return None, gettext("Answer yes or no.")
    value = _number(raw)
    if value is None:
        return None, gettext("Enter a number, e.g. 12 or 7,5.")
    low, high = item.get("min"), item.get("max")
    if low is not None and value < low or high is not None and value > high:
        if low is not None and high is not None:
            return None, gettext("Enter a number from %(low)s to %(high)s.", low=low, high=high)
        if low is not None:
            return None, gettext("Enter a number not below %(low)s.", low=low)
        return None, gettext("Enter a number not above %(high)s.", high=high)
    return value, None


def read_answers(spec, formdata):
    """({item id: value} of the answered items, {item id: error}) from a submitted form."""
    answers, errors = {}, {}
    for item_id, item in spec["items"].items():
        value, error = read_answer(item, formdata.get(field_name(item_id)))
        if error:
            errors[item_id] = error
        elif value is not None:
            answers[item_id] = value
    return answers, errors


def missing_required(spec, answers):
    """{item id: message} of the required items left without an answer."""
    return {item_id: gettext("This question needs an answer before you finish.")
            for item_id, item in spec["items"].items()
            if item["required"] and answers.get(item_id) is None}
