"""animator: recruitment cases, contacts, work plans with goals, actions and reviews,
agreements with institutions, information requests, diagnosis barriers and instrument rounds"""

import sqlalchemy as sa
from alembic import op

from mosty.toolkit import disable_partnership_wall, enable_partnership_wall

revision = "animator_0001"
down_revision = None
branch_labels = ("animator",)
# The registry (families, referrals, enrolment) and the instruments (family rounds).
depends_on = ("0006_case_registry", "0007_instruments")

# In creation order (foreign keys point backwards); dropped in reverse.
TABLES = ('animator_info_request', 'animator_case', 'animator_agreement', 'animator_contact', 'animator_plan', 'animator_goal', 'animator_review', 'animator_action', 'animator_barrier', 'animator_instrument_round')


def upgrade():
    op.create_table('animator_info_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_animator_info_request_answered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['asked_by_id'], ['user_account.id'], name=op.f('fk_animator_info_request_asked_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_animator_info_request_institution_id_institution')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_animator_info_request_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_animator_info_request'))
    )
    op.create_index(op.f('ix_animator_info_request_partnership_id'), 'animator_info_request', ['partnership_id'], unique=False)
    op.create_table('animator_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('animator_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('lead_on', sa.Date(), nullable=False),
    sa.Column('contacted_on', sa.Date(), nullable=True),
    sa.Column('visited_on', sa.Date(), nullable=True),
    sa.Column('assessed_on', sa.Date(), nullable=True),
    sa.Column('enrolled_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('advisor_id', sa.Integer(), nullable=True),
    sa.Column('advisor_since', sa.Date(), nullable=True),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('barriers_summary', sa.Text(), nullable=False),
    sa.Column('diagnosed_on', sa.Date(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['advisor_id'], ['user_account.id'], name=op.f('fk_animator_case_advisor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['animator_id'], ['user_account.id'], name=op.f('fk_animator_case_animator_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_animator_case_enrollment_id_enrollment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_animator_case_family_id_family'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_animator_case_institution_id_institution')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_animator_case_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_animator_case')),
    sa.UniqueConstraint('partnership_id', 'family_id', name=op.f('uq_animator_case_partnership_id_family_id'))
    )
    op.create_index(op.f('ix_animator_case_advisor_id'), 'animator_case', ['advisor_id'], unique=False)
    op.create_index(op.f('ix_animator_case_animator_id'), 'animator_case', ['animator_id'], unique=False)
    op.create_index(op.f('ix_animator_case_family_id'), 'animator_case', ['family_id'], unique=False)
    op.create_index(op.f('ix_animator_case_institution_id'), 'animator_case', ['institution_id'], unique=False)
    op.create_index(op.f('ix_animator_case_partnership_id'), 'animator_case', ['partnership_id'], unique=False)
    op.create_table('animator_agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('commitment', sa.Text(), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=False),
    sa.Column('concluded_by_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['animator_case.id'], name=op.f('fk_animator_agreement_case_id_animator_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_animator_agreement_institution_id_institution')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_animator_agreement_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_animator_agreement_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_animator_agreement_referral_id_referral'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_animator_agreement'))
    )
    op.create_index(op.f('ix_animator_agreement_case_id'), 'animator_agreement', ['case_id'], unique=False)
    op.create_index(op.f('ix_animator_agreement_partnership_id'), 'animator_agreement', ['partnership_id'], unique=False)
    op.create_table('animator_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('present', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('next_step', sa.String(length=300), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['animator_case.id'], name=op.f('fk_animator_contact_case_id_animator_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_animator_contact_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_animator_contact'))
    )
    op.create_index(op.f('ix_animator_contact_case_id'), 'animator_contact', ['case_id'], unique=False)
    op.create_index(op.f('ix_animator_contact_partnership_id'), 'animator_contact', ['partnership_id'], unique=False)
    op.create_table('animator_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('review_every_days', sa.Integer(), nullable=False),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('family_signed_on', sa.Date(), nullable=True),
    sa.Column('family_signed_by_id', sa.Integer(), nullable=True),
    sa.Column('animator_signed_on', sa.Date(), nullable=True),
    sa.Column('animator_signed_by_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['animator_signed_by_id'], ['user_account.id'], name=op.f('fk_animator_plan_animator_signed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['animator_case.id'], name=op.f('fk_animator_plan_case_id_animator_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['family_signed_by_id'], ['participant.id'], name=op.f('fk_animator_plan_family_signed_by_id_participant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_animator_plan_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_animator_plan')),
    sa.UniqueConstraint('case_id', name=op.f('uq_animator_plan_case_id'))
    )
    op.create_index(op.f('ix_animator_plan_partnership_id'), 'animator_plan', ['partnership_id'], unique=False)
    op.create_table('animator_goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_animator_goal_participant_id_participant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_animator_goal_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['animator_plan.id'], name=op.f('fk_animator_goal_plan_id_animator_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_animator_goal'))
    )
    op.create_index(op.f('ix_animator_goal_partnership_id'), 'animator_goal', ['partnership_id'], unique=False)
    op.create_index(op.f('ix_animator_goal_plan_id'), 'animator_goal', ['plan_id'], unique=False)
    op.create_table('animator_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('progress', sa.JSON(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_animator_review_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['animator_plan.id'], name=op.f('fk_animator_review_plan_id_animator_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_animator_review'))
    )
    op.create_index(op.f('ix_animator_review_partnership_id'), 'animator_review', ['partnership_id'], unique=False)
    op.create_index(op.f('ix_animator_review_plan_id'), 'animator_review', ['plan_id'], unique=False)
    op.create_table('animator_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('who_kind', sa.String(length=12), nullable=False),
    sa.Column('who_participant_id', sa.Integer(), nullable=True),
    sa.Column('who_institution_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['animator_agreement.id'], name=op.f('fk_animator_action_agreement_id_animator_agreement'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['animator_goal.id'], name=op.f('fk_animator_action_goal_id_animator_goal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_animator_action_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['who_institution_id'], ['institution.id'], name=op.f('fk_animator_action_who_institution_id_institution')),
    sa.ForeignKeyConstraint(['who_participant_id'], ['participant.id'], name=op.f('fk_animator_action_who_participant_id_participant'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_animator_action'))
    )
    op.create_index('ix_animator_action_due', 'animator_action', ['partnership_id', 'due_on'], unique=False)
    op.create_index(op.f('ix_animator_action_goal_id'), 'animator_action', ['goal_id'], unique=False)
    op.create_index(op.f('ix_animator_action_partnership_id'), 'animator_action', ['partnership_id'], unique=False)
    # ### end Alembic commands ###
    op.create_table('animator_barrier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['animator_case.id'], name=op.f('fk_animator_barrier_case_id_animator_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_animator_barrier_participant_id_participant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_animator_barrier_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_animator_barrier'))
    )
    op.create_index(op.f('ix_animator_barrier_case_id'), 'animator_barrier', ['case_id'], unique=False)
    op.create_index(op.f('ix_animator_barrier_partnership_id'), 'animator_barrier', ['partnership_id'], unique=False)
    op.create_table('animator_instrument_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=12), nullable=False),
    sa.Column('occasion', sa.String(length=10), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['animator_case.id'], name=op.f('fk_animator_instrument_round_case_id_animator_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_animator_instrument_round_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['instrument_family_round.id'], name=op.f('fk_animator_instrument_round_round_id_instrument_family_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_animator_instrument_round'))
    )
    op.create_index(op.f('ix_animator_instrument_round_case_id'), 'animator_instrument_round', ['case_id'], unique=False)
    op.create_index(op.f('ix_animator_instrument_round_partnership_id'), 'animator_instrument_round', ['partnership_id'], unique=False)
    for table in TABLES:
        enable_partnership_wall(op, table)


def downgrade():
    for table in reversed(TABLES):
        disable_partnership_wall(op, table)
        op.drop_table(table)
