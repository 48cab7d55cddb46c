"""Instrument pages: partnership admins install, upload and edit definitions (each edit a new
version); caseworkers give an instrument to a person or to each member of a family, save a
draft, finish it and read the scores, bands and the change over time. The registry's
institution rule decides who sees what (404 otherwise), every read and write of personal data
is audited once, and bad input gets a message, never a 500."""

import io
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.instruments.factories import InstrumentFactory
from mosty.instruments.models import Administration, FamilyRound, Instrument, InstrumentVersion
from mosty.instruments.service import example_source
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login

SLUG = "instrumenty"
FULL_ANSWERS = {
    "q-chce_pracowac": "5", "q-szukam_ofert": "4", "q-praca_sie_nie_oplaca": "2",
    "q-poradze_sobie": "4", "q-nikt_nie_zatrudni": "1", "q-nauka": "5",
    "q-rodzina_wspiera": "4", "q-opieka_zorganizowana": "yes", "q-rozmowy": "3",
}


@pytest.fixture
def world(app, factory):
    """An NGO (the animators' institution) registered Anna and her family with Jan; the
    labour office has a consent for Anna only; the welfare centre has no access at all."""
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, f=factory, p=p, instruments=InstrumentFactory(app))
    w.ngo = factory.institution(p, name="Stowarzyszenie Mosty", kind="ngo", role="leader")
    w.pup = factory.institution(p, name="PUP Białogard", kind="labour_office")
    w.ops = factory.institution(p, name="GOPS Tychowo", kind="ops")
    w.animator = factory.staff(w.ngo)
    w.clerk = factory.staff(w.pup)
    w.outsider = factory.staff(w.ops)
    w.admin = factory.staff(w.ngo, roles=("partnership_admin", "coordinator"))
    w.anna = factory.participant(w.ngo, first_name="Anna", last_name="Rolna")
    w.jan = factory.participant(w.ngo, first_name="Jan", last_name="Rolny", sex="male")
    w.family = factory.family(w.ngo, members=[(w.anna, "head"), (w.jan, "spouse")],
                              name="Rodzina Rolnych")
    factory.consent(w.anna, [w.pup])
    w.version = w.instruments.definition(p.id)
    return w


def client_of(world, user):
    client = login(world.app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def count(world, model, *where):
    with world.app.app_context(), partnership_scope(world.p.id):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def entries(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        return [SimpleNamespace(action=e.action, object_type=e.object_type,
                                object_id=e.object_id, detail=e.detail, actor_id=e.actor_id)
                for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def administration_row(world, administration_id):
    with world.app.app_context(), partnership_scope(world.p.id):
        a = db.session.get(Administration, administration_id)
        return SimpleNamespace(status=a.status, answers=dict(a.answers), scores=a.scores,
                               version_id=a.version_id, family_round_id=a.family_round_id)


def start_for_anna(world, client=None):
    client = client or client_of(world, world.animator)
    response = client.post(f"/{SLUG}/instruments/new?participant={world.anna.id}",
                           data={"instrument": world.version.instrument_id})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def url(administration_id, action=""):
    return f"/{SLUG}/instruments/administrations/{administration_id}/{action}"


# --- definitions: partnership admins -------------------------------------------------------------

def test_an_admin_installs_an_example_and_sees_its_questions_domains_and_bands(world):
    client = client_of(world, world.admin)
    index = client.get(f"/{SLUG}/instruments/").get_data(as_text=True)
    assert "Diagnoza potrzeb i umiejętności (przykład)" in index
    response = client.post(f"/{SLUG}/instruments/examples/install", data={"key": "carer_wlb"})
    assert response.status_code == 302
    assert count(world, Instrument, Instrument.key == "carer_wlb") == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Samoocena równowagi praca–rodzina dla opiekunów (przykład)" in page
    assert "Godzenie pracy i opieki" in page and "dobra równowaga" in page
    # installing it again is refused with a message, nothing duplicated
    again = client.post(f"/{SLUG}/instruments/examples/install", data={"key": "carer_wlb"},
                        follow_redirects=True)
    assert "has an instrument with the key" in again.get_data(as_text=True)
    assert count(world, Instrument, Instrument.key == "carer_wlb") == 1


def test_caseworkers_read_definitions_but_only_admins_change_them(world):
    client = client_of(world, world.animator)
    assert client.get(f"/{SLUG}/instruments/{world.version.instrument_id}/").status_code == 200
    assert client.get(f"/{SLUG}/instruments/definitions/new").status_code == 404
    assert client.post(f"/{SLUG}/instruments/examples/install",
                       data={"key": "diagnosis"}).status_code == 404
    assert client.post(f"/{SLUG}/instruments/{world.version.instrument_id}/edit",
                       data={"source": "key: x"}).status_code == 404
    assert count(world, InstrumentVersion) == 1


def test_an_invalid_definition_is_refused_with_the_faults_and_the_text_kept(world):
    client = client_of(world, world.admin)
    source = example_source("family_motivation").replace("type: yes_no", "type: tak_nie")
    response = client.post(f"/{SLUG}/instruments/definitions/new", data={"source": source})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The definition was not saved" in body
    assert "item &#34;opieka_zorganizowana&#34;: unknown type &#34;tak_nie&#34;" in body
    assert "type: tak_nie" in body  # the admin's text is still in the textarea
    assert count(world, InstrumentVersion) == 1


def test_an_uploaded_file_that_is_not_utf8_or_not_yaml_gets_a_message(world):
    client = client_of(world, world.admin)
    bad = client.post(f"/{SLUG}/instruments/definitions/new", data={
        "source": "", "upload": (io.BytesIO("klucz: zażółć".encode("cp1250")), "a.yaml")},
        content_type="multipart/form-data")
    assert bad.status_code == 422
    assert "The file is not UTF-8 text" in bad.get_data(as_text=True)
    broken = client.post(f"/{SLUG}/instruments/definitions/new", data={
        "source": "", "upload": (io.BytesIO(b"key: [unclosed\n"), "a.yaml")},
        content_type="multipart/form-data")
    assert broken.status_code == 422
    assert "not valid YAML" in broken.get_data(as_text=True)
    assert count(world, InstrumentVersion) == 1


def test_a_file_upload_creates_an_instrument(world):
    client = client_of(world, world.admin)
    source = example_source("diagnosis").encode()
    response = client.post(f"/{SLUG}/instruments/definitions/new", data={
        "source": "", "upload": (io.BytesIO(source), "diagnoza.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert count(world, Instrument, Instrument.key == "diagnosis") == 1


def test_editing_creates_a_new_version_and_keeps_the_old_one(world):
    client = client_of(world, world.admin)
    finished = world.instruments.administration(world.version, world.anna, world.ngo,
                                                answers={"chce_pracowac": 5})
    edit_url = f"/{SLUG}/instruments/{world.version.instrument_id}/edit"
    form = client.get(edit_url).get_data(as_text=True)
    assert "key: family_motivation" in form
    changed = example_source("family_motivation").replace(
        "title: Test motywacji rodziny (przykład)", "title: Test motywacji rodziny 2027")
    response = client.post(edit_url, data={"source": changed})
    assert response.status_code == 302
    assert count(world, InstrumentVersion) == 2
    page = client.get(f"/{SLUG}/instruments/{world.version.instrument_id}/").get_data(
        as_text=True)
    assert "Test motywacji rodziny 2027" in page
    old = client.get(f"/{SLUG}/instruments/{world.version.instrument_id}/?version=1")
    assert "Test motywacji rodziny (przykład)" in old.get_data(as_text=True)
    assert administration_row(world, finished.id).version_id == world.version.id
    # the key cannot change, and saving the same text again is refused
    renamed = client.post(edit_url, data={"source": changed.replace(
        "key: family_motivation", "key: motywacja")})
    assert renamed.status_code == 422
    assert "The key cannot change between versions" in renamed.get_data(as_text=True)
    same = client.post(edit_url, data={"source": changed})
    assert "nothing to save" in same.get_data(as_text=True)
    assert count(world, InstrumentVersion) == 2
    # a version that does not exist, or a hand-edited ?version=, is never a 500
    assert client.get(f"/{SLUG}/instruments/{world.version.instrument_id}/?version=9"
                      ).status_code == 404
    assert client.get(f"/{SLUG}/instruments/{world.version.instrument_id}/?version=x"
                      ).status_code == 200


# --- administering -------------------------------------------------------------------------------

def test_draft_then_finish_shows_the_scores_bands_and_texts(world):
    client = client_of(world, world.animator)
    administration_id = start_for_anna(world, client)
    form = client.get(url(administration_id)).get_data(as_text=True)
    assert "Chcę podjąć pracę w ciągu najbliższych trzech miesięcy." in form
    assert 'name="q-chce_pracowac" value="5"' in form

    saved = client.post(url(administration_id), data={"action": "save", "q-chce_pracowac": "5",
                                                      "q-uwagi_animatora": "Pierwsza rozmowa"})
    assert saved.status_code == 303
    row = administration_row(world, administration_id)
    assert row.status == "draft"
    assert row.answers == {"chce_pracowac": 5, "uwagi_animatora": "Pierwsza rozmowa"}
    again = client.get(url(administration_id)).get_data(as_text=True)
    assert 'value="5" checked' in again and "Pierwsza rozmowa" in again

    finished = client.post(url(administration_id), data={"action": "finish", **FULL_ANSWERS})
    assert finished.status_code == 303
    row = administration_row(world, administration_id)
    assert row.status == "finished"
    assert row.scores["total"]["score"] == 4.4
    page = client.get(url(administration_id)).get_data(as_text=True)
    assert "Motywacja ogółem" in page and "wysoka motywacja" in page
    assert "Wysoka gotowość – zaplanujcie teraz poszukiwanie pracy." in page
    assert "Gotowość do zmiany" in page and "Wsparcie w rodzinie" in page
    # a finished administration cannot be changed any more
    late = client.post(url(administration_id), data={"action": "save", **FULL_ANSWERS,
                                                     "q-chce_pracowac": "1"},
                       follow_redirects=True)
    assert "can no longer be changed" in late.get_data(as_text=True)
    assert administration_row(world, administration_id).answers["chce_pracowac"] == 5


def test_finishing_without_the_required_answers_is_refused_and_the_draft_is_kept(world):
    client = client_of(world, world.animator)
    administration_id = start_for_anna(world, client)
    response = client.post(url(administration_id), data={"action": "finish",
                                                         "q-chce_pracowac": "4"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This question needs an answer before you finish." in body
    assert body.count('class="field question has-error"') == 7  # the required ones left
    row = administration_row(world, administration_id)
    assert row.status == "draft" and row.answers == {"chce_pracowac": 4}


def test_bad_answers_get_messages_and_nothing_is_saved(world):
    client = client_of(world, world.animator)
    administration_id = start_for_anna(world, client)
    response = client.post(url(administration_id), data={
        "action": "save", "q-chce_pracowac": "9", "q-opieka_zorganizowana": "maybe",
        "q-uwagi_animatora": "x" * 2001})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a point of the scale." in body
    assert "Answer yes or no." in body
    assert "At most 2000 characters." in body
    assert administration_row(world, administration_id).answers == {}
    assert client.post(url(administration_id), data={"action": "delete-everything"}
                       ).status_code == 400
    assert client.get(f"/{SLUG}/instruments/new?participant=abc").status_code == 404
    assert client.get(f"/{SLUG}/instruments/new?family=abc").status_code == 404
    assert client.post(f"/{SLUG}/instruments/new?participant={world.anna.id}",
                       data={"instrument": "999"}).status_code == 422
    assert client.post(f"/{SLUG}/instruments/new?participant={world.anna.id}",
                       data={"instrument": "abc"}).status_code == 422


def test_numbers_accept_a_decimal_comma_and_respect_the_bounds(world):
    client = client_of(world, world.animator)
    diagnosis = world.instruments.definition(world.p.id, key="diagnosis")
    response = client.post(f"/{SLUG}/instruments/new?participant={world.anna.id}",
                           data={"instrument": diagnosis.instrument_id})
    administration_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    too_big = client.post(url(administration_id), data={"action": "save",
                                                        "q-miesiace_bez_pracy": "1000"})
    assert too_big.status_code == 422
    assert "Enter a number from 0 to 600." in too_big.get_data(as_text=True)
    words = client.post(url(administration_id), data={"action": "save",
                                                      "q-miesiace_bez_pracy": "dużo"})
    assert "Enter a number" in words.get_data(as_text=True)
    ok = client.post(url(administration_id), data={"action": "save",
                                                   "q-miesiace_bez_pracy": "7,5"})
    assert ok.status_code == 303
    assert administration_row(world, administration_id).answers == {"miesiace_bez_pracy": 7.5}


def test_a_free_text_answer_is_stored_as_given_and_shown_escaped(world):
    client = client_of(world, world.animator)
    administration_id = start_for_anna(world, client)
    attack = "<script>alert('x')</script> & <b>bold</b>"
    client.post(url(administration_id), data={"action": "finish", **FULL_ANSWERS,
                                              "q-uwagi_animatora": attack})
    assert administration_row(world, administration_id).answers["uwagi_animatora"] == attack
    page = client.get(url(administration_id)).get_data(as_text=True)
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_repeated_administrations_show_change_over_time_as_an_svg_chart(world):
    from datetime import UTC, datetime

    first = world.instruments.administration(
        world.version, world.anna, world.ngo, at=datetime(2026, 3, 2, 10, tzinfo=UTC),
        answers={"chce_pracowac": 2, "szukam_ofert": 1, "praca_sie_nie_oplaca": 5,
                 "poradze_sobie": 2, "nikt_nie_zatrudni": 5, "nauka": 2, "rodzina_wspiera": 2,
                 "opieka_zorganizowana": "no", "rozmowy": 1})
    client = client_of(world, world.animator)
    single = client.get(url(first.id)).get_data(as_text=True)
    assert "Change over time" not in single
    second = start_for_anna(world, client)
    client.post(url(second), data={"action": "finish", **FULL_ANSWERS})
    page = client.get(url(second)).get_data(as_text=True)
    assert "Change over time" in page
    assert "<svg" in page and "<path d=\"M" in page
    assert page.count('<g class="series') == 4  # the total and three domains
    assert "niska motywacja" in page and "wysoka motywacja" in page
    # CSP: no inline styles or scripts (a script file, <script src=...>, is allowed).
    assert "style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_a_family_round_gives_one_administration_per_member(world):
    client = client_of(world, world.animator)
    form = client.get(f"/{SLUG}/instruments/new?family={world.family.id}").get_data(as_text=True)
    assert "Anna Rolna" in form and "Jan Rolny" in form
    response = client.post(f"/{SLUG}/instruments/new?family={world.family.id}",
                           data={"instrument": world.version.instrument_id,
                                 "members": [world.anna.id, world.jan.id]})
    assert response.status_code == 302
    round_url = response.headers["Location"]
    assert count(world, FamilyRound) == 1
    assert count(world, Administration, Administration.family_round_id.isnot(None)) == 2
    with world.app.app_context(), partnership_scope(world.p.id):
        ids = {a.participant_id: a.id for a in db.session.scalars(select(Administration))}
    client.post(url(ids[world.anna.id]), data={"action": "finish", **FULL_ANSWERS})
    client.post(url(ids[world.jan.id]), data={"action": "finish", **FULL_ANSWERS,
                                              "q-chce_pracowac": "1", "q-szukam_ofert": "1",
                                              "q-nauka": "2", "q-poradze_sobie": "2"})
    page = client.get(round_url).get_data(as_text=True)
    assert "Anna Rolna" in page and "Jan Rolny" in page
    assert page.count("Motywacja ogółem") == 2
    assert "wysoka motywacja" in page and "umiarkowana motywacja" in page
    family_page = client.get(f"/{SLUG}/families/{world.family.id}/").get_data(as_text=True)
    assert "Instruments given to the family" in family_page
    assert round_url.split("localhost")[-1] in family_page
    assert "Instrument given to the family" in family_page  # the timeline


def test_choosing_no_member_is_refused(world):
    client = client_of(world, world.animator)
    response = client.post(f"/{SLUG}/instruments/new?family={world.family.id}",
                           data={"instrument": world.version.instrument_id})
    assert response.status_code == 422
    assert "Choose at least one family member." in response.get_data(as_text=True)
    assert count(world, FamilyRound) == 0


def test_the_participant_page_lists_administrations_and_links_to_them(world):
    finished = world.instruments.administration(world.version, world.anna, world.ngo,
                                                answers={"chce_pracowac": 5})
    page = client_of(world, world.animator).get(
        f"/{SLUG}/participants/{world.anna.id}/").get_data(as_text=True)
    assert "Test motywacji rodziny (przykład)" in page
    assert url(finished.id) in page
    assert f"/{SLUG}/instruments/new?participant={world.anna.id}" in page


def test_a_restricted_person_cannot_be_given_an_instrument(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.get(Participant, world.anna.id).processing_restricted = True
        db.session.commit()
    response = client_of(world, world.animator).post(
        f"/{SLUG}/instruments/new?participant={world.anna.id}",
        data={"instrument": world.version.instrument_id})
    assert response.status_code == 422
    assert "restricted" in response.get_data(as_text=True)
    assert count(world, Administration) == 0


def test_a_draft_saved_after_the_person_was_restricted_keeps_what_was_typed(world):
    """QA: a form opened before the restriction, sent after it, answered 200 with the
    answer gone; now 422 with the message and the answer still shown."""
    client = client_of(world, world.animator)
    administration_id = start_for_anna(world, client)
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.get(Participant, world.anna.id).processing_restricted = True
        db.session.commit()
    response = client.post(url(administration_id), data={
        "action": "save", "q-chce_pracowac": "4", "q-uwagi_animatora": "Rozmowa w GOPS"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "restricted" in page
    assert 'value="4" checked' in page and "Rozmowa w GOPS" in page
    assert administration_row(world, administration_id).answers == {}


# --- access: the registry's institution rule -----------------------------------------------------

def test_an_institution_without_access_gets_404_everywhere_and_changes_nothing(world):
    administration_id = start_for_anna(world)
    finished = world.instruments.administration(world.version, world.anna, world.ngo)
    family_round = world.instruments.family_round(world.version, world.family, world.ngo,
                                                  [world.anna])
    client = client_of(world, world.outsider)
    before = (count(world, Administration), count(world, AuditEntry))
    for path in (url(administration_id), url(finished.id),
                 f"/{SLUG}/instruments/rounds/{family_round.id}/",
                 f"/{SLUG}/instruments/new?participant={world.anna.id}",
                 f"/{SLUG}/instruments/new?family={world.family.id}"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Rolna" not in response.get_data(as_text=True)
    for path, data in ((url(administration_id), {"action": "finish", **FULL_ANSWERS}),
                       (url(administration_id, "discard"), {}),
                       (f"/{SLUG}/instruments/new?participant={world.anna.id}",
                        {"instrument": world.version.instrument_id})):
        assert client.post(path, data=data).status_code == 404, path
    assert (count(world, Administration), count(world, AuditEntry)) == before
    assert administration_row(world, administration_id).status == "draft"


def test_a_consented_institution_sees_finished_results_but_not_anothers_draft(world):
    draft = start_for_anna(world)
    finished = world.instruments.administration(world.version, world.anna, world.ngo,
                                                answers={"chce_pracowac": 5})
    client = client_of(world, world.clerk)
    assert client.get(url(finished.id)).status_code == 200
    assert client.get(url(draft)).status_code == 404
    assert client.post(url(draft), data={"action": "save"}).status_code == 404
    # it may give the instrument itself; its draft is its own
    own = start_for_anna(world, client)
    assert client.get(url(own)).status_code == 200
    # Jan has not consented: the family round shows only what the clerk may see
    assert client.get(f"/{SLUG}/instruments/new?participant={world.jan.id}").status_code == 404


def test_people_without_a_case_role_get_404(world):
    advisor = world.f.staff(world.ngo, roles=("peer_advisor",))
    client = client_of(world, advisor)
    finished = world.instruments.administration(world.version, world.anna, world.ngo)
    for path in (f"/{SLUG}/instruments/", url(finished.id),
                 f"/{SLUG}/instruments/new?participant={world.anna.id}"):
        assert client.get(path).status_code == 404, path


# --- audit ---------------------------------------------------------------------------------------

def test_each_read_and_write_is_audited_once_with_ids_only(world):
    client = client_of(world, world.animator)
    before = len(entries(world))
    client.get(f"/{SLUG}/instruments/new?participant={world.anna.id}")
    assert [(e.action, e.object_type) for e in entries(world)[before:]] == [
        ("read", "Participant")]

    before = len(entries(world))
    administration_id = start_for_anna(world, client)
    assert [(e.action, e.object_type) for e in entries(world)[before:]] == [
        ("create", "Administration")]

    before = len(entries(world))
    client.get(url(administration_id))
    client.post(url(administration_id), data={"action": "save", "q-chce_pracowac": "5",
                                              "q-uwagi_animatora": "Tajna uwaga"})
    client.post(url(administration_id), data={"action": "finish", **FULL_ANSWERS})
    client.get(url(administration_id))
    written = entries(world)[before:]
    assert [(e.action, e.object_type) for e in written] == [
        ("read", "Administration"), ("update", "Administration"),
        ("transition", "Administration"), ("read", "Administration")]
    assert all(e.object_id == str(administration_id) for e in written)
    assert all(e.actor_id == world.animator.id for e in written)
    assert written[1].detail["items"] == ["chce_pracowac", "uwagi_animatora"]
    assert not any("Tajna" in str(e.detail) or "Rolna" in str(e.detail) for e in written)

    before = len(entries(world))
    response = client.post(f"/{SLUG}/instruments/new?family={world.family.id}",
                           data={"instrument": world.version.instrument_id,
                                 "members": [world.anna.id, world.jan.id]})
    client.get(response.headers["Location"])
    assert [(e.action, e.object_type) for e in entries(world)[before:]] == [
        ("create", "FamilyRound"), ("create", "Administration"), ("create", "Administration"),
        ("read", "FamilyRound")]


def test_saving_a_definition_is_audited(world):
    client = client_of(world, world.admin)
    before = len(entries(world))
    client.post(f"/{SLUG}/instruments/examples/install", data={"key": "diagnosis"})
    (entry,) = entries(world)[before:]
    assert (entry.action, entry.object_type, entry.detail["key"], entry.detail["number"]) == (
        "create", "InstrumentVersion", "diagnosis", 1)


def test_deleting_a_draft_is_audited_and_only_drafts_can_go(world):
    client = client_of(world, world.animator)
    administration_id = start_for_anna(world, client)
    before = len(entries(world))
    response = client.post(url(administration_id, "discard"))
    assert response.status_code == 303
    assert count(world, Administration) == 0
    assert [(e.action, e.object_type) for e in entries(world)[before:]] == [
        ("delete", "Administration")]
    finished = world.instruments.administration(world.version, world.anna, world.ngo)
    refused = client.post(url(finished.id, "discard"), follow_redirects=True)
    assert "can no longer be changed" in refused.get_data(as_text=True)
    assert count(world, Administration) == 1


@pytest.mark.parametrize("data", [
    {"instrument": ["x", "1"], "members": ["abc"]},
    {"instrument": "", "members": ["-1"]},
    {"instrument": "9" * 40},
    {"members": "x"},
])
def test_odd_start_forms_get_a_message_never_a_500(world, data):
    client = client_of(world, world.animator)
    for target in (f"participant={world.anna.id}", f"family={world.family.id}"):
        response = client.post(f"/{SLUG}/instruments/new?{target}", data=data)
        assert response.status_code == 422, (target, data)
    assert count(world, Administration) == 0


@pytest.mark.parametrize("answer", ["9" * 40, "1e5", "\x00\x01", "－3", "5.5", " 5 ", "nan"])
def test_odd_answers_get_a_message_or_are_read_never_a_500(world, answer):
    client = client_of(world, world.animator)
    administration_id = start_for_anna(world, client)
    response = client.post(url(administration_id), data={
        "action": "save", "q-chce_pracowac": answer, "q-opieka_zorganizowana": answer,
        "q-uwagi_animatora": answer})
    assert response.status_code in (303, 422)
    if response.status_code == 422:
        assert administration_row(world, administration_id).answers == {}


def test_a_version_saved_at_the_same_moment_gets_a_message_not_a_500(world, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from mosty.instruments import service

    def clash(*args, **kwargs):
        raise IntegrityError("INSERT", {}, Exception("uq_instrument_version_instrument_id_number"))

    monkeypatch.setattr(service, "save_definition", clash)
    client = client_of(world, world.admin)
    edit_url = f"/{SLUG}/instruments/{world.version.instrument_id}/edit"
    response = client.post(edit_url, data={"source": example_source("family_motivation")})
    assert response.status_code == 422
    assert "Someone saved this instrument at the same time" in response.get_data(as_text=True)
