"""Mosty: a multi-tenant platform for local partnerships that bring families back into work."""

from .app import create_app

__all__ = ["create_app"]
