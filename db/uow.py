"""The unit of work the coach's use-cases get: one transaction and its repositories. The
use-cases never see a session or a query; everything they read and write goes through
these, which map rows to domain values (`plans.state.ExerciseState`, ...) and back."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.deliveries import Deliveries
from db.engine import Database
from db.history import History
from db.inbox import Inbox
from db.logs import (
    ExerciseStates,
    LogBatches,
    LogContext,
    PendingLogs,
    PlanChanges,
    RunLogs,
    SetLogs,
    log_context,
    progress_lookups,
)
from db.readiness import RecentBody
from db.repositories import Athletes, Conversations, Events


class Conflict(Exception):
    """Another transaction (a second replica, a concurrent start-up repair) wrote the same
    row first: the whole unit was rolled back; look again and retry."""


class Unit:
    """One transaction's repositories."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.athletes = Athletes(session)
        self.conversations = Conversations(session)
        self.events = Events(session)
        self.inbox = Inbox(session)
        self.batches = LogBatches(session)
        self.sets = SetLogs(session)
        self.runs = RunLogs(session)
        self.states = ExerciseStates(session)
        self.pending = PendingLogs(session)
        self.changes = PlanChanges(session)
        self.deliveries = Deliveries(session)
        self.history = History(session)
        self.readiness = RecentBody(session)

    async def first(self, platform: str, event: str | None, now: dt.datetime) -> bool:
        """Record a chat event as applied; False when it was (a re-delivery). An event
        without a key (an internal call) always counts as new."""
        if event is None:
            return True
        return await self.events.first(platform, event, now)

    async def log_context(
        self,
        athlete_id: int,
        source_key: str | None = None,
        *,
        today: dt.date,
        exercises: Sequence[str] = (),
        days: Sequence[dt.date] = (),
    ) -> LogContext:
        return await log_context(
            self._session, athlete_id, source_key, today=today, exercises=exercises, days=days
        )

    async def progress_lookups(
        self,
        athlete_id: int,
        best: Sequence[tuple[str, float | None]],
        hard_days: Sequence[dt.date],
        *,
        before_batch: int | None,
    ) -> tuple[list[int | None], list[bool]]:
        return await progress_lookups(
            self._session, athlete_id, best, hard_days, before_batch=before_batch
        )

    async def flush(self) -> None:
        await self._session.flush()


class Storage:
    """The use-cases' handle on the database: `write()` and `read()` give one unit each."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Unit]:
        """A write transaction: committed on success, rolled back on error (a clash with
        another transaction's unique row raises `Conflict`)."""
        try:
            async with self.database.write() as session:
                yield Unit(session)
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from exc

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Unit]:
        async with self.database.read() as session:
            yield Unit(session)

    @property
    def dialect(self) -> str:
        return self.database.dialect
