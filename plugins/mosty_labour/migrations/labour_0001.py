"""labour: registration status, activation instruments and their enrolments, referral answers"""

import sqlalchemy as sa
from alembic import op

from mosty.toolkit import disable_partnership_wall, enable_partnership_wall

revision = "labour_0001"
down_revision = None
branch_labels = ("labour",)
depends_on = "0006_case_registry"


def upgrade():
    # Filled in by the change that adds these tables.
    pass


def downgrade():
    pass
