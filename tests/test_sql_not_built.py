"""No SQL is built from strings at run time: the defence against SQL injection.

The partnership wall in PostgreSQL stops SQL that forgets the partnership, not SQL an attacker
writes (README, "Partnership isolation"), so every statement must take its values as bound
parameters. This test reads the source of the platform, the plugins and the worker and fails
on any call of ``text``/``execute``/``exec_driver_sql`` whose SQL is an f-string, a
concatenation or ``.format(...)``, outside the few modules that write DDL, where identifiers
(table and role names) cannot be bound and come from constants or the catalogue.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("platform", "plugins", "worker")
SINKS = {"text", "execute", "exec_driver_sql", "executescript"}
# DDL with identifiers: the migration helpers of the wall (table names from the catalogue),
# the runtime role's grants (quoted with the dialect's identifier quoting) and the test
# databases of the test suite.
DDL_MODULES = {
    "platform/mosty/tenancy/rls.py",
    "platform/mosty/tenancy/roles.py",
    "platform/mosty/testing/postgres.py",
}


def built_at_run_time(node):
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return True
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format")


def built_sql_calls(source):
    """(line, code) of each SQL call in ``source`` whose statement is built from strings."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
            node.func, "id", None)
        if name in SINKS and built_at_run_time(node.args[0]):
            found.append((node.lineno, ast.unparse(node)[:100]))
    return found


def python_files():
    for top in SOURCES:
        yield from sorted((ROOT / top).rglob("*.py"))


def test_no_sql_built_from_strings_outside_ddl_modules():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {code}"
        for path in python_files()
        if str(path.relative_to(ROOT)) not in DDL_MODULES
        for line, code in built_sql_calls(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_ddl_modules_still_exist():
    # A renamed module would silently leave the allowance pointing at nothing.
    for module in DDL_MODULES:
        assert (ROOT / module).is_file(), module


@pytest.mark.parametrize("code", [
    'db.session.execute(text(f"SELECT * FROM participant WHERE last_name = \'{name}\'"))',
    'conn.exec_driver_sql("SELECT * FROM t WHERE id = " + request.args["id"])',
    'conn.execute(text("SELECT * FROM t WHERE id = %s" % value))',
    'conn.execute(text("SELECT * FROM t WHERE id = {}".format(value)))',
])
def test_the_scan_finds_built_sql(code):
    assert built_sql_calls(code)


@pytest.mark.parametrize("code", [
    'db.session.execute(text("SELECT * FROM participant WHERE last_name = :n"), {"n": name})',
    'conn.execute(text(f"SELECT 1"))',  # an f-string with nothing put in
    'db.session.execute(select(Participant).where(Participant.id == pid))',
])
def test_the_scan_passes_bound_parameters(code):
    assert built_sql_calls(code) == []
