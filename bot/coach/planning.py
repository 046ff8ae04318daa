"""From a stored athlete to today's plan: the glue between db/ rows and the pure plans/."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import select

from bot.coach.zones import tzinfo_for
from db.models import Athlete, ExerciseStateRow, PlanChange
from plans.profile import Profile
from plans.programs import DayPlan, plan_day, plan_week
from plans.state import ExerciseState


def profile_of(athlete: Athlete) -> Profile:
    """The athlete's coaching profile, with any weights they told us during setup."""
    stored = dict(athlete.profile or {})
    known = tuple((str(ex), float(kg), int(reps)) for ex, kg, reps in stored.pop("known_loads", []))
    return dataclasses.replace(Profile.from_dict(stored), known_loads_kg=known)


def local_now(athlete: Athlete, now: dt.datetime) -> dt.datetime:
    return now.astimezone(tzinfo_for(athlete.timezone))


def local_today(athlete: Athlete, now: dt.datetime) -> dt.date:
    return local_now(athlete, now).date()


def state_from_row(row: ExerciseStateRow) -> ExerciseState:
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


async def load_states(session: Any, athlete_id: int) -> dict[str, ExerciseState]:
    rows = await session.execute(
        select(ExerciseStateRow).where(ExerciseStateRow.athlete_id == athlete_id)
    )
    return {row.exercise: state_from_row(row) for row in rows.scalars()}


async def load_changes(session: Any, athlete_id: int) -> list[PlanChange]:
    rows = await session.execute(select(PlanChange).where(PlanChange.athlete_id == athlete_id))
    return list(rows.scalars())


def moves_of(changes: list[PlanChange]) -> list[tuple[dt.date, dt.date]]:
    return [(c.day, c.to_day) for c in changes if c.action == "move" and c.to_day is not None]


def skipped_days(changes: list[PlanChange]) -> set[dt.date]:
    return {c.day for c in changes if c.action == "skip"}


@dataclasses.dataclass(frozen=True)
class Planned:
    """A day's plan plus what the athlete did to it (skipped)."""

    plan: DayPlan
    skipped: bool


async def plan_for(session: Any, athlete: Athlete, day: dt.date) -> Planned:
    states = await load_states(session, athlete.id)
    changes = await load_changes(session, athlete.id)
    return plan_from(athlete, states, changes, day)


def plan_from(
    athlete: Athlete, states: dict[str, ExerciseState], changes: list[PlanChange], day: dt.date
) -> Planned:
    """The day's plan from already-loaded state (no queries)."""
    plan = plan_day(
        profile_of(athlete),
        states,
        day,
        plan_start=athlete.plan_start or day,
        moves=moves_of(changes),
    )
    return Planned(plan, day in skipped_days(changes))


async def states_for_many(
    session: Any, athlete_ids: Collection[int]
) -> dict[int, dict[str, ExerciseState]]:
    """Progression states of many athletes in one query (the daily run composes in batches)."""
    found: dict[int, dict[str, ExerciseState]] = {i: {} for i in athlete_ids}
    if athlete_ids:
        rows = await session.execute(
            select(ExerciseStateRow).where(ExerciseStateRow.athlete_id.in_(list(athlete_ids)))
        )
        for row in rows.scalars():
            found[row.athlete_id][row.exercise] = state_from_row(row)
    return found


async def changes_for_many(
    session: Any, athlete_ids: Collection[int]
) -> dict[int, list[PlanChange]]:
    found: dict[int, list[PlanChange]] = {i: [] for i in athlete_ids}
    if athlete_ids:
        rows = await session.execute(
            select(PlanChange).where(PlanChange.athlete_id.in_(list(athlete_ids)))
        )
        for row in rows.scalars():
            found[row.athlete_id].append(row)
    return found


async def week_for(session: Any, athlete: Athlete, week_start: dt.date) -> list[DayPlan]:
    states = await load_states(session, athlete.id)
    changes = await load_changes(session, athlete.id)
    return plan_week(
        profile_of(athlete),
        states,
        week_start,
        plan_start=athlete.plan_start or week_start,
        moves=moves_of(changes),
    )
