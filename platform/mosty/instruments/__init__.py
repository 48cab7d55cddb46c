"""Standardized instruments: partnership-owned, versioned questionnaires defined in YAML,
administered to participants and families, scored by the rules their definition states."""
