"""Data-protection rights: rectification history, restriction, retention, erasure requests, sensitive notes.

Revision ID: 0008_privacy
Revises: 0007_instruments
Create Date: 2026-11-23 13:50:00

"""
import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall


# revision identifiers, used by Alembic.
revision = '0008_privacy'
down_revision = '0007_instruments'
branch_labels = None
depends_on = None


def upgrade():
    # Filled in by the change that adds these tables.
    pass


def downgrade():
    pass
