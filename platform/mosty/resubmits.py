"""A form sent twice (a double click, the back button and a resubmit) must save once.

The services that save a record a person may send twice look for the record just saved and
refuse the second with a message. Two sends of one double click arrive as two requests at the
same moment, so the look comes after ``wait_for_the_first``: it locks a row both requests touch
(the person's, or for a family, which has no row yet, the institution's), and on PostgreSQL
the second request waits there until the first has committed, and then finds its record.
SQLite runs one writer at a time anyway.
"""

from datetime import timedelta

from sqlalchemy import select

from .extensions import db

# A resend arrives within moments of the first: the same record saved by the same member
# within this window is taken for it and refused. Longer would refuse a real repeat (a second
# identical session later the same day). Deliveries, case notes and families use it.
RESUBMIT_WINDOW = timedelta(minutes=5)


def wait_for_the_first(model, row_id):
    """Lock the row ``row_id`` of ``model`` for the rest of the transaction."""
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update())
