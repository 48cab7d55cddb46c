"""Reports: stored partnership reports and scheduled report recipients.

Revision ID: 0011_reports
Revises: 0010_exchange
Create Date: 2026-11-23 13:50:00

"""
import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall


# revision identifiers, used by Alembic.
revision = '0011_reports'
down_revision = '0010_exchange'
branch_labels = None
depends_on = None


def upgrade():
    # Filled in by the change that adds these tables.
    pass


def downgrade():
    pass
