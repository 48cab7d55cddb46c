"""The database wall: PostgreSQL row-level security binds the runtime role.

Raw SQL, below the ORM, through the role the application serves as (``mosty_test_app``):
whatever the ORM forgets, the database still shows a partnership only its own rows.
"""

import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, ProgrammingError

from mosty import audit
from mosty.extensions import db
from mosty.partnerships.models import Agreement, AgreementParty, Institution
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.tenancy import partnership_owned_tables, partnership_scope, system_scope
from mosty.tenancy.context import clear_request_partnership
from mosty.tenancy.rls import apply_database_setting, tables_missing_the_wall
from mosty.tenancy.roles import UnsafeDatabaseRole, grant_runtime_role, unsafe_role_reasons
from mosty.testing.factories import login
from mosty.testing.plugin import build_two_partnerships
from mosty.testing.services import PG_ADMIN_URL

pytestmark = pytest.mark.postgres

# The tables the ``world`` fixture fills for both partnerships. Every other partnership-owned
# table is checked too, but may be empty (later issues add tables faster than fixtures).
FILLED_TABLES = {"territory_unit", "institution", "agreement", "agreement_party",
                 "membership", "audit_entry", "partnership_module", "module_grant"}


@pytest.fixture(autouse=True)
def no_partnership_context_survives_a_test():
    yield
    clear_request_partnership()


@pytest.fixture
def world(pg_app):
    """Partnerships A and B with rows in every partnership-owned table."""
    world = build_two_partnerships(pg_app)
    world.app = pg_app
    for side in (world.a, world.b):
        with pg_app.app_context(), partnership_scope(side.partnership.id):
            agreement = Agreement(title=f"Porozumienie {side.partnership.slug}")
            agreement.parties = [AgreementParty(institution_id=side.leader.id),
                                 AgreementParty(institution_id=side.other.id)]
            db.session.add(agreement)
            db.session.flush()
            audit.record("create", agreement, actor_id=side.admin.id)
            db.session.add(PartnershipModule(module_key="sample", enabled=True))
            db.session.add(ModuleGrant(module_key="sample", role="caseworker", access="read"))
            db.session.commit()
    return world


@pytest.fixture
def owner_engine(postgres_database):
    engine = create_engine(postgres_database.owner_url)
    yield engine
    engine.dispose()


@pytest.fixture
def runtime_engine(postgres_database):
    """One pooled connection, so consecutive transactions share the same server session."""
    engine = create_engine(postgres_database.runtime_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def owned_tables():
    return partnership_owned_tables(db.metadata)


def owners_seen_by_owner(owner_engine, table):
    """``partnership_id`` of every row of ``table``. FORCE ROW LEVEL SECURITY binds even the
    owner, so the owner reads with the system scope setting."""
    with owner_engine.begin() as connection:
        apply_database_setting(connection, None, True)
        return sorted(connection.execute(text(f"SELECT partnership_id FROM {table}")).scalars())


def partnerships_seen(connection, table):
    return sorted(connection.execute(text(f"SELECT partnership_id FROM {table}")).scalars())


# --- what raw SQL sees ------------------------------------------------------------------------


def test_partnership_owned_tables_are_the_ones_the_wall_must_cover():
    assert set(owned_tables()) >= FILLED_TABLES
    assert "partnership" not in owned_tables() and "user_account" not in owned_tables()


def test_raw_sql_through_the_runtime_role_sees_only_the_current_partnerships_rows(
    world, owner_engine, runtime_engine
):
    for side in (world.a, world.b):
        pid = side.partnership.id
        with runtime_engine.begin() as connection:
            apply_database_setting(connection, pid, False)
            for table in owned_tables():
                expected = [p for p in owners_seen_by_owner(owner_engine, table) if p == pid]
                if table in FILLED_TABLES:
                    assert expected, f"no rows of {side.partnership.slug} in {table}"
                assert partnerships_seen(connection, table) == expected, table


def test_raw_sql_with_no_partnership_setting_sees_nothing(world, owner_engine, runtime_engine):
    with runtime_engine.begin() as connection:
        for table in owned_tables():
            if table in FILLED_TABLES:
                assert owners_seen_by_owner(owner_engine, table), f"{table} is empty"
            assert partnerships_seen(connection, table) == [], table
        assert connection.execute(text("UPDATE institution SET name = 'x'")).rowcount == 0
        assert connection.execute(text("DELETE FROM agreement_party")).rowcount == 0
        # Tables outside the wall are not affected.
        slugs = set(connection.execute(text("SELECT slug FROM partnership")).scalars())
        assert {"part-a", "part-b"} <= slugs


def test_the_system_scope_setting_sees_every_partnership(world, runtime_engine):
    with runtime_engine.begin() as connection:
        apply_database_setting(connection, None, True)
        assert set(partnerships_seen(connection, "institution")) == {
            world.a.partnership.id, world.b.partnership.id}


def test_raw_sql_aimed_at_foreign_rows_changes_nothing(world, owner_engine, runtime_engine):
    before = {t: owners_seen_by_owner(owner_engine, t) for t in owned_tables()}
    with runtime_engine.begin() as connection:
        apply_database_setting(connection, world.a.partnership.id, False)
        assert connection.execute(
            text("UPDATE institution SET name = 'Przejęte' WHERE partnership_id = :b"),
            {"b": world.b.partnership.id},
        ).rowcount == 0
        assert connection.execute(
            text("DELETE FROM institution WHERE id = :id"), {"id": world.b.leader.id}
        ).rowcount == 0
    assert {t: owners_seen_by_owner(owner_engine, t) for t in owned_tables()} == before
    with owner_engine.begin() as connection:
        apply_database_setting(connection, None, True)
        assert connection.execute(
            text("SELECT name FROM institution WHERE id = :id"), {"id": world.b.leader.id}
        ).scalar() == "Lider b"


def test_an_insert_naming_another_partnership_is_refused_by_the_policy(world, runtime_engine):
    with runtime_engine.connect() as connection:
        apply_database_setting(connection, world.a.partnership.id, False)
        with pytest.raises(ProgrammingError, match="row-level security"):
            connection.execute(text(
                "INSERT INTO territory_unit (partnership_id, teryt, name, level) "
                "VALUES (:b, '1206', 'powiat krakowski', 'county')"
            ), {"b": world.b.partnership.id})
        connection.rollback()


def test_an_insert_with_no_partnership_setting_is_refused_by_the_policy(world, runtime_engine):
    with runtime_engine.connect() as connection:
        with pytest.raises(ProgrammingError, match="row-level security"):
            connection.execute(text(
                "INSERT INTO territory_unit (partnership_id, teryt, name, level) "
                "VALUES (:a, '1206', 'powiat krakowski', 'county')"
            ), {"a": world.a.partnership.id})
        connection.rollback()


def test_moving_a_row_to_another_partnership_is_refused_by_the_policy(world, runtime_engine):
    with runtime_engine.connect() as connection:
        apply_database_setting(connection, world.a.partnership.id, False)
        with pytest.raises(ProgrammingError, match="row-level security"):
            connection.execute(
                text("UPDATE institution SET partnership_id = :b WHERE id = :id"),
                {"b": world.b.partnership.id, "id": world.a.other.id},
            )
        connection.rollback()


def test_an_insert_for_the_current_partnership_is_accepted(world, runtime_engine):
    with runtime_engine.begin() as connection:
        apply_database_setting(connection, world.a.partnership.id, False)
        connection.execute(text(
            "INSERT INTO territory_unit (partnership_id, teryt, name, level) "
            "VALUES (:a, '1206', 'powiat krakowski', 'county')"
        ), {"a": world.a.partnership.id})
        assert partnerships_seen(connection, "territory_unit") == [world.a.partnership.id] * 2


# --- the setting lives and dies with the transaction ------------------------------------------


def test_the_setting_is_transaction_local_on_a_pooled_connection(world, runtime_engine):
    a, b = world.a.partnership.id, world.b.partnership.id
    with runtime_engine.begin() as connection:
        apply_database_setting(connection, a, False)
        first_backend = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        assert set(partnerships_seen(connection, "institution")) == {a}

    with runtime_engine.begin() as connection:
        # The same server session (pool of one), a new transaction, no setting: nothing.
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() == first_backend
        assert connection.execute(
            text("SELECT coalesce(current_setting('mosty.partnership_id', true), '')")
        ).scalar() == ""
        for table in owned_tables():
            assert partnerships_seen(connection, table) == [], table

    with runtime_engine.begin() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() == first_backend
        apply_database_setting(connection, b, False)
        assert set(partnerships_seen(connection, "institution")) == {b}


def test_a_rolled_back_transaction_leaves_no_setting_behind(world, runtime_engine):
    with runtime_engine.connect() as connection:
        apply_database_setting(connection, None, True)
        assert len(partnerships_seen(connection, "institution")) == 4
        connection.rollback()
        assert partnerships_seen(connection, "institution") == []
        connection.rollback()


def test_the_system_scope_setting_is_transaction_local_too(world, runtime_engine):
    with runtime_engine.begin() as connection:
        apply_database_setting(connection, None, True)
        assert len(partnerships_seen(connection, "institution")) == 4
    with runtime_engine.begin() as connection:
        assert partnerships_seen(connection, "institution") == []


# --- the schema and the roles -----------------------------------------------------------------


def test_every_partnership_owned_table_has_forced_rls_and_the_policy(pg_app, owner_engine):
    with owner_engine.connect() as connection:
        assert tables_missing_the_wall(connection, owned_tables()) == []
        # The check itself notices a table without the wall.
        assert tables_missing_the_wall(connection, ["user_account"]) == ["user_account"]


def test_the_runtime_role_is_not_superuser_bypassrls_or_owner(pg_app, runtime_engine):
    with runtime_engine.connect() as connection:
        assert connection.execute(text("SELECT current_user")).scalar() == "mosty_test_app"
        assert unsafe_role_reasons(connection) == []


def test_the_owner_role_is_reported_unsafe(pg_app, owner_engine):
    with owner_engine.connect() as connection:
        reasons = unsafe_role_reasons(connection)
    assert reasons
    assert any("owns" in reason for reason in reasons)


def test_the_app_refuses_to_serve_as_the_table_owner(make_app, postgres_database):
    with pytest.raises(UnsafeDatabaseRole, match="owns"):
        make_app(backend="postgresql", SQLALCHEMY_DATABASE_URI=postgres_database.owner_url,
                 MOSTY_CHECK_DB_ROLE=True, MOSTY_DB_ALLOW_OWNER=False)


def test_the_app_serves_as_the_table_owner_when_allowed_for_development(make_app,
                                                                        postgres_database):
    app = make_app(backend="postgresql", SQLALCHEMY_DATABASE_URI=postgres_database.owner_url,
                   MOSTY_CHECK_DB_ROLE=True, MOSTY_DB_ALLOW_OWNER=True)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == postgres_database.owner_url


def test_the_app_serves_as_the_runtime_role_with_the_check_on(make_app, postgres_database):
    app = make_app(backend="postgresql", MOSTY_CHECK_DB_ROLE=True, MOSTY_DB_ALLOW_OWNER=False)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == postgres_database.runtime_url



def test_a_runtime_role_name_is_quoted_as_an_identifier(pg_app, postgres_database):
    # The name comes from a database URL; a quote in it must not end the identifier.
    # Creating a role takes the administrator (the owner role may not), in the test database.
    admin = create_engine(make_url(PG_ADMIN_URL).set(
        database=make_url(postgres_database.owner_url).database))
    role = f'mosty "odd" {uuid.uuid4().hex[:8]}; DROP TABLE x'
    with admin.begin() as connection:
        grant_runtime_role(connection, role)
    try:
        with admin.connect() as connection:
            assert connection.execute(text(
                "SELECT has_table_privilege(:r, 'participant', 'SELECT'), "
                "has_table_privilege(:r, 'audit_entry', 'UPDATE') FROM pg_roles "
                "WHERE rolname = :r"), {"r": role}).one() == (True, False)
    finally:
        quoted = role.replace('"', '""')
        with admin.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{quoted}"'))
            connection.execute(text(f'DROP ROLE "{quoted}"'))
        admin.dispose()

# --- the audit log is append-only -------------------------------------------------------------


def test_the_runtime_role_can_insert_audit_entries_but_never_update_or_delete_them(
    world, runtime_engine, owner_engine
):
    a = world.a.partnership.id
    with runtime_engine.begin() as connection:
        apply_database_setting(connection, a, False)
        connection.execute(text(
            "INSERT INTO audit_entry (partnership_id, at, action, object_type, object_id, "
            "detail) VALUES (:a, now(), 'read', 'Institution', '1', '{}')"
        ), {"a": a})
    before = owners_seen_by_owner(owner_engine, "audit_entry")
    assert before.count(a) == 2

    statements = ["UPDATE audit_entry SET action = 'delete'", "DELETE FROM audit_entry",
                  "TRUNCATE audit_entry"]
    for scope in ((a, False), (None, True)):
        for statement in statements:
            with runtime_engine.connect() as connection:
                apply_database_setting(connection, *scope)
                with pytest.raises(ProgrammingError, match="permission denied"):
                    connection.execute(text(statement))
                connection.rollback()
    assert owners_seen_by_owner(owner_engine, "audit_entry") == before


def test_not_even_the_owner_rewrites_the_audit_log(world, owner_engine):
    for statement in ("UPDATE audit_entry SET action = 'delete'", "DELETE FROM audit_entry"):
        with owner_engine.connect() as connection:
            apply_database_setting(connection, None, True)
            with pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(statement))
            connection.rollback()


# --- the ORM path on PostgreSQL ---------------------------------------------------------------


def test_sql_that_bypasses_the_orm_criteria_still_sees_only_the_current_partnership(world):
    a, b = world.a.partnership.id, world.b.partnership.id
    institution = Institution.__table__
    for pid in (a, b):
        with world.app.app_context(), partnership_scope(pid):
            assert set(db.session.scalars(text("SELECT partnership_id FROM institution"))) == {pid}
            # A Core table select carries no ORM entity, hence no loader criteria.
            assert set(db.session.scalars(select(institution.c.partnership_id))) == {pid}
            for table in owned_tables():
                seen = set(db.session.scalars(text(f"SELECT partnership_id FROM {table}")))
                assert seen == {pid} if table in FILLED_TABLES else seen <= {pid}, table
    with world.app.app_context():
        assert list(db.session.scalars(text("SELECT id FROM institution"))) == []
    with world.app.app_context(), system_scope("test: platform-wide look"):
        assert set(db.session.scalars(text("SELECT partnership_id FROM institution"))) == {a, b}


def test_switching_partnership_inside_an_open_transaction_moves_the_database_setting(world):
    a, b = world.a.partnership.id, world.b.partnership.id
    sql = text("SELECT DISTINCT partnership_id FROM institution")
    with world.app.app_context(), partnership_scope(a):
        assert list(db.session.scalars(sql)) == [a]
        assert db.session().in_transaction()
        with partnership_scope(b):
            assert list(db.session.scalars(sql)) == [b]
        assert list(db.session.scalars(sql)) == [a]
        with system_scope("test: a short platform-wide look"):
            assert set(db.session.scalars(sql)) == {a, b}
        assert list(db.session.scalars(sql)) == [a]


def test_a_request_works_through_the_runtime_role(world):
    client = world.app.test_client()
    login(client, world.a.caseworker)
    response = client.get("/part-a/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Lider a" in page and "OPS a" in page
    assert "Lider b" not in page
    assert client.get("/part-b/").status_code == 404


def test_every_policy_reads_its_settings_once_per_query(pg_app):
    """The partnership policy of every walled table, core and modules, has each
    current_setting() in a sub-select (evaluated once per query, not per row)."""
    from sqlalchemy import text as sql

    from mosty.extensions import db
    from mosty.tenancy.rls import POLICY

    with pg_app.app_context(), db.engine.connect() as conn:
        policies = conn.execute(sql(
            "SELECT tablename, qual, with_check FROM pg_policies WHERE policyname = :p"),
            {"p": POLICY}).all()
    assert len(policies) > 40
    per_row = [table for table, qual, check in policies
               if qual.count("( SELECT ") != 2 or check.count("( SELECT ") != 2
               or qual.count("current_setting(") != 2]
    assert per_row == []
