"""Peer advisors and information operators: an advisor assigned to family A sees A's minimal
card and nothing else (404 for family B, for A's case page with its notes and eligibility, and
for A's plan); advisors come from the family's county club; information requests are asked by
animators and answered by operators."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mosty import dates
from mosty.extensions import db
from mosty.families.models import Family
from mosty.tenancy import partnership_scope
from mosty_animator import transitions
from mosty_animator.models import Case, InfoRequest
from test_animator_world import build, client_of, entries


@pytest.fixture
def w(app, factory):
    w = build(app, factory)
    with app.test_request_context(), partnership_scope(w.p.id):
        for family_id in (w.family.id, w.family_b.id):
            case = transitions.add_lead(family=db.session.get(Family, family_id),
                                        institution_id=w.fundacja.id,
                                        animator_id=w.animator.id, source="club",
                                        note="Ojciec pije, dług za prąd")
            case.stage = "enrolled"
            transitions.log_contact(case, on=dates.today(), kind="home_visit",
                                    note="Notatka poufna z wizyty")
        db.session.commit()
    return w


def assign(w, family_id, advisor):
    client = client_of(w, w.animator)
    return client.post(f"/{w.p.slug}/animator/families/{family_id}/advisor",
                       data={"advisor_id": advisor.id}, follow_redirects=True)


def test_an_advisor_sees_the_minimal_card_of_their_family_only(w):
    assign(w, w.family.id, w.advisor)
    client = client_of(w, w.advisor)
    base = f"/{w.p.slug}/animator"
    listing = client.get(f"{base}/advisor/").get_data(as_text=True)
    assert "Rodzina Nowaków" in listing and "Rodzina Wiśniewskich" not in listing
    card = client.get(f"{base}/advisor/families/{w.family.id}")
    text = card.get_data(as_text=True)
    assert card.status_code == 200
    assert "Rodzina Nowaków" in text and "Stanisław" in text and "Kamila" in text
    for secret in ("Notatka poufna", "Ojciec pije", "Nowaków, Stanisław", "1962", "PESEL",
                   "eligib"):
        assert secret not in text
    # Another family, and the assigned family's case page (notes, contacts, eligibility), plan
    # and agreements: 404, as if they did not exist.
    for url in (f"/advisor/families/{w.family_b.id}", f"/families/{w.family.id}",
                f"/families/{w.family.id}/plan", f"/families/{w.family.id}/plan/print",
                f"/families/{w.family.id}/agreements/new", "/", "/dashboard", "/requests/",
                f"/families/{w.family.id}/diagnosis", f"/families/{w.family.id}/motivation"):
        assert client.get(base + url).status_code == 404, url
    # ... and the registry's pages, lists and search of the family and its members.
    for url in (f"/participants/{w.parent.id}/", f"/families/{w.family.id}/",
                "/participants/?q=Nowak", "/families/", "/reports/"):
        assert client.get(f"/{w.p.slug}" + url).status_code == 404, url
    assert client.post(f"{base}/families/{w.family.id}/contacts",
                       data={"on": dates.today().isoformat(), "kind": "phone"}).status_code in (403, 404)
    assert [d.get("card") for a, _i, d in entries(w, "animator_case")
            if a == "read" and d.get("card")] == [True]


def test_after_unassignment_the_card_is_gone(w):
    assign(w, w.family.id, w.advisor)
    client_of(w, w.animator).post(f"/{w.p.slug}/animator/families/{w.family.id}/advisor",
                                  data={"advisor_id": ""})
    client = client_of(w, w.advisor)
    assert client.get(f"/{w.p.slug}/animator/advisor/families/{w.family.id}").status_code == 404


def test_advisors_come_from_the_familys_county(w):
    response = assign(w, w.family.id, w.far_advisor)
    assert "Choose a peer advisor of the family" in response.get_data(as_text=True)
    with w.app.app_context(), partnership_scope(w.p.id):
        assert db.session.get(Case, 1).advisor_id is None
    page = client_of(w, w.animator).get(f"/{w.p.slug}/animator/families/{w.family.id}")
    assert "Jan Doradca" in page.get_data(as_text=True)
    assert "Daleki Doradca" not in page.get_data(as_text=True)


def test_information_requests_asked_by_animators_answered_by_operators(w):
    animator = client_of(w, w.animator)
    base = f"/{w.p.slug}/animator/requests"
    response = animator.post(f"{base}/", data={"question": "Jakie kursy w Łobzie?",
                                               "deadline": "2000-01-01"}, follow_redirects=True)
    assert "The deadline cannot be in the past." in response.get_data(as_text=True)
    deadline = (dates.today() + timedelta(days=7)).isoformat()
    animator.post(f"{base}/", data={"question": "Jakie kursy w Łobzie?", "deadline": deadline})
    with w.app.app_context(), partnership_scope(w.p.id):
        request_id = db.session.query(InfoRequest.id).scalar()
    operator = client_of(w, w.operator)
    assert "Jakie kursy w Łobzie?" in operator.get(f"{base}/").get_data(as_text=True)
    # Only operators answer.
    animator.post(f"{base}/{request_id}", data={"answer": "x"})
    operator.post(f"{base}/{request_id}", data={"answer": "Kurs spawacza od marca"})
    page = animator.get(f"{base}/{request_id}").get_data(as_text=True)
    assert "Kurs spawacza od marca" in page and "Ewa Operatorka" in page
    with w.app.app_context(), partnership_scope(w.p.id):
        item = db.session.get(InfoRequest, request_id)
        assert item.status == "answered" and item.answered_by_id == w.operator.id
    # The operator sees no families.
    assert operator.get(f"/{w.p.slug}/animator/families/{w.family.id}").status_code == 404
    assert operator.get(f"/{w.p.slug}/animator/").status_code == 404


def test_a_nonsense_advisor_is_refused_and_the_assignment_kept(w):
    assign(w, w.family.id, w.advisor)
    response = client_of(w, w.animator).post(
        f"/{w.p.slug}/animator/families/{w.family.id}/advisor", data={"advisor_id": "abc"},
        follow_redirects=True)
    assert "Choose a peer advisor of the family" in response.get_data(as_text=True)
    with w.app.app_context(), partnership_scope(w.p.id):
        assert db.session.get(Case, 1).advisor_id == w.advisor.id


def test_read_access_shows_the_pages_but_refuses_writes(w, factory):
    from mosty.plugins.models import ModuleGrant

    with w.app.app_context(), partnership_scope(w.p.id):
        db.session.add(ModuleGrant(module_key="animator", role="caseworker", access="read"))
        db.session.commit()
    reader = client_of(w, factory.staff(w.fundacja, roles=("caseworker",)))
    base = f"/{w.p.slug}/animator"
    page = reader.get(f"{base}/families/{w.family.id}")
    assert page.status_code == 200 and "Record the contact" not in page.get_data(as_text=True)
    assert reader.get(f"{base}/leads/new").status_code == 403
    assert reader.get(f"{base}/families/{w.family.id}/agreements/new").status_code == 403
    assert reader.post(f"{base}/families/{w.family.id}/step",
                       data={"step": "contacted"}).status_code == 403


def test_no_advisor_is_assigned_to_a_family_with_a_restricted_member(w):
    from mosty.participants.models import Participant

    with w.app.app_context(), partnership_scope(w.p.id):
        db.session.get(Participant, w.child.id).processing_restricted = True
        db.session.commit()
    response = assign(w, w.family.id, w.advisor)
    assert "data is restricted (GDPR art. 18)" in response.get_data(as_text=True)
    with w.app.app_context(), partnership_scope(w.p.id):
        assert db.session.scalar(select(Case.advisor_id).where(
            Case.family_id == w.family.id)) is None
    assert client_of(w, w.advisor).get(
        f"/{w.p.slug}/animator/advisor/families/{w.family.id}").status_code == 404


def test_a_superscript_digit_is_refused_with_a_message_not_an_error(w):
    """"²" passes str.isdigit() but int() refuses it."""
    response = assign(w, w.family.id, SimpleNamespace(id="²"))
    assert response.status_code == 422
    assert "Choose a peer advisor of the family" in response.get_data(as_text=True)
    client = client_of(w, w.animator)
    response = client.post(f"/{w.p.slug}/animator/families/{w.family.id}/motivation/start",
                           data={"member_ids": ["²"]})
    assert response.status_code == 422
    assert "Choose members of this family." in response.get_data(as_text=True)
