"""The weekly summary: what the athlete did against the plan, and what next week brings.

The delivery scheduler sends it on the athlete's summary day; /summary shows it any time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence

from bot.coach.planning import profile_of, week_for
from bot.coach.records import PR_EPSILON, best_by_day, display_name, fmt_value, measure_for
from db.history import History as HistoryRows
from db.history import SetRow
from db.models import Athlete
from db.uow import Unit
from plans.periodization import phase_for
from plans.profile import ProfileError
from plans.programs import day_label
from plans.readiness import RunDone
from plans.reentry import checks_in, returning
from plans.runload import format_duration
from plans.text import Text, bold, code, lines, text
from plans.units import format_distance, format_rounded
from plans.words import Terms, phase_means, plural

log = logging.getLogger(__name__)

MAX_PRS = 5
MAX_WEEKS_BACK = 104  # how far back "the plan has been here before" looks


def week_bounds(week_end: dt.date) -> tuple[dt.date, dt.date]:
    return week_end - dt.timedelta(days=6), week_end


def tonnage_kg(sets: list[SetRow]) -> float:
    """Load × reps over the week's sets; per-side sets count both sides."""
    return sum(
        (s.load_kg or 0.0) * (s.reps or 0) * (2 if s.per_side else 1)
        for s in sets
        if s.load_kg and s.reps
    )


async def compose_weekly(
    unit: Unit, athlete: Athlete, week_end: dt.date, today: dt.date | None = None
) -> Text:
    """The summary of the 7 days ending on `week_end` (athlete's local dates), as of `today`
    (the summary day itself when it is delivered). A finished week with nothing logged is
    checked in on once, with the lighter session that follows (`plans.reentry`)."""
    start, end = week_bounds(week_end)
    today = today or week_end
    rows = unit.history
    week_sets = await rows.sets(athlete.id, since=start, before=end + dt.timedelta(days=1))
    units = athlete.units or "kg"
    terms = Terms()
    done_days = {s.performed_on for s in week_sets}
    planned = await _planned(unit, athlete, start)
    said: list[Text | str] = [text("📅 ", bold(f"Your week: {_span(start, end)}"))]
    if planned is None:
        said.append(f"✅ Sessions: {len(done_days)} done")
    else:
        said.append(f"✅ Sessions: {len(done_days)} of {planned} planned done")
    sets = f"🏋️ Sets: {len(week_sets)}"
    if week_sets:
        sets += " · " + terms.say("tonnage", format_rounded(tonnage_kg(week_sets), units))
    said.append(sets)
    running = await _running(unit, athlete, start, end)
    if running is not None:
        said.append(running)
    prs = await _prs(rows, athlete.id, week_sets, start, units, terms)
    if prs:
        shown = prs[:MAX_PRS] + ([f"+{len(prs) - MAX_PRS} more"] if len(prs) > MAX_PRS else [])
        said.append(f"🏆 PRs: {len(prs)} — " + "; ".join(shown))
    elif week_sets:
        said.append("🏆 PRs: none this week — keep stacking sessions")
    nxt = _next_phase(athlete, start, end + dt.timedelta(days=1))
    if nxt:
        said.append(nxt)
    if not week_sets:
        if today < week_end:  # the week is still on: where to log, no more
            said.append(text("Nothing logged yet this week. After a session, reply with what "
                             "you did, e.g. ", code("squat 3x5 60kg"), "."))  # fmt: skip
        else:
            check_in = await _check_in(unit, athlete, start, end, planned or 0)
            if check_in is not None:
                said += ["", check_in]
    return lines(*said)


async def _running(unit: Unit, athlete: Athlete, start: dt.date, end: dt.date) -> str | None:
    """The week's running next to the four weeks before it; None when nothing was run."""
    recent = await unit.readiness.around(athlete.id, end)
    this = [r for r in recent.runs if start <= r.day <= end]
    if not this:
        return None
    before = [r for r in recent.runs if start - dt.timedelta(days=28) <= r.day < start]
    said = "🏃 Running: " + running_volume(this, athlete.units)
    weeks_run = {(start - r.day).days // 7 for r in before}
    if len(weeks_run) >= 2:
        average = sum(r.distance_km or 0.0 for r in before) / 4
        said += f" (4-week average {format_distance(average, athlete.units)})"
    return said


def running_volume(runs: Sequence[RunDone], units: str) -> str:
    """ "42.3 km · 4 h 10 min · 5 runs": distance, moving time when known, how many."""
    km = sum(r.distance_km or 0.0 for r in runs)
    minutes = sum(r.minutes or 0.0 for r in runs)
    parts = [format_distance(km, units)] if km else []
    if minutes:
        parts.append(format_duration(minutes * 60))
    parts.append(plural(len(runs), "run"))
    return " · ".join(parts)


async def _check_in(
    unit: Unit, athlete: Athlete, start: dt.date, end: dt.date, planned: int
) -> Text | None:
    """Once per quiet spell: kind words and the (lighter) session that comes next."""
    last = (await unit.history.last_logged([athlete.id], before=start)).get(athlete.id)
    plan_start = athlete.plan_start or start
    week_before = start - dt.timedelta(days=7)
    if not checks_in(
        planned=planned,
        logged=False,
        logged_week_before=last is not None and last >= week_before,
        new_to_plan=plan_start > week_before,
    ):
        return None
    try:
        upcoming = await week_for(unit, athlete, end + dt.timedelta(days=1))
    except (ProfileError, KeyError, ValueError, TypeError):
        upcoming = []
    following = next((d for d in upcoming if d.kind == "strength"), None)
    when = f" ({day_label(following.date)})" if following is not None else ""
    if last is None:
        return text(
            "👋 Nothing logged yet — no worries, starting is the hard part. Your next "
            f"session{when} is a good place to begin, and even half of it counts. Afterwards, "
            "reply with what you did, e.g. ", code("squat 3x5 60kg"), ".",
        )  # fmt: skip
    easier = "is a lighter one to ease back in: fewer sets, about 10 % less weight"
    if following is not None and (
        following.phase.holds_progress or not returning(following.date, last, end.weekday())
    ):
        easier = "is an easy one anyway"
    return text(
        "👋 Nothing logged this week — that's fine, busy weeks happen. No need to catch up: "
        f"your next session{when} {easier}. Afterwards, just reply with what you did.",
    )


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
    rows: HistoryRows,
    athlete_id: int,
    week_sets: list[SetRow],
    start: dt.date,
    units: str,
    terms: Terms,
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
            found.append(f"{display_name(name)} {fmt_value(max(week), measure, units, terms)}")
    return found


def _next_phase(athlete: Athlete, start: dt.date, monday: dt.date) -> Text | None:
    """Next week's phase; what it means in plain words the first time the plan reaches it."""
    if not athlete.profile:
        return None
    plan_start = athlete.plan_start or monday
    try:
        profile = profile_of(athlete)
        phase = phase_for(profile, monday, plan_start)
        weeks = range(max(0, (start - plan_start).days // 7 + 1) if start >= plan_start else 0)
        seen = {phase_for(profile, plan_start + dt.timedelta(weeks=w), plan_start).name
                for w in weeks[-MAX_WEEKS_BACK:]}  # fmt: skip
    except (ProfileError, KeyError, ValueError, TypeError):
        return None
    race = ""
    if phase.weeks_to_race is not None and phase.weeks_to_race > 0:
        race = f", {plural(phase.weeks_to_race, 'week')} to race day"
    elif phase.weeks_to_race == 0:
        race = ", race week"
    means = phase_means(phase.name) if phase.name not in seen else ""
    about = f": {means}" if means else ""
    return text(
        "➡️ Next week: ", bold(phase.label), f" (week {phase.week}{race}){about}"
        f" — focus: {phase.focus}",
    )  # fmt: skip


def _span(start: dt.date, end: dt.date) -> str:
    if start.month == end.month:
        return f"{start.day}–{end.day} {end:%b}"
    return f"{start.day} {start:%b} – {end.day} {end:%b}"
