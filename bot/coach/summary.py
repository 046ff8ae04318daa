"""The weekly summary: what the athlete did against the plan, and what next week brings.

The delivery scheduler sends it on the athlete's summary day; /summary shows it any time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from bot.coach.planning import profile_of, week_for
from bot.coach.records import PR_EPSILON, best_by_day, display_name, fmt_value, measure_for
from db.history import History as HistoryRows
from db.history import SetRow
from db.models import Athlete
from db.uow import Unit
from plans.periodization import phase_for
from plans.profile import ProfileError
from plans.text import Text, bold, code, lines, text
from plans.units import format_weight

log = logging.getLogger(__name__)

MAX_PRS = 5


def week_bounds(week_end: dt.date) -> tuple[dt.date, dt.date]:
    return week_end - dt.timedelta(days=6), week_end


def tonnage_kg(sets: list[SetRow]) -> float:
    """Load × reps over the week's sets; per-side sets count both sides."""
    return sum(
        (s.load_kg or 0.0) * (s.reps or 0) * (2 if s.per_side else 1)
        for s in sets
        if s.load_kg and s.reps
    )


async def compose_weekly(unit: Unit, athlete: Athlete, week_end: dt.date) -> Text:
    """The summary of the 7 days ending on `week_end` (athlete's local dates)."""
    start, end = week_bounds(week_end)
    rows = unit.history
    week_sets = await rows.sets(athlete.id, since=start, before=end + dt.timedelta(days=1))
    units = athlete.units or "kg"
    done_days = {s.performed_on for s in week_sets}
    planned = await _planned(unit, athlete, start)
    said: list[Text | str] = [text("📅 ", bold(f"Your week: {_span(start, end)}"))]
    if planned is None:
        said.append(f"✅ Sessions: {len(done_days)} done")
    else:
        said.append(f"✅ Sessions: {len(done_days)} of {planned} planned done")
    tonnage = tonnage_kg(week_sets)
    said.append(f"🏋️ Sets: {len(week_sets)} · tonnage {_big_weight(tonnage, units)}")
    prs = await _prs(rows, athlete.id, week_sets, start, units)
    if prs:
        shown = prs[:MAX_PRS] + ([f"+{len(prs) - MAX_PRS} more"] if len(prs) > MAX_PRS else [])
        said.append(f"🏆 PRs: {len(prs)} — " + "; ".join(shown))
    else:
        said.append("🏆 PRs: none this week" + (" — keep stacking sessions" if week_sets else ""))
    nxt = _next_phase(athlete, end + dt.timedelta(days=1))
    if nxt:
        said.append(nxt)
    if not week_sets:
        said.append(text("No sets logged this week. Reply with what you did, e.g. ",
                         code("squat 3x5 60kg"), "."))  # fmt: skip
    return lines(*said)


async def _planned(unit: Unit, athlete: Athlete, start: dt.date) -> int | None:
    if not athlete.profile:
        return None
    try:
        days = await week_for(unit, athlete, start)
    except (ProfileError, KeyError, ValueError, TypeError):
        log.warning("athlete %s: no plan for the week of %s", athlete.id, start)
        return None
    return sum(1 for d in days if d.kind == "strength")


async def _prs(
    rows: HistoryRows, athlete_id: int, week_sets: list[SetRow], start: dt.date, units: str
) -> list[str]:
    """Exercises whose best this week beats every earlier session (first sessions don't)."""
    names = sorted({s.exercise for s in week_sets})
    if not names:
        return []
    history = await rows.sets(athlete_id, names, before=start + dt.timedelta(days=7))
    by_exercise: dict[str, list[SetRow]] = defaultdict(list)
    for s in history:
        by_exercise[s.exercise].append(s)
    found: list[str] = []
    for name in names:
        sets = by_exercise[name]
        measure = measure_for(name, sets)
        days = best_by_day(sets, measure)
        before = [b.value for b in days if b.day < start]
        week = [b.value for b in days if b.day >= start]
        if before and week and max(week) > max(before) + PR_EPSILON:
            found.append(f"{display_name(name)} {fmt_value(max(week), measure, units)}")
    return found


def _next_phase(athlete: Athlete, monday: dt.date) -> Text | None:
    if not athlete.profile:
        return None
    try:
        phase = phase_for(profile_of(athlete), monday, athlete.plan_start or monday)
    except (ProfileError, KeyError, ValueError, TypeError):
        return None
    race = ""
    if phase.weeks_to_race is not None and phase.weeks_to_race > 0:
        race = f", {phase.weeks_to_race} weeks to race day"
    elif phase.weeks_to_race == 0:
        race = ", race week"
    return text(
        "➡️ Next week: ", bold(phase.label), f" (week {phase.week}{race}) — focus: {phase.focus}"
    )


def _span(start: dt.date, end: dt.date) -> str:
    if start.month == end.month:
        return f"{start.day}–{end.day} {end:%b}"
    return f"{start.day} {start:%b} – {end.day} {end:%b}"


def _big_weight(kg: float, units: str) -> str:
    number, unit = format_weight(kg, units).rsplit(" ", 1)
    return f"{round(float(number)):,} {unit}"
