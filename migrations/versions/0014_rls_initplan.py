"""Row-level security reads its two settings once per query, not once per row.

The partnership policy of every walled table (core and modules) is recreated with each
``current_setting()`` in a sub-select, which PostgreSQL evaluates once (an InitPlan). Same
policy name, same rows visible; a year's report ran 50 % slower for the runtime role than for
the owner before (bench/RESULTS.md).

Revision ID: 0014_rls_initplan
Revises: 0013_referral_family_index
Create Date: 2026-11-23 18:25:00

"""
from alembic import op

from mosty.tenancy.rls import SCOPE_SETTING, SETTING, rewrite_partnership_walls

# revision identifiers, used by Alembic.
revision = '0014_rls_initplan'
down_revision = '0013_referral_family_index'
branch_labels = None
depends_on = None

PER_ROW = (f"current_setting('{SCOPE_SETTING}', true) = 'system' "
           f"OR partnership_id = NULLIF(current_setting('{SETTING}', true), '')::integer")


def upgrade():
    rewrite_partnership_walls(op)


def downgrade():
    rewrite_partnership_walls(op, PER_ROW)
