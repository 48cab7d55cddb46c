"""Reports: stored partnership reports with their files, and scheduled report recipients.

Revision ID: 0011_reports
Revises: 0010_exchange
Create Date: 2026-11-23 13:50:00

"""
import sqlalchemy as sa
from alembic import op

from mosty.tenancy.rls import disable_partnership_wall, enable_partnership_wall


# revision identifiers, used by Alembic.
revision = '0011_reports'
down_revision = '0010_exchange'
branch_labels = None
depends_on = None

OWNED = ('stored_report', 'stored_report_file', 'report_recipient')


def upgrade():
    op.create_table('stored_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mailed_count', sa.Integer(), nullable=False),
    sa.Column('mail_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_stored_report_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_report')),
    sa.UniqueConstraint('partnership_id', 'kind', 'period_start', name=op.f('uq_stored_report_partnership_id_kind_period_start'))
    )
    with op.batch_alter_table('stored_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_report_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('stored_report_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stored_report_id', sa.Integer(), nullable=False),
    sa.Column('variant', sa.String(length=10), nullable=False),
    sa.Column('format', sa.String(length=4), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_stored_report_file_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_report_id'], ['stored_report.id'], name=op.f('fk_stored_report_file_stored_report_id_stored_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_report_file')),
    sa.UniqueConstraint('stored_report_id', 'variant', 'format', name=op.f('uq_stored_report_file_stored_report_id_variant_format'))
    )
    with op.batch_alter_table('stored_report_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_report_file_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stored_report_file_stored_report_id'), ['stored_report_id'], unique=False)

    op.create_table('report_recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('variant', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_report_recipient_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_recipient')),
    sa.UniqueConstraint('partnership_id', 'email', name=op.f('uq_report_recipient_partnership_id_email'))
    )
    with op.batch_alter_table('report_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_recipient_partnership_id'), ['partnership_id'], unique=False)

    for table in OWNED:
        enable_partnership_wall(op, table)


def downgrade():
    for table in reversed(OWNED):
        disable_partnership_wall(op, table)

    with op.batch_alter_table('report_recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_recipient_partnership_id'))

    op.drop_table('report_recipient')
    with op.batch_alter_table('stored_report_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_report_file_stored_report_id'))
        batch_op.drop_index(batch_op.f('ix_stored_report_file_partnership_id'))

    op.drop_table('stored_report_file')
    with op.batch_alter_table('stored_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_report_partnership_id'))

    op.drop_table('stored_report')
