"""Class groups.

One table is new: `class_groups`, a school's named sets of classes (a floor, a
wing) that a screen can be asked for by name. They are schedule data: the
triggers installed by `db upgrade` watch them, and a change moves the school's
revision, since the groups are published in its manifest. Nothing existing changes.

Revision ID: 0007_class_groups
Revises: 0006_alerts
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_class_groups"
down_revision = "0006_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Skipped when the table is there already: a database at this revision whose
    # version table was lost (restored from a partial dump).
    if "class_groups" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "class_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("classes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "name"),
    )


def downgrade() -> None:
    """Back to 0006: the class groups are lost."""
    # Its triggers go with the table (PostgreSQL drops a table's triggers; their
    # functions are left, unused, and replaced on a later install).
    op.drop_table("class_groups")
