"""Job tracking and imports: jobs with progress and result files, saved column mappings.

Revision ID: 0009_jobs_imports
Revises: 0008_privacy
Create Date: 2026-11-23 13:50:00

"""
import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall


# revision identifiers, used by Alembic.
revision = '0009_jobs_imports'
down_revision = '0008_privacy'
branch_labels = None
depends_on = None


def upgrade():
    # Filled in by the change that adds these tables.
    pass


def downgrade():
    pass
