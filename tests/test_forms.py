"""The app's base form (``mosty.forms.Form``): every text field refuses control characters and
every whole-number field numbers beyond an INTEGER column, with a message at the field, on
whichever form; PostgreSQL would otherwise answer a NUL or such a number with a server error
(SQLite stores both). ``tests/test_hostile_input_matrix.py`` checks that every form of the app
derives from it."""

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import EmailField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from mosty.extensions import db
from mosty.forms import Form, no_control_characters
from mosty.ids import MAX_ID
from mosty.services.models import Service
from mosty.tenancy import system_scope
from mosty.testing.factories import login
from mosty.testing.plugin import build_two_partnerships


class Sample(Form):
    name = StringField(validators=[InputRequired()])
    note = TextAreaField()
    email = EmailField()
    hidden = HiddenField()
    count = IntegerField(validators=[Optional()])
    hours = IntegerField(validators=[Optional(), NumberRange(min=0, max=60)])


class QuietSample(Sample):
    class Meta:  # a form with its own Meta keeps the shared checks
        csrf = False


def errors_of(app, form_class=Sample, locale="en", **data):
    values = {"name": "Anna", **data}
    with app.test_request_context(method="POST"), force_locale(locale):
        form = form_class(formdata=MultiDict(values), meta={"csrf": False})
        form.validate()
        return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.mark.parametrize("field", ["name", "note", "email", "hidden"])
@pytest.mark.parametrize("text", ["An\x00na", "\x00", "a\x01b", "a\x1bb", "a\x7fb", "\udcff"])
def test_every_text_field_refuses_control_characters(app, field, text):
    errors = errors_of(app, **{field: text})
    assert "This text contains characters that are not allowed." in errors[field]


def test_tabs_and_line_breaks_are_text(app):
    assert errors_of(app, note="Pierwsza\r\nDruga\tkolumna") == {}


@pytest.mark.parametrize("number", [str(MAX_ID + 1), "99999999999999999999",
                                    str(-MAX_ID - 1), "-99999999999999999999"])
def test_a_whole_number_beyond_an_integer_column_is_refused(app, number):
    assert errors_of(app, count=number) == {"count": ["This number is out of range."]}
    # a field with its own range says so, once
    assert errors_of(app, hours=number) == {"hours": ["Number must be between 0 and 60."]}


def test_numbers_the_database_holds_pass(app):
    assert errors_of(app, count=str(MAX_ID)) == {}
    assert errors_of(app, count=str(-MAX_ID)) == {}


def test_the_checks_are_shared_not_repeated_and_kept_by_forms_with_their_own_meta(app):
    errors = errors_of(app, QuietSample, name="\x00", count="99999999999999999999")
    assert errors == {"name": ["This text contains characters that are not allowed."],
                      "count": ["This number is out of range."]}
    with app.test_request_context(method="POST"):
        form = Sample(formdata=None, meta={"csrf": False})
        assert form.name.validators.count(no_control_characters) == 1
        assert no_control_characters not in Sample.name.kwargs["validators"]  # class untouched


def test_the_messages_are_in_polish(app):
    errors = errors_of(app, locale="pl", name="\x00", count="99999999999999999999")
    assert errors == {"name": ["Ten tekst zawiera niedozwolone znaki."],
                      "count": ["Ta liczba jest poza dopuszczalnym zakresem."]}


# --- on a page, on both databases ----------------------------------------------------------------

SERVICE_FORM = {"name": "Poradnictwo zawodowe", "kind": "advisory", "description": "Opis",
                "capacity": "10", "location": "Kraków", "own_resources": "y", "active": "y"}


@pytest.mark.parametrize("changes", [{"name": "Porad\x00nictwo"}, {"description": "\x00"},
                                     {"location": "Kra\x00ków"}])
def test_a_nul_in_a_form_gets_the_form_back_with_a_message_not_a_server_error(any_app,
                                                                              changes):
    # Was a 500 on PostgreSQL ("text fields cannot contain NUL"): the service form had no check.
    world = build_two_partnerships(any_app)
    client = login(any_app.test_client(), world.a.caseworker)
    response = client.post(f"/{world.a.partnership.slug}/services/new",
                           data={**SERVICE_FORM, **changes})
    assert response.status_code == 422
    assert "Ten tekst zawiera niedozwolone znaki." in response.get_data(as_text=True)
    with any_app.app_context(), system_scope("test: counting services"):
        assert db.session.scalar(select(func.count()).select_from(Service)) == 0
