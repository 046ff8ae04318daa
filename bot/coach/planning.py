"""From a stored athlete to their plan: the glue between the stored rows and the pure plans/."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from bot.coach.zones import tzinfo_for
from db.models import Athlete, PlanChange
from db.uow import Unit
from plans.niggles import check_in_questions
from plans.profile import Profile
from plans.programs import DayPlan, plan_day, plan_week
from plans.readiness import NOTHING, Readiness
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


def moves_of(changes: Sequence[PlanChange]) -> list[tuple[dt.date, dt.date]]:
    return [(c.day, c.to_day) for c in changes if c.action == "move" and c.to_day is not None]


def skipped_days(changes: Sequence[PlanChange]) -> set[dt.date]:
    return {c.day for c in changes if c.action == "skip"}


@dataclasses.dataclass(frozen=True)
class Planned:
    """A day's plan plus what the athlete did to it (skipped)."""

    plan: DayPlan
    skipped: bool


async def plan_for(unit: Unit, athlete: Athlete, day: dt.date) -> Planned:
    return (await plans_ahead(unit, athlete, day, 1))[0]


async def plans_ahead(unit: Unit, athlete: Athlete, first: dt.date, days: int) -> list[Planned]:
    """The plans of `days` days from `first`, their inputs read once."""
    states = await unit.states.all(athlete.id)
    changes = await unit.changes.of(athlete.id)
    readiness = await unit.readiness.around(athlete.id, first, days=days)
    return [
        plan_from(athlete, states, changes, first + dt.timedelta(days=n), readiness)
        for n in range(days)
    ]


def plan_from(
    athlete: Athlete,
    states: dict[str, ExerciseState],
    changes: Sequence[PlanChange],
    day: dt.date,
    readiness: Readiness = NOTHING,
) -> Planned:
    """The day's plan from already-loaded state (no queries)."""
    plan = plan_day(
        profile_of(athlete),
        states,
        day,
        plan_start=athlete.plan_start or day,
        moves=moves_of(changes),
        readiness=readiness,
    )
    asks = check_in_questions(readiness.niggles, day)
    if asks:
        plan = dataclasses.replace(plan, notes=(*plan.notes, *asks))
    return Planned(plan, day in skipped_days(changes))


async def week_for(unit: Unit, athlete: Athlete, week_start: dt.date) -> list[DayPlan]:
    states = await unit.states.all(athlete.id)
    changes = await unit.changes.of(athlete.id)
    readiness = await unit.readiness.around(athlete.id, week_start, days=7)
    return plan_week(
        profile_of(athlete),
        states,
        week_start,
        plan_start=athlete.plan_start or week_start,
        moves=moves_of(changes),
        readiness=readiness,
    )
