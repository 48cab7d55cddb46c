"""Standardized instruments: versioned definitions, family rounds and administrations.

Revision ID: 0007_instruments
Revises: 0006_case_registry
Create Date: 2026-11-23 13:50:00

"""
import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall

# revision identifiers, used by Alembic.
revision = '0007_instruments'
down_revision = '0006_case_registry'
branch_labels = None
depends_on = None

OWNED = ('instrument', 'instrument_version', 'instrument_family_round', 'instrument_administration')


def upgrade():
    op.create_table('instrument',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('is_example', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_instrument_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument')),
    sa.UniqueConstraint('partnership_id', 'key', name=op.f('uq_instrument_partnership_id_key'))
    )
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('instrument_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_instrument_version_instrument_id_instrument'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_instrument_version_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_version')),
    sa.UniqueConstraint('instrument_id', 'number', name=op.f('uq_instrument_version_instrument_id_number'))
    )
    with op.batch_alter_table('instrument_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_version_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_version_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('instrument_family_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_instrument_family_round_family_id_family'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_instrument_family_round_institution_id_institution')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_instrument_family_round_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['instrument_version.id'], name=op.f('fk_instrument_family_round_version_id_instrument_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_family_round'))
    )
    with op.batch_alter_table('instrument_family_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_family_round_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_family_round_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('instrument_administration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('family_round_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('administered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['family_round_id'], ['instrument_family_round.id'], name=op.f('fk_instrument_administration_family_round_id_instrument_family_round'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_instrument_administration_institution_id_institution')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_instrument_administration_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_instrument_administration_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['instrument_version.id'], name=op.f('fk_instrument_administration_version_id_instrument_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_administration'))
    )
    with op.batch_alter_table('instrument_administration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_administration_family_round_id'), ['family_round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_administration_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_administration_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index('ix_instrument_administration_person', ['partnership_id', 'participant_id', 'version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_administration_version_id'), ['version_id'], unique=False)

    for table in OWNED:
        enable_partnership_wall(op, table)


def downgrade():
    for table in reversed(OWNED):
        disable_partnership_wall(op, table)

    with op.batch_alter_table('instrument_administration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_administration_version_id'))
        batch_op.drop_index('ix_instrument_administration_person')
        batch_op.drop_index(batch_op.f('ix_instrument_administration_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_instrument_administration_participant_id'))
        batch_op.drop_index(batch_op.f('ix_instrument_administration_family_round_id'))

    op.drop_table('instrument_administration')
    with op.batch_alter_table('instrument_family_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_family_round_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_instrument_family_round_family_id'))

    op.drop_table('instrument_family_round')
    with op.batch_alter_table('instrument_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_version_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_instrument_version_instrument_id'))

    op.drop_table('instrument_version')
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_partnership_id'))

    op.drop_table('instrument')
