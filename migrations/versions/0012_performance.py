"""Performance: indexes the benchmarks at real volume asked for (bench/RESULTS.md).

- audit_entry (partnership_id, object_type, object_id): the participant and family pages
  read the record's change history ("updated on ...") from the audit log; without it each
  page scanned the partnership's share of a million entries (80-100 ms).
- referral (partnership_id, to_institution_id, sent_at) and (..., from_institution_id,
  sent_at): the referral inbox lists the newest 25 referrals to or from the institution;
  with these the database reads them in order and stops, instead of sorting all of them.

Revision ID: 0012_performance
Revises: 0011_reports
Create Date: 2026-11-23 15:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012_performance'
down_revision = '0011_reports'
branch_labels = None
depends_on = None

INDEXES = (
    ('audit_entry', 'ix_audit_entry_partnership_object',
     ['partnership_id', 'object_type', 'object_id']),
    ('referral', 'ix_referral_to_sent', ['partnership_id', 'to_institution_id', 'sent_at']),
    ('referral', 'ix_referral_from_sent', ['partnership_id', 'from_institution_id', 'sent_at']),
)


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
