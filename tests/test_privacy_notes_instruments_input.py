"""Bad input on the privacy, notes and instrument pages gets a clear answer, never a 500:
ids beyond a database integer (404, on SQLite and PostgreSQL), deeply nested YAML (a message
naming the line), wrong methods (405) and missing CSRF tokens (400, nothing saved)."""

import io
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from mosty.extensions import db
from mosty.instruments.definitions import InvalidDefinition, parse_definition
from mosty.instruments.factories import InstrumentFactory
from mosty.instruments.models import Administration, InstrumentVersion
from mosty.notes.models import CaseNote
from mosty.privacy.models import RestrictionChange
from mosty.tenancy import partnership_scope
from test_privacy_export import client_of

SLUG = "zle-dane"
HUGE = "99999999999999999999"
BIG = str(2**31)


def build(app, factory):
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, p=p)
    w.ngo = factory.institution(p, name="Stowarzyszenie", kind="ngo")
    w.worker = factory.staff(w.ngo)
    w.admin = factory.staff(w.ngo, roles=("partnership_admin", "caseworker"))
    w.anna = factory.participant(w.ngo, first_name="Anna", last_name="Rolna")
    w.version = InstrumentFactory(app).definition(p.id)
    return w


@pytest.fixture
def world(app, factory):
    return build(app, factory)


def count(w, model):
    with w.app.app_context(), partnership_scope(w.p.id):
        return db.session.scalar(select(func.count()).select_from(model))


GETS = [
    "/privacy/participants/{n}/", "/privacy/participants/{n}/export",
    "/privacy/participants/{n}/export.json", "/privacy/participants/{n}/history",
    "/notes/participants/{n}/new", "/instruments/{n}/", "/instruments/{n}/edit",
    "/instruments/administrations/{n}/", "/instruments/rounds/{n}/",
    "/instruments/new?participant={n}", "/instruments/new?family={n}",
]
POSTS = ["/privacy/participants/{n}/restriction", "/privacy/participants/{n}/erasure",
         "/instruments/administrations/{n}/discard"]


def probe(w, n):
    client = client_of(w.app, w.admin)
    for path in GETS:
        url = f"/{SLUG}" + path.format(n=n)
        assert client.get(url).status_code == 404, url
    for path in POSTS:
        url = f"/{SLUG}" + path.format(n=n)
        assert client.post(url, data={"reason": "x"}).status_code in (400, 404), url
    version = client.get(f"/{SLUG}/instruments/{w.version.instrument_id}/?version={n}")
    assert version.status_code == 404


@pytest.mark.parametrize("n", [HUGE, BIG, "0"])
def test_ids_beyond_a_database_integer_are_404(world, n):
    probe(world, n)


@pytest.mark.postgres
def test_ids_beyond_a_database_integer_are_404_on_postgresql(pg_app):
    from mosty.testing.factories import RegistryFactory

    w = build(pg_app, RegistryFactory(pg_app))
    probe(w, HUGE)
    probe(w, BIG)


@pytest.mark.parametrize("source", [
    "[" * 5000 + "]" * 5000,
    "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 600)),
    "- " * 20000 + "x",
])
def test_deeply_nested_yaml_is_a_fault_not_a_crash(app, source):
    with (app.test_request_context(), force_locale("en"),
          pytest.raises(InvalidDefinition) as invalid):
        parse_definition(source)
    assert "nested too deeply" in str(invalid.value)


def test_deeply_nested_yaml_uploaded_gets_a_message(world):
    response = client_of(world.app, world.admin).post(
        f"/{SLUG}/instruments/definitions/new",
        data={"source": "", "upload": (io.BytesIO(("[" * 5000).encode()), "bomba.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "nested too deeply" in response.get_data(as_text=True)
    assert count(world, InstrumentVersion) == 1


@pytest.mark.parametrize("method, path", [
    ("put", "/privacy/"), ("delete", "/privacy/participants/{id}/"),
    ("get", "/privacy/participants/{id}/restriction"),
    ("get", "/privacy/participants/{id}/erasure"),
    ("patch", "/notes/participants/{id}/new"),
    ("get", "/instruments/examples/install"),
])
def test_wrong_methods_are_405(world, method, path):
    client = client_of(world.app, world.admin)
    response = getattr(client, method)(f"/{SLUG}" + path.format(id=world.anna.id))
    assert response.status_code == 405


def test_forms_without_a_csrf_token_save_nothing(make_app):
    app = make_app("sqlite", WTF_CSRF_ENABLED=True)
    from mosty.testing.factories import RegistryFactory

    w = build(app, RegistryFactory(app))
    client = client_of(app, w.admin)
    base = f"/{SLUG}/privacy/participants/{w.anna.id}"
    restriction = client.post(f"{base}/restriction", data={"reason": "Kwestionuje dane"})
    assert restriction.status_code in (400, 422)
    note = client.post(f"/{SLUG}/notes/participants/{w.anna.id}/new",
                       data={"category": "general", "text": "Rozmowa"})
    assert note.status_code in (400, 422)
    assert count(w, RestrictionChange) == 0 and count(w, CaseNote) == 0


@pytest.mark.parametrize("point", ["²", "--5", "9" * 5000, "3\x00", "٣٣"])
def test_a_scale_answer_that_is_not_a_plain_number_gets_a_message(world, point):
    draft = InstrumentFactory(world.app).administration(world.version, world.anna, world.ngo,
                                                        finished=False)
    response = client_of(world.app, world.worker).post(
        f"/{SLUG}/instruments/administrations/{draft.id}/",
        data={"action": "save", "q-chce_pracowac": point})
    assert response.status_code == 422
    assert "Choose a point of the scale." in response.get_data(as_text=True)
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.get(Administration, draft.id).answers == {}


@pytest.mark.parametrize("source", ["2025-02-30", "9999-99-99", "key: !!int abc"])
def test_a_definition_with_a_date_no_calendar_has_gets_a_message(world, source):
    response = client_of(world.app, world.admin).post(f"/{SLUG}/instruments/definitions/new",
                                                      data={"source": source})
    assert response.status_code == 422
    assert count(world, InstrumentVersion) == 1
