"""Rooms, exams and display settings.

A lesson gains its room (empty for every existing lesson: none known), a
substitution the room it moves a lesson to (none: the lesson stays where it
was). Two tables are new: `exams`, a school's dated exam rows, and
`school_displays`, how a school's screen looks (no row: the defaults).
Nothing existing is rewritten, so every row is kept as it was.

Revision ID: 0003_rooms_exams_display
Revises: 0002_targets
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_rooms_exams_display"
down_revision = "0002_targets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Each step is skipped when its result is there already: a database at this
    # revision whose version table was lost (restored from a partial dump).
    inspector = sa.inspect(op.get_bind())
    if "room" not in {c["name"] for c in inspector.get_columns("lessons")}:
        # With a default: the lessons already there get "" (no room known), and an
        # outside application that inserts lessons without knowing of rooms still can.
        with op.batch_alter_table("lessons") as batch:
            batch.add_column(
                sa.Column("room", sa.String(length=100), nullable=False, server_default="")
            )
    if "room" not in {c["name"] for c in inspector.get_columns("substitutions")}:
        with op.batch_alter_table("substitutions") as batch:
            batch.add_column(sa.Column("room", sa.String(length=100), nullable=True))
    tables = set(inspector.get_table_names())
    if "exams" not in tables:
        _create_exams()
    if "school_displays" not in tables:
        _create_school_displays()


def _create_exams() -> None:
    op.create_table(
        "exams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("period_index", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("room", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("invigilators", sa.Text(), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["class_id"], ["classes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "date", "period_index", "class_id"),
    )
    op.create_index("ix_exams_class_id", "exams", ["class_id"], unique=False)
    op.create_index("ix_exams_date", "exams", ["date"], unique=False)


def _create_school_displays() -> None:
    op.create_table(
        "school_displays",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("hijri", sa.Boolean(), nullable=True),
        sa.Column("digits", sa.String(length=8), nullable=True),
        sa.Column("accent", sa.String(length=7), nullable=True),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_extension", sa.String(length=8), nullable=True),
        sa.Column("night_start", sa.Time(), nullable=True),
        sa.Column("night_end", sa.Time(), nullable=True),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("school_id"),
    )


def downgrade() -> None:
    """Back to 0002: rooms, exams and display settings are lost."""
    # The triggers on the new tables go with them (PostgreSQL drops a table's
    # triggers; their functions are left, unused, and replaced on a later install).
    op.drop_table("school_displays")
    op.drop_index("ix_exams_date", table_name="exams")
    op.drop_index("ix_exams_class_id", table_name="exams")
    op.drop_table("exams")
    with op.batch_alter_table("substitutions") as batch:
        batch.drop_column("room")
    with op.batch_alter_table("lessons") as batch:
        batch.drop_column("room")
