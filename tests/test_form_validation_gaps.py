"""Gaps an exploratory tester found in the forms: identifiers in other scripts' digits, WTForms'
own messages (untranslated, jargon, said twice), a dependant whose kind contradicts the year of
birth, dates without bounds (year 0001, year 9999), an outcome keeping a job's fields when it is
not a job, and the labour office's copy of the status leaving a pair the participant form
would silently change, with an "update" audit entry for a save that changed nothing."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import DecimalField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from mosty import dates
from mosty.admin.views import TERYT as ADMIN_TERYT
from mosty.audit.models import AuditEntry
from mosty.consents.models import Consent
from mosty.extensions import db
from mosty.forms import EARLIEST_RECORD_DATE, Form, whole_number
from mosty.outcomes.models import Outcome
from mosty.participants.forms import dependant_year_problem
from mosty.participants.models import CareRelation, Participant
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.privacy.models import ErasureRequest
from mosty.referrals.models import Referral
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login

SLUG = "krakow"
TODAY = dates.today()
ARABIC_INDIC_TERYT = "١٢٦١٠١١"  # 1261011 in Arabic-Indic digits


# --- helpers ------------------------------------------------------------------------------------


def signed_in(app, user, locale="en"):
    client = login(app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = locale
    return client


def rows(app, model):
    with app.app_context(), system_scope("test: reading what was saved"):
        return list(db.session.scalars(select(model).order_by(model.id)))


def audit_actions(app):
    with app.app_context(), system_scope("test: reading the audit log"):
        return [(e.action, e.object_type, e.detail)
                for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def person(**overrides):
    """A complete registration form of a registered unemployed person."""
    data = {
        "first_name": "Beata", "last_name": "Wiśniewska", "sex": "female",
        "birth_date": "1990-07-21", "pesel": "", "phone": "600100200",
        "email": "beata@example.pl", "registered_teryt": "1261011",
        "registered_locality": "Kraków", "registered_area": "urban", "actual_same": "y",
        "actual_teryt": "", "actual_locality": "", "actual_area": "urban",
        "education": "vocational", "labour_status": "registered_unemployed",
        "unemployed_since": "2022-05-01", "contract_type": "", "disability_level": "none",
        "labour_office_case_no": "", "social_assistance_case_no": "",
    }
    data.update(overrides)
    return data


def care(**overrides):
    data = {"dependant_first_name": "Zosia", "dependant_birth_year": str(TODAY.year - 2),
            "dependant_type": "child_under_7", "hours_per_week": "40",
            "care_services": ["nursery"], "note": ""}
    data.update(overrides)
    return data


@pytest.fixture
def world(app, factory):
    """Kraków: the welfare centre (MOPS) registered Anna; the labour office (GUP), which has a
    clerk, sees her through a consent. The labour module is on."""
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków")
    w.gup = factory.institution(p, name="Grodzki Urząd Pracy", kind="labour_office")
    w.worker = factory.staff(w.mops)
    w.clerk = factory.staff(w.gup, roles=("caseworker", "labour_clerk"))
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Nowak",
                                 labour_status="employed", contract_type="fixed_term")
    w.consent = factory.consent(w.anna, [w.gup])
    with app.app_context(), partnership_scope(p.id):
        db.session.add(PartnershipModule(module_key="labour", enabled=True))
        db.session.add(ModuleGrant(module_key="labour", role="labour_clerk", access="write"))
        db.session.commit()
    return w


def page(response):
    return response.get_data(as_text=True)


# --- 1. identifiers in ASCII digits only ------------------------------------------------------


def test_a_teryt_code_in_arabic_indic_digits_is_refused_at_registration(app, world):
    client = signed_in(app, world.worker)
    before = len(rows(app, Participant))
    response = client.post(f"/{SLUG}/participants/new",
                           data=person(registered_teryt=ARABIC_INDIC_TERYT))
    assert response.status_code == 422
    assert "Enter the 7-digit TERYT code" in page(response)
    assert len(rows(app, Participant)) == before


@pytest.mark.parametrize("code", [ARABIC_INDIC_TERYT[:2], "١٢٦١", "12\n", "1261011\n"])
def test_the_admin_teryt_pattern_takes_ascii_digits_only(code):
    with pytest.raises(ValidationError):
        ADMIN_TERYT(None, SimpleNamespace(data=code))


@pytest.mark.parametrize("code", ["12", "1261", "1261011"])
def test_the_admin_teryt_pattern_takes_2_4_or_7_ascii_digits(code):
    assert ADMIN_TERYT(None, SimpleNamespace(data=code))


def test_a_job_offer_refuses_a_teryt_code_in_arabic_indic_digits(app):
    from mosty_labour.offers.forms import OfferForm

    with app.test_request_context(method="POST"):
        form = OfferForm(formdata=MultiDict({"commune_teryt": ARABIC_INDIC_TERYT}),
                         meta={"csrf": False})
        form.validate()
        assert [str(e) for e in form.commune_teryt.errors] == [
            "Wpisz 7-cyfrowy kod TERYT gminy, np. 1261011."]


def other_digits(number):
    """The number in Arabic-Indic digits, which int() reads as the number itself."""
    return "".join(chr(0x0660 + int(d)) for d in str(number))


@pytest.mark.parametrize("value", [other_digits(3), " 3", "+3", "3_0", "3\n", True])
def test_a_chosen_id_is_read_from_ascii_digits_only(value):
    with pytest.raises(ValueError):
        whole_number(value)


def test_a_chosen_id_in_ascii_digits_or_as_a_number_is_read():
    assert (whole_number("3"), whole_number(3)) == (3, 3)


def test_an_institution_chosen_in_other_digits_is_not_a_choice_offered(app, world):
    client = signed_in(app, world.worker)
    before = len(rows(app, Consent))
    response = client.post(f"/{SLUG}/consents/new?participant={world.anna.id}", data={
        "lawful_basis": "consent", "purposes": ["support"],
        "institutions": [other_digits(world.gup.id)], "given_on": TODAY.isoformat()})
    assert response.status_code == 422
    assert "Choose one of the options offered." in page(response)
    assert len(rows(app, Consent)) == before


def test_a_referral_to_an_institution_in_other_digits_is_refused(app, world):
    client = signed_in(app, world.worker)
    response = client.post(f"/{SLUG}/referrals/new?participant={world.anna.id}", data={
        "to_institution": other_digits(world.gup.id), "service": "", "reason": "Szuka pracy",
        "shared_fields": ["contact"], "due_on": (TODAY + timedelta(days=14)).isoformat()})
    assert response.status_code == 422
    assert "Choose one of the options offered." in page(response)
    assert rows(app, Referral) == []


# --- 2. WTForms' own messages: translated sentences, said once --------------------------------


AB = [SelectChoice(value="a", label="A"), SelectChoice(value="b", label="B")]
ONE_TWO = [SelectChoice(value=1, label="1"), SelectChoice(value=2, label="2")]


class Sample(Form):
    one = SelectField(choices=AB, validators=[Optional()])
    number = SelectField(coerce=int, choices=ONE_TWO,
                         validators=[InputRequired(message="Choose a number.")])
    many = SelectMultipleField(choices=AB, validators=[Optional()])
    many_numbers = SelectMultipleField(coerce=int, choices=ONE_TWO, validators=[Optional()])
    count = IntegerField(validators=[Optional(), NumberRange(min=1, max=10, message="1 to 10.")])
    needed = IntegerField(validators=[InputRequired()])
    amount = DecimalField(validators=[Optional()])
    name = StringField()


def errors_of(app, locale, **data):
    with app.test_request_context(method="POST"), force_locale(locale):
        form = Sample(formdata=MultiDict({"number": "1", "needed": "3", **data}),
                      meta={"csrf": False})
        form.validate()
        return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.mark.parametrize("data, field, message", [
    ({"one": "zzz"}, "one", "Wybierz jedną z dostępnych opcji."),
    ({"number": "abc"}, "number", "Wybierz jedną z dostępnych opcji."),
    ({"number": "7"}, "number", "Wybierz jedną z dostępnych opcji."),
    ({"many": ["a", "zzz"]}, "many",
     "Zaznaczono opcję spoza listy: wybierz tylko spośród dostępnych opcji."),
    ({"many_numbers": ["abc"]}, "many_numbers",
     "Zaznaczono opcję spoza listy: wybierz tylko spośród dostępnych opcji."),
    ({"count": "abc"}, "count", "Wpisz liczbę całkowitą."),
    ({"needed": "abc"}, "needed", "Wpisz liczbę całkowitą."),
    ({"amount": "abc"}, "amount", "Wpisz liczbę."),
])
def test_unreadable_input_gets_one_polish_sentence(app, data, field, message):
    # Was: "'zzz' is not a valid choice for this field." (English, echoing the input),
    # "Nieprawidłowy wybór: nie można skonwertować", and "abc" in a number with a range said
    # twice (or "required" after "not a number").
    assert errors_of(app, "pl", **data) == {field: [message]}


def test_blank_optional_fields_stay_without_a_message(app):
    assert errors_of(app, "pl", one="", count="", amount="", many=[]) == {}
    assert errors_of(app, "en", needed="") == {"needed": ["This field is required."]}


def test_the_english_messages_name_the_problem_without_echoing_the_input(app):
    errors = errors_of(app, "en", many=["<b>zzz</b>"], number="abc", count="abc")
    assert errors == {
        "many": ["A chosen option is not a valid choice: choose only among the options "
                 "offered."],
        "number": ["Invalid Choice: could not coerce."],
        "count": ["Not a valid integer value."],
    }


def test_an_unknown_care_service_gets_a_polish_message_on_the_page(app, world):
    client = signed_in(app, world.worker, locale="pl")
    response = client.post(f"/{SLUG}/participants/{world.anna.id}/care",
                           data=care(care_services=["zzz"]))
    assert response.status_code == 422
    body = page(response)
    assert "Zaznaczono opcję spoza listy" in body
    assert "zzz" not in body and "is not a valid choice" not in body
    assert rows(app, CareRelation) == []


def test_a_non_numeric_outcome_hours_value_is_said_once(app, world):
    client = signed_in(app, world.worker)
    response = client.post(f"/{SLUG}/outcomes/new?participant={world.anna.id}",
                           data={"kind": "job_started", "occurred_on": TODAY.isoformat(),
                                 "employer": "Adecco", "contract_type": "employment",
                                 "hours_per_week": "abc", "note": ""})
    assert response.status_code == 422
    assert page(response).count("Give the hours per week as a whole number from 1 to 80.") == 1
    assert rows(app, Outcome) == []


def test_a_non_numeric_service_capacity_is_said_once(app, world):
    client = signed_in(app, world.worker)
    response = client.post(f"/{SLUG}/services/new",
                           data={"name": "Poradnictwo", "kind": "advisory", "capacity": "abc",
                                 "description": "", "location": "", "active": "y"})
    assert response.status_code == 422
    assert page(response).count("Give a whole number from 1 to 100000.") == 1


# --- 3. the kind of dependant agrees with the year of birth -----------------------------------


@pytest.mark.parametrize("kind, age, agrees", [
    ("child_under_7", 7, True),  # turns 7 this year: still 6 until the birthday
    ("child_under_7", 8, False),
    ("child_under_7", 0, True),
    ("child_with_disability", 18, True),
    ("child_with_disability", 19, False),
    ("adult_with_disability", 18, True),
    ("adult_with_disability", 17, False),
    ("ill_or_elderly", 0, True),
    ("ill_or_elderly", 90, True),
    ("unknown_kind", 90, True),
])
def test_the_kind_of_dependant_and_the_year_of_birth_agree_by_age_band(kind, age, agrees):
    this_year = 2025
    assert (dependant_year_problem(kind, this_year - age, this_year) is None) is agrees
    assert dependant_year_problem(kind, None, this_year) is None


@pytest.mark.parametrize("kind, year, message", [
    ("child_under_7", 1950, f"A child under 7 is born in {TODAY.year - 7} or later"),
    ("child_with_disability", 1950, f"A child (under 18) is born in {TODAY.year - 18} or later"),
    ("adult_with_disability", TODAY.year - 2,
     f"An adult (18 or over) is born in {TODAY.year - 18} or earlier"),
])
def test_a_dependant_whose_kind_contradicts_the_year_of_birth_is_refused(app, world, kind, year,
                                                                         message):
    client = signed_in(app, world.worker)
    response = client.post(f"/{SLUG}/participants/{world.anna.id}/care",
                           data=care(dependant_type=kind, dependant_birth_year=str(year)))
    assert response.status_code == 422
    assert message in page(response)
    assert f'value="{year}"' in page(response)  # the form comes back as typed
    assert rows(app, CareRelation) == []


def test_a_dependant_without_a_year_of_birth_is_recorded(app, world):
    client = signed_in(app, world.worker)
    response = client.post(f"/{SLUG}/participants/{world.anna.id}/care",
                           data=care(dependant_birth_year=""))
    assert response.status_code == 302
    assert len(rows(app, CareRelation)) == 1


# --- 4. dates with bounds ---------------------------------------------------------------------


def consent_form(world, **overrides):
    return {"lawful_basis": "consent", "purposes": ["support"], "institutions": [world.gup.id],
            "given_on": TODAY.isoformat(), **overrides}


@pytest.mark.parametrize("given_on", ["0001-01-01", "1999-12-31"])
def test_a_consent_cannot_be_dated_before_the_programmes_records_begin(app, world, given_on):
    client = signed_in(app, world.worker)
    before = len(rows(app, Consent))
    response = client.post(f"/{SLUG}/consents/new?participant={world.anna.id}",
                           data=consent_form(world, given_on=given_on))
    assert response.status_code == 422
    assert "Give a date from Jan 1, 2000 on." in page(response)
    assert len(rows(app, Consent)) == before


def test_a_consent_on_the_first_day_is_recorded(app, world):
    client = signed_in(app, world.worker)
    response = client.post(f"/{SLUG}/consents/new?participant={world.anna.id}",
                           data=consent_form(world, given_on=EARLIEST_RECORD_DATE.isoformat()))
    assert response.status_code == 302


def test_the_date_bound_is_said_in_polish(app, world):
    client = signed_in(app, world.worker, locale="pl")
    response = client.post(f"/{SLUG}/consents/new?participant={world.anna.id}",
                           data=consent_form(world, given_on="0001-01-01"))
    assert response.status_code == 422
    assert "Podaj datę nie wcześniejszą niż 1 sty 2000." in page(response)


def test_a_withdrawal_cannot_be_dated_in_year_0001(app, world):
    client = signed_in(app, world.worker)
    response = client.post(f"/{SLUG}/consents/{world.consent.id}/withdraw",
                           data={"withdrawn_on": "0001-01-01"})
    assert response.status_code == 422
    assert "Give a date from Jan 1, 2000 on." in page(response)
    assert all(c.withdrawn_on is None for c in rows(app, Consent))


@pytest.mark.parametrize("received_on", ["0001-01-01", "2018-05-24"])
def test_an_erasure_request_cannot_predate_the_gdpr(app, world, received_on):
    client = signed_in(app, world.worker)
    response = client.post(f"/{SLUG}/privacy/participants/{world.anna.id}/erasure",
                           data={"received_on": received_on})
    assert response.status_code == 422
    assert "Give a date from May 25, 2018 on." in page(response)
    assert rows(app, ErasureRequest) == []


def referral_form(world, **overrides):
    return {"to_institution": world.gup.id, "service": "", "reason": "Szuka pracy",
            "shared_fields": ["contact"], **overrides}


@pytest.mark.parametrize("due_on", ["9999-12-31", (TODAY + timedelta(days=366)).isoformat()])
def test_a_referral_is_due_within_a_year(app, world, due_on):
    client = signed_in(app, world.worker)
    response = client.post(f"/{SLUG}/referrals/new?participant={world.anna.id}",
                           data=referral_form(world, due_on=due_on))
    assert response.status_code == 422
    assert "Give a date no later than" in page(response)
    assert rows(app, Referral) == []


def test_a_referral_due_in_a_year_is_sent(app, world):
    client = signed_in(app, world.worker)
    response = client.post(f"/{SLUG}/referrals/new?participant={world.anna.id}",
                           data=referral_form(world,
                                              due_on=(TODAY + timedelta(days=365)).isoformat()))
    assert response.status_code == 302, page(response)


# --- 5. an outcome that is not a job keeps no job fields --------------------------------------


@pytest.mark.parametrize("kind", ["training_completed", "registration_ended", "self_employment"])
def test_an_outcome_that_is_not_a_job_stores_no_employer_contract_or_hours(app, world, kind):
    client = signed_in(app, world.worker)
    response = client.post(f"/{SLUG}/outcomes/new?participant={world.anna.id}",
                           data={"kind": kind, "occurred_on": TODAY.isoformat(),
                                 "employer": "Adecco", "contract_type": "employment",
                                 "hours_per_week": "40", "note": "Kurs spawacza"})
    assert response.status_code == 302
    (outcome,) = rows(app, Outcome)
    assert (outcome.kind, outcome.employer, outcome.contract_type, outcome.hours_per_week,
            outcome.note) == (kind, "", None, None, "Kurs spawacza")


# --- 6. the registry copy of the office status, and a save without a change ------------------


def registry(app, participant_id):
    with app.app_context(), system_scope("test: reading the registry record"):
        p = db.session.get(Participant, participant_id)
        return p.labour_status, p.contract_type, p.unemployed_since, p.long_term_unemployed


def test_the_office_status_copied_to_the_registry_never_keeps_a_contract_it_does_not_fit(
        app, world):
    clerk = signed_in(app, world.clerk)
    base = f"/{SLUG}/labour/registration/{world.anna.id}"
    start = TODAY - timedelta(days=500)
    assert clerk.post(f"{base}/register", data={
        "status": "unemployed", "registered_on": start.isoformat(),
        "case_no": "CAZ/1"}).status_code == 302
    assert registry(app, world.anna.id) == ("registered_unemployed", None, start, True)
    assert clerk.post(f"{base}/deregister", data={
        "reason": "business", "on": TODAY.isoformat()}).status_code == 302
    assert registry(app, world.anna.id) == ("self_employed", None, None, False)


def test_saving_the_edit_form_without_a_change_writes_no_update(app, world):
    client = signed_in(app, world.worker)
    assert client.post(f"/{SLUG}/participants/new", data=person()).status_code == 302
    (beata,) = [p for p in rows(app, Participant) if p.first_name == "Beata"]
    before = len(audit_actions(app))
    response = client.post(f"/{SLUG}/participants/{beata.id}/edit", data=person(),
                           follow_redirects=True)
    assert "Nothing was changed." in page(response)
    assert [a for a, *_ in audit_actions(app)[before:]] == ["read"]  # the page shown after
    response = client.post(f"/{SLUG}/participants/{beata.id}/edit",
                           data=person(phone="600999999"))
    assert response.status_code == 302
    assert audit_actions(app)[-1][0::2] == ("update", {"fields": ["phone"]})


# --- a phone number is digits (QA: "abc<b>" was saved as a phone) ----------------------------

@pytest.mark.parametrize("value, ok", [
    ("601 234 567", True), ("+48 12 345 67 89", True), ("(12) 345-67-89", True),
    ("601234567", True), ("0048 601 234 567", True),
    ("abc<b>", False), ("601", False), ("tel. 601 234 567", False), ("٦٠١٢٣٤٥٦٧", False),
    ("+48 601 234 567 890 123 45", False), ("601+234567", False),
])
def test_a_phone_number_is_digits_in_the_form_and_the_import_alike(value, ok):
    from mosty.forms import phone_problem

    assert (phone_problem(value) is None) is ok
