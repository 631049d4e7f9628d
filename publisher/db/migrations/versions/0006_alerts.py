"""Alerts.

One table is new: `alerts`, the messages `publisher alert` puts on screens, with
who put each one and who ended it, and when. Alerts are not schedule data: no
trigger watches them and they never move a revision. Nothing existing changes.

Revision ID: 0006_alerts
Revises: 0005_publish_runs
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_alerts"
down_revision = "0005_publish_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Skipped when the table is there already: a database at this revision whose
    # version table was lost (restored from a partial dump).
    if "alerts" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("second_text", sa.Text(), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alerts_school_id", "alerts", ["school_id"], unique=False)


def downgrade() -> None:
    """Back to 0005: the alerts and their history are lost."""
    op.drop_index("ix_alerts_school_id", table_name="alerts")
    op.drop_table("alerts")
