"""Second review of the Work Animator's views, as specifications: on the lead and agreement
pages a refusal about one field is shown beside that field (the top of the page keeps only
refusals about the whole record), and the rules of a step hold for every caller of
``transitions``, not only for the view that used to check them."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

import test_animator_review_fixes as review_fixes
from mosty.extensions import db
from mosty.families.models import Family
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from mosty_animator import transitions
from mosty_animator.models import Case
from test_animator_review_fixes import TODAY, new_family, saved, text, url
from test_animator_world import client_of, family_with_two_generations

w = review_fixes.w  # the fixture: a family with a signed plan, another family enrolled

TOP_ERROR = 'class="flash flash-error" role="alert"'


def field_block(page, field_id):
    """The HTML of the field block (``<div class="field…">`` or ``<fieldset id=…>``) holding
    the control ``field_id``."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>|<fieldset.*?</fieldset>', page,
                            re.S):
        if f'id="{field_id}"' in block:
            return block
    raise AssertionError(f"no field block for {field_id}")


def assert_beside(page, field_id, message):
    block = field_block(page, field_id)
    assert 'has-error' in block and f'role="alert">{message}' in block, block
    assert TOP_ERROR not in page  # said once, where it applies
    others = [b for b in re.findall(r'<div class="field[^"]*">.*?</div>', page, re.S)
              if b != block]
    assert not any(message in other for other in others)


def restrict(w, participant_id):
    with w.app.app_context(), partnership_scope(w.p.id):
        db.session.get(Participant, participant_id).processing_restricted = True
        db.session.commit()


# --- the lead page -----------------------------------------------------------------------------

@pytest.mark.parametrize("field, data, message", [
    ("family_id", lambda w: {"family_id": str(w.family.id), "source": "parish"},
     "This family is already on the recruitment board."),
    ("family_id", lambda w: {"source": "parish"}, "Fill in every required field."),
    ("source", lambda w: {"family_id": str(new_family(w)), "source": "ufo"},
     "Choose where the family came from."),
    ("animator_id", lambda w: {"family_id": str(new_family(w)), "source": "school",
                               "animator_id": str(w.clerk.id)},
     "Choose an animator of your institution."),
    ("lead_on", lambda w: {"family_id": str(new_family(w)), "source": "school",
                           "lead_on": (TODAY + timedelta(days=1)).isoformat()},
     "The date cannot be in the future."),
    ("lead_on", lambda w: {"family_id": str(new_family(w)), "source": "school",
                           "lead_on": "2026-02-30"}, "There is no such day as 2026-02-30."),
    ("note", lambda w: {"family_id": str(new_family(w)), "source": "school", "note": "a\x00b"},
     "This text contains characters that are not allowed."),
], ids=["family taken", "no family", "source", "animator", "future date", "no such day",
        "note"])
def test_a_refused_lead_says_why_at_the_field_it_concerns(w, field, data, message):
    form = data(w)
    before = saved(w)
    response = client_of(w, w.animator).post(url(w, "leads/new"),
                                             data={**form, "note": form.get("note", "Od wójta")})
    page = text(response).replace("&#39;", "'")
    assert response.status_code == 422
    assert_beside(page, field, message)
    if field != "note":
        assert "Od wójta" in field_block(page, "note")  # what was typed stays
    assert saved(w) == before


def test_a_lead_refused_at_a_field_in_polish(w):
    client = client_of(w, w.animator)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    response = client.post(url(w, "leads/new"), data={
        "family_id": str(new_family(w)), "source": "school", "lead_on": "2026-02-30"})
    assert response.status_code == 422
    assert 'role="alert">Nie ma takiego dnia: 2026-02-30.<' in field_block(text(response),
                                                                         "lead_on")


# --- the agreement page ------------------------------------------------------------------------

def agreement_form(w, **changes):
    return {"institution_id": str(w.pup.id), "participant_id": str(w.parent.id),
            "commitment": "Miejsce na kursie spawacza", "action_ids": str(w.action_id),
            **changes}


def test_an_agreement_for_a_restricted_member_is_refused_at_the_member(w):
    restrict(w, w.parent.id)
    before = saved(w)
    response = client_of(w, w.animator).post(url(w, "families/{family}/agreements/new"),
                                             data=agreement_form(w))
    page = text(response)
    assert response.status_code == 422
    block = field_block(page, "participant_id")
    assert "data is restricted (GDPR art. 18)" in block and "has-error" in block
    assert TOP_ERROR not in page
    assert "Miejsce na kursie spawacza" in field_block(page, "commitment")
    assert saved(w) == before


@pytest.mark.parametrize("field, changes, message", [
    ("institution_id", lambda w: {"institution_id": str(w.fundacja.id)},
     "An institution cannot refer a person to itself."),
    ("institution_id", lambda w: {"institution_id": "1_0"}, "Choose one of the options offered."),
    ("participant_id", lambda w: {"participant_id": str(w.parent_b.id)},
     "Choose a member of this family."),
    ("commitment", lambda w: {"commitment": "  "}, "Describe what the institution commits to."),
    ("action_ids", lambda w: {"action_ids": []}, "Choose the plan actions the agreement covers."),
], ids=["own institution", "bad institution id", "member of another family", "no commitment",
        "no action"])
def test_a_refused_agreement_says_why_at_the_field_it_concerns(w, field, changes, message):
    before = saved(w)
    response = client_of(w, w.animator).post(url(w, "families/{family}/agreements/new"),
                                             data=agreement_form(w, **changes(w)))
    assert response.status_code == 422
    assert_beside(text(response), field, message)
    assert saved(w) == before


def test_a_refusal_about_the_whole_referral_stays_at_the_top(w):
    """The consent covers the member and the institution together: not one field's fault."""
    response = client_of(w, w.animator).post(
        url(w, "families/{family}/agreements/new"),
        data=agreement_form(w, participant_id=str(w.child.id)))
    page = text(response)
    assert response.status_code == 422
    top = page.split('<form method="post" class="card narrow">')[0]
    assert TOP_ERROR in top and "There is no active consent" in top
    assert "has-error" not in page


def test_a_restricted_member_is_refused_by_conclude_agreement_itself(w):
    """The registry's referral refused it too, but as a message about the whole record."""
    restrict(w, w.parent.id)
    with w.app.test_request_context(), partnership_scope(w.p.id):
        case = db.session.get(Case, w.case_id)
        with pytest.raises(transitions.Refused) as refused:
            transitions.conclude_agreement(
                case, institution_id=w.pup.id, participant_id=w.parent.id, commitment="Kurs",
                action_ids=[w.action_id], from_institution_id=w.fundacja.id,
                actor_id=w.animator.id)
        assert refused.value.field == "participant_id"


# --- rules held by transitions for every caller ------------------------------------------------

def test_assign_advisor_refuses_an_advisor_of_another_county(w):
    """The county rule was checked only in the view: the demo or any other caller of
    ``assign_advisor`` could give the family an advisor from across the region."""
    with w.app.test_request_context(), partnership_scope(w.p.id):
        case = db.session.get(Case, w.case_id)
        with pytest.raises(transitions.Refused) as refused:
            transitions.assign_advisor(case, w.far_advisor.id)
        assert refused.value.field == "advisor_id"
        with pytest.raises(transitions.Refused):
            transitions.assign_advisor(case, w.clerk.id)  # not a peer advisor at all
        transitions.assign_advisor(case, w.advisor.id)
        assert case.advisor_id == w.advisor.id
        db.session.rollback()


def test_the_advisor_form_still_refuses_an_unreadable_or_foreign_advisor(w):
    client = client_of(w, w.animator)
    before = saved(w)
    for value in ("1_0", str(w.far_advisor.id)):
        response = client.post(url(w, "families/{family}/advisor"), data={"advisor_id": value})
        assert response.status_code == 422, value
        assert "Choose a peer advisor of the family" in text(response).replace("&#39;", "'")
    assert saved(w) == before
    response = client.post(url(w, "families/{family}/advisor"),
                           data={"advisor_id": str(w.advisor.id)})
    assert response.status_code == 302
    with w.app.app_context(), partnership_scope(w.p.id):
        assert db.session.scalar(select(Case.advisor_id).where(
            Case.family_id == w.family.id)) == w.advisor.id


def test_add_lead_refuses_a_family_the_institution_does_not_see_and_a_foreign_animator(w):
    """Both were checked only by the lead page's view."""
    family, _parent, _child = family_with_two_generations(w.f, w.pup, "Zielińskich")
    own_family_id = new_family(w)
    with w.app.test_request_context(), partnership_scope(w.p.id):
        with pytest.raises(transitions.Refused) as refused:
            transitions.add_lead(family=db.session.get(Family, family.id),
                                 institution_id=w.fundacja.id, animator_id=w.animator.id,
                                 source="club")
        assert refused.value.field == "family_id"
        mine = db.session.get(Family, own_family_id)
        with pytest.raises(transitions.Refused) as refused:
            transitions.add_lead(family=mine, institution_id=w.fundacja.id,
                                 animator_id=w.clerk.id, source="club")
        assert refused.value.field == "animator_id"
        # The member adding the lead may take it themselves.
        case = transitions.add_lead(family=mine, institution_id=w.fundacja.id,
                                    animator_id=w.advisor.id, added_by_id=w.advisor.id,
                                    source="club")
        assert case.animator_id == w.advisor.id
        db.session.rollback()


# --- nothing new about a restricted or anonymised member ----------------------------------------

@pytest.mark.parametrize("path, data", [
    ("families/{family}/plan/goals",
     lambda w: {"text": "Kurs prawa jazdy", "participant_id": str(w.child.id)}),
    ("goals/{goal}/actions", lambda w: {"what": "Zapis na kurs", "who_kind": "member",
                                        "who_participant_id": str(w.child.id)}),
    ("families/{family}/barriers",
     lambda w: {"kind": "transport", "participant_id": str(w.child.id)}),
], ids=["goal", "action", "barrier"])
def test_nothing_new_is_recorded_about_a_restricted_member(w, path, data):
    restrict(w, w.child.id)
    before = saved(w)
    response = client_of(w, w.animator).post(url(w, path), data=data(w))
    assert response.status_code == 422
    assert "data is restricted (GDPR art. 18)" in text(response)
    assert saved(w) == before


def test_a_restricted_member_does_not_sign_the_plan(w):
    restrict(w, w.parent_b.id)
    with w.app.test_request_context(), partnership_scope(w.p.id):
        plan = transitions.start_plan(db.session.get(Case, w.case_b_id))
        transitions.add_goal(plan, text="Praca dla Kamili")
        with pytest.raises(transitions.Refused) as refused:
            transitions.sign_by_family(plan, w.parent_b.id)
        assert refused.value.field == "participant_id"
        assert plan.family_signed_on is None
        db.session.rollback()
