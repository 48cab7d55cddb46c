"""Recruitment (nabór): one function per step, each allowed only from its stage and audited;
eligibility decided by the registry's rule with its reasons; the board with counts and
filters; the module off or not granted answers 404."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mosty import dates
from mosty.enrollment.models import Enrollment, TargetGroup
from mosty.extensions import db
from mosty.families.models import Family
from mosty.tenancy import partnership_scope
from mosty_animator import transitions
from mosty_animator.models import Case
from test_animator_world import audit_count, build, client_of, entries, switch_on


@pytest.fixture
def w(app, factory):
    return build(app, factory)


def new_case(w, family_id=None):
    with w.app.test_request_context(), partnership_scope(w.p.id):
        family = db.session.get(Family, family_id or w.family.id)
        case = transitions.add_lead(family=family, institution_id=w.fundacja.id,
                                    animator_id=w.animator.id, source="welfare_centre",
                                    on=dates.today() - timedelta(days=30))
        db.session.commit()
        return case.id


def run(w, step, case_id, *args, **kwargs):
    with w.app.test_request_context(), partnership_scope(w.p.id):
        case = db.session.get(Case, case_id)
        result = step(case, *args, **kwargs)
        db.session.commit()
        return result


def stage(w, case_id):
    with w.app.app_context(), partnership_scope(w.p.id):
        return db.session.get(Case, case_id).stage


def group(w):
    return db.session.get(TargetGroup, w.group_id)


def test_the_family_path_from_lead_to_enrolled_each_step_audited(w):
    case_id = new_case(w)
    assert stage(w, case_id) == "lead"
    run(w, transitions.mark_contacted, case_id)
    run(w, transitions.mark_visited, case_id)
    with w.app.test_request_context(), partnership_scope(w.p.id):
        case = db.session.get(Case, case_id)
        verdict = transitions.assess(case, group(w), w.animator.id)
        db.session.commit()
        assert verdict.eligible
        assert case.stage == "eligible"
        assert len(case.eligibility["reasons"]) == 2  # residence and generations
        assert all(r["ok"] for r in case.eligibility["reasons"])
    run(w, transitions.enroll, case_id, w.animator.id)
    with w.app.app_context(), partnership_scope(w.p.id):
        case = db.session.get(Case, case_id)
        assert case.stage == "enrolled" and case.enrolled_on == dates.today()
        enrollment = db.session.get(Enrollment, case.enrollment_id)
        assert enrollment.family_id == w.family.id and enrollment.status == "active"
    moves = [(d["from"], d["to"]) for action, _id, d in entries(w, "animator_case")
             if action == "transition"]
    assert moves == [("lead", "contacted"), ("contacted", "visited"), ("visited", "eligible"),
                     ("eligible", "enrolled")]
    assert [a for a, _i, _d in entries(w, "animator_case")].count("create") == 1


def test_a_family_failing_the_rule_is_not_eligible_with_the_reasons(w):
    with w.app.app_context(), partnership_scope(w.p.id):
        strict = TargetGroup(code="S", name="Three generations", applies_to="family",
                             criteria=[{"rule": "family_unemployed_generations_min", "min": 3}])
        db.session.add(strict)
        db.session.commit()
        strict_id = strict.id
    case_id = new_case(w)
    run(w, transitions.mark_contacted, case_id)
    run(w, transitions.mark_visited, case_id)
    with w.app.test_request_context(), partnership_scope(w.p.id):
        case = db.session.get(Case, case_id)
        verdict = transitions.assess(case, db.session.get(TargetGroup, strict_id), w.animator.id)
        db.session.commit()
        assert not verdict.eligible and case.stage == "not_eligible"
        failed = [r["text"] for r in case.eligibility["reasons"] if not r["ok"]]
        assert len(failed) == 1 and "3" in failed[0]  # the generations rule, in words
    with pytest.raises(transitions.Refused):
        run(w, transitions.enroll, case_id, w.animator.id)
    # The family's situation changes: a new visit and a new assessment are possible.
    run(w, transitions.mark_visited, case_id)
    assert stage(w, case_id) == "visited"


@pytest.mark.parametrize("step, args", [
    (transitions.mark_visited, ()),
    (transitions.enroll, ("actor",)),
])
def test_steps_out_of_order_are_refused_and_change_nothing(w, step, args):
    case_id = new_case(w)
    before = audit_count(w)
    with pytest.raises(transitions.Refused):
        run(w, step, case_id, *[w.animator.id for _a in args])
    assert stage(w, case_id) == "lead"
    assert audit_count(w) == before


def test_a_family_is_on_the_board_once(w):
    new_case(w)
    with pytest.raises(transitions.Refused):
        new_case(w)


def test_the_board_counts_and_filters(w, factory):
    new_case(w)
    far_family, _p, _c = __import__("test_animator_world").family_with_two_generations(
        factory, w.fundacja, "Dalekich", teryt="3201011", locality="Białogard")
    far_case = new_case(w, far_family.id)
    run(w, transitions.mark_contacted, far_case)
    client = client_of(w, w.animator)
    page = client.get(f"/{w.p.slug}/animator/").get_data(as_text=True)
    assert "Rodzina Nowaków" in page and "Rodzina Dalekich" in page
    assert 'data-count="lead">1<' in page and 'data-count="contacted">1<' in page
    page = client.get(f"/{w.p.slug}/animator/?county=3201").get_data(as_text=True)
    assert "Rodzina Dalekich" in page and "Rodzina Nowaków" not in page
    assert 'data-count="lead">0<' in page
    page = client.get(f"/{w.p.slug}/animator/?commune=3215011").get_data(as_text=True)
    assert "Rodzina Nowaków" in page and "Rodzina Dalekich" not in page
    page = client.get(f"/{w.p.slug}/animator/?animator={w.clerk.id}").get_data(as_text=True)
    assert "Rodzina Nowaków" not in page


def test_the_animator_takes_a_family_through_the_board_on_screen(w):
    client = client_of(w, w.animator)
    base = f"/{w.p.slug}/animator"
    response = client.post(f"{base}/leads/new", data={"family_id": w.family.id,
                                                       "source": "parish", "note": "z parafii"})
    assert response.status_code == 302
    for step in ("contacted", "visited"):
        client.post(f"{base}/families/{w.family.id}/step", data={"step": step})
    client.post(f"{base}/families/{w.family.id}/step",
                data={"step": "assess", "target_group_id": w.group_id})
    page = client.get(f"{base}/families/{w.family.id}").get_data(as_text=True)
    assert "Eligible" in page and "unemployment in 2 generation(s)" in page
    client.post(f"{base}/families/{w.family.id}/step", data={"step": "enroll"})
    assert stage_of_family(w) == "enrolled"
    # A step that does not apply is refused with a message, not an error page.
    response = client.post(f"{base}/families/{w.family.id}/step", data={"step": "contacted"},
                           follow_redirects=True)
    assert response.status_code == 422
    assert "This step is not possible from the family" in response.get_data(as_text=True)
    response = client.post(f"{base}/families/{w.family.id}/step",
                           data={"step": "contacted", "on": "jutro"}, follow_redirects=True)
    assert "Write the date as YYYY-MM-DD." in response.get_data(as_text=True)


def stage_of_family(w):
    with w.app.app_context(), partnership_scope(w.p.id):
        return db.session.scalar(select(Case.stage).where(Case.family_id == w.family.id))


def test_contacts_and_home_visits_are_logged_per_family(w):
    new_case(w)
    client = client_of(w, w.animator)
    base = f"/{w.p.slug}/animator/families/{w.family.id}"
    yesterday = (dates.today() - timedelta(days=1)).isoformat()
    client.post(f"{base}/contacts", data={"on": yesterday, "kind": "home_visit",
                                          "present": "Stanisław, Kamila",
                                          "note": "Rozmowa o kursie", "next_step": "PUP"})
    response = client.post(f"{base}/contacts", data={"on": "2999-01-01", "kind": "phone"},
                           follow_redirects=True)
    assert "A contact cannot be dated in the future." in response.get_data(as_text=True)
    page = client.get(base).get_data(as_text=True)
    assert "Rozmowa o kursie" in page and "Stanisław, Kamila" in page
    assert [a for a, _i, _d in entries(w, "animator_contact")] == ["create"]


def test_each_read_of_a_family_page_writes_one_audit_entry(w):
    new_case(w)
    client = client_of(w, w.animator)
    before = audit_count(w, action="read")
    client.get(f"/{w.p.slug}/animator/families/{w.family.id}")
    assert audit_count(w, action="read") == before + 1


def test_module_off_or_not_granted_is_404(app, factory):
    w = build(app, factory)
    other = factory.partnership(slug="wylaczony")
    inst = factory.institution(other, kind="ngo")
    animator = factory.staff(inst, roles=("caseworker", "animator"))
    fam = factory.family(inst)
    switch_on(app, other.id, enabled=False)
    client = client_of(w, animator)
    for url in ("/", "/dashboard", f"/families/{fam.id}", "/requests/", "/advisor/"):
        assert client.get(f"/wylaczony/animator{url}").status_code == 404
    assert client.post(f"/wylaczony/animator/families/{fam.id}/step",
                       data={"step": "contacted"}).status_code == 404
    # Granted to animators only: a caseworker without the grant does not see the module.
    caseworker = factory.staff(w.fundacja, roles=("caseworker",))
    client = client_of(w, caseworker)
    assert client.get(f"/{w.p.slug}/animator/").status_code == 404
    assert f"/{w.p.slug}/animator/" not in client.get(f"/{w.p.slug}/").get_data(as_text=True)


def test_staff_of_another_institution_get_404_for_the_case(w):
    new_case(w)
    with w.app.app_context(), partnership_scope(w.p.id):
        from mosty.plugins.models import ModuleGrant
        db.session.add(ModuleGrant(module_key="animator", role="labour_clerk", access="write"))
        db.session.commit()
    client = client_of(w, w.clerk)  # the labour office: granted, but not the case's institution
    assert client.get(f"/{w.p.slug}/animator/").status_code == 200
    assert "Rodzina Nowaków" not in client.get(f"/{w.p.slug}/animator/").get_data(as_text=True)
    assert client.get(f"/{w.p.slug}/animator/families/{w.family.id}").status_code == 404


def test_every_route_of_the_module_is_404_when_it_is_off_or_not_granted(app, factory):
    """Not a sample: every URL of the blueprint, with each of its methods."""
    import re

    w = build(app, factory)
    other = factory.partnership(slug="wylaczony")
    inst = factory.institution(other, kind="ngo")
    switch_on(app, other.id, enabled=False)
    off = client_of(w, factory.staff(inst, roles=("caseworker", "animator")))
    not_granted = client_of(w, factory.staff(w.fundacja, roles=("caseworker",)))
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("animator.")]
    assert len(rules) > 20
    for rule in rules:
        for client, slug in ((off, "wylaczony"), (not_granted, w.p.slug)):
            url = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule.replace("<partnership:partnership>",
                                                                   slug))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert client.open(url, method=method).status_code == 404, (method, url)


def _at_once(app, partnership_id, step):
    """Run ``step(index)`` in two requests at the same moment: the first keeps its transaction
    open for a while after the step; returns what each one ended with."""
    import threading

    first_done = threading.Event()
    outcomes = {}

    def request(index, hold):
        with app.test_request_context(), partnership_scope(partnership_id):
            try:
                step(index)
                if hold:
                    first_done.set()
                    threading.Event().wait(0.5)  # keep the locks while the other one tries
                db.session.commit()
                outcomes[index] = "done"
            except transitions.Refused:
                db.session.rollback()
                outcomes[index] = "refused"
            finally:
                first_done.set()
                db.session.remove()

    first = threading.Thread(target=request, args=(0, True))
    first.start()
    first_done.wait(10)
    second = threading.Thread(target=request, args=(1, False))
    second.start()
    first.join(20)
    second.join(20)
    return outcomes


@pytest.mark.postgres
def test_two_animators_at_once_make_one_case_and_take_a_step_once(pg_app):
    from mosty.testing.factories import RegistryFactory

    w = build(pg_app, RegistryFactory(pg_app))
    assert _at_once(pg_app, w.p.id, lambda index: transitions.add_lead(
        family=db.session.get(Family, w.family.id), institution_id=w.fundacja.id,
        animator_id=w.animator.id, source="club")) == {0: "done", 1: "refused"}
    with pg_app.app_context(), partnership_scope(w.p.id):
        case_id = db.session.scalar(select(Case.id))
    assert _at_once(pg_app, w.p.id, lambda index: transitions.mark_contacted(
        db.session.get(Case, case_id))) == {0: "done", 1: "refused"}
    assert [(d.get("from"), d.get("to")) for a, _i, d in entries(w, "animator_case")
            if a == "transition"] == [("lead", "contacted")]


def test_bad_text_and_board_filters_get_a_message_never_a_server_error(any_app):
    """Were 500s on PostgreSQL: a NUL in a text the module reads from the form (PostgreSQL
    refuses it), a contact's "present" or "next step" longer than its column, and a NUL or an
    id no row can have in the board's filters."""
    from mosty.testing.factories import RegistryFactory
    from mosty_animator.models import Contact, InfoRequest

    w = build(any_app, RegistryFactory(any_app))
    new_case(w)
    client = client_of(w, w.animator)
    base = f"/{w.p.slug}/animator"
    for query in ("county=%00", "commune=3215%00011", "animator=99999999999999999999",
                  f"animator={2**31}"):
        page = client.get(f"{base}/?{query}")
        assert page.status_code == 200 and "Rodzina Nowaków" in page.get_data(as_text=True)
    family = f"{base}/families/{w.family.id}"
    yesterday = (dates.today() - timedelta(days=1)).isoformat()
    for changes, message in [
        ({"note": "Rozmowa\x00o kursie"}, "This text contains characters that are not allowed."),
        ({"present": "Stanisław" * 40}, "Too long: at most 300 characters."),
        ({"next_step": "PUP" * 101}, "Too long: at most 300 characters."),
    ]:
        response = client.post(f"{family}/contacts", follow_redirects=True,
                               data={"on": yesterday, "kind": "phone", **changes})
        assert message in response.get_data(as_text=True)
    response = client.post(f"{family}/diagnosis/summary", follow_redirects=True,
                           data={"strengths": "Rodzina\x00", "barriers_summary": "Dojazd"})
    assert "characters that are not allowed" in response.get_data(as_text=True)
    response = client.post(f"{base}/requests/", follow_redirects=True,
                           data={"question": "Oferty\x00?", "deadline": dates.today().isoformat()})
    assert "characters that are not allowed" in response.get_data(as_text=True)
    with any_app.app_context(), partnership_scope(w.p.id):
        assert db.session.scalars(select(Contact)).all() == []
        assert db.session.scalars(select(InfoRequest)).all() == []
        assert db.session.scalar(select(Case.strengths)) == ""
