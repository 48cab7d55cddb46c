"""The pytest plugin of Mosty (``-p mosty.testing.plugin``): apps, databases and factories.

Each test gets its own database: on SQLite a copy of a template migrated once per run, on
PostgreSQL a shared migrated database emptied after the test. Tests therefore exercise real
commits and transaction boundaries, which the tenancy walls depend on.
"""

import shutil
from types import SimpleNamespace

import pytest
from flask_migrate import upgrade

from .. import create_app
from ..app import MIGRATIONS_DIR
from ..extensions import db
from .factories import RegistryFactory, login
from .postgres import create_test_database, drop_test_database, truncate_all
from .route_builders import install as reuse_route_builders

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "MOSTY_CHECK_DB_ROLE": False,
    "RATELIMIT_STORAGE_URI": "memory://",
    "MOSTY_TASKS_EAGER": True,
    "MOSTY_REDIS_URL": None,
    "SERVER_NAME": None,
}


def pytest_configure(config):
    reuse_route_builders()


def _migrate(config):
    app = create_app({**BASE_CONFIG, **config})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision="heads")
        db.engine.dispose()
    return app


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    _migrate({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
              "MOSTY_MIGRATION_DATABASE_URL": f"sqlite:///{path}"})
    return path


@pytest.fixture(scope="session")
def postgres_database():
    """(owner_url, runtime_url, table names) of a migrated PostgreSQL test database."""
    owner_url, runtime_url = create_test_database()
    app = _migrate({"SQLALCHEMY_DATABASE_URI": runtime_url,
                    "MOSTY_MIGRATION_DATABASE_URL": owner_url})
    with app.app_context():
        tables = list(db.metadata.tables)
        db.engine.dispose()
    yield SimpleNamespace(owner_url=owner_url, runtime_url=runtime_url, tables=tables)
    drop_test_database()


@pytest.fixture
def make_app(request, tmp_path):
    """``make_app(backend="sqlite"|"postgresql", **config)``: a fresh app on a fresh database."""
    built = []

    def build(backend="sqlite", **config):
        if backend == "sqlite":
            template = request.getfixturevalue("sqlite_template")
            path = tmp_path / f"mosty-{len(built)}.sqlite"
            shutil.copyfile(template, path)
            urls = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                    "MOSTY_MIGRATION_DATABASE_URL": f"sqlite:///{path}"}
        elif backend == "postgresql":
            pg = request.getfixturevalue("postgres_database")
            urls = {"SQLALCHEMY_DATABASE_URI": pg.runtime_url,
                    "MOSTY_MIGRATION_DATABASE_URL": pg.owner_url}
            request.addfinalizer(lambda: truncate_all(pg.owner_url, pg.tables))
        else:
            raise ValueError(backend)
        app = create_app({**BASE_CONFIG, **urls, **config})
        app.config["MOSTY_TEST_BACKEND"] = backend
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def pg_app(make_app):
    return make_app(backend="postgresql")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_app(request, make_app):
    """The same test on SQLite and on PostgreSQL (the latter skips outside CI when absent)."""
    return make_app(backend=request.param)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def factory(app):
    return RegistryFactory(app)


def build_two_partnerships(app):
    """Partnerships A and B, each with two institutions, an admin and a caseworker."""
    f = RegistryFactory(app)
    world = {}
    for key in ("a", "b"):
        p = f.partnership(slug=f"part-{key}")
        leader = f.institution(p, name=f"Lider {key}", kind="ngo", role="leader")
        other = f.institution(p, name=f"OPS {key}", kind="ops")
        world[key] = SimpleNamespace(
            partnership=p, leader=leader, other=other,
            admin=f.staff(leader, roles=("partnership_admin", "coordinator")),
            caseworker=f.staff(other, roles=("caseworker",)),
        )
    return SimpleNamespace(factory=f, **world)


@pytest.fixture
def two_partnerships(app):
    return build_two_partnerships(app)


@pytest.fixture
def login_as():
    return login


@pytest.hookimpl(trylast=True)  # after conftests have added their markers (browser)
def pytest_collection_modifyitems(config, items):
    # With pytest-xdist (`make test` runs `-n auto --dist loadgroup`), tests that share Redis
    # databases or start Celery workers run on one process, one after another: they empty
    # their Redis database when they start, which would pull the rug from a neighbour.
    for item in items:
        if item.get_closest_marker("redis") or item.get_closest_marker("celery_worker"):
            item.add_marker(pytest.mark.xdist_group("redis"))
        elif item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
