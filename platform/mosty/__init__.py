"""Mosty: a multi-tenant platform for local partnerships that bring families back into work."""

from .app import create_app
from .hookspecs import hookimpl

__all__ = ["create_app", "hookimpl"]
