"""Participants' names are sorted the Polish way on PostgreSQL, from the index.

Lists order names by ``COLLATE "pl-x-icu"`` (mosty.collation): under the database's C or
C.UTF-8 collation "Łukasiewicz" sorted after "Zych". The participant list reads its page in
name order from ix_participant_partnership_name; an index sorts by its columns' collation, so
it is rebuilt with the same one, or every list page would sort all visible people instead.
SQLite needs nothing: the embedded default's lists are small and its collation of the same
name exists only on Mosty's own connections (an index using it would lock other tools out
of writing the table).

Revision ID: 0019_polish_name_order
Revises: 0018_participant_facts_not_given
Create Date: 2026-12-07 17:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019_polish_name_order'
down_revision = '0018_participant_facts_not_given'
branch_labels = None
depends_on = None

NAME = 'ix_participant_partnership_name'
COLLATION = 'pl-x-icu'


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    if bind.execute(sa.text('SELECT 1 FROM pg_collation WHERE collname = :name'),
                    {'name': COLLATION}).first() is None:
        raise RuntimeError(
            f'PostgreSQL has no collation "{COLLATION}": Mosty sorts names the Polish way '
            'with ICU. Use a PostgreSQL built with ICU (the Debian, Ubuntu and official '
            'packages are).')
    op.drop_index(NAME, table_name='participant')
    op.create_index(NAME, 'participant', [
        'partnership_id',
        sa.text(f'last_name COLLATE "{COLLATION}"'),
        sa.text(f'first_name COLLATE "{COLLATION}"'),
    ])


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index(NAME, table_name='participant')
    op.create_index(NAME, 'participant', ['partnership_id', 'last_name', 'first_name'])
