"""The schema comes from the migrations alone, and they run both ways.

The fixtures build every test database with ``upgrade``; if a model changes without a
migration, the database the app runs on is not the one the models describe, and these tests
say how.
"""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import ProgrammingError

import mosty.models  # noqa: F401 - every core model is in the metadata
from mosty.app import MIGRATIONS_DIR
from mosty.extensions import db


def schema_differences(url):
    """What autogenerate would write into a new migration, against the database at ``url``."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, db.metadata)
    finally:
        engine.dispose()


def table_names(app):
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_the_migrated_schema_matches_the_models(any_app):
    # On PostgreSQL as the owner: the runtime role must not see the schema's bookkeeping.
    differences = schema_differences(any_app.config["MOSTY_MIGRATION_DATABASE_URL"])
    assert differences == [], (
        "the models and the migrations disagree; write a migration for: "
        + "; ".join(map(repr, differences))
    )


def test_the_comparison_notices_a_schema_that_drifted_from_the_models(make_app):
    app = make_app()
    url = app.config["MOSTY_MIGRATION_DATABASE_URL"]
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_institution_partnership_id"))
    engine.dispose()
    differences = schema_differences(url)
    assert [d[0] for d in differences] == ["add_index"]
    assert differences[0][1].name == "ix_institution_partnership_id"


def test_every_model_table_exists_after_upgrade(any_app):
    assert set(db.metadata.tables) <= table_names(any_app)


def test_downgrade_to_base_and_upgrade_again_on_sqlite(make_app):
    app = make_app()
    directory = str(MIGRATIONS_DIR)
    with app.app_context():
        downgrade(directory=directory, revision="base")
        db.engine.dispose()
    assert table_names(app) - {"alembic_version"} == set()

    with app.app_context():
        upgrade(directory=directory, revision="heads")
        db.engine.dispose()
    assert set(db.metadata.tables) <= table_names(app)
    assert schema_differences(app.config["MOSTY_MIGRATION_DATABASE_URL"]) == []


def _plugin_branches(app):
    """Branch labels of the installed plugins' migration branches (every label but "core")."""
    from alembic.script import ScriptDirectory

    from mosty.extensions import migrate

    with app.app_context():
        script = ScriptDirectory.from_config(migrate.get_config(str(MIGRATIONS_DIR)))
        labels = set()
        for revision in script.walk_revisions():
            labels.update(revision.branch_labels or ())
    return sorted(labels - {"core"})


def test_each_revision_downgrades_and_upgrades_one_step_at_a_time_on_sqlite(make_app):
    app = make_app()
    directory = str(MIGRATIONS_DIR)
    branches = _plugin_branches(app)
    with app.app_context():
        # Plugin branches depend on the core, so they go down first and come back last.
        for branch in branches:
            downgrade(directory=directory, revision=f"{branch}@base")
        steps = 0
        while True:
            with db.engine.connect() as connection:
                heads = MigrationContext.configure(connection).get_current_heads()
            if not heads:
                break
            downgrade(directory=directory, revision="core@-1")
            steps += 1
            assert steps < 100, "downgrade -1 does not reach base"
        for _ in range(steps):
            upgrade(directory=directory, revision="core@+1")
        for branch in branches:
            upgrade(directory=directory, revision=f"{branch}@head")
        db.engine.dispose()
    assert steps >= 1
    assert schema_differences(app.config["MOSTY_MIGRATION_DATABASE_URL"]) == []


@pytest.mark.postgres
def test_the_runtime_role_cannot_change_the_schema(pg_app):
    with pg_app.app_context(), db.engine.connect() as connection:
        with pytest.raises(ProgrammingError, match="must be owner|permission denied"):
            connection.execute(text("ALTER TABLE institution ADD COLUMN secret text"))
        connection.rollback()
        with pytest.raises(ProgrammingError, match="must be owner|permission denied"):
            connection.execute(text("ALTER TABLE institution NO FORCE ROW LEVEL SECURITY"))
        connection.rollback()


@pytest.mark.postgres
def test_the_access_rule_reads_accepted_referrals_from_the_index_alone(pg_app):
    # Migration 0015: the model's postgresql_include is not compared by autogenerate, so the
    # index definition itself is checked.
    with pg_app.app_context():
        definition = db.session.scalar(text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_referral_to_status'"))
    assert definition.endswith(
        "(partnership_id, to_institution_id, status) INCLUDE (participant_id, due_on)"), definition
