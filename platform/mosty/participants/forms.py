"""Registering and rectifying a participant, and recording the people they care for."""

from datetime import date

from stdnum.pl import pesel as stdnum_pesel
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from .. import dates
from ..forms import Form, a_phone_number
from ..i18n import lazy_gettext as _l
from ..teryt import code_problem
from .labels import (
    AREA_LABELS,
    CARE_SERVICE_LABELS,
    CONTRACT_LABELS,
    DEPENDANT_TYPE_LABELS,
    DISABILITY_LABELS,
    EDUCATION_LABELS,
    LABOUR_STATUS_LABELS,
    SEX_LABELS,
)
from .pesel import pesel_problems

EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def strip(value):
    return value.strip() if isinstance(value, str) else value


def text(label, max_length, required=False, checks=(), **kwargs):
    validators = [DataRequired()] if required else [Optional()]
    validators += [Length(max=max_length), *checks]  # control characters: the shared Form
    return StringField(label, filters=[strip], validators=validators, **kwargs)


def choices(labels):
    """SelectChoice list from a {value: label} mapping, in the mapping's order."""
    return [SelectChoice(value=value, label=label) for value, label in labels.items()]


def choice(label, labels, required=True, placeholder=True):
    choices_ = ([SelectChoice(value="", label=_l("— choose —"))] if placeholder else [])
    choices_ += choices(labels)
    validators = [InputRequired(message=_l("Please choose one."))] if required else [Optional()]
    return SelectField(label, choices=choices_, validators=validators)


def a_commune_code(form, field):
    """Seven digits that can be a commune's code ("9999999" cannot); the seven-digit check
    speaks first."""
    if field.data and not field.errors:
        problem = code_problem(field.data)
        if problem is not None:
            raise ValidationError(problem)


def teryt(label, required=False):
    validators = [DataRequired()] if required else [Optional()]
    # [0-9], not \d: \d takes any script's digits ("١٢٦١٠١١"), which no commune code has.
    validators.append(Regexp(r"^[0-9]{7}\Z", message=_l(
        "Enter the 7-digit TERYT code of the commune, e.g. 1261011.")))
    validators.append(a_commune_code)
    return StringField(label, filters=[strip], validators=validators,
                       description=_l("7 digits: voivodeship, county, commune and its type."))


def not_in_future(form, field):
    if field.data and field.data > dates.today():
        raise ValidationError(_l("This date is in the future."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ParticipantForm(Form):
    """Every field of the participant record; ``values()`` gives what is stored."""

    # Personal data
    first_name = text(_l("First name"), 80, required=True)
    last_name = text(_l("Last name"), 120, required=True)
    sex = choice(_l("Sex"), SEX_LABELS)
    birth_date = DateField(_l("Date of birth"), validators=[InputRequired(), not_in_future])
    pesel = StringField(_l("PESEL"), filters=[strip],
                        validators=[Optional(), Length(max=20)],
                        description=_l("Optional. Checked against the date of birth and sex."))
    # Contact
    phone = text(_l("Phone"), 40, checks=[a_phone_number])
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[Optional(), Length(max=200), Email(
                           message=_l("Enter an e-mail address like name@example.pl."))])
    # Registered residence (zameldowanie): decides eligibility
    registered_teryt = teryt(_l("TERYT commune code"), required=True)
    registered_locality = text(_l("Locality"), 120, required=True)
    registered_area = choice(_l("Urban or rural"), AREA_LABELS, placeholder=False)
    # Actual address
    actual_same = BooleanField(_l("Same as the registered residence"), default=True)
    actual_teryt = teryt(_l("TERYT commune code"))
    actual_locality = text(_l("Locality"), 120)
    actual_area = choice(_l("Urban or rural"), AREA_LABELS, placeholder=False)
    # Education and the labour market
    education = choice(_l("Education"), EDUCATION_LABELS)
    labour_status = choice(_l("Labour-market status"), LABOUR_STATUS_LABELS)
    unemployed_since = DateField(_l("Unemployed since"), validators=[Optional(), not_in_future],
                                 description=_l("For registered unemployed: the date of "
                                                "registration at the labour office."))
    long_term_unemployed = BooleanField(_l("Long-term unemployed"))
    contract_type = choice(_l("Contract type"), CONTRACT_LABELS, required=False)
    disability_level = choice(_l("Disability level"), DISABILITY_LABELS, placeholder=False)
    # External case numbers
    labour_office_case_no = text(_l("Labour office case number"), 40)
    social_assistance_case_no = text(_l("Social assistance case number"), 40)
    # Registering straight into a family (from the family page)
    family = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,9}\Z")])
    relation = HiddenField(validators=[Optional(), Length(max=20)])
    # Shown only when a possible duplicate was found
    confirm_different_person = BooleanField(
        _l("I have checked: this is a different person, save anyway"))

    def validate_birth_date(self, field):
        if field.data and field.data < EARLIEST_BIRTH_DATE:
            raise ValidationError(_l("Please check the year of birth."))

    def validate_pesel(self, field):
        birth_date = self.birth_date.data if not self.birth_date.errors else None
        sex = self.sex.data if self.sex.data in SEX_LABELS else None
        problems = pesel_problems(field.data, birth_date=birth_date, sex=sex)
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))

    def validate(self, extra_validators=None):
        # Fields required only in some situations: Optional() on the field would stop an
        # inline validator before it runs, so these checks come after the field checks.
        valid = super().validate(extra_validators)
        required_when = [
            (self.actual_teryt, not self.actual_same.data,
             _l("Enter the actual address, or tick “Same as the registered residence”.")),
            (self.actual_locality, not self.actual_same.data,
             _l("Enter the actual address, or tick “Same as the registered residence”.")),
            (self.unemployed_since, self.labour_status.data == "registered_unemployed",
             _l("Enter the date of registration as unemployed.")),
            (self.contract_type, self.labour_status.data == "employed",
             _l("Choose the type of contract of the employed person.")),
        ]
        for field, required, message in required_when:
            if required and not field.data and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def validate_unemployed_since(self, field):
        if field.data and self.birth_date.data and field.data < self.birth_date.data:
            raise ValidationError(_l("This date is before the date of birth."))

    def values(self):
        """The participant's stored values: the actual address follows the registered one when
        ticked, and fields that do not apply to the labour-market status are emptied."""
        unemployed = self.labour_status.data in ("registered_unemployed",
                                                 "unregistered_unemployed")
        values = {
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "sex": self.sex.data,
            "birth_date": self.birth_date.data,
            "pesel": stdnum_pesel.compact(self.pesel.data) if self.pesel.data else None,
            "phone": self.phone.data or "",
            "email": self.email.data or "",
            "registered_teryt": self.registered_teryt.data,
            "registered_locality": self.registered_locality.data,
            "registered_area": self.registered_area.data,
            "education": self.education.data,
            "labour_status": self.labour_status.data,
            "unemployed_since": self.unemployed_since.data if unemployed else None,
            "long_term_unemployed": bool(self.long_term_unemployed.data) and unemployed,
            "contract_type": (self.contract_type.data or None)
            if self.labour_status.data == "employed" else None,
            "disability_level": self.disability_level.data,
            "labour_office_case_no": self.labour_office_case_no.data or "",
            "social_assistance_case_no": self.social_assistance_case_no.data or "",
        }
        if self.actual_same.data:
            values.update(actual_teryt=values["registered_teryt"],
                          actual_locality=values["registered_locality"],
                          actual_area=values["registered_area"])
        else:
            values.update(actual_teryt=self.actual_teryt.data,
                          actual_locality=self.actual_locality.data,
                          actual_area=self.actual_area.data)
        return values


REGISTERED_ADDRESS = ("registered_teryt", "registered_locality", "registered_area")
ACTUAL_ADDRESS = ("actual_teryt", "actual_locality", "actual_area")
ADDRESS = REGISTERED_ADDRESS + ACTUAL_ADDRESS


class ParticipantEditForm(ParticipantForm):
    """The participant form on an existing record, carrying the version it was loaded from
    (participants.service.record_version), so a save over someone else's change is refused."""

    loaded_version = HiddenField(validators=[Optional(), Length(max=400)])

    @classmethod
    def for_participant(cls, participant, version):
        form = cls(obj=participant)
        if not form.is_submitted():
            form.loaded_version.data = version
            form.actual_same.data = (
                (participant.actual_teryt, participant.actual_locality, participant.actual_area)
                == (participant.registered_teryt, participant.registered_locality,
                    participant.registered_area))
            form.contract_type.data = participant.contract_type or ""
            # Not given (an imported person): the placeholder is shown and must be chosen.
            form.education.data = participant.education or ""
            form.labour_status.data = participant.labour_status or ""
        return form

    def take_newer_values(self, conflict):
        """After an edit conflict: a field the member left as it was takes the value saved in
        the meantime (sending the form again would otherwise put the old one back); what the
        member changed stays as typed. The form then carries the current version."""
        sent = self.values()
        newer = {change.name: change.saved for change in conflict.changes
                 if change.member_changed is False}
        address = {**{name: sent[name] for name in ADDRESS},
                   **{name: value for name, value in newer.items() if name in ADDRESS}}
        if self.actual_same.data and ([address[name] for name in ACTUAL_ADDRESS]
                                      != [address[name] for name in REGISTERED_ADDRESS]):
            # "Same as registered" would copy the registered address over an actual one saved
            # meanwhile (or the other way round): the two are shown in their own fields.
            self.actual_same.data = False
            for name in ACTUAL_ADDRESS:
                self[name].data = address[name]
        for name, value in newer.items():
            field = self[name]
            field.data = "" if value is None and isinstance(field, SelectField) else value
        self.loaded_version.data = conflict.version


# The ages (on a birthday this year, from..to, None: no limit) each kind of dependant may be;
# an ill or elderly person may be of any age. A child with disability is under 18.
DEPENDANT_AGES = {
    "child_under_7": (0, 6),
    "child_with_disability": (0, 17),
    "adult_with_disability": (18, None),
}
DEPENDANT_YEAR_MESSAGES = {
    "child_under_7": _l("A child under 7 is born in %(year)d or later: check the year of "
                        "birth or the kind of dependant."),
    "child_with_disability": _l("A child (under 18) is born in %(year)d or later: check the "
                                "year of birth or the kind of dependant."),
    "adult_with_disability": _l("An adult (18 or over) is born in %(year)d or earlier: check "
                                "the year of birth or the kind of dependant."),
}


def dependant_year_problem(dependant_type, birth_year, this_year):
    """The message when a dependant of this kind cannot be born in ``birth_year`` (judged by
    the year alone, so a person who turns the limiting age this year agrees both ways)."""
    if dependant_type not in DEPENDANT_AGES or birth_year is None:
        return None
    youngest, oldest = DEPENDANT_AGES[dependant_type]
    age_at_birthday = this_year - birth_year
    if age_at_birthday < youngest:
        return DEPENDANT_YEAR_MESSAGES[dependant_type] % {"year": this_year - youngest}
    if oldest is not None and age_at_birthday - 1 > oldest:
        return DEPENDANT_YEAR_MESSAGES[dependant_type] % {"year": this_year - oldest - 1}
    return None


class CareRelationForm(Form):
    """A dependant the participant cares for, with the weekly load."""

    dependant_first_name = text(_l("Dependant's first name"), 80, required=True)
    dependant_birth_year = IntegerField(_l("Year of birth"), validators=[Optional()])
    dependant_type = choice(_l("Dependant"), DEPENDANT_TYPE_LABELS)
    hours_per_week = IntegerField(
        _l("Hours of care per week"),
        validators=[InputRequired(), NumberRange(min=0, max=168, message=_l(
            "Enter the number of hours, from 0 to 168 (a whole week)."))])
    care_services = MultiCheckboxField(_l("Care services used"),
                                       choices=choices(CARE_SERVICE_LABELS),
                                       validators=[Optional()])
    note = TextAreaField(_l("Note"), filters=[strip],
                         validators=[Optional(), Length(max=2000)])

    def validate_dependant_birth_year(self, field):
        if field.data is not None and not 1900 <= field.data <= dates.today().year:
            raise ValidationError(_l("Enter a year between 1900 and this year."))
        # An unknown kind (refused on its own field) has no age band, so says nothing here.
        problem = dependant_year_problem(self.dependant_type.data, field.data, dates.today().year)
        if problem:
            raise ValidationError(problem)

    def values(self):
        return {
            "first_name": self.dependant_first_name.data,
            "birth_year": self.dependant_birth_year.data,
            "dependant_type": self.dependant_type.data,
            "hours_per_week": self.hours_per_week.data,
            "care_services": list(self.care_services.data or []),
            "note": self.note.data or "",
        }
