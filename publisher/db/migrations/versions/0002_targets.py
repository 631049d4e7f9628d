"""Records of what was published are kept per target.

`published_objects` and `publish_state` gain a `target` column (a store's
identity, `Store.identity`) at the head of their primary keys. Rows made before
this revision named no target: they are given the one the upgrade is run for
(the config attribute `legacy_target`, from `publisher db upgrade --target`),
the target cron has been publishing to. Any other target finds no records and
gets a full first publish.

Revision ID: 0002_targets
Revises: 0001_baseline
Create Date: 2026-12-04
"""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic import context, op

revision = "0002_targets"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

TARGET_LENGTH = 1000
_TABLES = {"published_objects": "key", "publish_state": "school_id"}


def upgrade() -> None:
    legacy = context.config.attributes.get("legacy_target")
    if not legacy:
        raise RuntimeError("the upgrade needs the target existing records belong to")
    for table, key in _TABLES.items():
        if "target" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}:
            # A database at this revision whose version table was lost: nothing to add.
            continue
        # Added with the legacy target as default, so every existing row gets it...
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("target", sa.String(TARGET_LENGTH), nullable=False, server_default=legacy)
            )
        # ...then the default goes and the target leads the primary key.
        _replace_primary_key(table, ["target", key])
        with op.batch_alter_table(table) as batch:
            batch.alter_column("target", server_default=None, existing_type=sa.String())


def downgrade() -> None:
    """Back to one set of records: those of the target named as `legacy_target`."""
    legacy = context.config.attributes.get("legacy_target")
    for table, key in _TABLES.items():
        op.execute(
            sa.table(table, sa.column("target")).delete().where(sa.column("target") != legacy)
        )
        _replace_primary_key(table, [key])
        with op.batch_alter_table(table) as batch:
            batch.drop_column("target")


def _replace_primary_key(table: str, columns: list[str]) -> None:
    name = sa.inspect(op.get_bind()).get_pk_constraint(table).get("name")
    with warnings.catch_warnings():
        # SQLite's copy of the table starts from the reflected columns, still
        # flagged as the old key; SQLAlchemy warns, then uses the new key.
        warnings.filterwarnings("ignore", message=".*not matching locally specified columns")
        with op.batch_alter_table(table) as batch:
            if name:  # PostgreSQL's is named; SQLite's unnamed one goes with the copy
                batch.drop_constraint(name, type_="primary")
            batch.create_primary_key(f"{table}_pkey", columns)
