"""The embedded default (SQLite) serves several users at once and searches Polish names as
PostgreSQL does: overlapping requests wait for each other instead of failing, and lower()
folds every letter, not only ASCII."""

import threading

from sqlalchemy import text

from mosty.extensions import db
from mosty.testing.factories import login


def test_overlapping_page_views_wait_for_each_other_instead_of_failing(app, two_partnerships):
    """Each view of a person reads, then writes its audit entry. With a deferred BEGIN, two
    overlapping views each held a read lock and waited for the other's to upgrade, and SQLite
    answered "database is locked" at once: a 500 for one of two users."""
    world = two_partnerships
    f = world.factory
    person = f.participant(world.a.other)
    url = f"/part-a/participants/{person.id}/"
    statuses = []
    start = threading.Barrier(4, timeout=30)
    clients = [login(app.test_client(), world.a.caseworker) for _ in range(4)]

    def views(client):
        start.wait()
        for _ in range(8):
            statuses.append(client.get(url).status_code)

    threads = [threading.Thread(target=views, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 32


def test_lower_folds_polish_capitals(app):
    with app.app_context():
        assert db.session.scalar(text("SELECT lower('ŁUKASZ ŻÓŁĆ Ąę')")) == "łukasz żółć ąę"
        assert db.session.scalar(text("SELECT lower(NULL)")) is None


def test_search_in_lower_case_finds_a_name_with_a_polish_capital(app, two_partnerships):
    world = two_partnerships
    world.factory.participant(world.a.other, first_name="Łukasz", last_name="Żak")
    client = login(app.test_client(), world.a.caseworker)
    for q in ("łukasz", "ŁUKASZ", "żak"):
        page = client.get(f"/part-a/participants/?q={q}").get_data(as_text=True)
        assert "Żak Łukasz" in page, q
