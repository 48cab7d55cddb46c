"""The plugin framework: discovery, the naming rules, isolation of failures, one plugin manager
per app, mounting, roles, access-filtered contributions, demo loaders and the toolkit surface."""

import ast
import json
import re
import subprocess
import sys
import textwrap
import types
from datetime import date
from importlib.metadata import EntryPoint
from pathlib import Path

from flask import Blueprint, g
from flask_migrate import upgrade
from sqlalchemy import inspect as sa_inspect

import mosty
import sample_module
from mosty import hookspecs, toolkit
from mosty.app import MIGRATIONS_DIR
from mosty.extensions import db
from mosty.plugins import demo_loaders, get_plugin_manager, get_registry, manager
from mosty.plugins.access import collect
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.plugins.roles import CORE_ROLES, available_roles
from mosty.tenancy import partnership_scope
from mosty.testing.factories import Factory

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_module"


def make_plugin(name, **hooks):
    """A plugin module called ``name`` whose hook implementations are ``hooks``."""
    plugin = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(plugin, hook_name, toolkit.hookimpl(function))
    return plugin


def module_of(key):
    return lambda: toolkit.Module(key=key, name=key.title())


def broken(app):
    return {b.name: b.error for b in app.extensions["mosty.broken_plugins"]}


def plain(rule):
    """``/<partnership:partnership>/x`` → ``/<partnership>/x``: the converter is not our concern."""
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"<\1>", rule)


def rules(app):
    return {plain(rule.rule): rule.endpoint for rule in app.url_map.iter_rules()}


def switch(app, partnership, key, grants, enabled=True):
    with app.app_context(), partnership_scope(partnership.id):
        db.session.add(PartnershipModule(module_key=key, enabled=enabled))
        for role, access in grants.items():
            db.session.add(ModuleGrant(module_key=key, role=role, access=access))
        db.session.commit()


# Discovery through entry points.

def test_entry_points_are_discovered_and_a_broken_plugin_is_reported_by_name(
        make_app, sqlite_template, tmp_path, monkeypatch):
    folder = tmp_path / "entry_point_plugins"
    folder.mkdir()
    (folder / "mosty_broken_ep.py").write_text("import mosty_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(folder))
    asked = []

    def fake_entry_points(*, group):
        asked.append(group)
        return [EntryPoint("broken", "mosty_broken_ep", group),
                EntryPoint("sample", "sample_module", group)]

    monkeypatch.setattr(manager, "entry_points", fake_entry_points)
    app = make_app()

    assert asked == ["mosty.plugins"]
    assert list(broken(app)) == ["broken"]
    assert broken(app)["broken"].startswith("ModuleNotFoundError")
    assert "mosty_no_such_dependency" in broken(app)["broken"]
    # The good plugin after the broken one is still registered, under its entry-point name.
    assert get_plugin_manager(app).get_plugin("sample") is sample_module
    assert "sample" in get_registry(app).modules
    assert rules(app)["/<partnership>/sample/"] == "sample.index"
    assert app.test_client().get("/login").status_code == 200


def test_entry_points_are_skipped_when_switched_off(make_app, sqlite_template, monkeypatch):
    monkeypatch.setattr(manager, "entry_points",
                        lambda *, group: [EntryPoint("sample", "sample_module", group)])
    app = make_app(MOSTY_LOAD_ENTRY_POINTS=False)
    assert "sample" not in get_registry(app).modules


# The naming rules.

def test_blueprint_not_named_after_the_module_key_is_refused(make_app):
    bp = Blueprint("greetings", __name__)
    bp.add_url_rule("/", "index", lambda: "hi")
    plugin = make_plugin("mosty_misnamed", mosty_modules=module_of("misnamed"),
                         mosty_blueprints=lambda: bp)
    app = make_app(MOSTY_EXTRA_PLUGINS=[plugin])

    error = broken(app)["mosty_misnamed"]
    assert "PluginError" in error and "'greetings'" in error and "misnamed" in error
    assert not get_plugin_manager(app).is_registered(plugin)
    assert "misnamed" not in get_registry(app).modules
    assert "greetings" not in app.blueprints
    assert not [r for r, endpoint in rules(app).items()
                if endpoint.startswith("greetings.") or "misnamed" in r]


PLUGIN_WITH_TABLE = '''
from flask import Blueprint
from sqlalchemy.orm import Mapped, mapped_column

from mosty import toolkit
from mosty.toolkit import hookimpl

KEY = {key!r}
bp = Blueprint(KEY, __name__)
bp.add_url_rule("/", "index", lambda: "ok")


class Note(toolkit.Base):
    __tablename__ = {table!r}
    id: Mapped[int] = mapped_column(primary_key=True)


@hookimpl
def mosty_modules():
    return toolkit.Module(key=KEY, name=KEY)


@hookimpl
def mosty_blueprints():
    return bp
'''

TABLE_CHECK_SCRIPT = '''
import json
import mosty_badtables, mosty_goodtables
from mosty import create_app
from mosty.testing.plugin import BASE_CONFIG

app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                  "MOSTY_MIGRATION_DATABASE_URL": "sqlite://",
                  "MOSTY_LOAD_ENTRY_POINTS": False,
                  "MOSTY_EXTRA_PLUGINS": [mosty_goodtables, mosty_badtables]})
print(json.dumps({
    "broken": {b.name: b.error for b in app.extensions["mosty.broken_plugins"]},
    "modules": sorted(app.extensions["mosty.modules"].modules),
    "rules": sorted(r.rule for r in app.url_map.iter_rules()),
}))
'''


def test_model_table_without_the_key_prefix_is_refused(tmp_path):
    # In a subprocess: a model defined here would stay in the global metadata of every test.
    for package, key, table in (("mosty_goodtables", "goodtab", "goodtab_note"),
                                ("mosty_badtables", "badtab", "note_of_badtab")):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(
            PLUGIN_WITH_TABLE.format(key=key, table=table))
    done = subprocess.run([sys.executable, "-c", TABLE_CHECK_SCRIPT], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["rules"] = [plain(rule) for rule in result["rules"]]

    assert list(result["broken"]) == ["mosty_badtables"]
    error = result["broken"]["mosty_badtables"]
    assert "PluginError" in error and "'note_of_badtab'" in error and "badtab_" in error
    assert result["modules"] == ["goodtab"]
    assert "/<partnership>/goodtab/" in result["rules"]
    assert not [r for r in result["rules"] if "badtab" in r]


def test_duplicate_module_key_is_refused_and_the_first_plugin_kept(make_app):
    copycat = make_plugin("mosty_copycat", mosty_modules=module_of("sample"))
    app = make_app(MOSTY_EXTRA_PLUGINS=[sample_module, copycat])

    assert list(broken(app)) == ["mosty_copycat"]
    assert "'sample'" in broken(app)["mosty_copycat"]
    pm = get_plugin_manager(app)
    assert pm.is_registered(sample_module) and not pm.is_registered(copycat)
    assert str(get_registry(app).modules["sample"].name) == "Sample module"
    assert get_registry(app).module_keys_of("sample_module") == ("sample",)


def test_plugin_returning_something_else_than_modules_is_refused(make_app):
    plugin = make_plugin("mosty_stringly", mosty_modules=lambda: "stringly")
    app = make_app(MOSTY_EXTRA_PLUGINS=[plugin, sample_module], MOSTY_LOAD_ENTRY_POINTS=False)
    assert "Module objects" in broken(app)["mosty_stringly"]
    assert list(get_registry(app).modules) == ["sample"]


def test_plugin_raising_while_registering_is_left_out(make_app):
    def explode():
        raise RuntimeError("no config file")

    plugin = make_plugin("mosty_exploding", mosty_modules=explode)
    app = make_app(MOSTY_EXTRA_PLUGINS=[plugin, sample_module])
    assert broken(app) == {"mosty_exploding": "RuntimeError: no config file"}
    assert "sample" in get_registry(app).modules


# Failures at request time cost only the failing plugin's contribution.

def _caseworker_beside_sample(make_app, login_as, key, menu_items, access):
    """A client signed in as a caseworker of partnership "alfa", where a module ``key`` (a
    page answering "<key> page", the given menu hook, granted at ``access``) and the sample
    module (read) are both switched on."""
    bp = Blueprint(key, __name__)
    bp.add_url_rule("/", "index", lambda: f"{key} page")
    plugin = make_plugin(f"mosty_{key}", mosty_modules=module_of(key),
                         mosty_blueprints=lambda: bp, mosty_menu_items=menu_items)
    app = make_app(MOSTY_EXTRA_PLUGINS=[plugin, sample_module])
    factory = Factory(app)
    p = factory.partnership(slug="alfa")
    user = factory.staff(factory.institution(p), roles=("caseworker",))
    switch(app, p, key, {"caseworker": access})
    switch(app, p, "sample", {"caseworker": "read"})
    return login_as(app.test_client(), user)


def test_plugin_raising_in_menu_items_loses_only_its_menu_items(make_app, login_as, caplog):
    def menu_boom(partnership, membership):
        raise RuntimeError("menu exploded")

    client = _caseworker_beside_sample(make_app, login_as, "boom", menu_boom, "write")

    page = client.get("/alfa/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/alfa/sample/"' in html and "/alfa/boom/" not in html
    assert "mosty_menu_items" in caplog.text and "menu exploded" in caplog.text
    # The module itself still works; only its menu entry is lost.
    assert client.get("/alfa/boom/").get_data(as_text=True) == "boom page"


def test_a_contribution_for_another_plugins_module_is_left_out(make_app, login_as, caplog):
    # A plugin whose own module the member may use must not show entries under a module it
    # does not provide (nor be asked at all when none of its modules is open to the member).
    def menu(partnership, membership):
        return [toolkit.MenuItem(module="sample", label="Pretender", endpoint="sample.index"),
                toolkit.MenuItem(module="rogue", label="Rogue's own", endpoint="rogue.index")]

    client = _caseworker_beside_sample(make_app, login_as, "rogue", menu, "read")

    html = client.get("/alfa/").get_data(as_text=True)
    assert "Rogue&#39;s own" in html or "Rogue's own" in html
    assert "Pretender" not in html
    assert "mosty_rogue" in caplog.text and "not its own" in caplog.text


# Wiring.

def test_hookimpl_is_reexported():
    assert mosty.hookimpl is toolkit.hookimpl is hookspecs.hookimpl


def test_each_app_has_its_own_plugin_manager(make_app):
    with_sample = make_app(MOSTY_EXTRA_PLUGINS=[sample_module])
    without = make_app()
    pm_with, pm_without = get_plugin_manager(with_sample), get_plugin_manager(without)

    assert pm_with is not pm_without
    assert pm_with.is_registered(sample_module) and not pm_without.is_registered(sample_module)
    assert "sample" in get_registry(with_sample).modules
    assert "sample" not in get_registry(without).modules
    assert "/<partnership>/sample/" in rules(with_sample)
    assert not [r for r in rules(without) if "sample" in r]


def test_module_blueprints_are_mounted_under_partnership_and_key(make_app):
    app = make_app(MOSTY_EXTRA_PLUGINS=[sample_module], MOSTY_LOAD_ENTRY_POINTS=False)
    sample_rules = {endpoint: rule for rule, endpoint in rules(app).items()
                    if endpoint.startswith("sample.")}
    assert sample_rules == {
        "sample.index": "/<partnership>/sample/",
        "sample.new": "/<partnership>/sample/new",
        "sample.add_note": "/<partnership>/sample/notes",
    }
    assert get_registry(app).blueprints == {"sample": sample_module.bp}


def test_available_roles_lists_core_roles_first_then_module_roles(make_app):
    app = make_app(MOSTY_EXTRA_PLUGINS=[sample_module])
    roles = available_roles(app)
    keys = list(roles)
    core = [role.key for role in CORE_ROLES]

    assert keys[:len(core)] == core
    assert "sample_worker" in keys[len(core):]
    assert isinstance(roles["sample_worker"], toolkit.Role)
    assert str(roles["sample_worker"].name) == "Sample worker"


def test_module_role_cannot_redefine_a_core_role(make_app):
    plugin = make_plugin("mosty_usurper", mosty_modules=lambda: toolkit.Module(
        key="usurper", name="U", roles=(toolkit.Role("caseworker", "Fake caseworker"),)))
    app = make_app(MOSTY_EXTRA_PLUGINS=[plugin])
    roles = available_roles(app)
    assert roles["caseworker"] is next(r for r in CORE_ROLES if r.key == "caseworker")


# Contributions are filtered by access.

def _report_sections(app, partnership, roles):
    with app.test_request_context(f"/{partnership.slug}/"), partnership_scope(partnership.id):
        g.partnership = partnership
        g.membership = types.SimpleNamespace(roles=list(roles))
        return collect("mosty_report_sections", partnership=partnership,
                       period_start=date(2026, 1, 1), period_end=date(2026, 3, 31))


def test_report_sections_are_filtered_by_access(make_app):
    def other_sections(partnership, period_start, period_end):
        return [toolkit.ReportSection(module="other", title="Other"),
                # A contribution naming a module nobody declared is never shown.
                toolkit.ReportSection(module="ghost", title="Ghost")]

    def failing_sections(partnership, period_start, period_end):
        raise RuntimeError("report exploded")

    other = make_plugin("mosty_other", mosty_modules=module_of("other"),
                        mosty_report_sections=other_sections)
    failing = make_plugin("mosty_failing", mosty_modules=module_of("failing"),
                          mosty_report_sections=failing_sections)
    app = make_app(MOSTY_EXTRA_PLUGINS=[sample_module, other, failing])
    f = Factory(app)
    p, elsewhere = f.partnership(slug="alfa"), f.partnership(slug="beta")

    def titles(partnership, roles):
        return sorted(str(s.title) for s in _report_sections(app, partnership, roles))

    assert titles(p, ["caseworker"]) == []
    switch(app, p, "sample", {"sample_worker": "read"})
    switch(app, p, "other", {"caseworker": "read"}, enabled=False)
    switch(app, p, "failing", {"caseworker": "write"})
    assert titles(p, ["caseworker"]) == []                      # on but not granted / off
    assert titles(p, ["sample_worker"]) == ["Sample section"]
    assert titles(p, ["caseworker", "sample_worker"]) == ["Sample section"]
    switch(app, elsewhere, "other", {"caseworker": "read"})
    assert titles(elsewhere, ["caseworker"]) == ["Other"]
    assert titles(elsewhere, ["sample_worker"]) == []           # alfa's grant opens nothing


def test_demo_loaders_are_the_plugins_loaders(make_app):
    def load(partnerships):
        pass

    with_loader = make_plugin("mosty_demo", mosty_demo_data=lambda: load)
    without = make_plugin("mosty_nodemo", mosty_demo_data=lambda: None)
    app = make_app(MOSTY_EXTRA_PLUGINS=[with_loader, without, sample_module],
                   MOSTY_LOAD_ENTRY_POINTS=False)
    assert demo_loaders(app) == [load]
    assert demo_loaders(make_app(MOSTY_LOAD_ENTRY_POINTS=False)) == []


# The toolkit is the surface plugins use.

def test_everything_in_the_toolkit_is_importable():
    namespace = {}
    exec("from mosty.toolkit import *", namespace)
    missing = [name for name in toolkit.__all__ if name not in namespace]
    assert not missing
    assert len(set(toolkit.__all__)) == len(toolkit.__all__)
    for name in ("hookimpl", "Module", "Role", "MenuItem", "Panel", "TimelineEntry",
                 "ReportSection", "ExchangeFormat", "PartnershipOwned", "Base", "db",
                 "requires_write", "module_access", "can_use", "record_audit",
                 "partnership_scope", "current_partnership", "current_membership"):
        assert name in toolkit.__all__, name


def _mosty_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "mosty":
                    yield alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "mosty":
            for alias in node.names:
                yield node.module, alias.name


def test_sample_module_imports_only_the_toolkit():
    files = sorted(SAMPLE_DIR.glob("*.py"))
    assert files
    allowed_from_mosty = {"toolkit", "hookimpl"}
    offending = []
    for path in files:
        for module, name in _mosty_imports(path):
            ok = module == "mosty.toolkit" or (module == "mosty" and name in allowed_from_mosty)
            if not ok:
                offending.append(f"{path.name}: {module}{'.' + name if name else ''}")
    assert not offending, f"the sample module reaches past mosty.toolkit: {offending}"


# Bugs found while writing these tests, fixed; kept as regression tests.

def test_module_key_of_a_core_blueprint_is_refused_not_fatal(make_app):
    bp = Blueprint("auth", __name__)
    bp.add_url_rule("/", "index", lambda: "impostor")
    plugin = make_plugin("mosty_impostor", mosty_modules=module_of("auth"),
                         mosty_blueprints=lambda: bp)
    app = make_app(MOSTY_EXTRA_PLUGINS=[plugin])
    assert "mosty_impostor" in broken(app)
    assert rules(app)["/login"] == "auth.login"


def test_the_same_plugin_registered_twice_keeps_the_first_registration(
        make_app, sqlite_template, monkeypatch):
    monkeypatch.setattr(manager, "entry_points",
                        lambda *, group: [EntryPoint("sample", "sample_module", group)])
    app = make_app(MOSTY_EXTRA_PLUGINS=[sample_module])
    pm = get_plugin_manager(app)
    assert pm.is_registered(sample_module)
    assert pm.hook.mosty_modules() != []


def test_a_plugin_migration_branch_is_applied(make_app, tmp_path, monkeypatch):
    package = tmp_path / "migrating" / "mosty_migrating"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent('''
        from pathlib import Path
        from mosty import toolkit
        from mosty.toolkit import hookimpl

        @hookimpl
        def mosty_modules():
            return toolkit.Module(key="migrating", name="Migrating")

        @hookimpl
        def mosty_migrations_dir():
            return Path(__file__).parent / "migrations"
    '''))
    (package / "migrations" / "migrating_0001_notes.py").write_text(textwrap.dedent('''
        import sqlalchemy as sa
        from alembic import op

        revision = "migrating_0001"
        down_revision = None
        branch_labels = ("migrating",)
        depends_on = "0004_modules"

        def upgrade():
            op.create_table("migrating_note", sa.Column("id", sa.Integer(), primary_key=True))

        def downgrade():
            op.drop_table("migrating_note")
    '''))
    monkeypatch.syspath_prepend(str(package.parent))
    monkeypatch.delitem(sys.modules, "mosty_migrating", raising=False)
    import mosty_migrating

    app = make_app(MOSTY_EXTRA_PLUGINS=[mosty_migrating])
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision="heads")
        tables = sa_inspect(db.engine).get_table_names()
    sys.modules.pop("mosty_migrating", None)
    assert "migrating_note" in tables


def test_every_core_blueprint_and_partnership_path_is_reserved_for_the_core(make_app):
    # A module key becomes a blueprint name and the segment after /<partnership>/; a core
    # package added later must reserve its own, or a plugin could shadow its pages.
    from mosty.plugins.manager import RESERVED_KEYS, RESERVED_PREFIXES

    app = make_app()
    plugin_blueprints = set(get_registry(app).blueprints)
    core = set(app.blueprints) - plugin_blueprints
    unreserved = {name for name in core
                  if name not in RESERVED_KEYS and not name.startswith(RESERVED_PREFIXES)}
    assert unreserved == set()
    paths = [rule.rule.strip("/").split("/") for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/<partnership")]
    segments = {path[1] for path in paths if len(path) > 1}
    assert segments - plugin_blueprints - RESERVED_KEYS == set()
