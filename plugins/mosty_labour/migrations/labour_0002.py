"""labour: job offers, people's skills, candidates put forward and their outcomes"""

import sqlalchemy as sa
from alembic import op

from mosty.toolkit import disable_partnership_wall, enable_partnership_wall

revision = "labour_0002"
down_revision = "labour_0001"
branch_labels = None
depends_on = None

TABLES = ("labour_offer", "labour_skill", "labour_candidate")


def upgrade():
    op.create_table('labour_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('employer_name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('commune_teryt', sa.String(length=7), nullable=False),
    sa.Column('locality', sa.String(length=120), nullable=False),
    sa.Column('hours_per_week', sa.Integer(), nullable=False),
    sa.Column('contract_type', sa.String(length=20), nullable=False),
    sa.Column('requirements', sa.JSON(), nullable=False),
    sa.Column('part_time', sa.Boolean(), nullable=False),
    sa.Column('flexible_hours', sa.Boolean(), nullable=False),
    sa.Column('remote', sa.Boolean(), nullable=False),
    sa.Column('vacancies', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['institution.id'], name=op.f('fk_labour_offer_employer_id_institution')),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_labour_offer_institution_id_institution')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_labour_offer_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_offer'))
    )
    with op.batch_alter_table('labour_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_offer_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index('ix_labour_offer_status', ['partnership_id', 'status'], unique=False)

    op.create_table('labour_skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_labour_skill_institution_id_institution')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_labour_skill_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_labour_skill_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_skill')),
    sa.UniqueConstraint('participant_id', 'name', name=op.f('uq_labour_skill_participant_id_name'))
    )
    with op.batch_alter_table('labour_skill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_skill_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_skill_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('labour_candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('referred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('referred_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('not_hired_reason', sa.Text(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_labour_candidate_institution_id_institution')),
    sa.ForeignKeyConstraint(['offer_id'], ['labour_offer.id'], name=op.f('fk_labour_candidate_offer_id_labour_offer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_labour_candidate_outcome_id_outcome'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_labour_candidate_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_labour_candidate_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_candidate')),
    sa.UniqueConstraint('offer_id', 'participant_id', name=op.f('uq_labour_candidate_offer_id_participant_id'))
    )
    with op.batch_alter_table('labour_candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_candidate_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_candidate_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_candidate_partnership_id'), ['partnership_id'], unique=False)

    for table in TABLES:
        enable_partnership_wall(op, table)


def downgrade():
    for table in reversed(TABLES):
        disable_partnership_wall(op, table)
        op.drop_table(table)
