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

OWNED = ('rectification', 'restriction_change', 'erasure_request', 'case_note')


def _participant_table(name, *columns):
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    *columns,
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f(f'fk_{name}_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f(f'fk_{name}_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}'))
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{name}_partnership_id'), ['partnership_id'], unique=False)


def upgrade():
    # A plain RENAME COLUMN (SQLite 3.25+ and PostgreSQL) keeps the table: recreating it in
    # batch mode would drop a parent table that other tables cascade from.
    op.execute('ALTER TABLE participant RENAME COLUMN restricted TO processing_restricted')
    op.add_column('participant', sa.Column('restriction_reason', sa.Text(), nullable=False, server_default=''))
    op.add_column('participant', sa.Column('restricted_since', sa.DateTime(timezone=True), nullable=True))
    op.add_column('participant', sa.Column('restricted_by_id', sa.Integer(), nullable=True))
    op.add_column('participant', sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))

    _participant_table('rectification',
        sa.Column('field', sa.String(length=40), nullable=False),
        sa.Column('old_value', sa.Text(), nullable=False),
        sa.Column('new_value', sa.Text(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('institution_id', sa.Integer(), nullable=True))
    _participant_table('restriction_change',
        sa.Column('restricted', sa.Boolean(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('institution_id', sa.Integer(), nullable=True))
    _participant_table('erasure_request',
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('outcome', sa.String(length=12), nullable=False),
        sa.Column('retention_until', sa.Date(), nullable=True),
        sa.Column('retention_open', sa.Boolean(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('institution_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False))
    _participant_table('case_note',
        sa.Column('institution_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('sensitive', sa.Boolean(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_case_note_institution_id_institution')))

    for table in OWNED:
        enable_partnership_wall(op, table)


def downgrade():
    for table in reversed(OWNED):
        disable_partnership_wall(op, table)
    for table in reversed(OWNED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_partnership_id'))
            batch_op.drop_index(batch_op.f(f'ix_{table}_participant_id'))
        op.drop_table(table)
    # DROP COLUMN works in place on SQLite 3.35+ and PostgreSQL (no table rebuild).
    for column in ('anonymised_at', 'restricted_by_id', 'restricted_since', 'restriction_reason'):
        op.execute(f'ALTER TABLE participant DROP COLUMN {column}')
    op.execute('ALTER TABLE participant RENAME COLUMN processing_restricted TO restricted')
