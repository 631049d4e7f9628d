"""Alembic's environment: runs the migrations on the connection `publisher.db.schema` hands over.

The publisher runs migrations itself (`publisher db upgrade`), never through the
`alembic` command, so the connection, and the values a revision may need (the
target that records made before targets existed belong to), come in the
config's `attributes`.
"""

from __future__ import annotations

from alembic import context

from publisher.db.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot alter most of a table in place: those changes copy the table.
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
