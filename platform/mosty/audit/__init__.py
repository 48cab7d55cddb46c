"""The append-only audit log: who touched which object, when; never the personal values."""

from .log import record

__all__ = ["record"]
