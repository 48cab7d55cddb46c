"""Idempotency receipts of background tasks.

Revision ID: 0005_task_receipts
Revises: 0004_modules
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall

revision = "0005_task_receipts"
down_revision = "0004_modules"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("task", sa.String(length=120), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE",
                                name="fk_task_receipt_partnership_id_partnership"),
        sa.PrimaryKeyConstraint("id", name="pk_task_receipt"),
        sa.UniqueConstraint("key", name="uq_task_receipt_key"),
    )
    op.create_index("ix_task_receipt_partnership_id", "task_receipt", ["partnership_id"])
    enable_partnership_wall(op, "task_receipt")


def downgrade():
    disable_partnership_wall(op, "task_receipt")
    op.drop_table("task_receipt")
