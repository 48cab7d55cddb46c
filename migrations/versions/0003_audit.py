"""The append-only audit log.

Revision ID: 0003_audit
Revises: 0002_users
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall

revision = "0003_audit"
down_revision = "0002_users"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=60), nullable=False),
        sa.Column("object_id", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        # No cascade: a partnership with an audit trail cannot be deleted.
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"],
                                name="fk_audit_entry_partnership_id_partnership"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entry"),
    )
    op.create_index("ix_audit_entry_partnership_at", "audit_entry", ["partnership_id", "at"])
    enable_partnership_wall(op, "audit_entry")
    if op.get_bind().dialect.name == "postgresql":
        # Beyond the runtime role's missing UPDATE/DELETE grants: nobody rewrites history.
        op.execute(
            "CREATE FUNCTION mosty_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION mosty_audit_is_append_only()"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS mosty_audit_is_append_only()")
    disable_partnership_wall(op, "audit_entry")
    op.drop_table("audit_entry")
