"""PostgreSQL roles: the owner migrates, the runtime role serves and is bound by RLS."""

from sqlalchemy import text
from sqlalchemy.engine import make_url

# Tables whose rows may be added but never changed or removed by the running application.
APPEND_ONLY_TABLES = ("audit_entry",)


class UnsafeDatabaseRole(RuntimeError):
    """The app was asked to serve as a role that row-level security does not bind."""


def runtime_role_name(database_url):
    return make_url(database_url).username


def grant_runtime_role(connection, role):
    """Create the runtime role if needed and give it exactly the rights it needs."""
    # The name comes from a database URL: quoted and escaped as an identifier, since DDL
    # cannot take it as a bound parameter.
    name = connection.dialect.identifier_preparer.quote_identifier(role)
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
    ).scalar()
    if not exists:
        connection.execute(text(f'CREATE ROLE {name} LOGIN NOSUPERUSER NOBYPASSRLS'))
    connection.execute(text(f'GRANT USAGE ON SCHEMA public TO {name}'))
    connection.execute(
        text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}')
    )
    connection.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}'))
    for table in APPEND_ONLY_TABLES:
        present = connection.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar()
        if present:
            connection.execute(text(f'REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {name}'))


def unsafe_role_reasons(connection):
    """Why the connected role would not be bound by RLS (empty when it is safe)."""
    reasons = []
    superuser, bypass = connection.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).one()
    if superuser:
        reasons.append("the database role is a superuser")
    if bypass:
        reasons.append("the database role has BYPASSRLS")
    owned = connection.execute(
        text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
            "AND tableowner = current_user"
        )
    ).scalar()
    if owned:
        reasons.append(f"the database role owns {owned} tables")
    return reasons


def check_runtime_role(engine, allow_owner):
    """Refuse to serve on PostgreSQL as superuser or table owner unless told it is dev."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as connection:
        reasons = unsafe_role_reasons(connection)
    if reasons and not allow_owner:
        raise UnsafeDatabaseRole(
            "Refusing to serve: " + "; ".join(reasons) + ". Connect MOSTY_DATABASE_URL as the "
            "runtime role (see README, 'Production'), or set MOSTY_DB_ALLOW_OWNER=1 for a "
            "development setup."
        )
    return reasons
