"""The mixin that marks a model as owned by a partnership."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class PartnershipOwned:
    """Rows of this model belong to exactly one partnership and never cross the wall."""

    @declared_attr
    def partnership_id(cls) -> Mapped[int]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(
            ForeignKey("partnership.id", ondelete="CASCADE"), nullable=False, index=True
        )


def partnership_owned_tables(metadata):
    """Names of the tables that carry ``partnership_id`` (the RLS wall covers all of them)."""
    return sorted(
        name
        for name, table in metadata.tables.items()
        if "partnership_id" in table.c and name != "partnership"
    )
