"""The case registry: participants, families, care, consent, services, referrals, enrollment, outcomes.

Revision ID: 0006_case_registry
Revises: 0005_task_receipts
Create Date: 2026-11-23 11:29:15.840383

"""
import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall


# revision identifiers, used by Alembic.
revision = '0006_case_registry'
down_revision = '0005_task_receipts'
branch_labels = None
depends_on = None

OWNED = ('dependant', 'target_group', 'family', 'participant', 'service', 'care_relation', 'consent', 'enrollment', 'family_member', 'outcome', 'referral', 'service_delivery', 'consent_institution', 'follow_up')


def upgrade():
    op.create_table('dependant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('dependant_type', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_dependant_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dependant'))
    )
    with op.batch_alter_table('dependant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dependant_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('target_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('applies_to', sa.String(length=12), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_target_group_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_group'))
    )
    with op.batch_alter_table('target_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_group_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('family',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('teryt', sa.String(length=7), nullable=False),
    sa.Column('locality', sa.String(length=120), nullable=False),
    sa.Column('area', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_family_institution_id_institution')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_family_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family'))
    )
    with op.batch_alter_table('family', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=120), nullable=False),
    sa.Column('sex', sa.String(length=6), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('pesel', sa.String(length=11), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('registered_teryt', sa.String(length=7), nullable=False),
    sa.Column('registered_locality', sa.String(length=120), nullable=False),
    sa.Column('registered_area', sa.String(length=5), nullable=False),
    sa.Column('actual_teryt', sa.String(length=7), nullable=False),
    sa.Column('actual_locality', sa.String(length=120), nullable=False),
    sa.Column('actual_area', sa.String(length=5), nullable=False),
    sa.Column('education', sa.String(length=20), nullable=False),
    sa.Column('labour_status', sa.String(length=30), nullable=False),
    sa.Column('unemployed_since', sa.Date(), nullable=True),
    sa.Column('long_term_unemployed', sa.Boolean(), nullable=False),
    sa.Column('contract_type', sa.String(length=20), nullable=True),
    sa.Column('disability_level', sa.String(length=10), nullable=False),
    sa.Column('labour_office_case_no', sa.String(length=40), nullable=False),
    sa.Column('social_assistance_case_no', sa.String(length=40), nullable=False),
    sa.Column('restricted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_participant_institution_id_institution')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_participant_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant'))
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index('ix_participant_partnership_name', ['partnership_id', 'last_name', 'first_name'], unique=False)
        batch_op.create_index('ix_participant_partnership_pesel', ['partnership_id', 'pesel'], unique=False)

    op.create_table('service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('own_resources', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_service_institution_id_institution')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_service_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service'))
    )
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('care_relation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carer_id', sa.Integer(), nullable=False),
    sa.Column('dependant_id', sa.Integer(), nullable=False),
    sa.Column('hours_per_week', sa.Integer(), nullable=False),
    sa.Column('care_services', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['carer_id'], ['participant.id'], name=op.f('fk_care_relation_carer_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dependant_id'], ['dependant.id'], name=op.f('fk_care_relation_dependant_id_dependant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_care_relation_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_relation'))
    )
    with op.batch_alter_table('care_relation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_relation_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_relation_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('lawful_basis', sa.String(length=20), nullable=False),
    sa.Column('purposes', sa.JSON(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_consent_institution_id_institution')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_consent_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_consent_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('enrollment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recruited_on', sa.Date(), nullable=False),
    sa.Column('eligible_on', sa.Date(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('exit_reason', sa.String(length=20), nullable=True),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('retention_until', sa.Date(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(participant_id IS NULL) <> (family_id IS NULL)', name=op.f('ck_enrollment_one_subject')),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_enrollment_family_id_family'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_enrollment_institution_id_institution')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_enrollment_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_enrollment_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_group.id'], name=op.f('fk_enrollment_target_group_id_target_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment'))
    )
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('family_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_family_member_family_id_family'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_family_member_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_family_member_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_member')),
    sa.UniqueConstraint('family_id', 'participant_id', name=op.f('uq_family_member_family_id_participant_id'))
    )
    with op.batch_alter_table('family_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_member_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_member_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_member_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('employer', sa.String(length=200), nullable=False),
    sa.Column('contract_type', sa.String(length=20), nullable=True),
    sa.Column('hours_per_week', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_outcome_institution_id_institution')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_outcome_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_outcome_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome'))
    )
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcome_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('from_institution_id', sa.Integer(), nullable=False),
    sa.Column('to_institution_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('shared_fields', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_referral_family_id_family'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['from_institution_id'], ['institution.id'], name=op.f('fk_referral_from_institution_id_institution')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_referral_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_referral_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_referral_service_id_service')),
    sa.ForeignKeyConstraint(['to_institution_id'], ['institution.id'], name=op.f('fk_referral_to_institution_id_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index('ix_referral_from_status', ['partnership_id', 'from_institution_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index('ix_referral_to_status', ['partnership_id', 'to_institution_id', 'status'], unique=False)

    op.create_table('service_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_service_delivery_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_service_delivery_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_service_delivery_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_delivery'))
    )
    with op.batch_alter_table('service_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_delivery_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_delivery_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_delivery_service_id'), ['service_id'], unique=False)

    op.create_table('consent_institution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_consent_institution_consent_id_consent'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_consent_institution_institution_id_institution')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_consent_institution_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_institution')),
    sa.UniqueConstraint('consent_id', 'institution_id', name=op.f('uq_consent_institution_consent_id_institution_id'))
    )
    with op.batch_alter_table('consent_institution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_institution_consent_id'), ['consent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_institution_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_institution_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_follow_up_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_follow_up_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up')),
    sa.UniqueConstraint('enrollment_id', 'months', name=op.f('uq_follow_up_enrollment_id_months'))
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_partnership_id'), ['partnership_id'], unique=False)
    for table in OWNED:
        enable_partnership_wall(op, table)


def downgrade():
    for table in reversed(OWNED):
        disable_partnership_wall(op, table)
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_partnership_id'))

    op.drop_table('follow_up')
    with op.batch_alter_table('consent_institution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_institution_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_consent_institution_institution_id'))
        batch_op.drop_index(batch_op.f('ix_consent_institution_consent_id'))

    op.drop_table('consent_institution')
    with op.batch_alter_table('service_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_delivery_service_id'))
        batch_op.drop_index(batch_op.f('ix_service_delivery_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_service_delivery_participant_id'))

    op.drop_table('service_delivery')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_to_status')
        batch_op.drop_index(batch_op.f('ix_referral_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_referral_participant_id'))
        batch_op.drop_index('ix_referral_from_status')

    op.drop_table('referral')
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_outcome_participant_id'))

    op.drop_table('outcome')
    with op.batch_alter_table('family_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_member_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_family_member_participant_id'))
        batch_op.drop_index(batch_op.f('ix_family_member_family_id'))

    op.drop_table('family_member')
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_participant_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_family_id'))

    op.drop_table('enrollment')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_consent_participant_id'))

    op.drop_table('consent')
    with op.batch_alter_table('care_relation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_relation_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_care_relation_carer_id'))

    op.drop_table('care_relation')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_service_institution_id'))

    op.drop_table('service')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index('ix_participant_partnership_pesel')
        batch_op.drop_index('ix_participant_partnership_name')
        batch_op.drop_index(batch_op.f('ix_participant_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_participant_institution_id'))

    op.drop_table('participant')
    with op.batch_alter_table('family', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_family_institution_id'))

    op.drop_table('family')
    with op.batch_alter_table('target_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_group_partnership_id'))

    op.drop_table('target_group')
    with op.batch_alter_table('dependant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dependant_partnership_id'))

    op.drop_table('dependant')
