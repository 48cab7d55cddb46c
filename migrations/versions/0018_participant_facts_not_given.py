"""A participant's education and labour-market status may be "not given".

A person imported from a file without these columns got the model's defaults ("secondary",
"inactive"): facts nobody gave, counted by reports and judged by eligibility rules. The
columns become nullable and NULL means "not given"; the registration form still asks for
both. Rows already imported keep what they were given (nobody can tell an invented default
from a real answer afterwards).

Downgrade writes the old defaults back into the rows that have none (the earlier schema
cannot say "not given").

On PostgreSQL batch mode alters the columns in place. On SQLite it rebuilds the table, which
drops the old one: that is safe only while foreign keys are not enforced (the migration's own
connection does not enforce them), or the drop would delete the rows that cascade from
participants; the migration refuses rather than lose them.

Revision ID: 0018_participant_facts_not_given
Revises: 0017_audit_object_action_index
Create Date: 2026-12-07 15:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018_participant_facts_not_given'
down_revision = '0017_audit_object_action_index'
branch_labels = None
depends_on = None

COLUMNS = (('education', 20, 'secondary'), ('labour_status', 30, 'inactive'))


def _check_sqlite_rebuild_is_safe():
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    if bind.exec_driver_sql('PRAGMA foreign_keys').scalar():
        raise RuntimeError('Rebuilding the participant table with foreign keys enforced would '
                           'delete the rows that cascade from it; run the migration on a '
                           'connection without PRAGMA foreign_keys=ON.')


def _set_nullable(nullable):
    _check_sqlite_rebuild_is_safe()
    with op.batch_alter_table('participant', schema=None) as batch_op:
        for name, length, _default in COLUMNS:
            batch_op.alter_column(name, existing_type=sa.String(length=length),
                                  nullable=nullable)


def upgrade():
    _set_nullable(True)


def downgrade():
    participant = sa.table('participant', *(sa.column(name) for name, _l, _d in COLUMNS))
    for name, _length, default in COLUMNS:
        op.execute(participant.update().where(participant.c[name].is_(None))
                   .values({name: default}))
    _set_nullable(False)
