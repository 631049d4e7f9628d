"""Alembic migrations of the schedule database, shipped in the package (`publisher.db.schema`)."""
