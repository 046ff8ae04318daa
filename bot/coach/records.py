"""What "better" means for one exercise, shared by /history, /progress and the weekly summary:
estimated 1RM for loaded lifts, reps for bodyweight work, seconds for holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from db.history import SetValues
from plans import exercises
from plans.loads import set_e1rm
from plans.units import format_rounded, format_weight
from plans.words import Terms, plural

Measure = Literal["e1rm", "reps", "seconds"]
PR_EPSILON = 0.005


class LoggedSet(SetValues, Protocol):
    """The fields of a stored set (db.models.SetLog) these functions read."""

    @property
    def performed_on(self) -> dt.date: ...


@dataclass(frozen=True)
class DayBest:
    day: dt.date
    value: float
    pr: bool


def display_name(exercise_id: str) -> str:
    ex = exercises.LIBRARY.get(exercise_id)
    if ex is not None:
        return ex.name
    name = exercise_id.removeprefix("custom:")
    return name[:1].upper() + name[1:]


def measure_for(exercise_id: str, sets: Iterable[LoggedSet]) -> Measure:
    """How this exercise's progress is measured, judged from the library and the logs."""
    logged = list(sets)
    ex = exercises.LIBRARY.get(exercise_id)
    holds = bool(logged) and all(s.reps is None and s.seconds is not None for s in logged)
    if (ex is not None and ex.load_type == "hold") or holds:
        return "seconds"
    if ex is not None and ex.load_type in ("bodyweight", "plyo"):
        return "reps"
    if any(set_e1rm(s.load_kg, s.reps, s.rpe) is not None for s in logged):
        return "e1rm"
    return "reps"


def value_of(s: LoggedSet, measure: Measure) -> float | None:
    if measure == "e1rm":
        return set_e1rm(s.load_kg, s.reps, s.rpe)
    if measure == "seconds":
        return None if s.seconds is None else float(s.seconds)
    return None if s.reps is None else float(s.reps)


def best_by_day(sets: Sequence[LoggedSet], measure: Measure) -> list[DayBest]:
    """Each day's best value, oldest first; a PR beats every earlier day (not the first)."""
    best: dict[dt.date, float] = {}
    for s in sets:
        value = value_of(s, measure)
        if value is not None and value > best.get(s.performed_on, -1.0):
            best[s.performed_on] = value
    result: list[DayBest] = []
    record: float | None = None
    for day in sorted(best):
        value = best[day]
        pr = record is not None and value > record + PR_EPSILON
        result.append(DayBest(day, value, pr))
        record = value if record is None else max(record, value)
    return result


def fmt_value(value: float, measure: Measure, units: str, terms: Terms) -> str:
    """A day's best as a coach says it: an estimated max in whole kg (or lb), explained the
    first time the reply uses it; reps; seconds."""
    if measure == "e1rm":
        return terms.say("e1rm", format_rounded(value, units))
    if measure == "seconds":
        return f"{value:g} s"
    return plural(round(value), "rep")


def sets_text(sets: Sequence[LoggedSet], units: str, terms: Terms) -> str:
    """One exercise's sets on one day, compact: "3×5 @ 60 kg", "8/8/7 @ 40 kg", "3×45 s";
    the hardest effort logged and the sets that fell short of their target after it."""
    if not sets:
        return ""
    side = " /side" if any(s.per_side for s in sets) else ""
    holds = all(s.reps is None for s in sets)
    tail = ""
    rpes = [s.rpe for s in sets if s.rpe is not None]
    if rpes:
        tail = ", " + terms.say("rpe", f"{max(rpes):g}")
    missed = sum(1 for s in sets if s.failed)
    if missed:
        target = "time" if holds else "reps"
        tail += f" — {plural(missed, 'set')} short of the target {target}"
    if holds:
        secs = [s.seconds or 0 for s in sets]
        body = f"{len(secs)}×{secs[0]} s" if len(set(secs)) == 1 else _slashed(secs) + " s"
        added = [s.load_kg for s in sets if s.load_kg]
        if added:
            body += f" +{format_weight(max(added), units)}"
        return body + side + tail
    loads = [s.load_kg for s in sets]
    reps = [s.reps or 0 for s in sets]
    if len(set(loads)) == 1:
        body = f"{len(reps)}×{reps[0]}" if len(set(reps)) == 1 else _slashed(reps)
        load = loads[0]
        if load:
            body += f" @ {format_weight(load, units)}"
        return body + side + tail
    parts = [
        f"{format_weight(s.load_kg, units) if s.load_kg else 'bw'}×{s.reps or 0}" for s in sets
    ]
    return ", ".join(parts) + side + tail


def _slashed(values: Sequence[int]) -> str:
    return "/".join(str(v) for v in values)
