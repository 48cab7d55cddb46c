"""Modules switched on per partnership and granted to roles.

Revision ID: 0004_modules
Revises: 0003_audit
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall

revision = "0004_modules"
down_revision = "0003_audit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partnership_module",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_key", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE",
                                name="fk_partnership_module_partnership_id_partnership"),
        sa.PrimaryKeyConstraint("id", name="pk_partnership_module"),
        sa.UniqueConstraint("partnership_id", "module_key",
                            name="uq_partnership_module_partnership_id_module_key"),
    )
    op.create_table(
        "module_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_key", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("access", sa.String(length=5), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE",
                                name="fk_module_grant_partnership_id_partnership"),
        sa.PrimaryKeyConstraint("id", name="pk_module_grant"),
        sa.UniqueConstraint("partnership_id", "module_key", "role",
                            name="uq_module_grant_partnership_id_module_key_role"),
    )
    for table in ("partnership_module", "module_grant"):
        op.create_index(f"ix_{table}_partnership_id", table, ["partnership_id"])
        enable_partnership_wall(op, table)


def downgrade():
    for table in ("module_grant", "partnership_module"):
        disable_partnership_wall(op, table)
        op.drop_table(table)
