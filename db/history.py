"""Queries behind history, charts, the weekly summary, export, import and account deletion."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.logs import SetDone, set_row
from db.models import Athlete, Base, ExerciseStateRow, LogBatch, PlanChange, RunLog, SetLog


class SetRow(NamedTuple):
    """A stored set as plain values: reading thousands of them skips the ORM's bookkeeping."""

    id: int
    batch_id: int
    performed_on: dt.date
    exercise: str
    set_index: int
    reps: int | None
    seconds: int | None
    load_kg: float | None
    rpe: float | None
    per_side: bool
    failed: bool
    notes: str


_SET_TABLE: Table = SetLog.__table__  # type: ignore[assignment]
IMPORT_CHUNK = 1000  # rows per statement of an import
_SET_COLUMNS = tuple(getattr(SetLog, name) for name in SetRow._fields)


def _set_rows(result: Any) -> list[SetRow]:
    return [SetRow(*row) for row in result]


class NewSet(NamedTuple):
    """A set to store with an imported workout."""

    exercise: str
    set_index: int
    reps: int | None
    seconds: int | None
    load_kg: float | None
    rpe: float | None
    per_side: bool
    failed: bool
    notes: str


@dataclass(frozen=True)
class NewWorkout:
    """An imported workout; `started_at` is its start as the file gave it (local, naive)."""

    source_key: str
    performed_on: dt.date
    title: str
    sets: Sequence[NewSet]
    started_at: dt.datetime | None = None


# An imported batch's text: the workout's title, and on a second line when it started, so an
# export gives it back at the time the athlete did it.
_STARTED = "started "
_STARTED_FORMAT = "%Y-%m-%d %H:%M"


def import_text(title: str, started_at: dt.datetime | None) -> str:
    title = " ".join(title.split())[:200] or "Workout"
    if started_at is None:
        return title
    return f"{title}\n{_STARTED}{started_at:{_STARTED_FORMAT}}"


def import_title(text: str) -> tuple[str, dt.datetime | None]:
    """An imported batch's title and start (None for batches stored without one)."""
    title, _, rest = text.partition("\n")
    started: dt.datetime | None = None
    if rest.startswith(_STARTED):
        try:
            started = dt.datetime.strptime(rest[len(_STARTED) :].strip(), _STARTED_FORMAT)
        except ValueError:
            started = None
    return title, started


class BatchInfo(Protocol):
    """What grouping sets into sessions reads of a stored batch (`LogBatch` has it)."""

    @property
    def id(self) -> int: ...

    @property
    def source(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def created_at(self) -> dt.datetime: ...


class BatchRow(NamedTuple):
    id: int
    source: str
    text: str
    created_at: dt.datetime


# Logs of one day this close together are one session: sets sent one message at a time
# during a workout, or together after it. **Choice**: a morning and an evening session are
# further apart than this.
SESSION_GAP = dt.timedelta(hours=3)


@dataclass(frozen=True)
class LoggedSession:
    """One workout as the athlete did it: a day's sets logged in the chat close together, or
    one imported workout. `sets` in the order they were logged; `batches` oldest first."""

    day: dt.date
    sets: tuple[SetRow, ...]
    batches: tuple[BatchInfo, ...]

    @property
    def imported(self) -> bool:
        return any(b.source == "import" for b in self.batches)


def sessions_of(
    sets: Iterable[SetRow], batches: Mapping[int, BatchInfo], tz: dt.tzinfo
) -> list[LoggedSession]:
    """The athlete's sets as workouts, by day: each imported workout apart; the day's chat
    logs (local dates in `tz`) together unless more than SESSION_GAP apart, and a log sent on
    a later day for this one ("yesterday: …") with the day's last session. What /export
    writes as one workout and what sending that file back is checked against."""
    by_day: dict[dt.date, dict[int, list[SetRow]]] = {}
    for s in sets:
        by_day.setdefault(s.performed_on, {}).setdefault(s.batch_id, []).append(s)
    found: list[LoggedSession] = []
    for day in sorted(by_day):
        ids = sorted(by_day[day])
        chat = sorted(
            (b for b in ids if b in batches and batches[b].source != "import"),
            key=lambda b: (batches[b].created_at, b),
        )
        on_the_day = [b for b in chat if batches[b].created_at.astimezone(tz).date() == day]
        groups: list[list[int]] = []
        for b in on_the_day:
            gap = batches[b].created_at - batches[groups[-1][-1]].created_at if groups else None
            if gap is not None and gap <= SESSION_GAP:
                groups[-1].append(b)
            else:
                groups.append([b])
        later = [b for b in chat if b not in on_the_day]
        if later and groups:
            groups[-1] += later
        elif later:
            groups.append(later)
        groups += [[b] for b in ids if b not in chat]  # imported workouts, each as it came
        for group in groups:
            rows = sorted((s for b in group for s in by_day[day][b]), key=lambda s: s.id)
            infos = tuple(batches[b] for b in group if b in batches)
            found.append(LoggedSession(day, tuple(rows), infos))
    return found


class SetValues(SetDone, Protocol):
    """What a set holds, stored (`SetRow`, `SetLog`) or about to be (`NewSet`)."""

    @property
    def exercise(self) -> str: ...


Content = tuple[dt.date, tuple[tuple[str, int, int, float, bool, bool], ...]]


def content_of(day: dt.date, sets: Iterable[SetValues]) -> Content:
    """What a workout holds, whatever its order, notes or origin: the day and its sets, loads
    to 10 g (an export rounds them). A workout exported from here and imported back has
    the content of the batch it was exported from."""
    return day, tuple(
        sorted(
            (
                s.exercise,
                -1 if s.reps is None else s.reps,
                -1 if s.seconds is None else s.seconds,
                -1.0 if s.load_kg is None else round(s.load_kg, 2),
                s.per_side,
                s.failed,
            )
            for s in sets
        )
    )


IN_CHUNK = 500  # values per IN (...): well under SQLite's bound-parameter limit


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """`values` in slices short enough for one IN (...) each."""
    for i in range(0, len(values), IN_CHUNK):
        yield values[i : i + IN_CHUNK]


_SET_ORDER = (SetLog.performed_on, SetLog.batch_id, SetLog.exercise, SetLog.set_index, SetLog.id)


class History:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def last_days(self, athlete_id: int, days: int) -> list[SetRow]:
        """Every set of the athlete's `days` most recent training days, oldest first."""
        recent = (
            select(SetLog.performed_on)
            .distinct()
            .where(SetLog.athlete_id == athlete_id)
            .order_by(SetLog.performed_on.desc())
            .limit(days)
        )
        dates = list((await self.session.execute(recent)).scalars())
        if not dates:
            return []
        query = (
            select(*_SET_COLUMNS)
            .where(SetLog.athlete_id == athlete_id, SetLog.performed_on.in_(dates))
            .order_by(*_SET_ORDER)
        )
        return _set_rows(await self.session.execute(query))

    async def sets(
        self,
        athlete_id: int,
        exercises: Sequence[str] | None = None,
        *,
        since: dt.date | None = None,
        before: dt.date | None = None,
    ) -> list[SetRow]:
        query = select(*_SET_COLUMNS).where(SetLog.athlete_id == athlete_id)
        if exercises is not None:
            query = query.where(SetLog.exercise.in_(list(exercises)))
        if since is not None:
            query = query.where(SetLog.performed_on >= since)
        if before is not None:
            query = query.where(SetLog.performed_on < before)
        return _set_rows(await self.session.execute(query.order_by(*_SET_ORDER)))

    async def last_logged(
        self, athlete_ids: Collection[int], *, before: dt.date | None = None
    ) -> dict[int, dt.date]:
        """Each athlete's latest day with a logged set (before `before`); athletes who never
        logged one are left out."""
        found: dict[int, dt.date] = {}
        for chunk in _chunks(sorted(set(athlete_ids))):
            query = (
                select(SetLog.athlete_id, func.max(SetLog.performed_on))
                .where(SetLog.athlete_id.in_(chunk))
                .group_by(SetLog.athlete_id)
            )
            if before is not None:
                query = query.where(SetLog.performed_on < before)
            found.update({a: d for a, d in (await self.session.execute(query)).all() if d})
        return found

    async def exercise_counts(self, athlete_id: int) -> dict[str, int]:
        """How many sets of each exercise the athlete has logged."""
        query = (
            select(SetLog.exercise, func.count())
            .where(SetLog.athlete_id == athlete_id)
            .group_by(SetLog.exercise)
        )
        return {name: int(n) for name, n in (await self.session.execute(query)).all()}

    async def batches(self, athlete_id: int) -> dict[int, LogBatch]:
        query = select(LogBatch).where(LogBatch.athlete_id == athlete_id)
        return {b.id: b for b in (await self.session.execute(query)).scalars()}

    async def runs(self, athlete_id: int) -> list[RunLog]:
        query = select(RunLog).where(RunLog.athlete_id == athlete_id).order_by(RunLog.performed_on)
        return list((await self.session.execute(query)).scalars())

    async def plan_changes(self, athlete_id: int) -> list[PlanChange]:
        query = (
            select(PlanChange).where(PlanChange.athlete_id == athlete_id).order_by(PlanChange.day)
        )
        return list((await self.session.execute(query)).scalars())

    async def states(self, athlete_id: int) -> dict[str, ExerciseStateRow]:
        query = select(ExerciseStateRow).where(ExerciseStateRow.athlete_id == athlete_id)
        return {row.exercise: row for row in (await self.session.execute(query)).scalars()}

    async def source_keys(self, athlete_id: int, keys: Sequence[str]) -> set[str]:
        """Which of `keys` the athlete already stored (an import seen before)."""
        found: set[str] = set()
        for chunk in _chunks(keys):
            query = select(LogBatch.source_key).where(
                LogBatch.athlete_id == athlete_id, LogBatch.source_key.in_(chunk)
            )
            found.update(k for k in (await self.session.execute(query)).scalars() if k)
        return found

    async def contents(
        self, athlete_id: int, days: Sequence[dt.date], tz: dt.tzinfo
    ) -> list[Content]:
        """`content_of` each stored workout (`sessions_of`, local dates in `tz`) on one of
        `days`."""
        rows: list[SetRow] = []
        for chunk in _chunks(sorted(set(days))):
            query = select(*_SET_COLUMNS).where(
                SetLog.athlete_id == athlete_id, SetLog.performed_on.in_(chunk)
            )
            rows += _set_rows(await self.session.execute(query))
        batches: dict[int, BatchInfo] = {}
        for chunk in _chunks(sorted({r.batch_id for r in rows})):
            query = select(LogBatch.id, LogBatch.source, LogBatch.text, LogBatch.created_at).where(
                LogBatch.id.in_(chunk)
            )
            batches.update({r[0]: BatchRow(*r) for r in await self.session.execute(query)})
        return [content_of(w.day, w.sets) for w in sessions_of(rows, batches, tz)]

    async def add_workouts(
        self, athlete_id: int, workouts: Sequence[NewWorkout], now: dt.datetime
    ) -> int:
        """Store imported workouts (one batch each) and their sets; returns the sets stored.

        Bulk inserts in chunks, so a 100,000-row file is one transaction that never holds
        up the other chats for long."""
        if not workouts:
            return 0
        ids: list[int] = []
        for i in range(0, len(workouts), IMPORT_CHUNK):
            rows = await self.session.execute(
                insert(LogBatch).returning(LogBatch.id, sort_by_parameter_order=True),
                [
                    {
                        "athlete_id": athlete_id,
                        "source": "import",
                        "source_key": w.source_key,
                        "text": import_text(w.title, w.started_at),
                        "performed_on": w.performed_on,
                        "states_before": {},
                        "created_at": now,
                    }
                    for w in workouts[i : i + IMPORT_CHUNK]
                ],
            )
            ids.extend(rows.scalars())
            await asyncio.sleep(0)
        values: list[dict[str, Any]] = [
            {
                "athlete_id": athlete_id,
                "batch_id": batch_id,
                **set_row(w.performed_on, s.exercise, s.set_index, s, s.notes),
                "created_at": now,
            }
            for batch_id, w in zip(ids, workouts, strict=True)
            for s in w.sets
        ]
        for i in range(0, len(values), IMPORT_CHUNK):
            await self.session.execute(_SET_TABLE.insert(), values[i : i + IMPORT_CHUNK])
            # On SQLite these statements run on the event loop: between chunks, the other
            # chats' reads and replies get their turn (writes wait for this transaction).
            await asyncio.sleep(0)
        return len(values)

    async def active_athletes(self, since: dt.datetime) -> int:
        """Athletes who logged something since `since`."""
        query = select(func.count(func.distinct(LogBatch.athlete_id))).where(
            LogBatch.created_at >= since
        )
        return int((await self.session.execute(query)).scalar() or 0)

    async def delete_athlete(self, athlete_id: int) -> None:
        """Delete the athlete; ON DELETE CASCADE removes every row that points at them."""
        await self.session.execute(delete(Athlete).where(Athlete.id == athlete_id))


def athlete_tables() -> list[Table]:
    """Every table with an `athlete_id` column: what deleting an athlete must empty."""
    return [t for t in Base.metadata.sorted_tables if "athlete_id" in t.c]
