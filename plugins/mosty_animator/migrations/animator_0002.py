"""animator: a motivation test round given at a review names that review"""

import sqlalchemy as sa
from alembic import op

revision = "animator_0002"
down_revision = "animator_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('animator_instrument_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_animator_instrument_round_review_id_animator_review'),
            'animator_review', ['review_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('animator_instrument_round', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_animator_instrument_round_review_id_animator_review'),
            type_='foreignkey')
        batch_op.drop_column('review_id')
