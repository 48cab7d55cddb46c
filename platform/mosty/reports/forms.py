"""Choosing a report's period and copy, generating files, and the monthly report's recipients."""

from datetime import date, timedelta

from wtforms import DateField, EmailField, HiddenField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from ..consents.forms import ChoiceField, choices
from ..forms import Form
from ..i18n import lazy_gettext as _l
from .periods import Period, preset

PRESET_LABELS = {
    "month": _l("Last month"),
    "quarter": _l("Last quarter"),
    "year": _l("Last year"),
    "custom": _l("Chosen dates"),
}
VARIANT_LABELS = {
    "internal": _l("Internal: all numbers (for the partnership)"),
    "external": _l("External: small numbers hidden (for local government, employers, the public)"),
}
FORMAT_LABELS = {"xlsx": _l("Spreadsheet (XLSX)"), "pdf": _l("PDF document")}
LONGEST_PERIOD_DAYS = 366 * 10
# Reports count dates around the period (the day after it, ages): far-off years would run out
# of the calendar; no programme's data lies outside these.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


BOTH_DATES = _l("Give both dates of the period (YYYY-MM-DD).")


def _within_calendar(period):
    return period.start >= EARLIEST and period.end <= LATEST


class PeriodForm(Form):
    """The period and copy shown on the report page (a GET form: no state changes)."""

    class Meta:
        csrf = False

    preset = ChoiceField(_l("Period"), choices=choices(PRESET_LABELS), default="month")
    start = DateField(_l("From"), validators=[Optional()], format="%Y-%m-%d")
    end = DateField(_l("To"), validators=[Optional()], format="%Y-%m-%d")
    variant = ChoiceField(_l("Copy"), choices=choices(VARIANT_LABELS), default="internal")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in (self.start, self.end):
            field.render_kw = {"placeholder": "RRRR-MM-DD"}

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.preset.data != "custom":
            return valid
        # Optional() ends the checks of an empty date before validate_end could see that
        # only one was given; without this the page showed last month instead.
        for field in (self.start, self.end):
            if not field.errors and field.data is None:
                field.errors = [*field.errors, BOTH_DATES]
                valid = False
        return valid

    def validate_end(self, field):
        if self.preset.data != "custom" or self.start.data is None or field.data is None:
            return
        if field.data < self.start.data:
            raise ValidationError(_l("The period cannot end before it starts."))
        if not _within_calendar(Period(self.start.data, field.data)):
            raise ValidationError(_l("Give dates between %(earliest)s and %(latest)s.",
                                     earliest=EARLIEST.isoformat(), latest=LATEST.isoformat()))
        if (field.data - self.start.data).days > LONGEST_PERIOD_DAYS:
            raise ValidationError(_l("A report covers at most ten years."))

    def period(self, today=None):
        if self.preset.data == "custom" and self.start.data and self.end.data:
            return Period(self.start.data, self.end.data)
        return preset(self.preset.data if self.preset.data in ("month", "quarter", "year")
                      else "month", today)


class GenerateForm(Form):
    """Make the report as a file, in the background (a job)."""

    start = HiddenField(validators=[InputRequired()])
    end = HiddenField(validators=[InputRequired()])
    variant = ChoiceField(_l("Copy"), choices=choices(VARIANT_LABELS), default="internal")
    format = ChoiceField(_l("Format"), choices=choices(FORMAT_LABELS), default="xlsx")

    def period(self):
        try:
            period = Period(date.fromisoformat(self.start.data),
                            date.fromisoformat(self.end.data))
        except (TypeError, ValueError):
            return None
        if period.end - period.start > timedelta(days=LONGEST_PERIOD_DAYS):
            return None
        if not _within_calendar(period):
            return None
        return period


class RecipientForm(Form):
    email = EmailField(_l("E-mail address"), validators=[
        InputRequired(message=_l("Give an e-mail address.")),
        Email(message=_l("This is not a valid e-mail address."), check_deliverability=False),
        Length(max=200, message=_l("At most %(max)d characters."))])
    name = StringField(_l("Name or office (optional)"), validators=[
        Length(max=200, message=_l("At most %(max)d characters."))])
    variant = ChoiceField(_l("Copy"), choices=choices(VARIANT_LABELS), default="internal")


class RemoveRecipientForm(Form):
    """Only the CSRF token: removing is a POST."""
