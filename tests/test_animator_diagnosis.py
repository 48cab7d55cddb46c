"""Diagnosis and the family motivation test through the instruments package: a family round
of the ``diagnosis`` instrument per member with barriers and a family summary; the
``family_motivation`` test at entry and at reviews with scores and bands per member and for
the family, and the change as a server-rendered chart; peer advisors get 404."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mosty import dates
from mosty.extensions import db
from mosty.families.models import Family
from mosty.instruments import service as instruments
from mosty.instruments.models import Administration
from mosty.tenancy import partnership_scope
from mosty_animator import transitions
from mosty_animator.models import Barrier, Case, InstrumentRound
from test_animator_world import build, client_of, entries


@pytest.fixture
def w(app, factory):
    w = build(app, factory)
    with app.test_request_context(), partnership_scope(w.p.id):
        for key in ("diagnosis", "family_motivation"):
            instruments.install_example(key, actor_id=None)
        case = transitions.add_lead(family=db.session.get(Family, w.family.id),
                                    institution_id=w.fundacja.id, animator_id=w.animator.id,
                                    source="club", on=dates.today() - timedelta(days=30))
        case.stage = "enrolled"
        db.session.commit()
        w.case_id = case.id
    return w


def answers_for(spec, level):
    """Answers to every item: scales at ``level``, yes to yes/no, a number for numbers."""
    values = {}
    for item_id, item in spec["items"].items():
        if item["type"] == "scale":
            values[item_id] = level
        elif item["type"] == "yes_no":
            values[item_id] = "yes"
        elif item["type"] == "number":
            values[item_id] = 12
    return values


def fill_round(w, round_id, levels):
    """Finish the round's administrations, member by member, with the given scale levels."""
    with w.app.test_request_context(), partnership_scope(w.p.id):
        rows = db.session.scalars(select(Administration).where(
            Administration.family_round_id == round_id).order_by(Administration.id)).all()
        for administration, level in zip(rows, levels, strict=False):
            instruments.finish_administration(
                administration, answers_for(administration.version.spec, level),
                institution_id=w.fundacja.id, actor_id=w.animator.id)
        db.session.commit()


def start(w, client, purpose, members):
    response = client.post(f"/{w.p.slug}/animator/families/{w.family.id}/{purpose}/start",
                           data={"member_ids": [m.id for m in members]})
    assert response.status_code == 302
    assert "/instruments/" in response.headers["Location"]
    with w.app.app_context(), partnership_scope(w.p.id):
        return db.session.scalars(select(InstrumentRound).where(
            InstrumentRound.purpose == purpose).order_by(InstrumentRound.id.desc())).first()


def test_the_diagnosis_per_member_with_barriers_and_a_family_summary(w):
    client = client_of(w, w.animator)
    record = start(w, client, "diagnosis", [w.parent, w.child])
    assert record.occasion == "entry"
    fill_round(w, record.round_id, [2, 4])
    base = f"/{w.p.slug}/animator/families/{w.family.id}"
    client.post(f"{base}/barriers", data={"kind": "transport", "note": "Brak autobusu do Łobza",
                                          "participant_id": w.child.id})
    client.post(f"{base}/barriers", data={"kind": "debt", "note": "Zadłużenie za prąd"})
    response = client.post(f"{base}/barriers", data={"kind": "weather"}, follow_redirects=True)
    assert "Choose the kind of barrier." in response.get_data(as_text=True)
    client.post(f"{base}/diagnosis/summary", data={"strengths": "Rodzina trzyma się razem",
                                                   "barriers_summary": "Dojazd i długi"})
    page = client.get(f"{base}/diagnosis").get_data(as_text=True)
    for text in ("Brak autobusu do Łobza", "Zadłużenie za prąd", "Rodzina trzyma się razem",
                 "transport", "debt", "Stanisław Nowaków", "Kamila Nowaków"):
        assert text in page
    assert "not diagnosed yet" not in page
    with w.app.app_context(), partnership_scope(w.p.id):
        case = db.session.get(Case, w.case_id)
        assert case.diagnosed_on == dates.today()
        barrier_id = db.session.scalar(select(Barrier.id).where(Barrier.kind == "debt"))
    client.post(f"/{w.p.slug}/animator/barriers/{barrier_id}/delete")
    assert "Zadłużenie za prąd" not in client.get(f"{base}/diagnosis").get_data(as_text=True)
    assert [a for a, _i, _d in entries(w, "animator_barrier")] == ["create", "create", "delete"]
    assert [d["purpose"] for a, _i, d in entries(w, "animator_instrument_round")] == ["diagnosis"]


def test_the_motivation_test_at_entry_and_at_a_review_with_the_change_as_a_chart(w):
    client = client_of(w, w.animator)
    entry = start(w, client, "motivation", [w.parent, w.child])
    fill_round(w, entry.round_id, [2, 3])
    base = f"/{w.p.slug}/animator/families/{w.family.id}/motivation"
    page = client.get(base).get_data(as_text=True)
    assert "at entry" in page and "<svg" not in page  # one point: no chart yet
    review = start(w, client, "motivation", [w.parent, w.child])
    assert (entry.occasion, review.occasion) == ("entry", "review")
    fill_round(w, review.round_id, [4, 5])
    page = client.get(base).get_data(as_text=True)
    assert "at a review" in page
    with w.app.test_request_context(), partnership_scope(w.p.id):
        from mosty_animator import service

        case = db.session.get(Case, w.case_id)
        points = service.motivation_points(service.instrument_rounds(case, "motivation",
                                                                     w.fundacja.id))
        assert [p.occasion for p in points] == ["entry", "review"]
        assert points[1].family > points[0].family
        assert set(points[0].members) == {w.parent.id, w.child.id}
        assert points[0].family_band and points[1].family_band
    assert f'data-family-score="{points[1].family}"' in page
    assert "<svg" in page and "<path" in page and "style=" not in page.split("<svg")[1]
    dashboard = client.get(f"/{w.p.slug}/animator/dashboard").get_data(as_text=True)
    trend = dashboard.split('id="motivation-trend"')[1]
    change = points[1].family - points[0].family
    assert "Rodzina Nowaków" in trend and f"{change:+.2f}" in trend


def test_a_motivation_round_at_a_review_names_the_plan_review(w):
    client = client_of(w, w.animator)
    entry = start(w, client, "motivation", [w.parent])
    with w.app.test_request_context(), partnership_scope(w.p.id):
        case = db.session.get(Case, w.case_id)
        plan = transitions.start_plan(case)
        goal = transitions.add_goal(plan, text="Praca dla Stanisława")
        signed_on = dates.today() - timedelta(days=2)
        transitions.sign_by_family(plan, w.parent.id, on=signed_on)
        transitions.sign_by_animator(plan, w.animator.id, on=signed_on)
        held_on = dates.today() - timedelta(days=1)
        review = transitions.record_review(plan, held_on=held_on, notes="",
                                           progress={goal.id: 40})
        db.session.commit()
        review_id = review.id
    again = start(w, client, "motivation", [w.parent])
    assert (entry.review_id, again.occasion, again.review_id) == (None, "review", review_id)
    assert entries(w, "animator_instrument_round")[-1][2]["review_id"] == review_id
    page = client.get(f"/{w.p.slug}/animator/families/{w.family.id}/motivation")
    text = page.get_data(as_text=True)
    assert "at entry" in text and "at the review of" in text and "#reviews" in text


def test_no_instrument_installed_is_a_clear_message(app, factory):
    w = build(app, factory)
    with app.test_request_context(), partnership_scope(w.p.id):
        case = transitions.add_lead(family=db.session.get(Family, w.family.id),
                                    institution_id=w.fundacja.id, animator_id=w.animator.id,
                                    source="club")
        db.session.commit()
    client = client_of(w, w.animator)
    response = client.post(f"/{w.p.slug}/animator/families/{w.family.id}/diagnosis/start",
                           data={"member_ids": [w.parent.id]}, follow_redirects=True)
    assert "no instrument with the key" in response.get_data(as_text=True)
    assert case is not None


def test_a_peer_advisor_gets_404_for_the_diagnosis_and_motivation(w):
    client_of(w, w.animator).post(f"/{w.p.slug}/animator/families/{w.family.id}/advisor",
                                  data={"advisor_id": w.advisor.id})
    advisor = client_of(w, w.advisor)
    base = f"/{w.p.slug}/animator/families/{w.family.id}"
    assert advisor.get(f"/{w.p.slug}/animator/advisor/families/{w.family.id}").status_code == 200
    for url in ("/diagnosis", "/motivation"):
        assert advisor.get(base + url).status_code == 404
    assert advisor.post(f"{base}/barriers", data={"kind": "debt"}).status_code in (403, 404)


def test_dates_and_rounds_appear_on_the_timeline(w):
    client = client_of(w, w.animator)
    record = start(w, client, "motivation", [w.parent])
    fill_round(w, record.round_id, [3])
    page = client.get(f"/{w.p.slug}/families/{w.family.id}/").get_data(as_text=True)
    assert "Family motivation test" in page
    assert record.started_on <= dates.today() + timedelta(days=1)
