"""labour: job offers, candidates and their outcomes"""

import sqlalchemy as sa
from alembic import op

from mosty.toolkit import disable_partnership_wall, enable_partnership_wall

revision = "labour_0002"
down_revision = "labour_0001"
branch_labels = None
depends_on = None


def upgrade():
    # Filled in by the change that adds these tables.
    pass


def downgrade():
    pass
