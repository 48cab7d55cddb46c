"""Reading a partnership's institutions, territory and agreements for its dashboard."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..collation import by_name
from ..extensions import db
from .models import Agreement, AgreementParty, Institution, TerritoryUnit


def institutions():
    """Institutions of the current partnership, the leader first."""
    return list(
        db.session.scalars(
            select(Institution).order_by((Institution.role == "leader").desc(),
                                         by_name(Institution.name))
        )
    )


def territory():
    return list(db.session.scalars(select(TerritoryUnit).order_by(TerritoryUnit.teryt)))


def agreements():
    return list(
        db.session.scalars(
            select(Agreement)
            .options(selectinload(Agreement.parties).selectinload(AgreementParty.institution))
            .order_by(Agreement.signed_on.desc())
        )
    )
