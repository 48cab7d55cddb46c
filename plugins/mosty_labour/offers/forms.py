"""Forms: a job offer, a person's skills, putting a person forward, the employer's answer."""

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
    ValidationError,
)

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..dates import JOB_START_MONTHS_AHEAD, PROGRAMME_BEGINS, months_ahead, within
from .places import commune_problem
from .service import parse_skills

INVALID_CHOICE = _l("Choose one of the options offered.")
INVALID_DATE = _l("Enter a date as YYYY-MM-DD.")
TOO_LONG = _l("At most %(max)d characters.")
CHOOSE_A_SUGGESTION = _l("Choose a person from the suggestions.")
SKILL_MAX = 80  # the column's length (labour_skill.name)
# Full time under the Labour Code (art. 129: 8 hours a day, 40 a week on average): part-time
# work has fewer hours, so a part-time offer of 40 hours or more says two different things.
FULL_TIME_HOURS = 40


def optional_id(value):
    """A select's value: None for the empty choice, else a row id (the choices' own ids, or
    typed ASCII digits in range: ``toolkit.row_id`` refuses "7\n", "٣", "-1")."""
    if value in (None, "", "None"):
        return None
    return value if isinstance(value, int) else toolkit.row_id(value)


def _select(label, **kwargs):
    kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
    kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
    return SelectField(label, **kwargs)


class OfferForm(toolkit.Form):
    position = StringField(_l("Position"), validators=[
        DataRequired(message=_l("Give the position.")),
        Length(max=200, message=TOO_LONG)])
    employer_id = _select(_l("Employer of the partnership"), coerce=optional_id)
    employer_name = StringField(
        _l("or the employer's name"), validators=[Length(max=200, message=TOO_LONG)],
        description=_l("For an employer that is not a partner."))
    commune_teryt = StringField(
        _l("TERYT commune code of the workplace"),
        validators=[DataRequired(message=_l("Give the TERYT code of the commune.")),
                    Regexp(r"^[0-9]{7}\Z", message=_l(
                        "Enter the 7-digit TERYT code of the commune, e.g. 1261011."))])
    locality = StringField(_l("Locality"), validators=[Length(max=120, message=TOO_LONG)])
    hours_per_week = IntegerField(
        _l("Hours a week"), invalid_value_message=_l("Enter a whole number."),
        validators=[InputRequired(message=_l("Give the hours a week.")),
                    NumberRange(min=1, max=60, message=_l("Between 1 and 60 hours a week."))])
    contract_type = _select(_l("Contract type"), choices=[
        SelectChoice(value=key, label=label) for key, label in toolkit.CONTRACT_LABELS.items()],
        default="employment")
    requirements = TextAreaField(
        _l("Required skills"), render_kw={"rows": 3},
        validators=[Length(max=1000, message=TOO_LONG)],
        description=_l("One per line or separated by commas, e.g. driving licence B, "
                       "forklift operation."))
    part_time = BooleanField(_l("Part-time"))
    flexible_hours = BooleanField(_l("Flexible hours"))
    remote = BooleanField(_l("Remote work possible"))
    vacancies = IntegerField(
        _l("Vacancies"), default=1, invalid_value_message=_l("Enter a whole number."),
        validators=[InputRequired(message=_l("Give the number of vacancies.")),
                    NumberRange(min=1, max=500, message=_l("Between 1 and 500 vacancies."))])
    posted_on = DateField(_l("Reported on"), default=toolkit.today,
                          invalid_value_message=INVALID_DATE,
                          validators=[InputRequired(message=INVALID_DATE),
                                      within(PROGRAMME_BEGINS)])
    description = TextAreaField(_l("Description"), render_kw={"rows": 4},
                                validators=[Length(max=2000, message=TOO_LONG)])

    def __init__(self, *args, employers=(), territory=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory = territory or {}  # {TERYT: name} of the partnership's units
        self.employer_id.choices = [SelectChoice(value="", label=_l("— a named employer below —"))] + [
            SelectChoice(value=e.id, label=e.name) for e in employers]

    def validate_commune_teryt(self, field):
        if field.errors:  # not seven digits: the Regexp's message already says so
            return
        problem = commune_problem(field.data, self.territory)
        if problem is not None:
            raise ValidationError(problem)

    def validate_employer_name(self, field):
        typed = (field.data or "").strip()
        if self.employer_id.data is None and not typed:
            raise ValidationError(_l("Choose an employer of the partnership or give the "
                                     "employer's name."))
        if self.employer_id.data is not None and typed:
            # values() keeps the partner and drops the name: the clerk would lose what they typed.
            raise ValidationError(_l("Choose an employer of the partnership or type the name of "
                                     "another one, not both: the typed name would not be "
                                     "saved. Clear the name or the choice above."))

    def validate_part_time(self, field):
        hours = self.hours_per_week.data
        if field.data and hours is not None and hours >= FULL_TIME_HOURS:
            raise ValidationError(_l("A part-time offer has fewer than %(full)d hours a week: "
                                     "lower the hours or untick part-time.",
                                     full=FULL_TIME_HOURS))

    def values(self):
        employer_id = self.employer_id.data
        return {
            "position": self.position.data.strip(),
            "employer_id": employer_id,
            "employer_name": "" if employer_id else self.employer_name.data.strip(),
            "commune_teryt": self.commune_teryt.data,
            "locality": (self.locality.data or "").strip(),
            "hours_per_week": self.hours_per_week.data,
            "contract_type": self.contract_type.data,
            "requirements": parse_skills(self.requirements.data),
            "part_time": bool(self.part_time.data),
            "flexible_hours": bool(self.flexible_hours.data),
            "remote": bool(self.remote.data),
            "vacancies": self.vacancies.data,
            "posted_on": self.posted_on.data,
            "description": (self.description.data or "").strip(),
        }

    @classmethod
    def for_offer(cls, offer, employers, territory=None):
        form = cls(obj=offer, employers=employers, territory=territory)
        if not form.is_submitted():
            form.requirements.data = ", ".join(offer.requirements or [])
        return form


class SkillsForm(toolkit.Form):
    skills = TextAreaField(
        _l("Add skills"), render_kw={"rows": 2},
        validators=[DataRequired(message=_l("Type at least one skill.")),
                    Length(max=1000, message=TOO_LONG)],
        description=_l("One per line or separated by commas."))

    def validate_skills(self, field):
        names = parse_skills(field.data) if field.data else None
        if field.data and not names:
            raise ValidationError(_l("Type at least one skill: commas and spaces alone name "
                                     "none."))
        too_long = next((name for name in names or () if len(name) > SKILL_MAX), None)
        if too_long is not None:
            # At the field, naming the skill: the whole text may hold many short ones.
            raise ValidationError(_l("A skill has at most %(max)d characters (separate skills "
                                     "with commas or new lines): %(skill)s…", max=SKILL_MAX,
                                     skill=too_long[:40]))


class ReferCandidateForm(toolkit.Form):
    participant = HiddenField(validators=[DataRequired(message=CHOOSE_A_SUGGESTION)])

    def validate_participant(self, field):
        # Only ASCII digits naming a row in the database's range (not "5\n", nor a number the
        # database cannot hold): anything else is nobody's id.
        try:
            toolkit.row_id(field.data)
        except ValueError:
            raise ValidationError(CHOOSE_A_SUGGESTION) from None

    @property
    def participant_id(self):
        return toolkit.row_id(self.participant.data)


class HireForm(toolkit.Form):
    start_date = DateField(_l("Start date"), invalid_value_message=INVALID_DATE,
                           validators=[InputRequired(message=INVALID_DATE), within(
                               PROGRAMME_BEGINS, lambda: months_ahead(JOB_START_MONTHS_AHEAD))])


class NotHiredForm(toolkit.Form):
    reason = TextAreaField(_l("Why not hired"), render_kw={"rows": 2}, validators=[
        DataRequired(message=_l("Give the reason the person was not hired.")),
        Length(max=2000, message=TOO_LONG)])


class ConfirmForm(toolkit.Form):
    """A button that changes something (close, reopen, remove): only the CSRF token."""

