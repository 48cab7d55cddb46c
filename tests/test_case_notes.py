"""Case notes: stored exactly as written and shown escaped; health and disability notes (and
notes ticked sensitive) are read only by the author's institution, other readers see that such
a note exists; bad input gets a message, never a 500."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.notes.models import CaseNote
from mosty.tenancy import partnership_scope
from test_privacy_export import client_of

SLUG = "krakow-notes"


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków")
    w.gup = factory.institution(p, name="Grodzki Urząd Pracy", kind="labour_office")
    w.worker = factory.staff(w.mops)
    w.gup_worker = factory.staff(w.gup)
    w.admin = factory.staff(factory.institution(p, name="Biuro", kind="ngo"),
                            roles=("partnership_admin", "coordinator"))
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Nowak")
    factory.consent(w.anna, [w.gup])
    return w


def write(world, user=None, **data):
    form = {"category": "general", "text": "Rozmowa o pracy w sklepie"}
    form.update(data)
    return client_of(world.app, user or world.worker).post(
        f"/{SLUG}/notes/participants/{world.anna.id}/new", data=form)


def page(world, user):
    return client_of(world.app, user).get(
        f"/{SLUG}/participants/{world.anna.id}/").get_data(as_text=True)


def notes(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        return [(n.category, n.sensitive, n.text, n.institution_id)
                for n in db.session.scalars(select(CaseNote).order_by(CaseNote.id))]


def test_a_note_is_stored_as_written_and_audited_without_its_text(world):
    text = "Pani Anna:\n  szuka pracy na pół etatu & dojazd 30 km"
    assert write(world, text=text, category="employment").status_code == 302
    assert notes(world) == [("employment", False, text, world.mops.id)]
    with world.app.app_context(), partnership_scope(world.p.id):
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "CaseNote"))
        assert entry.action == "create" and "pół etatu" not in str(entry.detail)


def test_a_script_in_a_note_is_shown_as_text(world):
    write(world, text='<script>alert("x")</script><b>pogrubienie</b>')
    body = page(world, world.worker)
    assert '<script>alert("x")</script>' not in body and "<b>pogrubienie</b>" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;pogrubienie&lt;/b&gt;" in body


@pytest.mark.parametrize("category", ["health", "disability"])
def test_health_and_disability_notes_are_always_sensitive(world, category):
    write(world, category=category, text="Po udarze, orzeczenie w toku")
    assert notes(world)[0][:2] == (category, True)


def test_a_sensitive_note_is_read_by_the_authors_institution_only(world):
    write(world, category="health", text="Leczy depresję")
    write(world, category="family", text="Opieka nad matką", sensitive="y")
    write(world, category="employment", text="Chce pracować w handlu")
    own = page(world, world.worker)
    assert "Leczy depresję" in own and "Opieka nad matką" in own
    other = page(world, world.gup_worker)
    assert "Leczy depresję" not in other and "Opieka nad matką" not in other
    assert "Chce pracować w handlu" in other
    assert other.count("A sensitive note: only MOPS Kraków can read it.") == 2


def test_the_access_export_withholds_other_institutions_sensitive_notes(world):
    write(world, category="health", text="Leczy depresję")
    url = f"/{SLUG}/privacy/participants/{world.anna.id}/export.json"
    by_gup = client_of(world.app, world.gup_worker).get(url).get_data(as_text=True)
    assert "Leczy depresję" not in by_gup and "Withheld" in by_gup
    assert "Leczy depresję" in client_of(world.app, world.worker).get(url).get_data(as_text=True)
    assert "Leczy depresję" in client_of(world.app, world.admin).get(url).get_data(as_text=True)


def test_roles_without_case_access_cannot_write_notes(world):
    assert write(world, user=world.admin).status_code == 404
    assert notes(world) == []


@pytest.mark.parametrize("data", [
    {"text": ""},
    {"text": "x" * 10001},
    {"text": "zły\x00znak"},
    {"category": "astrologia"},
    {"category": ""},
])
def test_bad_input_gets_a_message_and_keeps_what_was_typed(world, data):
    response = write(world, **data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'class="error"' in body
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(func.count()).select_from(CaseNote)) == 0


def test_what_was_typed_is_kept_after_a_mistake(world):
    response = write(world, category="nieznana", text="Ważna notatka z wizyty")
    assert "Ważna notatka z wizyty" in response.get_data(as_text=True)


def test_no_notes_are_added_while_processing_is_restricted(world):
    client_of(world.app, world.worker).post(
        f"/{SLUG}/privacy/participants/{world.anna.id}/restriction", data={"reason": "spór"})
    response = write(world)
    assert response.status_code == 422
    assert "Processing of this person&#39;s data is restricted" in response.get_data(as_text=True)
    assert notes(world) == []


def test_the_demo_notes_are_added_once_with_one_sensitive(world, factory):
    from mosty.notes.demo import load_notes_demo
    from mosty.partnerships.models import Partnership

    factory.participant(world.mops)
    factory.participant(world.mops)
    for _ in range(2):
        with world.app.app_context(), partnership_scope(world.p.id):
            load_notes_demo({"krakow": db.session.get(Partnership, world.p.id)})
            db.session.commit()
    assert [(category, sensitive) for category, sensitive, _t, _i in notes(world)] == [
        ("employment", False), ("family", False), ("health", True)]
