"""The append-only audit log: who touched which object, when; never the personal values."""

from .log import acting_as, current_actor, record

__all__ = ["acting_as", "current_actor", "record"]
