"""Editing a participant in two places at once: the edit form carries the version it was loaded
from, and a save over a change made since is refused (409) with what was typed kept, the value
saved meanwhile shown beside each such field, and the newer values of untouched fields taken
over, so sending the form again saves everyone's changes."""

from datetime import date
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.participants import service
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from test_pesel import make_pesel

SLUG = "krakow-edit-conflict"
ANNA_PESEL = make_pesel(date(1985, 3, 14), "female")
CONFLICT = "Ktoś inny zmienił tę kartotekę w trakcie Twojej edycji"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request, make_app):
    """Both databases: the check locks the row (SELECT ... FOR UPDATE, under PostgreSQL's
    row-level security too)."""
    return make_app(backend=request.param)


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug=SLUG)
    mops = factory.institution(p, name="MOPS Kraków")
    anna = factory.participant(
        mops, first_name="Anna", last_name="Nowak", pesel=ANNA_PESEL,
        birth_date=date(1985, 3, 14), phone="501502503", email="anna@example.pl",
        registered_teryt="1261011", registered_locality="Kraków", actual_teryt="1261011",
        actual_locality="Kraków", education="vocational", labour_status="inactive",
        disability_level="none")
    return SimpleNamespace(app=app, p=p, anna=anna, first=factory.staff(mops),
                           second=factory.staff(mops))


def polish_client(app, user):
    client = login(app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    return client


@pytest.fixture
def tab1(world):
    return polish_client(world.app, world.first)


@pytest.fixture
def tab2(world):
    return polish_client(world.app, world.second)


class FormReader(HTMLParser):
    """What a browser sends from the page's participant form: inputs, ticked boxes and the
    selected options (the layout's own forms, such as the language switch, left out)."""

    def __init__(self):
        super().__init__()
        self.data, self.inside, self.select = {}, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = "participant-form" in (attrs.get("class") or "")
        elif not self.inside:
            return
        elif tag == "input" and attrs.get("name"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.data[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and "selected" in attrs:
            self.data[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_of(response):
    reader = FormReader()
    reader.feed(response.get_data(as_text=True))
    return reader.data


def edit_url(world):
    return f"/{SLUG}/participants/{world.anna.id}/edit"


def open_form(client, world):
    response = client.get(edit_url(world))
    assert response.status_code == 200
    return form_of(response)


def stored(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        return db.session.get(Participant, world.anna.id)


def test_a_save_over_a_newer_change_is_refused_and_the_newer_value_is_kept(world, tab1, tab2):
    first, second = open_form(tab1, world), open_form(tab2, world)
    assert tab2.post(edit_url(world), data={**second, "last_name": "Nowak-Lis"}).status_code == 302

    response = tab1.post(edit_url(world), data={**first, "phone": "600700800"})

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert CONFLICT in page and "Nazwisko" in page and "Nic jeszcze nie zapisano" in page
    anna = stored(world)
    assert (anna.last_name, anna.phone) == ("Nowak-Lis", "501502503")
    shown = form_of(response)
    # The untouched surname now shows the newer value; the typed phone is kept.
    assert (shown["last_name"], shown["phone"]) == ("Nowak-Lis", "600700800")
    assert "u Ciebie było: Nowak" in page
    assert shown["loaded_version"] != first["loaded_version"]


def test_sending_the_refused_form_again_saves_both_changes(world, tab1, tab2):
    first, second = open_form(tab1, world), open_form(tab2, world)
    tab2.post(edit_url(world), data={**second, "last_name": "Nowak-Lis"})
    refused = tab1.post(edit_url(world), data={**first, "phone": "600700800"})

    assert tab1.post(edit_url(world), data=form_of(refused)).status_code == 302
    anna = stored(world)
    assert (anna.last_name, anna.phone) == ("Nowak-Lis", "600700800")


def test_a_field_both_changed_keeps_what_was_typed_beside_the_saved_value(world, tab1, tab2):
    first, second = open_form(tab1, world), open_form(tab2, world)
    tab2.post(edit_url(world), data={**second, "registered_locality": "<b>Wieliczka</b>"})

    response = tab1.post(edit_url(world), data={**first, "registered_locality": "Skawina"})

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert form_of(response)["registered_locality"] == "Skawina"
    assert "Ktoś inny zapisał tu w międzyczasie: &lt;b&gt;Wieliczka&lt;/b&gt;" in page
    assert stored(world).registered_locality == "<b>Wieliczka</b>"
    # The member decides: sent again, what they typed is saved.
    assert tab1.post(edit_url(world), data=form_of(response)).status_code == 302
    assert stored(world).registered_locality == "Skawina"


def test_the_same_change_made_by_both_is_no_conflict(world, tab1, tab2):
    first, second = open_form(tab1, world), open_form(tab2, world)
    tab2.post(edit_url(world), data={**second, "phone": "600700800"})

    response = tab1.post(edit_url(world), data={**first, "phone": "600700800"})

    assert response.status_code == 302


def test_a_change_that_left_updated_at_alone_is_still_noticed(world, tab1):
    first = open_form(tab1, world)
    with world.app.app_context(), partnership_scope(world.p.id):
        anna = db.session.get(Participant, world.anna.id)
        updated_at = anna.updated_at
        anna.email = "nowak@example.pl"  # as an import or a module might write it
        db.session.flush()
        anna.updated_at = updated_at
        db.session.commit()

    response = tab1.post(edit_url(world), data={**first, "phone": "600700800"})

    assert response.status_code == 409
    assert form_of(response)["email"] == "nowak@example.pl"
    assert stored(world).phone == "501502503"


def test_a_newer_actual_address_is_not_overwritten_by_same_as_registered(world, tab1, tab2):
    first, second = open_form(tab1, world), open_form(tab2, world)
    assert first.get("actual_same") == "y"
    moved = {key: value for key, value in second.items() if key != "actual_same"}
    tab2.post(edit_url(world), data={**moved, "actual_teryt": "1206052",
                                     "actual_locality": "Wieliczka"})

    refused = tab1.post(edit_url(world), data={**first, "phone": "600700800"})

    assert refused.status_code == 409
    shown = form_of(refused)
    assert "actual_same" not in shown and shown["actual_locality"] == "Wieliczka"
    assert tab1.post(edit_url(world), data=shown).status_code == 302
    anna = stored(world)
    assert (anna.actual_locality, anna.registered_locality, anna.phone) == (
        "Wieliczka", "Kraków", "600700800")


def test_a_move_saved_meanwhile_keeps_same_as_registered_ticked(world, tab1, tab2):
    first, second = open_form(tab1, world), open_form(tab2, world)
    tab2.post(edit_url(world), data={**second, "registered_teryt": "1206052",
                                     "registered_locality": "Wieliczka"})

    refused = tab1.post(edit_url(world), data={**first, "phone": "600700800"})

    assert refused.status_code == 409
    shown = form_of(refused)
    assert shown["actual_same"] == "y" and shown["registered_locality"] == "Wieliczka"
    assert tab1.post(edit_url(world), data=shown).status_code == 302
    anna = stored(world)
    assert (anna.registered_locality, anna.actual_locality, anna.actual_teryt) == (
        "Wieliczka", "Wieliczka", "1206052")


def test_a_form_sent_back_with_errors_keeps_the_version_it_was_loaded_from(world, tab1, tab2):
    first, second = open_form(tab1, world), open_form(tab2, world)
    tab2.post(edit_url(world), data={**second, "last_name": "Nowak-Lis"})

    invalid = tab1.post(edit_url(world), data={**first, "birth_date": "2023-02-30"})
    assert invalid.status_code == 422
    corrected = {**form_of(invalid), "birth_date": "1985-03-14", "phone": "600700800"}

    assert corrected["loaded_version"] == first["loaded_version"]
    assert tab1.post(edit_url(world), data=corrected).status_code == 409
    assert stored(world).last_name == "Nowak-Lis"


def test_a_garbled_version_saves_nothing_and_shows_the_saved_values(world, tab1):
    first = open_form(tab1, world)

    response = tab1.post(edit_url(world), data={**first, "loaded_version": "v1.<x>",
                                                "phone": "600700800"})

    assert response.status_code == 409
    assert "Zapisane teraz: 501502503." in response.get_data(as_text=True)
    assert stored(world).phone == "501502503"


def test_the_version_in_the_page_names_no_personal_data(world, tab1):
    version = open_form(tab1, world)["loaded_version"]
    for value in ("Nowak", ANNA_PESEL, "501502503", "anna@example.pl", "1985"):
        assert value not in version


def test_the_refusal_is_audited_with_field_names_only(world, tab1, tab2):
    first, second = open_form(tab1, world), open_form(tab2, world)
    tab2.post(edit_url(world), data={**second, "last_name": "Nowak-Lis"})
    tab1.post(edit_url(world), data={**first, "phone": "600700800"})

    with world.app.app_context(), partnership_scope(world.p.id):
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.detail) == ("read", {"edit_conflict": ["last_name"]})


def test_edit_conflicts_tell_who_changed_each_field(world):
    with world.app.test_request_context(), partnership_scope(world.p.id):
        anna = db.session.get(Participant, world.anna.id)
        loaded = service.record_version(anna)
        form_values = {name: getattr(anna, name) for name in service.EDITABLE_FIELDS}
        anna.last_name, anna.phone = "Nowak-Lis", "700800900"

        changes = service.edit_conflicts(anna, {**form_values, "phone": "600700800"}, loaded)

        assert [(c.name, c.saved, c.sent, c.member_changed) for c in changes] == [
            ("last_name", "Nowak-Lis", "Nowak", False),
            ("phone", "700800900", "600700800", True),
        ]
        assert service.edit_conflicts(anna, {**form_values, "last_name": "Nowak-Lis",
                                             "phone": "700800900"}, loaded) == []
        db.session.rollback()
