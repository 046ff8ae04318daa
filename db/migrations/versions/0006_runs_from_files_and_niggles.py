"""runs from watch files, and niggles

A run read from a .fit/.gpx/.tcx file keeps its start time (duplicates are found by it),
moving time, elevation gain and average heart rate. Niggles ("knee 3/10") are kept per
report, so the plan can work around them and /history can show their trend.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("run_logs") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=8), server_default="typed", nullable=False)
        )
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("moving_s", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("elevation_m", sa.Double(), nullable=True))
        batch.add_column(sa.Column("avg_hr", sa.Integer(), nullable=True))
        batch.create_index("ix_run_logs_athlete_start", ["athlete_id", "started_at"])
    op.create_table(
        "niggles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["athlete_id"], ["athletes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["batch_id"], ["log_batches.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_niggles_athlete_day", "niggles", ["athlete_id", "reported_on"])


def downgrade() -> None:
    op.drop_index("ix_niggles_athlete_day", table_name="niggles")
    op.drop_table("niggles")
    with op.batch_alter_table("run_logs") as batch:
        batch.drop_index("ix_run_logs_athlete_start")
        for column in ("avg_hr", "elevation_m", "moving_s", "started_at", "source"):
            batch.drop_column(column)
