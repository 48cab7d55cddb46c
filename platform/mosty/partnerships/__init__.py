"""Partnerships (the tenants), their institutions, territory and agreements."""
