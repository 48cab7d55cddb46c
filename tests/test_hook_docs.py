"""docs/plugins.md and mosty.hookspecs must not drift apart (the Datasette test_docs idea).

Every hook is documented under "Hook reference" with a heading ``### mosty_<name>(<args>)``
naming its arguments in spec order; every documented hook exists; every hook is prefixed and
has a docstring. The complete example plugin of the guide is installed and must appear for
exactly the roles and partnerships it was granted to.
"""

import importlib
import inspect
import re
import sys
import tomllib
from pathlib import Path

import pluggy
import pytest

from mosty import hookspecs, toolkit
from mosty.extensions import db
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.tenancy import partnership_scope
from mosty.testing.factories import Factory

DOCS = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"
HEADING = re.compile(r"^### (?P<name>\w+)\((?P<args>[^)]*)\)\s*$")


def _spec_hooks():
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return {
        name: caller for name, caller in vars(pm.hook).items()
        if isinstance(caller, pluggy.HookCaller) and caller.has_spec()
    }


SPECS = _spec_hooks()


def _spec_args(caller):
    # Spec arguments with defaults live in kwargnames, not argnames (pluggy >= 1.6).
    return list(caller.spec.argnames) + list(caller.spec.kwargnames)


def _section(text, title):
    """The text of the ``## title`` section, up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/plugins.md has no '## {title}' section"
    return match.group(1)


def _documented_hooks():
    """``{name: (args, section text)}`` of the ``###`` headings under "Hook reference"."""
    reference = _section(DOCS.read_text(encoding="utf-8"), "Hook reference")
    parts = re.split(r"^(### .*)$", reference, flags=re.M)
    documented, malformed, twice = {}, [], []
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        match = HEADING.match(heading)
        if not match:
            malformed.append(heading)
            continue
        args = [a.strip() for a in match["args"].split(",") if a.strip()]
        if match["name"] in documented:
            twice.append(match["name"])
        documented[match["name"]] = (args, body)
    return documented, malformed, twice


def test_the_specs_were_found():
    assert "mosty_modules" in SPECS and len(SPECS) >= 10


@pytest.mark.parametrize("name", sorted(SPECS))
def test_hook_is_documented_with_its_arguments_in_spec_order(name):
    documented, _malformed, _twice = _documented_hooks()
    expected = f"### {name}({', '.join(_spec_args(SPECS[name]))})"
    assert name in documented, f"{name} is not documented in docs/plugins.md; add '{expected}'"
    args, _body = documented[name]
    assert args == _spec_args(SPECS[name]), (
        f"docs/plugins.md documents {name}({', '.join(args)}), the spec says {expected[4:]}"
    )


def test_every_documented_hook_exists():
    documented, _malformed, _twice = _documented_hooks()
    unknown = sorted(set(documented) - set(SPECS))
    assert not unknown, f"documented in docs/plugins.md but not in mosty.hookspecs: {unknown}"


def test_hook_reference_headings_are_well_formed_and_unique():
    _documented, malformed, twice = _documented_hooks()
    assert not malformed, f"hook reference headings must read '### mosty_x(args)': {malformed}"
    assert not twice, f"hooks documented twice: {twice}"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_hook_name_carries_the_project_prefix(name):
    assert name.startswith("mosty_"), f"hook {name} lacks the mosty_ prefix"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_hook_has_a_docstring(name):
    doc = inspect.getdoc(SPECS[name].spec.function)
    assert doc and doc.strip(), f"hook {name} has no docstring"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_firstresult_is_stated_as_the_spec_says(name):
    documented, _malformed, _twice = _documented_hooks()
    if name not in documented:
        pytest.skip("reported by the undocumented-hook test")
    stated = re.search(r"firstresult:\**\s*(yes|no)\b", documented[name][1])
    assert stated, f"the section of {name} does not say 'firstresult: yes|no'"
    expected = "yes" if SPECS[name].spec.opts.get("firstresult") else "no"
    assert stated.group(1) == expected, f"{name}: docs say firstresult {stated.group(1)}"


def test_every_function_of_the_hookspecs_module_is_a_spec():
    """A forgotten ``@hookspec`` would silently make a hook that no plugin can implement."""
    functions = [
        name for name, obj in vars(hookspecs).items()
        if inspect.isfunction(obj) and obj.__module__ == hookspecs.__name__
    ]
    unmarked = [name for name in functions if name not in SPECS]
    assert not unmarked, f"functions in mosty.hookspecs without @hookspec: {unmarked}"


def test_toolkit_names_used_in_the_docs_exist():
    text = DOCS.read_text(encoding="utf-8")
    used = set(re.findall(r"\btoolkit\.(\w+)", text)) - {"hookimpl"}
    missing = sorted(name for name in used if name not in toolkit.__all__)
    assert not missing, f"docs/plugins.md uses toolkit names that do not exist: {missing}"


# The complete minimal example of the guide, installed for real.

def _example_files():
    """``{relative path: text}`` of the fenced blocks of the example, by their first-line path."""
    section = _section(DOCS.read_text(encoding="utf-8"), "A complete minimal example")
    files = {}
    for block in re.findall(r"^```\w*\n(.*?)^```", section, re.M | re.S):
        first, _, rest = block.partition("\n")
        path = re.fullmatch(r"(?:#|\{#)\s*(\S+)\s*(?:#\})?", first.strip())
        assert path, f"example block without a path comment on its first line: {first!r}"
        files[path.group(1)] = rest
    return files


def test_example_is_packaged_as_the_guide_says():
    files = _example_files()
    assert {"pyproject.toml", "mosty_hello/__init__.py"} <= set(files)
    project = tomllib.loads(files["pyproject.toml"])
    entry_points = project["project"]["entry-points"]["mosty.plugins"]
    assert entry_points == {"hello": "mosty_hello"}, "the entry point names a module, not a class"
    assert ":" not in entry_points["hello"]
    source = files["mosty_hello/__init__.py"]
    assert 40 <= len(source.splitlines()) <= 60


@pytest.fixture
def example_plugin(tmp_path, monkeypatch):
    root = tmp_path / "example"
    for relative, text in _example_files().items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.delitem(sys.modules, "mosty_hello", raising=False)
    module = importlib.import_module("mosty_hello")
    yield module
    sys.modules.pop("mosty_hello", None)


def _switch(app, partnership, grants, enabled=True):
    with app.app_context(), partnership_scope(partnership.id):
        db.session.add(PartnershipModule(module_key="hello", enabled=enabled))
        for role, access in grants.items():
            db.session.add(ModuleGrant(module_key="hello", role=role, access=access))
        db.session.commit()


def test_example_plugin_appears_exactly_where_it_was_granted(make_app, example_plugin, login_as):
    app = make_app(MOSTY_EXTRA_PLUGINS=[example_plugin])
    assert app.extensions["mosty.broken_plugins"] == []
    assert "hello" in app.extensions["mosty.modules"].modules
    f = Factory(app)
    alfa, beta = f.partnership(slug="alfa"), f.partnership(slug="beta")
    alfa_inst, beta_inst = f.institution(alfa), f.institution(beta)
    greeter = f.staff(alfa_inst, roles=("greeter",))
    reader = f.staff(alfa_inst, roles=("caseworker",))
    outsider = f.staff(alfa_inst, roles=("coordinator",))
    beta_greeter = f.staff(beta_inst, roles=("greeter",))
    _switch(app, alfa, {"greeter": "write", "caseworker": "read"})
    _switch(app, beta, {"greeter": "write"}, enabled=False)

    client = login_as(app.test_client(), greeter)
    assert 'href="/alfa/hello/"' in client.get("/alfa/").get_data(as_text=True)
    page = client.get("/alfa/hello/")
    assert page.status_code == 200 and "/alfa/hello/wave" in page.get_data(as_text=True)
    assert client.post("/alfa/hello/wave").status_code == 302

    client = login_as(app.test_client(), reader)
    assert 'href="/alfa/hello/"' in client.get("/alfa/").get_data(as_text=True)
    page = client.get("/alfa/hello/")
    assert page.status_code == 200 and "/alfa/hello/wave" not in page.get_data(as_text=True)
    assert client.post("/alfa/hello/wave").status_code == 403

    client = login_as(app.test_client(), outsider)
    assert "/alfa/hello/" not in client.get("/alfa/").get_data(as_text=True)
    assert client.get("/alfa/hello/").status_code == 404
    assert client.post("/alfa/hello/wave").status_code == 404

    # Granted to greeters in beta too, but switched off there; alfa's grant opens nothing.
    client = login_as(app.test_client(), beta_greeter)
    assert "/beta/hello/" not in client.get("/beta/").get_data(as_text=True)
    assert client.get("/beta/hello/").status_code == 404
    assert client.get("/alfa/hello/").status_code == 404
