"""Registration status pages."""

from . import models  # noqa: F401
