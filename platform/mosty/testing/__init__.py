"""Test support shipped with Mosty: the pytest plugin with app, database and factory fixtures."""
