"""The ORM wall: every statement and every flush is limited to the current partnership.

The filter lives here and only here; views never add ``partnership_id ==`` themselves.
"""

from flask import has_app_context
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import event, false, inspect
from sqlalchemy.orm import with_loader_criteria

from .context import (
    NoPartnershipContext,
    TenancyViolation,
    current_partnership_id,
    in_system_scope,
)
from .models import PartnershipOwned
from .rls import apply_database_setting


class TenantSession(FlaskSQLAlchemySession):
    """The session class of Mosty; the listeners below are attached to it alone."""


def _owned_mappers(state):
    return [m for m in state.all_mappers if issubclass(m.class_, PartnershipOwned)]


def _statement_values(statement):
    """``{column name: value}`` written inline by an INSERT or UPDATE statement."""
    values = {}
    for source in (getattr(statement, "_values", None) or {},
                   dict(getattr(statement, "_ordered_values", None) or ())):
        for key, value in source.items():
            values[getattr(key, "key", key)] = getattr(value, "value", value)
    return values


def _check_bulk_write(state, partnership_id):
    """ORM bulk INSERT and UPDATE bypass the flush, so their partnership is checked here."""
    if not _owned_mappers(state):
        return
    if partnership_id is None:
        raise NoPartnershipContext("bulk write of partnership data with no partnership chosen")
    inline = _statement_values(state.statement)
    params = state.parameters
    rows = params if isinstance(params, list | tuple) else [params or {}]
    if state.is_update:
        if "partnership_id" in inline or any("partnership_id" in row for row in rows
                                             if "id" not in row):
            raise TenancyViolation("rows may not move between partnerships")
        return
    named = [inline["partnership_id"]] if "partnership_id" in inline else []
    named += [row.get("partnership_id") for row in rows if row]
    if not named or any(value != partnership_id for value in named):
        raise TenancyViolation(
            "a bulk insert of partnership data must name the current partnership on every row"
        )


@event.listens_for(TenantSession, "do_orm_execute")
def _limit_to_current_partnership(state):
    if in_system_scope():
        return
    if state.is_insert or state.is_update:
        _check_bulk_write(state, current_partnership_id())
    if not (state.is_select or state.is_update or state.is_delete):
        return
    partnership_id = current_partnership_id()
    if partnership_id is None:
        if _owned_mappers(state):
            names = ", ".join(sorted(m.class_.__name__ for m in _owned_mappers(state)))
            raise NoPartnershipContext(
                f"{names} queried with no partnership chosen; use partnership_scope()"
            )
        # An owned entity hidden in a join still sees nothing.
        criteria = with_loader_criteria(
            PartnershipOwned, lambda cls: false(), include_aliases=True
        )
    else:
        criteria = with_loader_criteria(
            PartnershipOwned,
            lambda cls: cls.partnership_id == partnership_id,
            include_aliases=True,
        )
    state.statement = state.statement.options(criteria)


def _declared_partnership_id(obj):
    """The partnership an object says it belongs to, through the column or the relationship."""
    related = obj.__dict__.get("partnership")
    if related is not None and related.id is not None:
        return related.id
    return obj.partnership_id


@event.listens_for(TenantSession, "before_flush")
def _stamp_and_check_writes(session, flush_context, instances):
    system = in_system_scope()
    partnership_id = current_partnership_id()
    for obj in session.new:
        if not isinstance(obj, PartnershipOwned):
            continue
        declared = _declared_partnership_id(obj)
        if declared is None:
            if system and getattr(obj, "partnership_optional_in_system_scope", False):
                continue
            if partnership_id is None:
                raise NoPartnershipContext(
                    f"new {type(obj).__name__} has no partnership and none is chosen"
                )
            obj.partnership_id = partnership_id
        elif not system and declared != partnership_id:
            raise TenancyViolation(
                f"new {type(obj).__name__} names partnership {declared}, "
                f"but the session works for {partnership_id}"
            )
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, PartnershipOwned) or system:
            continue
        if partnership_id is None:
            raise NoPartnershipContext(
                f"{type(obj).__name__} changed with no partnership chosen"
            )
        history = inspect(obj).attrs.partnership_id.history
        original = history.deleted[0] if history.deleted else obj.partnership_id
        if original != partnership_id or _declared_partnership_id(obj) != partnership_id:
            raise TenancyViolation(f"{type(obj).__name__} may not move between partnerships")


@event.listens_for(TenantSession, "after_begin")
def _set_database_partnership(session, transaction, connection):
    apply_database_setting(connection, current_partnership_id(), in_system_scope())


def on_partnership_switch(partnership_id):
    """Forget objects the new scope may not see and move the database setting along."""
    if not has_app_context():
        return
    from ..extensions import db

    session = db.session()
    if not in_system_scope():
        for obj in list(session.identity_map.values()):
            if not isinstance(obj, PartnershipOwned) or obj not in session:
                continue
            # An expired object is not refreshed to learn its partnership: under the new
            # setting the database would no longer show it. It is simply forgotten.
            known = obj.__dict__.get("partnership_id")
            if partnership_id is not None and known == partnership_id:
                continue
            if obj in session.dirty:
                raise TenancyViolation(
                    f"unsaved changes to {type(obj).__name__} when switching partnership"
                )
            session.expunge(obj)
    transaction = session.get_transaction()
    if transaction is not None and transaction.is_active:
        apply_database_setting(session.connection(), partnership_id, in_system_scope())
