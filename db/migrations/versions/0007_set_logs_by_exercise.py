"""set logs by exercise

A set log reads the most reps at each load of the exercises it holds (progression, PRs).
Through the (athlete, day) index that read went over every set the athlete ever logged, so
a log grew slower with each month of history; this index answers it from the exercise's own
sets, in order, without touching the table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 06:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_set_logs_athlete_exercise", "set_logs", ["athlete_id", "exercise", "load_kg", "reps"]
    )


def downgrade() -> None:
    op.drop_index("ix_set_logs_athlete_exercise", table_name="set_logs")
