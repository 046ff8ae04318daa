"""exercise_states.e1rm_on, reps_low, reps_high; run_logs.planned

The e1RM becomes a best recent estimate that decays only after weeks without heavy sets
(its date), double progression keeps the rep range a working load belongs to, and only
unplanned hard or long runs hold progression. Existing states get no range (the next
session re-derives the load) and existing runs count as unplanned, as they did before.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('exercise_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('e1rm_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reps_low', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reps_high', sa.Integer(), nullable=True))
    with op.batch_alter_table('run_logs', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('planned', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('run_logs', schema=None) as batch_op:
        batch_op.drop_column('planned')
    with op.batch_alter_table('exercise_states', schema=None) as batch_op:
        batch_op.drop_column('reps_high')
        batch_op.drop_column('reps_low')
        batch_op.drop_column('e1rm_on')
