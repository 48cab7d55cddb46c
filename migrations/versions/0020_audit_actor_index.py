"""The audit log is found by its author.

Two questions name the author: the audit log's "who" filter (one partnership, newest first)
and the administration's check before an account is deleted (any entry of that account, in
any partnership: ``admin.guards.has_history``). Without an index on the author both read the
log from its newest end until they find enough entries; for an account that did nothing that
is the whole log (1,000,000 entries in the benchmark database: 54 ms), and for a rare author
in a large partnership most of it. The index keeps the time, so the filter's newest-first
page comes straight from it.

Revision ID: 0020_audit_actor_index
Revises: 0019_polish_name_order
Create Date: 2026-12-08 00:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020_audit_actor_index'
down_revision = '0019_polish_name_order'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_entry_actor_at', 'audit_entry', ['actor_id', 'at'])


def downgrade():
    op.drop_index('ix_audit_entry_actor_at', table_name='audit_entry')
