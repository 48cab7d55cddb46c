"""Job tracking and imports: jobs with progress and result files, saved column mappings.

Revision ID: 0009_jobs_imports
Revises: 0008_privacy
Create Date: 2026-11-23 13:50:00

"""
import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall


# revision identifiers, used by Alembic.
revision = '0009_jobs_imports'
down_revision = '0008_privacy'
branch_labels = None
depends_on = None

OWNED = ('job', 'import_batch', 'import_mapping')


def upgrade():
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('return_url', sa.String(length=300), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('result_filename', sa.String(length=200), nullable=False),
    sa.Column('result_content_type', sa.String(length=120), nullable=False),
    sa.Column('result_size', sa.Integer(), nullable=False),
    sa.Column('result_data', sa.LargeBinary(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_job_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_job_institution_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_job_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index('ix_job_institution_created', ['partnership_id', 'institution_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('format_key', sa.String(length=80), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('file_kind', sa.String(length=4), nullable=False),
    sa.Column('encoding', sa.String(length=20), nullable=False),
    sa.Column('separator', sa.String(length=4), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('dry_run_job_id', sa.Integer(), nullable=True),
    sa.Column('commit_job_id', sa.Integer(), nullable=True),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_import_batch_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['commit_job_id'], ['job.id'], name=op.f('fk_import_batch_commit_job_id_job'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dry_run_job_id'], ['job.id'], name=op.f('fk_import_batch_dry_run_job_id_job'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_import_batch_institution_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_import_batch_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.create_index('ix_import_batch_institution_fingerprint', ['partnership_id', 'institution_id', 'fingerprint'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_batch_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('import_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('format_key', sa.String(length=80), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_import_mapping_institution_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_import_mapping_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mapping')),
    sa.UniqueConstraint('institution_id', 'format_key', name=op.f('uq_import_mapping_institution_id_format_key'))
    )
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_mapping_partnership_id'), ['partnership_id'], unique=False)

    for table in OWNED:
        enable_partnership_wall(op, table)


def downgrade():
    for table in reversed(OWNED):
        disable_partnership_wall(op, table)
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_mapping_partnership_id'))

    op.drop_table('import_mapping')
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batch_partnership_id'))
        batch_op.drop_index('ix_import_batch_institution_fingerprint')

    op.drop_table('import_batch')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_job_actor_id'))
        batch_op.drop_index('ix_job_institution_created')

    op.drop_table('job')
