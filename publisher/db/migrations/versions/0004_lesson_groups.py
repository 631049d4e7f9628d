"""Lesson groups.

A lesson gains the group it is taught to (a group or division of its class,
from a timetabling tool's export); every existing lesson gets "", the whole
class. Nothing existing is rewritten.

Revision ID: 0004_lesson_groups
Revises: 0003_rooms_exams_display
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_lesson_groups"
down_revision = "0003_rooms_exams_display"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Skipped when the column is there already: a database at this revision whose
    # version table was lost (restored from a partial dump).
    inspector = sa.inspect(op.get_bind())
    if "group_label" not in {c["name"] for c in inspector.get_columns("lessons")}:
        # With a default: an outside application that inserts lessons without
        # knowing of groups still can.
        with op.batch_alter_table("lessons") as batch:
            batch.add_column(
                sa.Column("group_label", sa.String(length=100), nullable=False, server_default="")
            )


def downgrade() -> None:
    with op.batch_alter_table("lessons") as batch:
        batch.drop_column("group_label")
