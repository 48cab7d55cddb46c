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

OWNED = ('exchange_api_token', 'exchange_webhook', 'exchange_event', 'exchange_delivery', 'exchange_attempt')


def upgrade():
    op.create_table('exchange_api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_exchange_api_token_institution_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_exchange_api_token_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_exchange_api_token_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_exchange_api_token_token_hash'))
    )
    with op.batch_alter_table('exchange_api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_api_token_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_api_token_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('exchange_webhook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('event_kinds', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_exchange_webhook_institution_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_exchange_webhook_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_webhook'))
    )
    with op.batch_alter_table('exchange_webhook', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_webhook_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_webhook_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('exchange_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_exchange_event_institution_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_exchange_event_participant_id_participant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_exchange_event_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_event'))
    )
    with op.batch_alter_table('exchange_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_event_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_event_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_event_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index('ix_exchange_event_pending', ['partnership_id', 'dispatched_at'], unique=False)

    op.create_table('exchange_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('delivery_uuid', sa.String(length=36), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['endpoint_id'], ['exchange_webhook.id'], name=op.f('fk_exchange_delivery_endpoint_id_exchange_webhook'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['exchange_event.id'], name=op.f('fk_exchange_delivery_event_id_exchange_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_exchange_delivery_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_delivery')),
    sa.UniqueConstraint('delivery_uuid', name=op.f('uq_exchange_delivery_delivery_uuid')),
    sa.UniqueConstraint('event_id', 'endpoint_id', name=op.f('uq_exchange_delivery_event_id_endpoint_id'))
    )
    with op.batch_alter_table('exchange_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_delivery_endpoint_id'), ['endpoint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_delivery_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_delivery_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('exchange_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['exchange_delivery.id'], name=op.f('fk_exchange_attempt_delivery_id_exchange_delivery'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_exchange_attempt_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_attempt'))
    )
    with op.batch_alter_table('exchange_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_attempt_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_attempt_partnership_id'), ['partnership_id'], unique=False)

    for table in OWNED:
        enable_partnership_wall(op, table)


def downgrade():
    for table in reversed(OWNED):
        disable_partnership_wall(op, table)

    with op.batch_alter_table('exchange_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_attempt_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_attempt_delivery_id'))

    op.drop_table('exchange_attempt')
    with op.batch_alter_table('exchange_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_delivery_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_delivery_event_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_delivery_endpoint_id'))

    op.drop_table('exchange_delivery')
    with op.batch_alter_table('exchange_event', schema=None) as batch_op:
        batch_op.drop_index('ix_exchange_event_pending')
        batch_op.drop_index(batch_op.f('ix_exchange_event_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_event_participant_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_event_institution_id'))

    op.drop_table('exchange_event')
    with op.batch_alter_table('exchange_webhook', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_webhook_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_webhook_institution_id'))

    op.drop_table('exchange_webhook')
    with op.batch_alter_table('exchange_api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_api_token_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_api_token_institution_id'))

    op.drop_table('exchange_api_token')

