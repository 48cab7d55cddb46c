"""Standardized instruments: versioned definitions, administrations and answers.

Revision ID: 0007_instruments
Revises: 0006_case_registry
Create Date: 2026-11-23 13:50:00

"""
import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall


# revision identifiers, used by Alembic.
revision = '0007_instruments'
down_revision = '0006_case_registry'
branch_labels = None
depends_on = None


def upgrade():
    # Filled in by the change that adds these tables.
    pass


def downgrade():
    pass
