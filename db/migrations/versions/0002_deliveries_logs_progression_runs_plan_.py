"""deliveries, logs, progression, runs, plan changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 12:44:56.064509
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('athlete_id', 'kind', 'local_date', name='uq_deliveries_day')
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_due', ['status', 'due_at'], unique=False)

    op.create_table('exercise_states',
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('exercise', sa.String(length=80), nullable=False),
    sa.Column('working_load_kg', sa.Double(), nullable=True),
    sa.Column('target_reps', sa.Integer(), nullable=True),
    sa.Column('e1rm_kg', sa.Double(), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('best_e1rm_kg', sa.Double(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('athlete_id', 'exercise')
    )
    op.create_table('log_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=True),
    sa.Column('chat_message_id', sa.BigInteger(), nullable=True),
    sa.Column('text', sa.String(length=4000), nullable=False),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('states_before', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('athlete_id', 'source_key', name='uq_log_batches_source')
    )
    with op.batch_alter_table('log_batches', schema=None) as batch_op:
        batch_op.create_index('ix_log_batches_message', ['athlete_id', 'chat_message_id'], unique=False)

    op.create_table('plan_changes',
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('to_day', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('athlete_id', 'day')
    )
    op.create_table('run_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('distance_km', sa.Double(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['batch_id'], ['log_batches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('run_logs', schema=None) as batch_op:
        batch_op.create_index('ix_run_logs_athlete_day', ['athlete_id', 'performed_on'], unique=False)

    op.create_table('set_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('exercise', sa.String(length=80), nullable=False),
    sa.Column('set_index', sa.Integer(), nullable=False),
    sa.Column('reps', sa.Integer(), nullable=True),
    sa.Column('seconds', sa.Integer(), nullable=True),
    sa.Column('load_kg', sa.Double(), nullable=True),
    sa.Column('rpe', sa.Double(), nullable=True),
    sa.Column('per_side', sa.Boolean(), nullable=False),
    sa.Column('failed', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['batch_id'], ['log_batches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('set_logs', schema=None) as batch_op:
        batch_op.create_index('ix_set_logs_athlete_day', ['athlete_id', 'performed_on'], unique=False)

    with op.batch_alter_table('athletes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferences', sa.JSON(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('athletes', schema=None) as batch_op:
        batch_op.drop_column('preferences')

    with op.batch_alter_table('set_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_set_logs_athlete_day')

    op.drop_table('set_logs')
    with op.batch_alter_table('run_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_run_logs_athlete_day')

    op.drop_table('run_logs')
    op.drop_table('plan_changes')
    with op.batch_alter_table('log_batches', schema=None) as batch_op:
        batch_op.drop_index('ix_log_batches_message')

    op.drop_table('log_batches')
    op.drop_table('exercise_states')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_due')

    op.drop_table('deliveries')
