"""Queries for what athletes logged (batches, sets, runs) and their progression states.

Sessions are passed in; the use-case owns the transaction. Batches are ordered by id: the
order they were applied in, which is what /undo and edit-replays rely on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ExerciseStateRow, LogBatch, RunLog, SetLog

PENDING = "pending"  # a parsed log waiting for the athlete to answer a question
HARD_RUN_KINDS = ("hard", "long")


class LogBatches:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, athlete_id: int, batch_id: int) -> LogBatch | None:
        batch = await self.session.get(LogBatch, batch_id)
        return batch if batch is not None and batch.athlete_id == athlete_id else None

    async def by_key(self, athlete_id: int, source_key: str) -> LogBatch | None:
        query = select(LogBatch).where(
            LogBatch.athlete_id == athlete_id, LogBatch.source_key == source_key
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def add(
        self,
        athlete_id: int,
        *,
        source: str,
        source_key: str | None,
        chat_message_id: int | None,
        text: str,
        performed_on: dt.date,
        states_before: dict[str, Any],
        now: dt.datetime,
    ) -> LogBatch:
        batch = LogBatch(
            athlete_id=athlete_id,
            source=source,
            source_key=source_key,
            chat_message_id=chat_message_id,
            text=text[:4000],
            performed_on=performed_on,
            states_before=dict(states_before),
            created_at=now,
        )
        self.session.add(batch)
        await self.session.flush()
        return batch

    async def latest(self, athlete_id: int) -> LogBatch | None:
        """The newest batch, pending or applied."""
        query = (
            select(LogBatch)
            .where(LogBatch.athlete_id == athlete_id)
            .order_by(LogBatch.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def applied_after(self, athlete_id: int, batch_id: int) -> list[LogBatch]:
        """Applied (not pending) batches newer than `batch_id`, oldest first."""
        query = (
            select(LogBatch)
            .where(
                LogBatch.athlete_id == athlete_id,
                LogBatch.id > batch_id,
                LogBatch.source != PENDING,
            )
            .order_by(LogBatch.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def done_on(self, athlete_id: int, day: dt.date) -> LogBatch | None:
        """The "done as prescribed" batch for a day, if there is one."""
        query = (
            select(LogBatch)
            .where(
                LogBatch.athlete_id == athlete_id,
                LogBatch.source == "done",
                LogBatch.performed_on == day,
            )
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def delete(self, batch: LogBatch) -> None:
        await self.clear(batch.id)
        await self.session.delete(batch)
        await self.session.flush()

    async def clear(self, batch_id: int) -> None:
        """Remove the sets and runs of a batch (the batch row stays)."""
        await self.session.execute(delete(SetLog).where(SetLog.batch_id == batch_id))
        await self.session.execute(delete(RunLog).where(RunLog.batch_id == batch_id))


class SetLogs:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: SetLog) -> None:
        self.session.add(row)

    async def of_batch(self, batch_id: int) -> list[SetLog]:
        query = select(SetLog).where(SetLog.batch_id == batch_id).order_by(SetLog.id)
        return list((await self.session.execute(query)).scalars())

    async def best_reps_at(
        self, athlete_id: int, exercise: str, load_kg: float | None, *, before_batch: int
    ) -> int | None:
        """Most reps in one set at this load (±0.05 kg; None: unloaded) in earlier batches."""
        query = select(func.max(SetLog.reps)).where(
            SetLog.athlete_id == athlete_id,
            SetLog.exercise == exercise,
            SetLog.batch_id < before_batch,
            SetLog.reps.is_not(None),
        )
        if load_kg is None:
            query = query.where(SetLog.load_kg.is_(None))
        else:
            query = query.where(SetLog.load_kg.between(load_kg - 0.05, load_kg + 0.05))
        best = (await self.session.execute(query)).scalar_one_or_none()
        return None if best is None else int(best)


class RunLogs:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: RunLog) -> None:
        self.session.add(row)

    async def of_batch(self, batch_id: int) -> list[RunLog]:
        query = select(RunLog).where(RunLog.batch_id == batch_id).order_by(RunLog.id)
        return list((await self.session.execute(query)).scalars())

    async def hard_before(
        self, athlete_id: int, day: dt.date, *, before_batch: int
    ) -> RunLog | None:
        """A hard or long run on `day` or the day before, logged before batch `before_batch`:
        runs carry a date only, so "within 24 h before" is read at day resolution."""
        query = (
            select(RunLog)
            .where(
                RunLog.athlete_id == athlete_id,
                RunLog.kind.in_(HARD_RUN_KINDS),
                RunLog.performed_on.between(day - dt.timedelta(days=1), day),
                (RunLog.batch_id < before_batch) | RunLog.batch_id.is_(None),
            )
            .order_by(RunLog.performed_on.desc(), RunLog.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()


class ExerciseStates:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, athlete_id: int, exercise: str) -> ExerciseStateRow | None:
        return await self.session.get(ExerciseStateRow, (athlete_id, exercise))

    async def put(
        self, athlete_id: int, exercise: str, values: dict[str, Any], now: dt.datetime
    ) -> ExerciseStateRow:
        """Insert or update one state; `values` holds the ExerciseState fields."""
        row = await self.get(athlete_id, exercise)
        if row is None:
            row = ExerciseStateRow(athlete_id=athlete_id, exercise=exercise)
            self.session.add(row)
        row.working_load_kg = values.get("working_load_kg")
        row.target_reps = values.get("target_reps")
        row.e1rm_kg = values.get("e1rm_kg")
        row.failures = int(values.get("failures") or 0)
        row.sessions = int(values.get("sessions") or 0)
        row.best_e1rm_kg = values.get("best_e1rm_kg")
        row.updated_at = now
        await self.session.flush()
        return row

    async def remove(self, athlete_id: int, exercise: str) -> None:
        row = await self.get(athlete_id, exercise)
        if row is not None:
            await self.session.delete(row)
            await self.session.flush()

    async def restore(
        self, athlete_id: int, states: dict[str, dict[str, Any] | None], now: dt.datetime
    ) -> None:
        """Put back states saved before a batch: a dict restores it, None removes the row."""
        for exercise, values in states.items():
            if values is None:
                await self.remove(athlete_id, exercise)
            else:
                await self.put(athlete_id, exercise, values, now)

    @staticmethod
    def values(row: ExerciseStateRow | None) -> dict[str, Any] | None:
        if row is None:
            return None
        return {
            "working_load_kg": row.working_load_kg,
            "target_reps": row.target_reps,
            "e1rm_kg": row.e1rm_kg,
            "failures": row.failures,
            "sessions": row.sessions,
            "best_e1rm_kg": row.best_e1rm_kg,
        }
