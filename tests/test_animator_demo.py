"""The animator's demo data in ``pomorze``: the module on with its grants, the demo animator's
board at every stage, signed plans with an agreement, a peer advisor's family, information
requests; loading twice adds nothing; the demo logins reach their pages."""


import pytest
from sqlalchemy import func, select

from mosty.demo import load_demo
from mosty.extensions import db
from mosty.partnerships.models import Partnership
from mosty.plugins.manager import demo_loaders
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login
from mosty_animator.models import Agreement, Barrier, Case, InfoRequest, InstrumentRound, Plan
from test_demo import PASSWORD, cheap_passwords, loaded_demo


@pytest.fixture(scope="module")
def demo(sqlite_template, tmp_path_factory):
    with loaded_demo(sqlite_template, tmp_path_factory, "animator-demo", with_modules=True) as app:
        yield app


def pomorze_id(app):
    with app.app_context(), system_scope("test: find pomorze"):
        return db.session.scalar(select(Partnership.id).where(Partnership.slug == "pomorze"))


def counts(app):
    with app.app_context(), partnership_scope(pomorze_id(app)):
        return {model.__name__: db.session.scalar(select(func.count(model.id)))
                for model in (Case, Plan, Agreement, InfoRequest)}


def test_the_board_has_families_at_every_stage_up_to_signed_plans(demo):
    with demo.app_context(), partnership_scope(pomorze_id(demo)):
        stages = set(db.session.scalars(select(Case.stage)))
        assert {"lead", "contacted", "visited", "enrolled"} <= stages
        plans = db.session.scalars(select(Plan)).all()
        assert plans and all(plan.signed for plan in plans)
        assert db.session.scalar(select(func.count(Agreement.id))) >= 1
        assert db.session.scalar(select(func.count(Case.id)).where(
            Case.advisor_id.is_not(None))) >= 1
    assert counts(demo)["InfoRequest"] == 2
    with demo.app_context(), partnership_scope(pomorze_id(demo)):
        purposes = set(db.session.scalars(select(InstrumentRound.purpose)))
        assert purposes == {"diagnosis", "motivation"}
        assert db.session.scalar(select(func.count(Barrier.id))) >= 2
        assert db.session.scalar(select(func.count(Case.id)).where(
            Case.diagnosed_on.is_not(None))) >= 1


def test_loading_again_adds_nothing(demo):
    before = counts(demo)
    with demo.app_context(), cheap_passwords():
        load_demo(password=PASSWORD, extra_loaders=demo_loaders(demo))
    assert counts(demo) == before


def test_the_demo_logins_reach_their_pages(demo):
    def client_for(email):
        from mosty.auth.models import User

        with demo.app_context():
            user = db.session.scalar(select(User).where(User.email == email))
        return login(demo.test_client(), user)

    animator = client_for("animator@pomorze.mosty.test")
    board = animator.get("/pomorze/animator/")
    assert board.status_code == 200
    assert animator.get("/pomorze/animator/dashboard").status_code == 200
    with demo.app_context(), partnership_scope(pomorze_id(demo)):
        family_id = db.session.scalar(select(Case.family_id).join(Plan, Plan.case_id == Case.id))
        advised = db.session.scalar(select(Case.family_id).where(Case.advisor_id.is_not(None)))
    assert animator.get(f"/pomorze/animator/families/{family_id}/plan").status_code == 200
    for page in ("diagnosis", "motivation"):
        assert animator.get(f"/pomorze/animator/families/{family_id}/{page}").status_code == 200
    advisor = client_for("klub@pomorze.mosty.test")
    assert advisor.get(f"/pomorze/animator/advisor/families/{advised}").status_code == 200
    assert advisor.get(f"/pomorze/animator/families/{advised}").status_code == 404
    operator = client_for("operator@pomorze.mosty.test")
    assert "Świdwinie" in operator.get("/pomorze/animator/requests/").get_data(as_text=True)
