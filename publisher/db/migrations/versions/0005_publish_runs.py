"""The last publish run per target.

`publish_runs` keeps, per target, the figures of the last run (schools
published, unchanged and failed, objects and bytes written, build seconds,
duration) and when a run last had no school fail, for `status --json` and the
metrics file. A new table: nothing existing is rewritten.

Revision ID: 0005_publish_runs
Revises: 0004_lesson_groups
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_publish_runs"
down_revision = "0004_lesson_groups"
branch_labels = None
depends_on = None

TARGET_LENGTH = 1000


def upgrade() -> None:
    # Skipped when the table is there already: a database at this revision whose
    # version table was lost.
    if sa.inspect(op.get_bind()).has_table("publish_runs"):
        return
    op.create_table(
        "publish_runs",
        sa.Column("target", sa.String(TARGET_LENGTH), primary_key=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("published", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("objects_written", sa.Integer(), nullable=False),
        sa.Column("bytes_written", sa.BigInteger(), nullable=False),
        sa.Column("build_count", sa.Integer(), nullable=False),
        sa.Column("build_seconds_sum", sa.Float(), nullable=False),
        sa.Column("build_seconds_p95", sa.Float(), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("publish_runs")
