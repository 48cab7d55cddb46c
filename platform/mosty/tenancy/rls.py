"""The database wall: PostgreSQL row-level security on every partnership-owned table.

The application sets ``mosty.partnership_id`` (and ``mosty.scope`` for the explicit system
scope) at the start of every transaction with ``set_config(..., true)``, so the setting dies
with the transaction and a pooled connection never carries one partnership into the next.
"""

from sqlalchemy import text

SETTING = "mosty.partnership_id"
SCOPE_SETTING = "mosty.scope"
POLICY = "mosty_partnership_wall"

# Each setting is read in a sub-select, which PostgreSQL evaluates once per query (an
# InitPlan) instead of once per row: written bare, the two current_setting() calls made a
# year's report 50 % slower for the runtime role than for the owner (bench/RESULTS.md).
_CONDITION = (
    f"(SELECT current_setting('{SCOPE_SETTING}', true)) = 'system' "
    f"OR partnership_id = (SELECT NULLIF(current_setting('{SETTING}', true), '')::integer)"
)


def apply_database_setting(connection, partnership_id, system):
    if connection.dialect.name != "postgresql":
        return
    connection.execute(
        text(
            f"SELECT set_config('{SETTING}', :pid, true), set_config('{SCOPE_SETTING}', :scope, true)"
        ),
        {"pid": "" if partnership_id is None else str(partnership_id),
         "scope": "system" if system else ""},
    )


def enable_partnership_wall(op, table):
    """Migration helper: force RLS on ``table`` with the partnership policy (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    _create_policy(op, table, _CONDITION)


def _create_policy(op, table, condition):
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING ({condition}) WITH CHECK ({condition})")


def rewrite_partnership_walls(op, condition=None):
    """Migration helper: give every table that has the partnership policy the current
    condition (or ``condition``), same name, same meaning (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    condition = condition or _CONDITION
    tables = op.get_bind().execute(text(
        "SELECT tablename FROM pg_policies WHERE policyname = :policy "
        "AND schemaname = current_schema() ORDER BY tablename"), {"policy": POLICY}).scalars()
    for table in list(tables):
        op.execute(f"DROP POLICY {POLICY} ON {table}")
        _create_policy(op, table, condition)


def disable_partnership_wall(op, table):
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def tables_missing_the_wall(connection, tables):
    """Partnership-owned tables without forced RLS and our policy (for checks and tests)."""
    rows = connection.execute(
        text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname "
            "        AND p.policyname = :policy) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        ),
        {"policy": POLICY},
    ).all()
    walled = {name for name, rls, forced, policy in rows if rls and forced and policy}
    return sorted(set(tables) - walled)
