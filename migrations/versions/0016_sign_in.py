"""Sign-ins kept on the server: signing out ends the session, not only the cookie.

A row per live sign-in holds the SHA-256 digest of the secret in its cookie
(``mosty.auth.sign_ins``). Sessions signed in before this revision carry no secret and are
refused: everyone signs in once more after the upgrade. Not partnership data (users are
global), so no row-level security, like ``user_account``.

Revision ID: 0016_sign_in
Revises: 0015_access_rule_index
Create Date: 2026-12-07 02:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016_sign_in'
down_revision = '0015_access_rule_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_sign_in_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_sign_in_token_digest'))
    )
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_started_at'), ['started_at'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_started_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_user_id'))
    op.drop_table('sign_in')
