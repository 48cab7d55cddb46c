"""Partnerships, their territory, institutions and agreements, behind the RLS wall.

Revision ID: 0001_partnerships
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall

revision = "0001_partnerships"
down_revision = None
branch_labels = ("core",)
depends_on = None

OWNED = ("territory_unit", "institution", "agreement", "agreement_party")


def _owned_columns(table):
    return [
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE",
                                name=f"fk_{table}_partnership_id_partnership"),
    ]


def _timestamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade():
    op.create_table(
        "partnership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("programme", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=120), nullable=False),
        sa.Column("default_locale", sa.String(length=5), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_partnership"),
        sa.UniqueConstraint("slug", name="uq_partnership_slug"),
    )
    op.create_table(
        "territory_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("teryt", sa.String(length=7), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        *_owned_columns("territory_unit"),
        sa.PrimaryKeyConstraint("id", name="pk_territory_unit"),
        sa.UniqueConstraint("partnership_id", "teryt", name="uq_territory_unit_partnership_id_teryt"),
    )
    op.create_table(
        "institution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("teryt", sa.String(length=7), nullable=False),
        sa.Column("locality", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("website", sa.String(length=200), nullable=False),
        *_timestamps(),
        *_owned_columns("institution"),
        sa.PrimaryKeyConstraint("id", name="pk_institution"),
    )
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        *_timestamps(),
        *_owned_columns("agreement"),
        sa.PrimaryKeyConstraint("id", name="pk_agreement"),
    )
    op.create_table(
        "agreement_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("contribution", sa.Text(), nullable=False),
        *_owned_columns("agreement_party"),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"], ondelete="CASCADE",
                                name="fk_agreement_party_agreement_id_agreement"),
        sa.ForeignKeyConstraint(["institution_id"], ["institution.id"], ondelete="CASCADE",
                                name="fk_agreement_party_institution_id_institution"),
        sa.PrimaryKeyConstraint("id", name="pk_agreement_party"),
        sa.UniqueConstraint("agreement_id", "institution_id",
                            name="uq_agreement_party_agreement_id_institution_id"),
    )
    for table in OWNED:
        op.create_index(f"ix_{table}_partnership_id", table, ["partnership_id"])
        enable_partnership_wall(op, table)


def downgrade():
    for table in reversed(OWNED):
        disable_partnership_wall(op, table)
        op.drop_table(table)
    op.drop_table("partnership")
