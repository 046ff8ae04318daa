"""events, pending_logs, deliveries.platform; athletes.last_update_id dropped

Idempotency moves from one "last update id" per athlete (Telegram's increasing ids; a group
command processed first skipped private messages) to a key per applied event. Logs waiting
for an answer get their own table instead of living in log_batches' undo column. Each
scheduled message belongs to its athlete's platform, so a process claims only its own.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('events',
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'key')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_created', ['created_at'], unique=False)

    op.create_table('pending_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=True),
    sa.Column('chat_message_id', sa.BigInteger(), nullable=True),
    sa.Column('text', sa.String(length=4000), nullable=False),
    sa.Column('parsed', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('athlete_id', 'source_key', name='uq_pending_logs_source')
    )
    batches = sa.table(
        'log_batches',
        sa.column('id', sa.Integer()), sa.column('athlete_id', sa.Integer()),
        sa.column('source', sa.String()), sa.column('source_key', sa.String()),
        sa.column('chat_message_id', sa.BigInteger()), sa.column('text', sa.String()),
        sa.column('states_before', sa.JSON()), sa.column('created_at', sa.DateTime()),
    )
    pending = sa.table(
        'pending_logs',
        sa.column('athlete_id', sa.Integer()), sa.column('source_key', sa.String()),
        sa.column('chat_message_id', sa.BigInteger()), sa.column('text', sa.String()),
        sa.column('parsed', sa.JSON()), sa.column('created_at', sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    waiting = connection.execute(sa.select(batches).where(batches.c.source == 'pending')).all()
    if waiting:
        connection.execute(pending.insert(), [
            {'athlete_id': row.athlete_id, 'source_key': row.source_key,
             'chat_message_id': row.chat_message_id, 'text': row.text or '',
             'parsed': (row.states_before or {}).get('pending') or {},
             'created_at': row.created_at}
            for row in waiting
        ])
        connection.execute(batches.delete().where(batches.c.source == 'pending'))

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('platform', sa.String(length=16), nullable=False, server_default='telegram')
        )
        batch_op.drop_index('ix_deliveries_due')
        batch_op.create_index('ix_deliveries_due', ['platform', 'status', 'due_at'], unique=False)
    athletes = sa.table('athletes', sa.column('id', sa.Integer()),
                        sa.column('platform', sa.String()))
    deliveries = sa.table('deliveries', sa.column('athlete_id', sa.Integer()),
                          sa.column('platform', sa.String()))
    connection.execute(
        deliveries.update().values(
            platform=sa.select(athletes.c.platform)
            .where(athletes.c.id == deliveries.c.athlete_id)
            .scalar_subquery()
        )
    )
    with op.batch_alter_table('athletes', schema=None) as batch_op:
        batch_op.drop_column('last_update_id')


def downgrade() -> None:
    with op.batch_alter_table('athletes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_update_id', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_due')
        batch_op.create_index('ix_deliveries_due', ['status', 'due_at'], unique=False)
        batch_op.drop_column('platform')
    op.drop_table('pending_logs')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_created')
    op.drop_table('events')
