"""request_memo: a loader asked twice in one request reads once; anything written, pending or
rolled back makes it read again; outside a request it always reads. And the participant page
no longer sends the same query twice."""

from collections import Counter

from sqlalchemy import event, func, select

from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.request_memo import request_memo
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory, login

calls = []


@request_memo
def people_named(last_name):
    calls.append(last_name)
    return list(db.session.scalars(select(Participant.id).where(
        Participant.last_name == last_name)))


def world(app):
    f = RegistryFactory(app)
    p = f.partnership(slug="pamiec")
    ops = f.institution(p, name="OPS Pamięć")
    return f, p, ops


def test_the_second_ask_in_a_request_is_answered_from_the_first(app):
    f, p, ops = world(app)
    f.participant(ops, last_name="Kowalska")
    calls.clear()
    with app.test_request_context(), partnership_scope(p.id):
        first = people_named("Kowalska")
        assert people_named("Kowalska") is first
        assert people_named("Nowak") == []
    assert calls == ["Kowalska", "Nowak"]


def test_the_same_question_asked_with_other_words_reads_once(app):
    f, p, ops = world(app)
    f.participant(ops, last_name="Kowalska")

    @request_memo
    def people(last_name, first_name=None):
        calls.append((last_name, first_name))
        return []

    calls.clear()
    with app.test_request_context(), partnership_scope(p.id):
        people("Kowalska")
        people(last_name="Kowalska")
        people("Kowalska", first_name=None)
        people("Kowalska", "Anna")
    assert calls == [("Kowalska", None), ("Kowalska", "Anna")]


def test_a_new_request_reads_again(app):
    f, p, ops = world(app)
    f.participant(ops, last_name="Kowalska")
    calls.clear()
    for _ in range(2):
        with app.test_request_context(), partnership_scope(p.id):
            people_named("Kowalska")
    assert calls == ["Kowalska", "Kowalska"]


def test_a_flush_or_a_pending_change_makes_it_read_again(app):
    f, p, ops = world(app)
    existing = f.participant(ops, last_name="Kowalska")
    calls.clear()
    with app.test_request_context(), partnership_scope(p.id):
        assert people_named("Kowalska") == [existing.id]
        row = db.session.get(Participant, existing.id)
        template = {c.name: getattr(row, c.name) for c in Participant.__table__.columns
                    if c.name not in ("id", "pesel")}
        db.session.add(Participant(**template))  # pending, not flushed yet
        assert len(people_named("Kowalska")) == 2  # ran again (autoflush) and sees it
        db.session.flush()
        assert len(people_named("Kowalska")) == 2
        assert len(calls) == 3  # the flush forgot the answer
        db.session.rollback()
        assert people_named("Kowalska") == [existing.id]
    assert len(calls) == 4


def test_outside_a_request_it_always_reads(app):
    f, p, ops = world(app)
    f.participant(ops, last_name="Kowalska")
    calls.clear()
    with app.app_context(), partnership_scope(p.id):
        people_named("Kowalska")
        people_named("Kowalska")
    assert calls == ["Kowalska", "Kowalska"]


def test_the_participant_page_sends_no_query_twice(app):
    f, p, ops = world(app)
    other = f.institution(p, name="PUP Pamięć", kind="pup")
    worker = f.staff(ops)
    person = f.participant(ops, last_name="Kowalska")
    f.consent(person, [other])
    f.referral(person, ops, other)
    with app.app_context(), partnership_scope(p.id):
        assert db.session.scalar(select(func.count()).select_from(Participant)) == 1
        engine = db.engine
    client = login(app.test_client(), worker)
    url = f"/pamiec/participants/{person.id}/"
    assert client.get(url).status_code == 200
    sent = []

    def note(conn, cursor, statement, parameters, *args):
        sent.append((statement, repr(parameters)))

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    repeated = [s for s, n in Counter(sent).items() if n > 1
                and s[0].lstrip().upper().startswith("SELECT")
                and "set_config" not in s[0]]
    assert repeated == [], repeated
