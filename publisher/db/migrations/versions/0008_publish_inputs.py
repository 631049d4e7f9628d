"""What each school's last publish to a target was built from.

`publish_state` gains `inputs`: a digest of everything a school's published
files depend on (its revision, its window of dates, the publish settings that
reach its files, the page build and the build code's own version, its alerts),
written when a publish of the school succeeds. A run whose digest for a school
matches skips it without building it. Existing rows get none, so the first run
after the upgrade builds every school once, as before, and records it.

Revision ID: 0008_publish_inputs
Revises: 0007_class_groups
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_publish_inputs"
down_revision = "0007_class_groups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Skipped when the column is there already: a database at this revision whose
    # version table was lost.
    inspector = sa.inspect(op.get_bind())
    if "inputs" not in {c["name"] for c in inspector.get_columns("publish_state")}:
        with op.batch_alter_table("publish_state") as batch:
            batch.add_column(sa.Column("inputs", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("publish_state") as batch:
        batch.drop_column("inputs")
