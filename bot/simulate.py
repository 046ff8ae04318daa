"""`runstrong simulate`: the real coach, day by day, for a simulated athlete.

Whole blocks are how the coaching is judged: a plan that reads well one day can drift over
twelve weeks. The simulation runs the same use-cases the chat does (a temporary SQLite
database, a clock set to each day's delivery time, logs sent as the text an athlete would
type) for an athlete who logs by a policy:

- ``prescribed``: every set exactly as prescribed (the session's target reps) at the
  prescribed RPE;
- ``top``: every set at the top of the rep range;
- ``mid``: every set inside the range but below its top;
- ``short``: as prescribed, the last set one rep below the range (a hold 5 s short, a
  plyometric drill one set short);
- ``none``: nothing at all.

The athlete runs as their profile says and logs the planned hard and long runs before the
day's lifting (rule 2: run first). Where the plan leaves the load to feel ("light, RPE
6-7"), the simulated athlete picks one from what they can lift: `--known` lifts, else a
typical strength for their experience (`TYPICAL_LIFTS`, a simulation **choice**).
"""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from bot.clock import FixedClock
from bot.coach.intents import Said, Who
from bot.coach.planning import plan_for
from bot.coach.zones import tzinfo_for
from bot.core import build_core
from db.engine import Database
from db.migrate import upgrade
from db.models import SetLog
from db.uow import Storage
from plans import exercises
from plans.loads import effective_e1rm, load_for, loadable, starting_e1rm
from plans.periodization import weeks_out
from plans.prescription import Prescription
from plans.profile import Experience, Profile
from plans.programs import DayPlan, day_label
from plans.schedule import local_due
from plans.units import LB_TO_KG

PLATFORM = "simulation"
Policy = Literal["prescribed", "top", "mid", "short", "none"]
POLICIES: tuple[Policy, ...] = ("prescribed", "top", "mid", "short", "none")
DELIVERY_MINUTE = 7 * 60
# What a simulated athlete can lift when `--known` says nothing (kg × reps): round numbers for
# a recreational runner of each experience (**choice**; the coach never sees these).
TYPICAL_LIFTS: dict[Experience, tuple[tuple[str, float, int], ...]] = {
    "none": (("back_squat", 40.0, 8), ("deadlift", 50.0, 8), ("bench_press", 25.0, 8)),
    "some": (("back_squat", 70.0, 5), ("deadlift", 85.0, 5), ("bench_press", 45.0, 5)),
    "experienced": (("back_squat", 110.0, 5), ("deadlift", 135.0, 5), ("bench_press", 70.0, 5)),
}
_USER = 1


class SimulationError(ValueError):
    """Bad simulation input: one line for the command line."""


@dataclass(frozen=True)
class Known:
    """A lift the athlete knows: `exercise` id, load in kg and reps."""

    exercise: str
    kg: float
    reps: int


def parse_known(text: str, units: str) -> Known:
    """`back_squat=100x5` (the load in the athlete's unit)."""
    name, _, dose = text.partition("=")
    found = exercises.LIBRARY.get(name.strip()) or exercises.resolve(name.replace("_", " "))
    load, _, reps = dose.lower().partition("x")
    try:
        kg, count = float(load), int(reps)
    except ValueError:
        raise SimulationError(
            f"--known {text!r}: write it like back_squat=100x5 (load x reps)"
        ) from None
    if found is None:
        raise SimulationError(f"--known {text!r}: no exercise called {name.strip()!r}")
    if not (0 < kg <= 500 and 1 <= count <= 30):
        raise SimulationError(f"--known {text!r}: the load or reps look off")
    return Known(found.id, round(kg * LB_TO_KG, 2) if units == "lb" else kg, count)


# --- what the simulated athlete types -----------------------------------------------------


def _reps(p: Prescription, policy: Policy) -> list[int]:
    low, high = p.reps_low or 1, p.reps_high or p.reps_low or 1
    each = {
        "prescribed": p.target or low,
        "top": high,
        "mid": max(low, high - 1),
        "short": p.target or low,
    }.get(policy, low)
    reps = [each] * p.sets
    if policy == "short":
        reps[-1] = low - 1
    return reps


def _number(kg: float, units: str) -> str:
    """A load as typed: kg as planned (61.25), pounds to the half pound."""
    if units == "lb":
        return f"{round(kg / LB_TO_KG * 2) / 2:g}lb"
    return f"{round(kg, 2):g}kg"


def _chosen_load(p: Prescription, athlete: Profile, known: Sequence[Known]) -> float | None:
    """The load for a line the plan leaves to feel: what the athlete could lift for the
    target reps at the prescribed effort."""
    ex = exercises.get(p.exercise)
    if ex.load_type != "external" or p.reps_low is None:
        return None
    lifts = [(k.exercise, k.kg, k.reps) for k in known]
    lifts += TYPICAL_LIFTS[athlete.strength_experience]
    e1rm = starting_e1rm(lifts, ex.id)
    if e1rm is None:
        return None
    return loadable(load_for(e1rm, p.target or p.reps_low, p.rpe), ex, athlete.equipment,
                    athlete.units)  # fmt: skip


def log_line(p: Prescription, policy: Policy, athlete: Profile, known: Sequence[Known]) -> str:
    """One exercise as the athlete would type it: 'Back squat 8,8,7 62.5kg rpe 7.5'."""
    name = exercises.get(p.exercise).name.lower()
    short = policy == "short"
    if p.foot_contacts is not None:
        sets = max(1, p.sets - (1 if short and p.sets > 1 else 0))
        return f"{name} {sets}x{p.foot_contacts // max(1, p.sets)}"
    each = " each" if p.per_side else ""
    load = p.load_kg if p.load_kg is not None else _chosen_load(p, athlete, known)
    weight = "" if load is None else f" {_number(load, athlete.units)}"
    if p.seconds is not None:
        seconds = [p.seconds] * p.sets
        if short:
            seconds[-1] = max(5, p.seconds - 5)
        return f"{name} {', '.join(f'{s}s' for s in seconds)}{weight}{each}"
    reps = _reps(p, policy)
    dose = f"{p.sets}x{reps[0]}" if len(set(reps)) == 1 else ",".join(map(str, reps))
    return f"{name} {dose}{weight}{each} rpe {p.rpe:g}"


def run_text(profile: Profile, day: dt.date) -> str | None:
    """The planned run the athlete logs that day, if it is a hard or a long one."""
    if day.weekday() == profile.long_run_day:
        return "long run 20k"
    if day.weekday() in profile.hard_days:
        return "intervals 10k"
    return None


# --- the run --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """One simulated day: the plan as shown, what was logged, the states after it."""

    plan: DayPlan
    logged: tuple[tuple[str, tuple[SetLog, ...]], ...]
    states: dict[str, dict[str, float | int | None]]

    def to_json(self) -> dict[str, Any]:
        data = self.plan.to_json()
        if self.plan.kind == "strength":
            data["logged"] = [
                {
                    "id": exercise,
                    "sets": [
                        {"reps": s.reps, "seconds": s.seconds, "load_kg": s.load_kg, "rpe": s.rpe}
                        for s in sets
                    ],
                }
                for exercise, sets in self.logged
            ]
            data["state"] = self.states
        return data


async def simulate(
    profile: Profile,
    start: dt.date,
    weeks: int,
    policy: Policy,
    known: Sequence[Known] = (),
) -> list[Day]:
    """Run the coach for `weeks` weeks from `start` for an athlete logging by `policy`."""
    with tempfile.TemporaryDirectory(prefix="runstrong-sim-") as folder:
        database = Database(f"sqlite+aiosqlite:///{Path(folder) / 'simulation.sqlite3'}")
        try:
            await upgrade(database.write_engine)
            return await _run(database, profile, start, weeks, policy, known)
        finally:
            await database.dispose()


async def _run(
    database: Database,
    profile: Profile,
    start: dt.date,
    weeks: int,
    policy: Policy,
    known: Sequence[Known],
) -> list[Day]:
    tz = tzinfo_for("UTC")
    clock = FixedClock(local_due(start, DELIVERY_MINUTE, tz))
    core = build_core(database, clock)
    profile = replace(profile, known_loads_kg=tuple((k.exercise, k.kg, k.reps) for k in known))
    async with core.storage.write() as unit:
        athlete = await unit.athletes.create(
            platform=PLATFORM, user_id=_USER, chat_id=_USER, name="Simulated runner",
            language_code="en", now=clock.now(),
        )  # fmt: skip
        athlete.profile = {
            **profile.to_dict(),
            "known_loads": [[k.exercise, k.kg, k.reps] for k in known],
        }
        athlete.units, athlete.timezone = profile.units, "UTC"
        athlete.delivery_minute, athlete.status = DELIVERY_MINUTE, "active"
        athlete.plan_start, athlete.onboarded_at = start, clock.now()
        athlete_id = athlete.id
    counter = itertools.count(1)

    async def say(text: str) -> None:
        number = next(counter)
        who = Who(PLATFORM, _USER, _USER, event=f"m{number}", message_id=number)
        for reply in await core.dispatcher.handle(Said(who, text)):
            if not reply.text.startswith(("✅", "🏃")):  # a refusal, a question, a hint
                raise SimulationError(
                    f"{day}: the coach didn't log {text!r}: {reply.text.plain[:300]!r}"
                )

    days: list[Day] = []
    for offset in range(weeks * 7):
        day = start + dt.timedelta(days=offset)
        clock.at = local_due(day, DELIVERY_MINUTE, tz)
        async with core.storage.read() as unit:
            stored = await unit.athletes.by_user(PLATFORM, _USER)
            assert stored is not None
            plan = (await plan_for(unit, stored, day)).plan
        if policy != "none":
            run = run_text(profile, day)
            if run is not None:
                await say(run)
            if plan.kind == "strength" and plan.exercises:
                lines = [log_line(p, policy, profile, known) for p in plan.exercises]
                await say("\n".join(lines))
        days.append(await _day(core.storage, athlete_id, plan))
    return days


async def _day(storage: Storage, athlete_id: int, plan: DayPlan) -> Day:
    async with storage.read() as unit:
        logged: dict[str, list[SetLog]] = {}
        for row in await unit.sets.on(athlete_id, plan.date):
            logged.setdefault(row.exercise, []).append(row)
        states = await unit.states.all(athlete_id)
    shown = {p.exercise for p in plan.exercises} | set(logged)
    return Day(
        plan=plan,
        logged=tuple((ex, tuple(sets)) for ex, sets in logged.items()),
        states={
            ex: {
                "e1rm_kg": _round(effective_e1rm(state, plan.date)),
                "load_kg": state.working_load_kg,
                "reps": state.target_reps,
            }
            for ex, state in states.items()
            if ex in shown
        },
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# --- the coach's one-screen table -----------------------------------------------------------


def main_lifts(days: Sequence[Day]) -> list[str]:
    """The block's main lifts, in the order they first appear."""
    found: dict[str, None] = {}
    for d in days:
        for p in d.plan.exercises:
            if p.main_lift:
                found.setdefault(p.exercise, None)
    return list(found)


def weekly_sets(week: Sequence[Day]) -> int:
    """Strength sets prescribed in a week (plyometric contacts not counted as sets)."""
    return sum(
        p.sets
        for d in week
        if d.plan.kind == "strength"
        for p in d.plan.exercises
        if p.foot_contacts is None and exercises.get(p.exercise).pattern != "mobility"
    )


def weeks_of(days: Sequence[Day], profile: Profile) -> list[list[Day]]:
    """The days in the plan's own weeks: counted back from race day when there is a race
    (the race week is the seven days before it), else from the first day."""
    race = profile.race

    def key(day: dt.date) -> int:
        if race is None:
            return (day - days[0].plan.date).days // 7
        return -weeks_out(race.date, day) if day <= race.date else (day - race.date).days // 7 + 1

    return [list(group) for _key, group in itertools.groupby(days, lambda d: key(d.plan.date))]


def table(days: Sequence[Day], profile: Profile) -> str:
    """Week by week: the phase, the week's strength sets, and per main lift the heaviest
    top set logged (load × reps) with the e1RM at the week's end."""
    units = profile.units
    lifts = main_lifts(days)
    names = [exercises.get(ex).name for ex in lifts]
    head = ["Week", "Dates", "Phase", "Sets", *names]
    rows: list[list[str]] = []
    e1rm: dict[str, float | None] = {}
    for number, week in enumerate(weeks_of(days, profile), 1):
        first, last = week[0].plan.date, week[-1].plan.date
        phase = week[-1].plan.phase
        cells = [str(number), f"{day_label(first)[4:]}–{day_label(last)[4:]}",
                 f"{phase.label} {phase.week}", str(weekly_sets(week))]  # fmt: skip
        for ex in lifts:
            top: tuple[float, int] | None = None
            for d in week:
                e1rm[ex] = d.states.get(ex, {}).get("e1rm_kg", e1rm.get(ex))
                for exercise, sets in d.logged:
                    if exercise != ex:
                        continue
                    for s in sets:
                        pair = (s.load_kg or 0.0, s.reps or s.seconds or 0)
                        top = pair if top is None or pair > top else top
            shown = "—" if top is None else _set_text(top, units)
            estimate = e1rm.get(ex)
            cells.append(shown + ("" if estimate is None else f" ({_weight(estimate, units)})"))
        rows.append(cells)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows]]
    legend = (
        f"Lifts: the week's heaviest logged set, load × reps (e1RM at the week's end), {units}."
    )
    return "\n".join([*lines, "", legend])


def _weight(kg: float, units: str) -> str:
    value = kg / LB_TO_KG if units == "lb" else kg
    return f"{round(value * 2) / 2:g}"


def _set_text(top: tuple[float, int], units: str) -> str:
    load, reps = top
    return f"bw×{reps}" if not load else f"{_weight(load, units)}×{reps}"
