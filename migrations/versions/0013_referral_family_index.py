"""Index on referral.family_id: the family page lists the referrals about the family.

Without it, "referrals about the family or its members" scanned every referral of the
partnership (60-80 ms at benchmark volume, bench/RESULTS.md); the members' half already had
ix_referral_participant_id.

Revision ID: 0013_referral_family_index
Revises: 0012_performance
Create Date: 2026-11-23 17:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013_referral_family_index'
down_revision = '0012_performance'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index('ix_referral_family_id', ['family_id'], unique=False)


def downgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_family_id')
