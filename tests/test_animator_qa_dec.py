"""QA findings of December: the board's commune filter offers the communes where the families
on the board live; scores in the language's number format ("2,4", "+1,10"); open information
requests first; no step form for an enrolled family; one date format on the motivation page;
demo goals that need no declension of the name."""

import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy import select

from mosty import dates
from mosty.extensions import db
from mosty.families.models import Family
from mosty.instruments import service as instruments
from mosty.instruments.models import Administration
from mosty.tenancy import partnership_scope
from mosty_animator import demo, transitions
from mosty_animator.models import Case, InfoRequest
from test_animator_diagnosis import answers_for, start
from test_animator_world import build, client_of


@pytest.fixture
def w(app, factory):
    return build(app, factory)


def polish(client):
    with client.session_transaction() as session:
        session["locale"] = "pl"
    return client


def lead(w, family_id, institution=None, animator=None):
    with w.app.test_request_context(), partnership_scope(w.p.id):
        case = transitions.add_lead(family=db.session.get(Family, family_id),
                                    institution_id=(institution or w.fundacja).id,
                                    animator_id=(animator or w.animator).id, source="club",
                                    on=dates.today() - timedelta(days=30))
        db.session.commit()
        return case.id


def commune_options(page):
    select_html = page.split('<select id="commune"')[1].split("</select>")[0]
    return re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select_html)


# --- 1. the commune filter ----------------------------------------------------------------------

def test_the_commune_filter_offers_where_the_families_on_the_board_live(w, factory):
    # The territory names the counties 3215 and 3201 and one commune, Łobez (3215011), where
    # both families of the world live. Three more families live in communes the territory does
    # not list; one family is in the registry but not on the board; one is on another
    # institution's board.
    for name, teryt, locality in (("Dalekich", "3201022", "Rarwino"),
                                  ("Bliskich", "3201022", "Pomianowo"),
                                  ("Miejskich", "3201011", "Białogard")):
        lead(w, factory.family(w.fundacja, name=f"Rodzina {name}", teryt=teryt,
                               locality=locality).id)
    lead(w, w.family.id)
    factory.family(w.fundacja, name="Rodzina Poza", teryt="3201064", locality="Dobrowo")
    pup_animator = factory.staff(w.pup, roles=("animator",), name="Olga Urzędniczka")
    lead(w, factory.family(w.pup, name="Rodzina Obcych", teryt="3216044", locality="Łęgi").id,
         institution=w.pup, animator=pup_animator)
    client = client_of(w, w.animator)
    board = f"/{w.p.slug}/animator/"

    options = commune_options(client.get(board).get_data(as_text=True))
    # In Polish order: "Łobez" between "Białogard" and "Pomianowo", not after them; the
    # territory's commune by its name, the others by their families' localities and code.
    assert [(value, label) for value, _s, label in options] == [
        ("", "all"), ("3201011", "Białogard (3201011)"), ("3215011", "Łobez"),
        ("3201022", "Pomianowo, Rarwino (3201022)")]

    # Within the chosen county only.
    options = commune_options(client.get(f"{board}?county=3201").get_data(as_text=True))
    assert [value for value, _s, _l in options] == ["", "3201011", "3201022"]

    # An offered commune filters the board, and the form says which one is chosen.
    page = client.get(f"{board}?county=3201&commune=3201022").get_data(as_text=True)
    assert "Rodzina Dalekich" in page and "Rodzina Bliskich" in page
    assert "Rodzina Miejskich" not in page and "Rodzina Nowaków" not in page
    assert [value for value, selected, _l in commune_options(page) if selected] == ["3201022"]


def test_the_territory_communes_are_offered_as_before_with_no_family_there(w):
    # No family on the board yet: the territory's own commune is still offered, by its name.
    page = client_of(w, w.animator).get(f"/{w.p.slug}/animator/").get_data(as_text=True)
    assert [(v, label) for v, _s, label in commune_options(page)] == [("", "all"),
                                                                     ("3215011", "Łobez")]


def test_a_commune_typed_into_the_address_is_shown_as_chosen(w):
    page = client_of(w, w.animator).get(f"/{w.p.slug}/animator/?commune=3203024")
    options = commune_options(page.get_data(as_text=True))
    assert ("3203024", " selected", "3203024") in options


# --- 2 and 5. numbers and dates on the motivation, dashboard and diagnosis pages ---------------

@pytest.fixture
def wi(w):
    case_id = lead(w, w.family.id)
    with w.app.test_request_context(), partnership_scope(w.p.id):
        for key in ("diagnosis", "family_motivation"):
            instruments.install_example(key, actor_id=None)
        case = db.session.get(Case, case_id)
        case.stage = "enrolled"
        db.session.commit()
    return w


def fill_with_fractions(w, round_id, low, high):
    """Each member's answers alternate between two scale levels item by item, so their
    scores have decimals."""
    with w.app.test_request_context(), partnership_scope(w.p.id):
        rows = db.session.scalars(select(Administration).where(
            Administration.family_round_id == round_id).order_by(Administration.id)).all()
        for shift, administration in enumerate(rows):
            spec = administration.version.spec
            answers = answers_for(spec, low)
            scales = [i for i, item in spec["items"].items() if item["type"] == "scale"]
            for index, item_id in enumerate(scales):
                if (index + shift) % 3 == 0:
                    answers[item_id] = high
            instruments.finish_administration(administration, answers,
                                              institution_id=w.fundacja.id,
                                              actor_id=w.animator.id)
        db.session.commit()


def is_whole(value):
    return abs(value - round(value)) < 1e-9


def test_scores_and_dates_are_written_the_polish_way(wi):
    w = wi
    client = polish(client_of(w, w.animator))
    entry = start(w, client, "motivation", [w.parent, w.child])
    fill_with_fractions(w, entry.round_id, 1, 2)
    review = start(w, client, "motivation", [w.parent, w.child])
    fill_with_fractions(w, review.round_id, 3, 4)
    with w.app.test_request_context(), partnership_scope(w.p.id):
        from mosty_animator import service

        case = db.session.scalar(select(Case).where(Case.family_id == w.family.id))
        points = service.motivation_points(service.instrument_rounds(case, "motivation",
                                                                     w.fundacja.id))
    scores = [p.family for p in points] + [s for p in points for s, _b in p.members.values()]
    assert not all(is_whole(s) for s in scores)  # the test says something about decimals

    page = client.get(f"/{w.p.slug}/animator/families/{w.family.id}/motivation")
    text = page.get_data(as_text=True)
    rounds = text.split('id="rounds"')[1].split('id="chart"')[0]
    chart = text.split('id="chart"')[1]
    for score in scores:
        assert format_decimal(score, "#,##0.##", locale="pl") in rounds
        if not is_whole(score):
            assert f">{score}<" not in rounds and f"{score} ·" not in rounds
    axis = re.findall(r'text-anchor="end" font-size="11">([^<]*)<', chart)
    assert len(axis) == 5 and all(re.fullmatch(r"-?\d+,\d", label) for label in axis), axis
    # The chart's dates as the table writes them (the app's medium format, "7 gru 2026").
    days = re.findall(r'text-anchor="middle" font-size="11">([^<]*)<', chart)
    assert days == [format_date(p.on, "medium", locale="pl") for p in points]
    for day in days:
        assert f">{day}</a>" in rounds

    dashboard = client.get(f"/{w.p.slug}/animator/dashboard").get_data(as_text=True)
    trend = dashboard.split('id="motivation-trend"')[1]
    change = round(points[1].family - points[0].family, 2)
    signed = format_decimal(change, "+#,##0.00;-#,##0.00", locale="pl")
    assert "," in signed and f"Średnia zmiana od początku: {signed}" in trend
    assert f"<td>{signed} " in trend and f"{change:+.2f}" not in trend
    for score in (points[0].family, points[1].family):
        assert f"<td>{format_decimal(score, '#,##0.##', locale='pl')}</td>" in trend


def test_the_diagnosis_writes_scores_the_polish_way(wi):
    w = wi
    client = polish(client_of(w, w.animator))
    record = start(w, client, "diagnosis", [w.parent])
    fill_with_fractions(w, record.round_id, 2, 3)
    with w.app.app_context(), partnership_scope(w.p.id):
        scores = db.session.scalar(select(Administration.scores).where(
            Administration.family_round_id == record.round_id))
    values = [scores["total"]["score"]] if (scores.get("total") or {}).get("score") else []
    values += [d["score"] for d in scores.get("domains") or () if d.get("score") is not None]
    assert values and not all(is_whole(v) for v in values)
    page = client.get(f"/{w.p.slug}/animator/families/{w.family.id}/diagnosis")
    text = page.get_data(as_text=True)
    for value in values:
        assert format_decimal(value, "#,##0.##", locale="pl") in text
        if not is_whole(value):
            assert f": {round(value, 2)}" not in text and f">{round(value, 2)}" not in text


def test_the_signed_change_and_the_axis_in_each_language(app):
    from flask_babel import force_locale

    from mosty_animator.views import _numbers

    numbers = _numbers()
    with app.test_request_context():
        with force_locale("pl"):
            assert numbers["signed_change"](1.1) == "+1,10"
            assert numbers["signed_change"](-0.456) == "-0,46"
            assert numbers["axis_number"](2) == "2,0"
        with force_locale("en"):
            assert numbers["signed_change"](1.1) == "+1.10"
            assert numbers["axis_number"](-0.0) == "0.0"


# --- 3. information requests: the open ones first --------------------------------------------

def test_open_requests_come_first_by_deadline_then_the_answered_latest_first(w):
    today = dates.today()
    with w.app.test_request_context(), partnership_scope(w.p.id):
        def ask(question, days):
            return transitions.ask_operators(institution_id=w.fundacja.id,
                                             asked_by_id=w.animator.id, question=question,
                                             deadline=today + timedelta(days=days))

        answered_long_ago = ask("Pytanie odpowiedziane dawno", 1)
        late = ask("Pytanie na później", 20)
        answered_lately = ask("Pytanie odpowiedziane niedawno", 2)
        soon = ask("Pytanie pilne", 3)
        transitions.answer_request(answered_long_ago, answer="Tak.", answered_by_id=w.operator.id,
                                   on=today - timedelta(days=5))
        transitions.answer_request(answered_lately, answer="Nie.", answered_by_id=w.operator.id,
                                   on=today - timedelta(days=1))
        # An open request whose deadline has passed is the most pressing one.
        soon_id, overdue = soon.id, ask("Pytanie po terminie", 1)
        db.session.flush()
        overdue.deadline = today - timedelta(days=2)
        db.session.commit()
        assert {r.status for r in db.session.scalars(select(InfoRequest))} == {"open",
                                                                              "answered"}
        assert soon_id and late.id
    expected = ["Pytanie po terminie", "Pytanie pilne", "Pytanie na później",
                "Pytanie odpowiedziane niedawno", "Pytanie odpowiedziane dawno"]
    for user in (w.animator, w.operator):
        page = client_of(w, user).get(f"/{w.p.slug}/animator/requests/").get_data(as_text=True)
        table = page.split("<tbody>")[1]
        assert sorted(expected, key=table.index) == expected


# --- 4. no step form for an enrolled family ---------------------------------------------------

def test_an_enrolled_family_has_no_step_form(w):
    case_id = lead(w, w.family.id)
    client = client_of(w, w.animator)
    url = f"/{w.p.slug}/animator/families/{w.family.id}"
    step_form = f'action="/{w.p.slug}/animator/families/{w.family.id}/step"'
    page = client.get(url).get_data(as_text=True)
    assert step_form in page and 'id="step-on"' in page and 'value="contacted"' in page
    with w.app.app_context(), partnership_scope(w.p.id):
        db.session.get(Case, case_id).stage = "enrolled"
        db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert step_form not in page and 'id="step-on"' not in page
    assert "Enrolled" in page  # the page itself is there
    # A step posted anyway is refused with a message, not a 500.
    response = client.post(f"{url}/step", data={"step": "enroll"}, follow_redirects=True)
    assert response.status_code == 422


def test_a_lead_s_refused_step_comes_back_with_the_date_typed(w):
    lead(w, w.family.id)
    url = f"/{w.p.slug}/animator/families/{w.family.id}"
    response = client_of(w, w.animator).post(f"{url}/step",
                                             data={"step": "contacted", "on": "2026-02-30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is no such day as 2026-02-30." in page
    assert 'id="step-on"' in page and 'value="2026-02-30"' in page


# --- 6. the demo's goals ------------------------------------------------------------------------

def test_the_demo_goals_need_no_declension_of_the_name():
    texts = [text for text, _whose, _actions in demo.GOALS if "%(name)s" in text]
    assert texts, "the demo names the member in a goal"
    for text in texts:
        # The name stands apart (in brackets, or before a colon), never after a preposition
        # or a noun that would need it in another case ("dla Łukasza").
        assert "(%(name)s)" in text or text.startswith("%(name)s:"), text
    assert demo.GOALS[0][0] % {"name": "Łukasz"} == "Stała praca (Łukasz)"
