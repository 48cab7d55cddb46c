"""The ORM wall: every statement and every flush works for the current partnership only.

Every test runs on SQLite and on PostgreSQL (``any_app``). On PostgreSQL the database wall
(row-level security) stands behind the ORM wall; these tests hold the ORM wall to its promise on
both backends, because on SQLite it is the only wall there is.
"""

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

import mosty.models  # noqa: F401 - every core model, so OWNED_MODELS sees them all
from mosty import audit
from mosty.audit.models import AuditEntry
from mosty.auth.models import Membership, User
from mosty.db import Base
from mosty.extensions import db
from mosty.partnerships.models import (
    Agreement,
    AgreementParty,
    Institution,
    Partnership,
    TerritoryUnit,
)
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.task_receipts import TaskReceipt
from mosty.tenancy import (
    NoPartnershipContext,
    PartnershipOwned,
    TenancyViolation,
    current_partnership_id,
    partnership_owned_tables,
    partnership_scope,
    system_scope,
)
from mosty.tenancy.context import clear_request_partnership
from mosty.testing.plugin import build_two_partnerships

# Every partnership-owned model is checked; the world fixture fills these for both sides.
OWNED_MODELS = sorted(
    (m.class_ for m in Base.registry.mappers if issubclass(m.class_, PartnershipOwned)),
    key=lambda cls: cls.__name__,
)
FILLED_MODELS = {TerritoryUnit, Institution, Agreement, AgreementParty, Membership, AuditEntry,
                 PartnershipModule, ModuleGrant, TaskReceipt}


@pytest.fixture(autouse=True)
def no_partnership_context_survives_a_test():
    """The bugs below can leave a partnership context set in this thread; later tests must
    not start inside it."""
    yield
    clear_request_partnership()


def build_world(app):
    """Partnerships A and B (see ``build_two_partnerships``), each with a signed agreement
    between its two institutions and an audit entry about it."""
    world = build_two_partnerships(app)
    world.app = app
    for side in (world.a, world.b):
        with app.app_context(), partnership_scope(side.partnership.id):
            agreement = Agreement(title=f"Porozumienie {side.partnership.slug}",
                                  purpose="Wspólny program")
            agreement.parties = [
                AgreementParty(institution_id=side.leader.id, contribution="koordynacja"),
                AgreementParty(institution_id=side.other.id, contribution="doradztwo"),
            ]
            db.session.add(agreement)
            db.session.flush()
            audit.record("create", agreement, actor_id=side.admin.id)
            db.session.add_all([
                PartnershipModule(module_key="sample", enabled=True),
                ModuleGrant(module_key="sample", role="caseworker", access="read"),
                TaskReceipt(key=f"test:{side.partnership.slug}", task="test"),
            ])
            db.session.commit()
            side.agreement_id = agreement.id
            side.party_ids = {party.id for party in agreement.parties}
    return world


@pytest.fixture
def world(any_app):
    return build_world(any_app)


def owners(app, model):
    """``{id: partnership_id}`` of every row of ``model``, read in the system scope."""
    with app.app_context(), system_scope("test: reading every partnership's rows"):
        return dict(db.session.execute(select(model.id, model.partnership_id)).all())


def ids_of(app, model, partnership_id):
    return {pk for pk, owner in owners(app, model).items() if owner == partnership_id}


def rows_of(app, partnership_id):
    """Every column of every row the partnership owns, in every owned table (system scope)."""
    with app.app_context(), system_scope("test: snapshot of one partnership's rows"):
        snapshot = {}
        for name in partnership_owned_tables(db.metadata):
            table = db.metadata.tables[name]
            rows = db.session.execute(
                select(table).where(table.c.partnership_id == partnership_id)
            ).all()
            snapshot[name] = sorted(tuple(row) for row in rows)
        return snapshot


# --- reading ----------------------------------------------------------------------------------


def test_each_partnership_selects_exactly_its_own_rows_of_every_owned_model(world):
    app = world.app
    wrong = []
    for model in OWNED_MODELS:
        for side in (world.a, world.b):
            expected = ids_of(app, model, side.partnership.id)
            if model in FILLED_MODELS:
                assert expected, f"no {model.__name__} rows in {side.partnership.slug}"
            with app.app_context(), partnership_scope(side.partnership.id):
                seen = db.session.scalars(select(model)).all()
                ids = {row.id for row in seen}
                owners_seen = {row.partnership_id for row in seen}
            if ids != expected or not owners_seen <= {side.partnership.id}:
                wrong.append(f"{model.__name__} in {side.partnership.slug}: saw {sorted(ids)}, "
                             f"owned {sorted(expected)}")
    assert not wrong, "\n".join(wrong)


def test_two_partnerships_in_sequence_in_one_app_context_never_see_each_other(world):
    a, b = world.a.partnership.id, world.b.partnership.id
    with world.app.app_context():
        for pid, mine, theirs in ((a, "a", "b"), (b, "b", "a"), (a, "a", "b")):
            with partnership_scope(pid):
                names = set(db.session.scalars(select(Institution.name)))
                assert names == {f"Lider {mine}", f"OPS {mine}"}
                titles = set(db.session.scalars(select(Agreement.title)))
                assert titles == {f"Porozumienie part-{mine}"}
                assert f"Lider {theirs}" not in names


def test_session_get_of_a_foreign_id_returns_nothing(world):
    with world.app.app_context(), partnership_scope(world.a.partnership.id):
        assert db.session.get(Institution, world.a.leader.id) is not None
        assert db.session.get(Institution, world.b.leader.id) is None
        assert db.session.get(Agreement, world.b.agreement_id) is None
        assert db.session.get(Membership, world.b.admin.membership.id) is None
        for party_id in world.b.party_ids:
            assert db.session.get(AgreementParty, party_id) is None


def test_session_get_never_serves_an_object_loaded_for_the_other_partnership(world):
    with world.app.app_context():
        with partnership_scope(world.b.partnership.id):
            b_leader = db.session.get(Institution, world.b.leader.id)
            b_agreement = db.session.get(Agreement, world.b.agreement_id)
            assert b_leader is not None and b_agreement is not None
        with partnership_scope(world.a.partnership.id):
            # The identity map still held them a moment ago; switching must forget them.
            assert b_leader not in db.session
            assert b_agreement not in db.session
            assert db.session.get(Institution, world.b.leader.id) is None
            assert db.session.get(Agreement, world.b.agreement_id) is None
            assert world.b.leader.id not in {i.id for i in db.session.scalars(select(Institution))}
        with partnership_scope(world.b.partnership.id):
            assert db.session.get(Institution, world.b.leader.id).name == "Lider b"


def test_objects_loaded_in_system_scope_are_forgotten_on_entering_a_partnership(world):
    with world.app.app_context():
        with system_scope("test: loading every partnership's institutions"):
            everything = db.session.scalars(select(Institution)).all()
            assert len(everything) == 4
        with partnership_scope(world.a.partnership.id):
            assert db.session.get(Institution, world.b.leader.id) is None
            assert db.session.get(Institution, world.b.other.id) is None
            in_session = [obj for obj in db.session.identity_map.values()
                          if isinstance(obj, Institution)]
            assert {obj.partnership_id for obj in in_session} <= {world.a.partnership.id}


def test_nested_partnership_scope_restores_the_outer_partnership(world):
    a, b = world.a.partnership.id, world.b.partnership.id
    with world.app.app_context(), partnership_scope(a):
        a_leader = db.session.get(Institution, world.a.leader.id)
        with partnership_scope(b):
            assert db.session.get(Institution, world.a.leader.id) is None
            b_leader = db.session.get(Institution, world.b.leader.id)
            assert b_leader is not None
        assert b_leader not in db.session
        assert db.session.get(Institution, world.b.leader.id) is None
        assert {i.id for i in db.session.scalars(select(Institution))} == {
            world.a.leader.id, world.a.other.id}
        assert a_leader.name == "Lider a"


def test_member_of_a_never_sees_rows_of_b_through_relationship_loads(world):
    """Even rows whose foreign keys were wired across the wall stay on their own side."""
    app = world.app
    a, b = world.a.partnership.id, world.b.partnership.id
    # A user who works in both partnerships, and rows of B pointing at rows of A and back.
    world.factory.membership(world.a.admin, world.b.leader)
    with app.app_context(), system_scope("test: wiring rows across the wall"):
        stray = AgreementParty(partnership_id=b, agreement_id=world.a.agreement_id,
                               institution_id=world.b.leader.id, contribution="obca")
        db.session.add(stray)
        a_membership = db.session.get(Membership, world.a.caseworker.membership.id)
        a_membership.institution_id = world.b.other.id
        db.session.commit()
        stray_id = stray.id

    with app.app_context(), partnership_scope(a):
        agreement = db.session.get(Agreement, world.a.agreement_id)
        # lazy load of a one-to-many
        assert {p.id for p in agreement.parties} == world.a.party_ids
        assert all(p.institution.partnership_id == a for p in agreement.parties)
        # many-to-one pointing across the wall
        assert db.session.get(Membership, world.a.caseworker.membership.id).institution is None
        # from models outside the wall into owned ones
        assert db.session.get(Partnership, b).territory == []
        assert [u.partnership_id for u in db.session.get(Partnership, a).territory] == [a]
        user = db.session.get(User, world.a.admin.id)
        assert [m.partnership_id for m in user.memberships] == [a]

    for option in (selectinload, joinedload):
        with app.app_context(), partnership_scope(a):
            agreements = db.session.scalars(
                select(Agreement).options(option(Agreement.parties))
            ).unique().all()
            assert [ag.id for ag in agreements] == [world.a.agreement_id]
            assert {p.id for p in agreements[0].parties} == world.a.party_ids
            users = db.session.scalars(
                select(User).where(User.id == world.a.admin.id)
                .options(option(User.memberships))
            ).unique().all()
            assert [m.partnership_id for m in users[0].memberships] == [a]

    with app.app_context(), partnership_scope(b):
        assert db.session.get(AgreementParty, stray_id).agreement is None
        user = db.session.get(User, world.a.admin.id)
        assert [m.partnership_id for m in user.memberships] == [b]


def test_count_queries_count_only_the_current_partnership(world):
    for side in (world.a, world.b):
        with world.app.app_context(), partnership_scope(side.partnership.id):
            assert db.session.scalar(select(func.count()).select_from(Institution)) == 2
            assert db.session.scalar(select(func.count(Institution.id))) == 2
            assert db.session.query(Institution).count() == 2
            assert db.session.scalar(select(func.count()).select_from(AgreementParty)) == 2
            per_partnership = db.session.execute(
                select(Institution.partnership_id, func.count()).group_by(
                    Institution.partnership_id)
            ).all()
            assert per_partnership == [(side.partnership.id, 2)]


# --- bulk statements --------------------------------------------------------------------------


def test_bulk_update_changes_only_the_current_partnerships_rows(world):
    app = world.app
    b_before = rows_of(app, world.b.partnership.id)
    with app.app_context(), partnership_scope(world.a.partnership.id):
        result = db.session.execute(update(Institution).values(locality="Zmieniono"))
        assert result.rowcount == 2
        db.session.execute(update(AgreementParty).values(contribution="zmieniono"))
        db.session.commit()
    assert rows_of(app, world.b.partnership.id) == b_before
    with app.app_context(), system_scope("test: checking the update"):
        localities = dict(db.session.execute(select(Institution.id, Institution.locality)).all())
    assert localities[world.a.leader.id] == localities[world.a.other.id] == "Zmieniono"
    assert localities[world.b.leader.id] == localities[world.b.other.id] == "Kraków"


def test_bulk_update_aimed_at_a_foreign_row_changes_nothing(world):
    app = world.app
    b_before = rows_of(app, world.b.partnership.id)
    with app.app_context(), partnership_scope(world.a.partnership.id):
        result = db.session.execute(
            update(Institution).where(Institution.id == world.b.leader.id).values(name="Przejęte")
        )
        assert result.rowcount == 0
        db.session.commit()
    assert rows_of(app, world.b.partnership.id) == b_before


def test_bulk_delete_removes_only_the_current_partnerships_rows(world):
    app = world.app
    b_before = rows_of(app, world.b.partnership.id)
    with app.app_context(), partnership_scope(world.a.partnership.id):
        assert db.session.execute(delete(AgreementParty)).rowcount == 2
        assert db.session.execute(delete(TerritoryUnit)).rowcount == 1
        db.session.commit()
    assert rows_of(app, world.b.partnership.id) == b_before
    assert ids_of(app, AgreementParty, world.a.partnership.id) == set()
    assert ids_of(app, TerritoryUnit, world.a.partnership.id) == set()


def test_bulk_delete_aimed_at_a_foreign_row_changes_nothing(world):
    app = world.app
    b_before = rows_of(app, world.b.partnership.id)
    with app.app_context(), partnership_scope(world.a.partnership.id):
        result = db.session.execute(
            delete(Institution).where(Institution.id.in_([world.b.leader.id, world.b.other.id]))
        )
        assert result.rowcount == 0
        db.session.commit()
    assert rows_of(app, world.b.partnership.id) == b_before


# --- no partnership chosen --------------------------------------------------------------------

NO_CONTEXT_STATEMENTS = {
    "select entity": lambda w: db.session.scalars(select(Institution)).all(),
    "select column": lambda w: db.session.scalars(select(Institution.name)).all(),
    "count of a column": lambda w: db.session.scalar(select(func.count(Membership.id))),
    "session.get": lambda w: db.session.get(Institution, w.a.leader.id),
    "legacy query": lambda w: db.session.query(Agreement).all(),
    "bulk update": lambda w: db.session.execute(update(Institution).values(name="x")),
    "bulk delete": lambda w: db.session.execute(delete(AgreementParty)),
}


@pytest.mark.parametrize("statement", NO_CONTEXT_STATEMENTS.values(),
                         ids=NO_CONTEXT_STATEMENTS.keys())
def test_session_with_no_partnership_context_raises_on_owned_models(world, statement):
    with world.app.app_context(), pytest.raises(NoPartnershipContext):
        statement(world)


def test_leaving_partnership_scope_takes_the_context_away_again(world):
    with world.app.app_context():
        with partnership_scope(world.a.partnership.id):
            db.session.scalars(select(Institution)).all()
        with pytest.raises(NoPartnershipContext):
            db.session.scalars(select(Institution)).all()


def test_models_outside_the_wall_need_no_partnership_context(world):
    with world.app.app_context():
        slugs = set(db.session.scalars(select(Partnership.slug)))
        assert {"part-a", "part-b"} <= slugs
        assert db.session.get(User, world.b.admin.id).email == world.b.admin.email


def test_join_from_a_model_outside_the_wall_to_an_owned_one_without_context_returns_nothing(
    world,
):
    with world.app.app_context():
        assert db.session.scalars(
            select(Partnership).join(Institution, Institution.partnership_id == Partnership.id)
        ).all() == []
        assert db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id)
        ).all() == []
        assert db.session.scalars(
            select(Partnership.slug).join(Agreement, Agreement.partnership_id == Partnership.id)
            .where(Agreement.title == "Porozumienie part-b")
        ).all() == []
        assert db.session.scalar(select(func.count()).select_from(Institution)) == 0


def test_join_from_a_model_outside_the_wall_sees_only_the_current_partnership(world):
    with world.app.app_context(), partnership_scope(world.a.partnership.id):
        slugs = db.session.scalars(
            select(Partnership.slug).join(Institution, Institution.partnership_id == Partnership.id)
            .distinct()
        ).all()
        assert slugs == ["part-a"]
        emails = set(db.session.scalars(select(User.email).join(Membership,
                                                                Membership.user_id == User.id)))
        assert emails == {world.a.admin.email, world.a.caseworker.email}


# --- writing ----------------------------------------------------------------------------------


def test_inserts_are_stamped_with_the_current_partnership(world):
    a = world.a.partnership.id
    with world.app.app_context(), partnership_scope(a):
        institution = Institution(name="Nowa", kind="ngo")
        agreement = Agreement(title="Aneks")
        agreement.parties = [AgreementParty(institution=institution)]
        unit = TerritoryUnit(teryt="1206", name="powiat krakowski", level="county")
        db.session.add_all([agreement, unit])
        db.session.commit()
        created = [institution.id, agreement.id, agreement.parties[0].id, unit.id]
    assert owners(world.app, Institution)[created[0]] == a
    assert owners(world.app, Agreement)[created[1]] == a
    assert owners(world.app, AgreementParty)[created[2]] == a
    assert owners(world.app, TerritoryUnit)[created[3]] == a


NAMING_B = {
    "by column": lambda w: {"partnership_id": w.b.partnership.id},
    "by relationship": lambda w: {"partnership": db.session.get(Partnership, w.b.partnership.id)},
}


@pytest.mark.parametrize("naming", NAMING_B.values(), ids=NAMING_B.keys())
def test_an_insert_naming_another_partnership_raises_tenancy_violation(world, naming):
    app = world.app
    b_before = rows_of(app, world.b.partnership.id)
    with app.app_context(), partnership_scope(world.a.partnership.id):
        db.session.add(Institution(name="Podrzutek", kind="ngo", **naming(world)))
        with pytest.raises(TenancyViolation):
            db.session.flush()
        db.session.rollback()
    assert rows_of(app, world.b.partnership.id) == b_before
    assert len(owners(app, Institution)) == 4


def test_an_insert_without_partnership_context_raises(world):
    with world.app.app_context():
        db.session.add(Institution(name="Bezpańska", kind="ngo"))
        with pytest.raises(NoPartnershipContext):
            db.session.flush()
        db.session.rollback()
    assert len(owners(world.app, Institution)) == 4


def test_a_bulk_insert_statement_naming_another_partnership_raises_tenancy_violation(world):
    app = world.app
    try:
        with app.app_context(), partnership_scope(world.a.partnership.id):
            with pytest.raises(TenancyViolation):
                db.session.execute(insert(TerritoryUnit), [
                    {"partnership_id": world.b.partnership.id, "teryt": "1206",
                     "name": "powiat krakowski", "level": "county"},
                ])
            db.session.rollback()
    finally:
        units = owners(app, TerritoryUnit)
    assert sorted(units.values()) == [world.a.partnership.id, world.b.partnership.id]


MOVES = {
    "by column": lambda obj, w: setattr(obj, "partnership_id", w.b.partnership.id),
    "by relationship": lambda obj, w: setattr(
        obj, "partnership", db.session.get(Partnership, w.b.partnership.id)),
}


@pytest.mark.parametrize("move", MOVES.values(), ids=MOVES.keys())
@pytest.mark.parametrize("model_and_id", [
    (Institution, lambda w: w.a.other.id),
    (Agreement, lambda w: w.a.agreement_id),
    (Membership, lambda w: w.a.caseworker.membership.id),
], ids=["Institution", "Agreement", "Membership"])
def test_moving_a_row_to_another_partnership_raises(world, model_and_id, move):
    app = world.app
    model, pk = model_and_id
    before = owners(app, model)
    with app.app_context(), partnership_scope(world.a.partnership.id):
        obj = db.session.get(model, pk(world))
        move(obj, world)
        with pytest.raises(TenancyViolation):
            db.session.flush()
        db.session.rollback()
    assert owners(app, model) == before


def test_moving_rows_by_bulk_update_raises_tenancy_violation(world):
    app = world.app
    before = owners(app, Institution)
    try:
        with app.app_context(), partnership_scope(world.a.partnership.id):
            with pytest.raises(TenancyViolation):
                db.session.execute(update(Institution).values(partnership_id=world.b.partnership.id))
            db.session.rollback()
    finally:
        after = owners(app, Institution)
    assert after == before


def test_deleting_a_foreign_row_is_impossible(world):
    app = world.app
    b_before = rows_of(app, world.b.partnership.id)
    with app.app_context():
        with partnership_scope(world.b.partnership.id):
            b_leader = db.session.get(Institution, world.b.leader.id)
        with partnership_scope(world.a.partnership.id):
            assert db.session.get(Institution, world.b.leader.id) is None
            # An object smuggled in from B's scope cannot be deleted from A's either.
            db.session.delete(b_leader)
            with pytest.raises(TenancyViolation):
                db.session.flush()
            db.session.rollback()
    assert rows_of(app, world.b.partnership.id) == b_before


def test_unsaved_changes_cannot_be_carried_into_another_partnership(world):
    app = world.app
    with app.app_context(), partnership_scope(world.a.partnership.id):
        db.session.get(Institution, world.a.leader.id).name = "Niezapisana zmiana"
        with pytest.raises(TenancyViolation), partnership_scope(world.b.partnership.id):
            pass
        db.session.rollback()
    with app.app_context(), system_scope("test: checking nothing was saved"):
        assert db.session.get(Institution, world.a.leader.id).name == "Lider a"


def test_a_refused_switch_leaves_the_caller_in_its_own_partnership(world):
    a, b = world.a.partnership.id, world.b.partnership.id
    with world.app.app_context():
        with partnership_scope(a):
            db.session.get(Institution, world.a.leader.id).name = "Niezapisana zmiana"
            with pytest.raises(TenancyViolation), partnership_scope(b):
                pass
            still_in_a = current_partnership_id()
            db.session.rollback()
        left_behind = current_partnership_id()
    assert (still_in_a, left_behind) == (a, None)


# --- the explicit system scope ----------------------------------------------------------------


def test_system_scope_sees_every_partnerships_rows(world):
    a, b = world.a.partnership.id, world.b.partnership.id
    with world.app.app_context(), system_scope("test: platform-wide report"):
        assert db.session.scalar(select(func.count()).select_from(Institution)) == 4
        assert set(db.session.scalars(select(Agreement.partnership_id))) == {a, b}
        assert db.session.get(Institution, world.b.leader.id).name == "Lider b"
        assert db.session.get(Institution, world.a.leader.id).name == "Lider a"


def test_system_scope_inside_a_partnership_scope_is_lifted_on_exit(world):
    with world.app.app_context(), partnership_scope(world.a.partnership.id):
        with system_scope("test: a short platform-wide look"):
            assert db.session.scalar(select(func.count()).select_from(Institution)) == 4
        assert db.session.scalar(select(func.count()).select_from(Institution)) == 2
        assert db.session.get(Institution, world.b.leader.id) is None


@pytest.mark.parametrize("reason", ["", None])
def test_system_scope_requires_a_reason(world, reason):
    with world.app.app_context():
        with pytest.raises(ValueError), system_scope(reason):
            pass
        with pytest.raises(NoPartnershipContext):
            db.session.scalars(select(Institution)).all()


def test_partnership_scope_requires_a_partnership(world):
    with world.app.app_context(), pytest.raises(NoPartnershipContext), partnership_scope(None):
        pass


# --- bugs found while writing these tests -----------------------------------------------------


def test_leaving_a_partnership_scope_forgets_its_objects(world):
    with world.app.app_context():
        with partnership_scope(world.b.partnership.id):
            b_leader = db.session.get(Institution, world.b.leader.id)
        with pytest.raises(NoPartnershipContext):
            db.session.get(Institution, world.b.leader.id)
        assert b_leader not in db.session


def test_a_database_error_inside_partnership_scope_surfaces_unchanged(world):
    with world.app.app_context():
        with pytest.raises(IntegrityError), partnership_scope(world.a.partnership.id):
            # Partnership A already serves county 1261: the unique constraint refuses.
            db.session.add(TerritoryUnit(teryt="1261", name="Kraków", level="county"))
            db.session.flush()
        db.session.rollback()


def test_switching_partnership_with_an_agreement_and_its_parties_loaded(world):
    """Expunging the agreement cascades to its parties; the switch must not trip over them."""
    with world.app.app_context():
        with partnership_scope(world.a.partnership.id):
            a_agreement = db.session.get(Agreement, world.a.agreement_id)
            assert len(a_agreement.parties) == 2
        with partnership_scope(world.b.partnership.id):
            assert db.session.get(Agreement, world.a.agreement_id) is None
            assert db.session.get(Agreement, world.b.agreement_id) is not None


@pytest.mark.parametrize("backend", [
    "sqlite",
    pytest.param("postgresql", marks=[pytest.mark.postgres]),
])
def test_switching_partnership_after_a_commit_in_the_same_app_context(make_app, backend):
    world = build_world(make_app(backend=backend))
    with world.app.app_context():
        with partnership_scope(world.a.partnership.id):
            a_leader = db.session.get(Institution, world.a.leader.id)
            a_leader.locality = "Wieliczka"
            db.session.commit()
        with partnership_scope(world.b.partnership.id):
            assert {i.id for i in db.session.scalars(select(Institution))} == {
                world.b.leader.id, world.b.other.id}
        assert a_leader is not None


def test_the_world_is_what_the_tests_assume(world):
    """Guards the fixtures: both partnerships own rows in every owned table."""
    for model in FILLED_MODELS:
        values = set(owners(world.app, model).values())
        assert values == {world.a.partnership.id, world.b.partnership.id}, model.__name__
