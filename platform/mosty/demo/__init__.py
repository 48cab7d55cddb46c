"""Demo data: the two partnerships of the source documents, their institutions and logins."""

from .loader import DEFAULT_PASSWORD, load_demo

__all__ = ["DEFAULT_PASSWORD", "load_demo"]
