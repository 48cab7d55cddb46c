"""Forms of outcomes and follow-ups."""

from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import Form, whole_number
from ..i18n import lazy_gettext as _l
from ..participants.labels import CONTRACT_LABELS
from ..participants.models import CONTRACT_TYPES
from ..services.forms import (
    TEXT_MAX,
    date_field,
    not_in_future,
    not_too_early,
    select_choices,
)
from .models import FOLLOW_UP_MONTHS, FOLLOW_UP_STATUSES, OUTCOME_KINDS
from .service import FOLLOW_UP_STATUS_LABELS, OUTCOME_KIND_LABELS

HOURS_MESSAGE = _l("Give the hours per week as a whole number from 1 to 80.")
# The outcomes that are a job with an employer: only these keep the employer, the contract and
# the hours (the form shows the fields for every outcome).
JOB_KINDS = ("job_started",)


def _kind_choices():
    return select_choices((kind, OUTCOME_KIND_LABELS[kind]) for kind in OUTCOME_KINDS)


def _contract_choices():
    return select_choices([("", _l("not applicable")),
                           *((c, CONTRACT_LABELS[c]) for c in CONTRACT_TYPES)])


def _months_choices():
    return select_choices((m, _l("after %(months)s months", months=m))
                          for m in FOLLOW_UP_MONTHS)


def _status_choices():
    return select_choices((s, FOLLOW_UP_STATUS_LABELS[s]) for s in FOLLOW_UP_STATUSES)


class OutcomeForm(Form):
    kind = SelectField(_l("Outcome"), choices=_kind_choices,
                       validators=[InputRequired(message=_l("Choose the outcome."))])
    # An outcome is a result already reached: a job promised for next month is recorded when
    # it starts (the labour office's hire records it on the start date by itself).
    occurred_on = date_field(_l("Date"), not_too_early, not_in_future)
    employer = StringField(_l("Employer"), validators=[Length(max=200)])
    contract_type = SelectField(_l("Contract type"), choices=_contract_choices, default="")
    hours_per_week = IntegerField(
        _l("Hours per week"), invalid_value_message=HOURS_MESSAGE,
        validators=[Optional(), NumberRange(min=1, max=80, message=HOURS_MESSAGE)])
    note = TextAreaField(_l("Note"), validators=[Length(max=TEXT_MAX)])

    def validate_employer(self, field):
        if self.kind.data == "job_started" and not (field.data or "").strip():
            raise ValidationError(_l("Name the employer of the job."))

    def values(self):
        """The outcome's stored values: the job's fields are emptied for an outcome that is
        not a job (a training, the end of a registration, an own business)."""
        job = self.kind.data in JOB_KINDS
        return {
            "kind": self.kind.data,
            "occurred_on": self.occurred_on.data,
            "employer": (self.employer.data or "").strip() if job else "",
            "contract_type": (self.contract_type.data or None) if job else None,
            "hours_per_week": self.hours_per_week.data if job else None,
            "note": (self.note.data or "").strip(),
        }


class FollowUpForm(Form):
    months = SelectField(
        _l("Follow-up"), coerce=whole_number,
        choices=_months_choices,
        validators=[InputRequired(message=_l("Choose 3 or 6 months."))])
    status = SelectField(
        _l("Situation found"),
        choices=_status_choices,
        validators=[InputRequired(message=_l("Choose the situation found."))])
    checked_on = date_field(_l("Checked on"), not_in_future, not_too_early)
    note = TextAreaField(_l("Note"), validators=[Length(max=TEXT_MAX)])
