"""A record's history index carries the action and the time.

The participant and family pages show when a record was updated: the audit entries of that
object whose action is "update", by time. The index held (partnership, object type, object id)
only, and every view of a record writes a "read" entry for it, so the page read all of them to
keep the few updates: the more a person's page was opened, the slower it opened (31,325 reads
of the benchmark's probe person: 7.4 ms, the dearest statement of the page). With the action
and the time in the index the updates come straight from it, whatever the number of reads.
The privacy export (object type and ids) uses the same index's leading columns.

Revision ID: 0017_audit_object_action_index
Revises: 0016_sign_in
Create Date: 2026-12-07 05:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017_audit_object_action_index'
down_revision = '0016_sign_in'
branch_labels = None
depends_on = None

NAME = 'ix_audit_entry_partnership_object'
BEFORE = ['partnership_id', 'object_type', 'object_id']


def upgrade():
    op.drop_index(NAME, table_name='audit_entry')
    op.create_index(NAME, 'audit_entry', [*BEFORE, 'action', 'at'])


def downgrade():
    op.drop_index(NAME, table_name='audit_entry')
    op.create_index(NAME, 'audit_entry', BEFORE)
