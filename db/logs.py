"""Queries for what athletes logged (batches, sets, runs) and their progression states.

Sessions are passed in; the use-case owns the transaction. Batches are ordered by id: the
order they were applied in, which is what /undo and edit-replays rely on.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from sqlalchemy import (
    Date,
    Float,
    Integer,
    String,
    Table,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from db.models import (
    ExerciseStateRow,
    LogBatch,
    Niggle,
    PendingLog,
    PlanChange,
    RunLog,
    SetLog,
)
from db.readiness import NIGGLES_BACK_DAYS, RUNS_BACK_DAYS, run_done
from plans.readiness import NiggleReport, Readiness, RunDone
from plans.state import ExerciseState

HARD_RUN_KINDS = ("hard", "long")
STATE_FIELDS = (
    "working_load_kg",
    "target_reps",
    "e1rm_kg",
    "failures",
    "sessions",
    "best_e1rm_kg",
    "e1rm_on",
    "reps_low",
    "reps_high",
)


@dataclass
class LogContext:
    """What reading and applying a log needs, loaded in one query: the athlete's progression
    states (`ExerciseStates.values` dicts by exercise), plan changes (detached rows) and the
    id of the batch (or of the pending log) already stored under a source key, if any.

    Optionally also what `progress_lookups` reads for a batch not stored yet, for the
    exercises and days a log is expected to hold: the most reps per stored load of each
    exercise (`bests`) and the days of hard runs in a window (`hard_days`); `lookups` answers
    from them when they cover the question."""

    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    changes: list[PlanChange] = field(default_factory=list)
    batch_id: int | None = None
    pending_id: int | None = None
    bests: dict[str, list[tuple[float | None, int]]] = field(default_factory=dict)
    best_exercises: frozenset[str] = frozenset()
    hard_days: list[dt.date] = field(default_factory=list)
    hard_window: tuple[dt.date, dt.date] | None = None
    # The runs and niggles from `readiness_window`, oldest first (the plans adapt to them).
    readiness: Readiness = field(default_factory=Readiness)
    readiness_window: tuple[dt.date, dt.date] | None = None

    def lookups(
        self, best: Sequence[tuple[str, float | None]], hard_days: Sequence[dt.date]
    ) -> tuple[list[int | None], list[bool]] | None:
        """`progress_lookups(..., before_batch=None)` from the prefetched rows; None when
        they don't cover every exercise and day asked about."""
        if any(exercise not in self.best_exercises for exercise, _load in best):
            return None
        one_day = dt.timedelta(days=1)
        if hard_days:
            if self.hard_window is None:
                return None
            first, last = self.hard_window
            if any(day - one_day < first or day > last for day in hard_days):
                return None
        reps: list[int | None] = []
        for exercise, load_kg in best:
            rows = self.bests.get(exercise, ())
            if load_kg is None:
                found = [r for load, r in rows if load is None]
            else:
                low, high = load_kg - 0.05, load_kg + 0.05  # as progress_lookups binds them
                found = [r for load, r in rows if load is not None and low <= load <= high]
            reps.append(max(found) if found else None)
        hard = [any(day - one_day <= run <= day for run in self.hard_days) for day in hard_days]
        return reps, hard


_TABLES = SetLog.metadata.tables
_SET_INSERT = insert(_TABLES["set_logs"])
_BATCH_INSERT = insert(_TABLES["log_batches"]).returning(_TABLES["log_batches"].c.id)
_STATE_COLUMNS = (*STATE_FIELDS, "updated_at")
_STATE_UPSERTS: dict[str, Any] = {}
_CONTEXT_QUERIES: dict[tuple[bool, bool], Any] = {}
_LOOKUP_QUERIES: dict[tuple[tuple[bool, ...], int, bool], Any] = {}
# What each set of a batch holds of its own (the rest: the batch's athlete, id and time).
SET_FIELDS = (
    "performed_on",
    "exercise",
    "set_index",
    "reps",
    "seconds",
    "load_kg",
    "rpe",
    "per_side",
    "failed",
    "notes",
)


class SetDone(Protocol):
    """A set's own values, as parsed from a message or read from an import."""

    @property
    def reps(self) -> int | None: ...
    @property
    def seconds(self) -> int | None: ...
    @property
    def load_kg(self) -> float | None: ...
    @property
    def rpe(self) -> float | None: ...
    @property
    def per_side(self) -> bool: ...
    @property
    def failed(self) -> bool: ...


def set_row(
    performed_on: dt.date, exercise: str, set_index: int, done: SetDone, notes: str
) -> dict[str, Any]:
    """One set as `SetLogs` stores it (the SET_FIELDS)."""
    return {
        "performed_on": performed_on,
        "exercise": exercise[:80],
        "set_index": set_index,
        "reps": done.reps,
        "seconds": done.seconds,
        "load_kg": done.load_kg,
        "rpe": done.rpe,
        "per_side": done.per_side,
        "failed": done.failed,
        "notes": notes[:500],
    }


_BATCH_FIELDS = (
    "athlete_id",
    "source",
    "source_key",
    "chat_message_id",
    "text",
    "performed_on",
    "states_before",
    "created_at",
)


def _unnest(table: Table, prefix: str, fields: Sequence[str], name: str) -> Any:
    """Rows from parallel arrays: unnest(:<prefix><field>, ...) AS name(<fields>), each
    array of its column's type."""
    arrays = (bindparam(prefix + f, type_=ARRAY(table.c[f].type)) for f in fields)
    return func.unnest(*arrays).table_valued(*fields).render_derived(name=name)


@functools.cache
def _store_postgresql() -> Any:
    """PostgreSQL: a new batch, its sets and the progression states it leaves in one
    statement, built once: data-modifying CTEs over unnest()ed arrays (bound: b_<batch
    field>, s_<SET_FIELDS> and e_<exercise, STATE_FIELDS> as lists). One round trip where
    the INSERT .. RETURNING, the sets and the upsert took three."""
    batches, sets, states = (_TABLES[t] for t in ("log_batches", "set_logs", "exercise_states"))
    athlete = bindparam("b_athlete_id", type_=batches.c.athlete_id.type)
    at = bindparam("b_created_at", type_=batches.c.created_at.type)
    batch = (
        insert(batches)
        .values({name: bindparam(f"b_{name}", type_=batches.c[name].type)
                 for name in _BATCH_FIELDS})
        .returning(batches.c.id)
        .cte("batch")
    )  # fmt: skip
    each_set = _unnest(sets, "s_", SET_FIELDS, "each_set")
    add_sets = (
        insert(sets)
        .from_select(
            ["athlete_id", "batch_id", *SET_FIELDS, "created_at"],
            select(athlete, batch.c.id, *(each_set.c[name] for name in SET_FIELDS), at)
            .select_from(batch)
            .join(each_set, true()),
        )
        .cte("add_sets")
    )
    state_fields = ("exercise", *STATE_FIELDS)
    each_state = _unnest(states, "e_", state_fields, "each_state")
    upsert = postgresql.insert(states).from_select(
        ["athlete_id", *state_fields, "updated_at"],
        select(athlete, *(each_state.c[name] for name in state_fields), at),
    )
    put_states = upsert.on_conflict_do_update(
        index_elements=["athlete_id", "exercise"],
        set_={name: upsert.excluded[name] for name in _STATE_COLUMNS},
    ).cte("put_states")
    return select(batch.c.id).add_cte(add_sets, put_states)


def _context_query(keyed: bool, prefetch: bool) -> Any:
    """The `log_context` statement, built once (bound: athlete_id, source_key, exercises,
    runs_from, last_day)."""
    if (keyed, prefetch) not in _CONTEXT_QUERIES:
        athlete = bindparam("athlete_id", type_=Integer)
        no_float, no_int, no_date = cast(null(), Float), cast(null(), Integer), cast(null(), Date)
        parts = [
            select(
                literal_column("'s'", String).label("k"),
                ExerciseStateRow.exercise.label("name"),
                ExerciseStateRow.working_load_kg.label("f1"),
                ExerciseStateRow.e1rm_kg.label("f2"),
                ExerciseStateRow.best_e1rm_kg.label("f3"),
                ExerciseStateRow.target_reps.label("i1"),
                ExerciseStateRow.failures.label("i2"),
                ExerciseStateRow.sessions.label("i3"),
                ExerciseStateRow.reps_low.label("i4"),
                ExerciseStateRow.reps_high.label("i5"),
                ExerciseStateRow.e1rm_on.label("d1"),
                no_date.label("d2"),
            ).where(ExerciseStateRow.athlete_id == athlete),
            select(
                literal_column("'c'", String),
                PlanChange.action,
                no_float,
                no_float,
                no_float,
                no_int,
                no_int,
                no_int,
                no_int,
                no_int,
                PlanChange.day,
                PlanChange.to_day,
            ).where(PlanChange.athlete_id == athlete),
        ]
        if keyed:
            key = bindparam("source_key", type_=String)
            for tag, table in (("'b'", LogBatch), ("'p'", PendingLog)):
                parts.append(
                    select(
                        literal_column(tag, String),
                        cast(null(), String),
                        no_float,
                        no_float,
                        no_float,
                        table.id,
                        no_int,
                        no_int,
                        no_int,
                        no_int,
                        no_date,
                        no_date,
                    ).where(table.athlete_id == athlete, table.source_key == key)
                )
        if prefetch:
            parts.append(
                select(
                    literal_column("'r'", String),
                    SetLog.exercise,
                    SetLog.load_kg,
                    no_float,
                    no_float,
                    func.max(SetLog.reps),
                    no_int,
                    no_int,
                    no_int,
                    no_int,
                    no_date,
                    no_date,
                )
                .where(
                    SetLog.athlete_id == athlete,
                    SetLog.exercise.in_(bindparam("exercises", expanding=True)),
                    SetLog.reps.is_not(None),
                )
                .group_by(SetLog.exercise, SetLog.load_kg)
            )
        # Every run and niggle of the weeks around the days read: the day plans adapt to
        # them, unplanned hard runs hold a lift, and a running jump holds them all.
        window = (bindparam("runs_from", type_=Date), bindparam("last_day", type_=Date))
        parts.append(
            select(
                literal_column("'h'", String),
                RunLog.kind,
                RunLog.distance_km,
                no_float,
                no_float,
                RunLog.moving_s,
                cast(RunLog.planned, Integer),
                no_int,
                no_int,
                no_int,
                RunLog.performed_on,
                no_date,
            ).where(RunLog.athlete_id == athlete, RunLog.performed_on.between(*window))
        )
        parts.append(
            select(
                literal_column("'n'", String),
                Niggle.region,
                no_float,
                no_float,
                no_float,
                Niggle.score,
                Niggle.id,
                no_int,
                no_int,
                no_int,
                Niggle.reported_on,
                no_date,
            ).where(Niggle.athlete_id == athlete, Niggle.reported_on.between(*window))
        )
        _CONTEXT_QUERIES[keyed, prefetch] = union_all(*parts)
    return _CONTEXT_QUERIES[keyed, prefetch]


async def log_context(
    session: AsyncSession,
    athlete_id: int,
    source_key: str | None = None,
    *,
    today: dt.date,
    exercises: Sequence[str] = (),
    days: Sequence[dt.date] = (),
) -> LogContext:
    """States, plan changes, the runs and niggles around `today` and `days`, (with
    `source_key`) the keyed batch and (with `exercises` and `days`) the rows
    `LogContext.lookups` needs for them: one UNION ALL query."""
    around = [today, *days]
    first, last = min(around) - dt.timedelta(days=1), max(around) + dt.timedelta(days=1)
    runs_from = first - dt.timedelta(days=max(RUNS_BACK_DAYS, NIGGLES_BACK_DAYS))
    params: dict[str, Any] = {"athlete_id": athlete_id, "runs_from": runs_from, "last_day": last}
    if source_key is not None:
        params["source_key"] = source_key
    context = LogContext(readiness_window=(runs_from, last))
    prefetch = bool(exercises and days)
    if prefetch:
        hard_from = min(days) - dt.timedelta(days=1)
        params["exercises"] = sorted(set(exercises))
        context.best_exercises, context.hard_window = frozenset(exercises), (hard_from, max(days))
    runs: list[RunDone] = []
    niggles: list[tuple[int, NiggleReport]] = []
    rows = await session.execute(_context_query(source_key is not None, prefetch), params)
    for k, name, f1, f2, f3, i1, i2, i3, i4, i5, d1, d2 in rows:
        if k == "s":
            context.states[name] = {
                "working_load_kg": f1,
                "target_reps": i1,
                "e1rm_kg": f2,
                "failures": i2,
                "sessions": i3,
                "best_e1rm_kg": f3,
                "e1rm_on": _iso(d1),
                "reps_low": i4,
                "reps_high": i5,
            }
        elif k == "c":
            context.changes.append(
                PlanChange(athlete_id=athlete_id, day=d1, action=name, to_day=d2)
            )
        elif k == "b":
            context.batch_id = i1
        elif k == "p":
            context.pending_id = i1
        elif k == "r":
            context.bests.setdefault(name, []).append((f1, int(i1)))
        elif k == "n":
            niggles.append((i2, NiggleReport(d1, name, i1)))
        else:
            runs.append(run_done(d1, name, bool(i2), f1, i1))
    runs.sort(key=lambda run: run.day)
    context.readiness = Readiness(tuple(runs), tuple(n for _id, n in sorted(niggles)))
    if context.hard_window is not None:
        low, high = context.hard_window
        context.hard_days = [
            r.day for r in runs
            if r.kind in HARD_RUN_KINDS and not r.planned and low <= r.day <= high
        ]  # fmt: skip
    return context


def _lookup_query(unloaded: tuple[bool, ...], days: int, bounded: bool) -> Any:
    """The `progress_lookups` statement for its shape, built once: one scalar subquery per
    (exercise, load) (bound: e<i>, lo<i>, hi<i>) and per day (a<j>, z<j>)."""
    shape = (unloaded, days, bounded)
    if shape not in _LOOKUP_QUERIES:
        athlete = bindparam("athlete_id", type_=Integer)
        before = bindparam("before_batch", type_=Integer)
        columns: list[Any] = []
        for i, no_load in enumerate(unloaded):
            best = select(func.max(SetLog.reps)).where(
                SetLog.athlete_id == athlete,
                SetLog.exercise == bindparam(f"e{i}", type_=String),
                SetLog.reps.is_not(None),
            )
            if bounded:
                best = best.where(SetLog.batch_id < before)
            if no_load:
                best = best.where(SetLog.load_kg.is_(None))
            else:
                best = best.where(
                    SetLog.load_kg.between(
                        bindparam(f"lo{i}", type_=Float), bindparam(f"hi{i}", type_=Float)
                    )
                )
            columns.append(best.scalar_subquery().label(f"b{i}"))
        for j in range(days):
            hard = select(RunLog.id).where(
                RunLog.athlete_id == athlete,
                RunLog.kind.in_(HARD_RUN_KINDS),
                RunLog.planned.is_(False),
                RunLog.performed_on.between(
                    bindparam(f"a{j}", type_=Date), bindparam(f"z{j}", type_=Date)
                ),
            )
            if bounded:
                hard = hard.where((RunLog.batch_id < before) | RunLog.batch_id.is_(None))
            columns.append(hard.limit(1).scalar_subquery().label(f"h{j}"))
        _LOOKUP_QUERIES[shape] = select(*columns)
    return _LOOKUP_QUERIES[shape]


async def progress_lookups(
    session: AsyncSession,
    athlete_id: int,
    best: Sequence[tuple[str, float | None]],
    hard_days: Sequence[dt.date],
    *,
    before_batch: int | None,
) -> tuple[list[int | None], list[bool]]:
    """The most reps in one set at each (exercise, load) (±0.05 kg; None: unloaded) and, for
    each day, whether an unplanned hard or long run fell on it or the day before (runs carry
    a date only: "within 24 h" at day resolution), in one query. `before_batch` None: all
    stored rows count (a batch not stored yet comes after every stored one)."""
    if not best and not hard_days:
        return [], []
    params: dict[str, Any] = {"athlete_id": athlete_id, "before_batch": before_batch}
    for i, (exercise, load_kg) in enumerate(best):
        params[f"e{i}"] = exercise
        if load_kg is not None:
            params[f"lo{i}"], params[f"hi{i}"] = load_kg - 0.05, load_kg + 0.05
    for j, day in enumerate(hard_days):
        params[f"a{j}"], params[f"z{j}"] = day - dt.timedelta(days=1), day
    shape = (tuple(load is None for _e, load in best), len(hard_days), before_batch is not None)
    if before_batch is None:
        del params["before_batch"]
    found = list((await session.execute(_lookup_query(*shape), params)).one())
    reps = [None if v is None else int(v) for v in found[: len(best)]]
    return reps, [v is not None for v in found[len(best) :]]


class LogBatches:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, athlete_id: int, batch_id: int) -> LogBatch | None:
        return await _owned(self.session, LogBatch, athlete_id, batch_id)

    async def by_key(self, athlete_id: int, source_key: str) -> LogBatch | None:
        query = select(LogBatch).where(
            LogBatch.athlete_id == athlete_id, LogBatch.source_key == source_key
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def insert(
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
        sets: Sequence[dict[str, Any]] = (),
        states: dict[str, dict[str, Any]] | None = None,
    ) -> int:
        """Store a batch (one INSERT .. RETURNING id) and, with them, its `sets` (SET_FIELDS
        dicts) and the progression `states` it leaves (`ExerciseStates.put_many`); on
        PostgreSQL all three in one statement. Returns the batch's id."""
        row = {
            "athlete_id": athlete_id,
            "source": source,
            "source_key": source_key,
            "chat_message_id": chat_message_id,
            "text": text[:4000],
            "performed_on": performed_on,
            "states_before": dict(states_before),
            "created_at": now,
        }
        states = states or {}
        if (sets or states) and self.session.get_bind().dialect.name == "postgresql":
            params = {f"b_{name}": value for name, value in row.items()}
            params.update({f"s_{name}": [s[name] for s in sets] for name in SET_FIELDS})
            state_rows = _state_rows(athlete_id, states, now)
            params.update(
                {f"e_{name}": [r[name] for r in state_rows] for name in ("exercise", *STATE_FIELDS)}
            )
            store = ExerciseStates(self.session)
            await store.flush_orm()
            batch_id = int((await self.session.execute(_store_postgresql(), params)).scalar_one())
            store.expire(athlete_id, states)
            return batch_id
        batch_id = int((await self.session.execute(_BATCH_INSERT, row)).scalar_one())
        await SetLogs(self.session).add_many(athlete_id, batch_id, sets, now)
        await ExerciseStates(self.session).put_many(athlete_id, states, now)
        return batch_id

    async def latest(self, athlete_id: int) -> LogBatch | None:
        """The newest batch."""
        query = (
            select(LogBatch)
            .where(LogBatch.athlete_id == athlete_id)
            .order_by(LogBatch.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def applied_after(self, athlete_id: int, batch_id: int) -> list[LogBatch]:
        """Batches newer than `batch_id`, oldest first."""
        query = (
            select(LogBatch)
            .where(LogBatch.athlete_id == athlete_id, LogBatch.id > batch_id)
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
        await self.session.execute(delete(Niggle).where(Niggle.batch_id == batch_id))


class SetLogs:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: SetLog) -> None:
        self.session.add(row)

    async def add_many(
        self,
        athlete_id: int,
        batch_id: int,
        sets: Sequence[dict[str, Any]],
        now: dt.datetime,
    ) -> None:
        """Insert a batch's sets (SET_FIELDS dicts) in one executemany statement."""
        if sets:
            common = {"athlete_id": athlete_id, "batch_id": batch_id, "created_at": now}
            await self.session.execute(_SET_INSERT, [{**s, **common} for s in sets])

    async def of_batch(self, batch_id: int) -> list[SetLog]:
        query = select(SetLog).where(SetLog.batch_id == batch_id).order_by(SetLog.id)
        return list((await self.session.execute(query)).scalars())

    async def on(self, athlete_id: int, day: dt.date) -> list[SetLog]:
        """The athlete's sets of one day, in the order they were stored."""
        query = (
            select(SetLog)
            .where(SetLog.athlete_id == athlete_id, SetLog.performed_on == day)
            .order_by(SetLog.id)
        )
        return list((await self.session.execute(query)).scalars())


class RunLogs:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: RunLog) -> None:
        self.session.add(row)

    async def of_batch(self, batch_id: int) -> list[RunLog]:
        query = select(RunLog).where(RunLog.batch_id == batch_id).order_by(RunLog.id)
        return list((await self.session.execute(query)).scalars())

    async def get(self, athlete_id: int, run_id: int) -> RunLog | None:
        return await _owned(self.session, RunLog, athlete_id, run_id)

    async def between(self, athlete_id: int, first: dt.date, last: dt.date) -> list[RunLog]:
        """The athlete's runs from `first` to `last`, oldest first."""
        query = (
            select(RunLog)
            .where(RunLog.athlete_id == athlete_id, RunLog.performed_on.between(first, last))
            .order_by(RunLog.performed_on, RunLog.id)
        )
        return list((await self.session.execute(query)).scalars())


_Owned = TypeVar("_Owned", LogBatch, PendingLog, RunLog)


async def _owned(
    session: AsyncSession, model: type[_Owned], athlete_id: int, row_id: int
) -> _Owned | None:
    """The row by id when it is the athlete's (a forged or stale id finds nothing)."""
    row = await session.get(model, row_id)
    return row if row is not None and row.athlete_id == athlete_id else None


def state_of(row: ExerciseStateRow) -> ExerciseState:
    """A stored state as the plans read it."""
    return ExerciseState(
        exercise=row.exercise,
        working_load_kg=row.working_load_kg,
        target_reps=row.target_reps,
        e1rm_kg=row.e1rm_kg,
        failures=row.failures,
        sessions=row.sessions,
        best_e1rm_kg=row.best_e1rm_kg,
        e1rm_on=row.e1rm_on,
        reps_low=row.reps_low,
        reps_high=row.reps_high,
    )


def state_from_values(exercise: str, values: dict[str, Any]) -> ExerciseState:
    """A state from its values (`ExerciseStates.values`, a batch's `states_before`)."""
    day = values.get("e1rm_on")
    return ExerciseState(
        exercise=exercise,
        working_load_kg=values.get("working_load_kg"),
        target_reps=values.get("target_reps"),
        e1rm_kg=values.get("e1rm_kg"),
        failures=int(values.get("failures") or 0),
        sessions=int(values.get("sessions") or 0),
        best_e1rm_kg=values.get("best_e1rm_kg"),
        e1rm_on=dt.date.fromisoformat(day) if isinstance(day, str) else day,
        reps_low=values.get("reps_low"),
        reps_high=values.get("reps_high"),
    )


def values_of(state: ExerciseState) -> dict[str, Any]:
    """A state's values as `ExerciseStates.put` stores them and a later read returns them."""

    def real(value: float | None) -> float | None:
        return None if value is None else float(value)

    return {
        "working_load_kg": real(state.working_load_kg),
        "target_reps": None if state.target_reps is None else int(state.target_reps),
        "e1rm_kg": real(state.e1rm_kg),
        "failures": int(state.failures or 0),
        "sessions": int(state.sessions or 0),
        "best_e1rm_kg": real(state.best_e1rm_kg),
        "e1rm_on": _iso(state.e1rm_on),
        "reps_low": state.reps_low,
        "reps_high": state.reps_high,
    }


def _state_rows(
    athlete_id: int, states: dict[str, dict[str, Any]], now: dt.datetime
) -> list[dict[str, Any]]:
    """exercise_states rows for `states` (exercise → ExerciseState fields)."""
    return [
        {
            "athlete_id": athlete_id,
            "exercise": exercise,
            "working_load_kg": values.get("working_load_kg"),
            "target_reps": values.get("target_reps"),
            "e1rm_kg": values.get("e1rm_kg"),
            "failures": int(values.get("failures") or 0),
            "sessions": int(values.get("sessions") or 0),
            "best_e1rm_kg": values.get("best_e1rm_kg"),
            "e1rm_on": _day(values.get("e1rm_on")),
            "reps_low": values.get("reps_low"),
            "reps_high": values.get("reps_high"),
            "updated_at": now,
        }
        for exercise, values in states.items()
    ]


def _iso(day: dt.date | None) -> str | None:
    """State values travel as JSON (a batch's `states_before`): dates as ISO strings."""
    return None if day is None else day.isoformat()


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


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
        row.e1rm_on = _day(values.get("e1rm_on"))
        row.reps_low = values.get("reps_low")
        row.reps_high = values.get("reps_high")
        row.updated_at = now
        await self.session.flush()
        return row

    async def put_many(
        self, athlete_id: int, states: dict[str, dict[str, Any]], now: dt.datetime
    ) -> None:
        """`put` for many exercises in one upsert statement (INSERT .. ON CONFLICT DO UPDATE);
        rows of them already in the session are expired so they reload."""
        if not states:
            return
        rows = _state_rows(athlete_id, states, now)
        dialect = self.session.get_bind().dialect.name
        if dialect not in _STATE_UPSERTS:
            statement: Any
            if dialect == "postgresql":
                statement = postgresql.insert(_TABLES["exercise_states"])
            elif dialect == "sqlite":
                statement = sqlite.insert(_TABLES["exercise_states"])
            else:  # pragma: no cover - only SQLite and PostgreSQL are supported
                for exercise, values in states.items():
                    await self.put(athlete_id, exercise, values, now)
                return
            _STATE_UPSERTS[dialect] = statement.on_conflict_do_update(
                index_elements=["athlete_id", "exercise"],
                set_={name: statement.excluded[name] for name in _STATE_COLUMNS},
            )
        await self.flush_orm()
        await self.session.execute(_STATE_UPSERTS[dialect], rows)
        self.expire(athlete_id, states)

    async def flush_orm(self) -> None:
        """ORM changes go first when a Core statement writes states next."""
        if self.session.new or self.session.dirty or self.session.deleted:
            await self.session.flush()

    def expire(self, athlete_id: int, exercises: Iterable[str]) -> None:
        """Rows of these exercises already in the session reload after a Core write."""
        identity_map = self.session.sync_session.identity_map
        for exercise in exercises:
            row = identity_map.get(identity_key(ExerciseStateRow, (athlete_id, exercise)))
            if row is not None:
                self.session.expire(row)

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

    async def all(self, athlete_id: int) -> dict[str, ExerciseState]:
        """The athlete's progression states, as the plans read them."""
        rows = await self.session.execute(
            select(ExerciseStateRow).where(ExerciseStateRow.athlete_id == athlete_id)
        )
        return {row.exercise: state_of(row) for row in rows.scalars()}

    async def updated(self, athlete_id: int) -> dict[str, dt.datetime]:
        """When each of the athlete's states last changed."""
        rows = await self.session.execute(
            select(ExerciseStateRow.exercise, ExerciseStateRow.updated_at).where(
                ExerciseStateRow.athlete_id == athlete_id
            )
        )
        return {exercise: at for exercise, at in rows.all()}

    async def for_many(self, athlete_ids: Collection[int]) -> dict[int, dict[str, ExerciseState]]:
        """Many athletes' states in one query (the daily run composes in batches)."""
        found: dict[int, dict[str, ExerciseState]] = {i: {} for i in athlete_ids}
        if athlete_ids:
            rows = await self.session.execute(
                select(ExerciseStateRow).where(ExerciseStateRow.athlete_id.in_(list(athlete_ids)))
            )
            for row in rows.scalars():
                found[row.athlete_id][row.exercise] = state_of(row)
        return found

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
            "e1rm_on": _iso(row.e1rm_on),
            "reps_low": row.reps_low,
            "reps_high": row.reps_high,
        }


class PendingLogs:
    """Logs waiting for the athlete's answer (`db.models.PendingLog`)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        athlete_id: int,
        *,
        source_key: str | None,
        chat_message_id: int | None,
        text: str,
        parsed: dict[str, Any],
        now: dt.datetime,
    ) -> int:
        row = PendingLog(
            athlete_id=athlete_id,
            source_key=source_key,
            chat_message_id=chat_message_id,
            text=text[:4000],
            parsed=parsed,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def get(self, athlete_id: int, pending_id: int) -> PendingLog | None:
        return await _owned(self.session, PendingLog, athlete_id, pending_id)

    async def by_key(self, athlete_id: int, source_key: str) -> PendingLog | None:
        query = select(PendingLog).where(
            PendingLog.athlete_id == athlete_id, PendingLog.source_key == source_key
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def latest(self, athlete_id: int) -> PendingLog | None:
        query = (
            select(PendingLog)
            .where(PendingLog.athlete_id == athlete_id)
            .order_by(PendingLog.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def update(self, row: PendingLog, parsed: dict[str, Any]) -> None:
        row.parsed = dict(parsed)  # a new container, so the JSON change is seen
        await self.session.flush()

    async def delete(self, row: PendingLog) -> None:
        await self.session.delete(row)
        await self.session.flush()


class PlanChanges:
    """Sessions the athlete skipped or moved (`db.models.PlanChange`)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of(self, athlete_id: int) -> list[PlanChange]:
        rows = await self.session.execute(
            select(PlanChange).where(PlanChange.athlete_id == athlete_id)
        )
        return list(rows.scalars())

    async def for_many(self, athlete_ids: Collection[int]) -> dict[int, list[PlanChange]]:
        found: dict[int, list[PlanChange]] = {i: [] for i in athlete_ids}
        if athlete_ids:
            rows = await self.session.execute(
                select(PlanChange).where(PlanChange.athlete_id.in_(list(athlete_ids)))
            )
            for row in rows.scalars():
                found[row.athlete_id].append(row)
        return found

    async def on(self, athlete_id: int, day: dt.date) -> PlanChange | None:
        return await self.session.get(PlanChange, (athlete_id, day))

    def add(
        self,
        athlete_id: int,
        day: dt.date,
        action: str,
        now: dt.datetime,
        to_day: dt.date | None = None,
    ) -> None:
        change = PlanChange(athlete_id=athlete_id, day=day, action=action, to_day=to_day)
        change.created_at = now
        self.session.add(change)
