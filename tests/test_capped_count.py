"""Lists count their records only up to MOSTY_COUNT_CAP ("1–25 of more than 1000" at real
volume): the pager's text, its Next link around and beyond the cap, and the bounded count
query itself."""

import pytest
from sqlalchemy import event, insert, select

from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login


@pytest.fixture
def crowded(make_app):
    """A caseworker's institution with 23 people; lists of 5 per page, counted up to 10."""
    app = make_app(MOSTY_PAGE_SIZE=5, MOSTY_COUNT_CAP=10)
    from mosty.testing.factories import RegistryFactory

    f = RegistryFactory(app)
    p = f.partnership(slug="liczenie")
    ops = f.institution(p, name="OPS Liczenie")
    worker = f.staff(ops)
    first = f.participant(ops, last_name="Aaa")
    with app.app_context(), partnership_scope(p.id):
        row = {c.name: getattr(db.session.get(Participant, first.id), c.name)
               for c in Participant.__table__.columns if c.name not in ("id", "pesel")}
        db.session.execute(insert(Participant), [
            {**row, "last_name": f"Nazwisko{n:02d}"} for n in range(22)])
        db.session.commit()
    client = login(app.test_client(), worker)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    return app, client, p


def pager_text(client, url):
    html = client.get(url).get_data(as_text=True)
    start = html.index('class="pager"')
    return html[start:html.index("</nav>", start)]


def test_below_the_cap_the_total_is_exact(make_app):
    app = make_app(MOSTY_PAGE_SIZE=5, MOSTY_COUNT_CAP=1000)
    from mosty.testing.factories import RegistryFactory

    f = RegistryFactory(app)
    p = f.partnership(slug="malo")
    ops = f.institution(p)
    worker = f.staff(ops)
    for n in range(7):
        f.participant(ops, last_name=f"Osoba{n}")
    client = login(app.test_client(), worker)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    text = pager_text(client, "/malo/participants/")
    assert "1–5 z 7" in text
    assert "ponad" not in text


def test_past_the_cap_the_pager_says_more_than_and_next_still_works(crowded):
    _app, client, _p = crowded
    first = pager_text(client, "/liczenie/participants/")
    assert "1–5 z ponad 10" in first
    assert 'rel="next"' in first
    # Page 3 ends at row 15, past the cap: the count reaches just beyond this page.
    third = pager_text(client, "/liczenie/participants/?page=3")
    assert "11–15 z ponad 15" in third
    assert 'rel="next"' in third
    # The last page (rows 21-23) is exact again and has no Next.
    last = pager_text(client, "/liczenie/participants/?page=5")
    assert "21–23 z 23" in last
    assert 'rel="next"' not in last
    assert 'rel="prev"' in last


def test_the_count_query_stops_at_the_cap(crowded):
    app, client, _p = crowded
    client.get("/liczenie/participants/")
    seen = []
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get("/liczenie/participants/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    counts = [s for s in seen if "count(" in s.lower() and "participant" in s]
    assert counts, seen
    assert all("LIMIT" in s.upper() for s in counts)


def test_english_pager_reads_more_than(crowded):
    _app, client, _p = crowded
    with client.session_transaction() as session:
        session["locale"] = "en"
    assert "1–5 of more than 10" in pager_text(client, "/liczenie/participants/")


def test_counted_pages_agree_with_the_rows(crowded):
    """Every page of the capped list together holds each visible person exactly once."""
    app, client, p = crowded
    with app.app_context(), partnership_scope(p.id):
        expected = set(db.session.scalars(select(Participant.id)))
    seen = []
    for page in range(1, 6):
        html = client.get(f"/liczenie/participants/?page={page}").get_data(as_text=True)
        seen += [int(part.split("/")[0]) for part in
                 html.split('href="/liczenie/participants/')[1:] if part.split("/")[0].isdigit()]
    assert sorted(seen) == sorted(expected)


def test_a_page_past_the_end_goes_to_the_last_page_keeping_search_and_sort(crowded):
    # It showed an empty list reading "0–0 z 23".
    app, client, p = crowded
    response = client.get("/liczenie/participants/?page=1000&sort=-name&q=Nazwisko")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/liczenie/participants/?")
    assert "page=5" in location and "sort=-name" in location and "q=Nazwisko" in location
    assert "Nazwisko00" in client.get(location).get_data(as_text=True)
    # Past the cap the count reaches this page anyway, so the last page is the true one.
    response = client.get("/liczenie/participants/?page=40")
    assert response.headers["Location"].endswith("page=5")


def test_an_empty_list_stays_on_its_first_page(make_app):
    app = make_app()
    from mosty.testing.factories import RegistryFactory

    f = RegistryFactory(app)
    p = f.partnership(slug="pusto")
    client = login(app.test_client(), f.staff(f.institution(p)))
    assert client.get("/pusto/participants/").status_code == 200
    assert client.get("/pusto/participants/?page=3").headers["Location"].endswith("page=1")
