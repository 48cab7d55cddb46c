"""Consent and sharing: the lawful basis for holding a person's data and who may see it."""
