"""Exchange: outbox events, webhooks and their delivery log, API tokens per institution.

Revision ID: 0010_exchange
Revises: 0009_jobs_imports
Create Date: 2026-11-23 13:50:00

"""
import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall


# revision identifiers, used by Alembic.
revision = '0010_exchange'
down_revision = '0009_jobs_imports'
branch_labels = None
depends_on = None


def upgrade():
    # Filled in by the change that adds these tables.
    pass


def downgrade():
    pass
