"""Forms of the programme path: recruitment to a target group and the retention date."""

from flask_babel import format_date
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired, ValidationError

from .. import dates
from ..forms import Form, whole_number
from ..i18n import lazy_gettext as _l
from ..services.forms import select_choices

RETENTION_MAX_YEARS = 50


class RecruitForm(Form):
    target_group = SelectField(_l("Target group"), coerce=whole_number,
                               validators=[InputRequired(message=_l("Choose a target group."))])

    def __init__(self, groups, **kwargs):
        super().__init__(**kwargs)
        self.target_group.choices = select_choices((group.id, str(group)) for group in groups)


class RetentionForm(Form):
    retention_until = DateField(_l("Keep the record until"), format="%Y-%m-%d",
                                validators=[InputRequired(message=_l("Give a date."))])

    def __init__(self, enrollment, **kwargs):
        super().__init__(**kwargs)
        self.enrollment = enrollment

    def validate_retention_until(self, field):
        if field.data is None:  # not a date: the field already says so
            return
        earliest = self.enrollment.ended_on or self.enrollment.recruited_on
        if field.data < earliest:
            raise ValidationError(_l("Keep the record at least until %(date)s.",
                                     date=format_date(earliest)))
        if field.data.year > dates.today().year + RETENTION_MAX_YEARS:
            raise ValidationError(_l("Give a date within %(years)s years.",
                                     years=RETENTION_MAX_YEARS))
