"""Activation instrument pages."""

from . import models  # noqa: F401
