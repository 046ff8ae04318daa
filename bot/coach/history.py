"""Looking back: /history, /progress charts and /summary. A `Who` in, messages out; training
data is shown in private chats only (the dispatcher answers group chats)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence

from rapidfuzz import fuzz

from bot.charts import PhaseBand, Point, render_progress, render_running
from bot.clock import Clock
from bot.coach.intents import Who
from bot.coach.messages import Attachment, Message, say
from bot.coach.planning import local_today, profile_of
from bot.coach.records import (
    DayBest,
    Measure,
    best_by_day,
    display_name,
    fmt_value,
    measure_for,
    sets_text,
)
from bot.coach.summary import compose_weekly, running_volume
from db.history import SetRow
from db.models import Athlete
from db.uow import Storage, Unit
from plans import exercises
from plans.niggles import region_name, trend
from plans.periodization import phase_for
from plans.profile import ProfileError
from plans.programs import day_label
from plans.readiness import NiggleReport, RunDone
from plans.runload import week_start, weekly_volume
from plans.text import Text, bold, code, lines, text
from plans.units import LB_TO_KG, MILE_KM, format_distance
from plans.words import Terms, plural

HISTORY_DAYS = 5
NO_RUNS = text(
    "No runs yet. Send a run from your watch (a .fit, .gpx or .tcx file) or type one, e.g. ",
    code("/run 10k easy"),
    ".",
)
RUNNING_WEEKS = 4  # /history: running per week, this one and three before
CHART_WEEKS = 12  # /progress running
RUNNING_WORDS = frozenset({"running", "run", "runs", "km", "miles", "mileage"})
# The lifts /progress running draws beside the running, the first the athlete logged.
MAIN_LIFTS = ("back_squat", "deadlift", "trap_bar_deadlift", "front_squat", "goblet_squat",
              "romanian_deadlift", "bulgarian_split_squat", "split_squat")  # fmt: skip
EXERCISE_SESSIONS = 10
MIN_CHART_SESSIONS = 3  # fewer is a dot or two: said in words instead
MAX_TEXT = 3800
NO_ATHLETE = "Send /start to set up first."
NO_LOGS = text(
    "No workouts logged yet. After a session, reply with what you did, e.g. ",
    code("squat 3x5 60kg"),
    ", or send me a Strong or Hevy CSV export to bring your history over.",
)


def _norm(name: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", name.lower()))


def exercise_id(name: str) -> str:
    """The stored exercise for a name: a library id or `custom:<normalized name>`."""
    found = exercises.identify(name)
    return found.id if found is not None else f"custom:{_norm(name)}"


class History:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.storage = storage
        self.clock = clock

    async def history(self, who: Who, args: str = "") -> list[Message]:
        async with self.storage.read() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id)
            if athlete is None:
                return [say(NO_ATHLETE)]
            units = athlete.units or "kg"
            if args.strip():
                counts = await unit.history.exercise_counts(athlete.id)
                picked = _pick(args, counts)
                if isinstance(picked, Message):
                    return [picked]
                sets = await unit.history.sets(athlete.id, [picked])
                return [Message(_exercise_history(picked, sets, units))]
            sets = await unit.history.last_days(athlete.id, HISTORY_DAYS)
            today = local_today(athlete, self.clock.now())
            first_week = week_start(today) - dt.timedelta(weeks=RUNNING_WEEKS - 1)
            runs = await unit.readiness.runs_since(athlete.id, first_week)
            body = await unit.readiness.around(athlete.id, today)
            lifted = await unit.history.sets(athlete.id, since=first_week)
        running = _running_weeks(runs, lifted, first_week, units)
        niggles = _niggle_trend(body.niggles)
        if not sets and running is None and niggles is None:
            return [Message(NO_LOGS)]
        shown = [part for part in (niggles, running) if part is not None]
        if sets:
            shown.append(_recent(sets, units))
        return [Message(Text.join("\n\n", shown))]

    async def progress(self, who: Who, args: str = "") -> list[Message]:
        async with self.storage.read() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id)
            if athlete is None:
                return [say(NO_ATHLETE)]
            counts = await unit.history.exercise_counts(athlete.id)
            if not args.strip():
                return [Message(_which_exercise(counts))]
            if args.strip().lower() in RUNNING_WORDS:
                return [await self._running_chart(unit, athlete, counts)]
            picked = _pick(args, counts)
            if isinstance(picked, Message):
                return [picked]
            sets = await unit.history.sets(athlete.id, [picked])
        units = athlete.units or "kg"
        measure = measure_for(picked, sets)
        days = best_by_day(sets, measure)
        name = display_name(picked)
        if not days:
            return [Message(_no_data(name))]
        terms = Terms()
        if len(days) < MIN_CHART_SESSIONS:
            return [Message(_too_few_to_chart(name, days, measure, units, terms))]
        shown = [_in_units(d.value, measure, units) for d in days]
        points = [Point(d.day, v, d.pr) for d, v in zip(days, shown, strict=True)]
        ylabel = {
            "e1rm": f"Estimated max, e1RM ({units})",
            "reps": "Reps (best set)",
            "seconds": "Seconds (best hold)",
        }[measure]
        bands = _bands(athlete, days[0].day, days[-1].day)
        png = await asyncio.to_thread(
            render_progress, points, title=name, ylabel=ylabel, bands=bands
        )
        caption = _caption(name, days, measure, units, terms, phases=bool(bands))
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "progress"
        return [Message(caption, attachment=Attachment("photo", f"{slug}.png", png))]

    async def _running_chart(self, unit: Unit, athlete: Athlete, counts: dict[str, int]) -> Message:
        """/progress running: weekly distance against a main lift's estimated max."""
        units = athlete.units or "kg"
        today = local_today(athlete, self.clock.now())
        first_week = week_start(today) - dt.timedelta(weeks=CHART_WEEKS - 1)
        runs = await unit.readiness.runs_since(athlete.id, first_week)
        if not runs:
            return Message(NO_RUNS)
        lift = next((ex for ex in MAIN_LIFTS if counts.get(ex)), None)
        points: list[Point] = []
        if lift is not None:
            sets = await unit.history.sets(athlete.id, [lift], since=first_week)
            days = best_by_day(sets, "e1rm")
            points = [Point(d.day, _in_units(d.value, "e1rm", units)) for d in days]
        volume = weekly_volume(runs, first_week, CHART_WEEKS)
        per = MILE_KM if units == "lb" else 1.0
        weeks = [Point(w.start, w.km / per) for w in volume]
        name = display_name(lift) if lift is not None else ""
        png = await asyncio.to_thread(
            render_running, weeks, points,
            distance_label="mi per week" if units == "lb" else "km per week",
            lift_label=f"{name} e1RM ({units})" if name else "",
        )  # fmt: skip
        latest = volume[-1]
        caption = text(
            bold("Running and strength"), f" · this week {format_distance(latest.km, units)}, ",
            f"{CHART_WEEKS}-week average "
            f"{format_distance(sum(w.km for w in volume) / CHART_WEEKS, units)}",
        )  # fmt: skip
        if lift is None:
            caption += text(". Log a squat or deadlift to see your strength alongside.")
        return Message(caption, attachment=Attachment("photo", "running.png", png))

    async def summary(self, who: Who) -> list[Message]:
        async with self.storage.read() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id)
            if athlete is None:
                return [say(NO_ATHLETE)]
            today = local_today(athlete, self.clock.now())
            summary_day = int((athlete.preferences or {}).get("summary_day", 6)) % 7
            week_end = today + dt.timedelta(days=(summary_day - today.weekday()) % 7)
            return [Message(await compose_weekly(unit, athlete, week_end, today))]


# --- helpers ------------------------------------------------------------------------------


def _running_weeks(
    runs: Sequence[RunDone], lifted: Sequence[SetRow], first_week: dt.date, units: str
) -> Text | None:
    """Running per week beside the strength sessions done; None without any run."""
    if not runs:
        return None
    sessions: dict[dt.date, set[dt.date]] = defaultdict(set)
    for s in lifted:
        sessions[week_start(s.performed_on)].add(s.performed_on)
    rows: list[Text | str] = [text("🏃 ", bold("Running by week"))]
    for week in reversed(weekly_volume(runs, first_week, RUNNING_WEEKS)):
        in_week = [r for r in runs if week_start(r.day) == week.start]
        done = len(sessions.get(week.start, ()))
        ran = running_volume(in_week, units) if in_week else "no runs"
        rows.append(f"• {day_label(week.start)}: {ran} · {plural(done, 'strength session')}")
    return lines(*rows)


def _niggle_trend(reports: Sequence[NiggleReport]) -> Text | None:
    """Each niggle reported in the last four weeks, report by report."""
    if not reports:
        return None
    rows: list[Text | str] = [text("🩹 ", bold("Niggles"))]
    for region in dict.fromkeys(r.region for r in reports):
        steps = " → ".join(
            f"{'fine' if score == 0 else ('sore' if score is None else f'{score}/10')} "
            f"({day:%a %d %b})"
            for day, score in trend(reports, region)[-6:]
        )
        rows.append(f"• {region_name(region)}: {steps}")
    return lines(*rows)


def _pick(args: str, counts: dict[str, int]) -> str | Message:
    """The logged exercise the athlete means, or a message saying why none fits."""
    name = args.strip()
    found = exercises.identify(name)
    wanted = found.id if found is not None else None
    if wanted is None and counts:
        custom = f"custom:{_norm(name)}"
        if custom in counts:
            wanted = custom
        else:
            scored = [(fuzz.WRatio(_norm(name), _norm(display_name(ex))), ex) for ex in counts]
            score, best = max(scored)
            if score >= 85:
                wanted = best
    if wanted is None:
        return Message(text(f"I don't know “{name}”. ", _which_exercise(counts)))
    if wanted not in counts:
        return Message(_no_data(display_name(wanted)))
    return wanted


def _no_data(name: str) -> Text:
    return text(
        f"No {name} logged yet, so nothing to show. Log a session, e.g. ",
        code(f"{name.lower()} 3x5 40kg"),
        ", and I'll chart it from there.",
    )


def _which_exercise(counts: dict[str, int]) -> Text:
    if not counts:
        return NO_LOGS
    top = sorted(counts, key=lambda ex: (-counts[ex], ex))[:8]
    names = ", ".join(display_name(ex).lower() for ex in top)
    first = display_name(top[0]).lower()
    return text("Which exercise? e.g. ", code(f"/progress {first}"), f". You've logged: {names}.")


def _last_and_best(days: Sequence[DayBest], measure: Measure, units: str, terms: Terms) -> str:
    last, best = days[-1], max(days, key=lambda d: d.value)
    said = f"{fmt_value(last.value, measure, units, terms)} last time ({last.day:%d %b %Y})"
    if len(days) > 1:
        said += f"; best {fmt_value(best.value, measure, units, terms)} ({best.day:%d %b %Y})"
    return said


def _caption(
    name: str,
    days: Sequence[DayBest],
    measure: Measure,
    units: str,
    terms: Terms,
    *,
    phases: bool,
) -> Text:
    prs = sum(1 for d in days if d.pr)
    counts = plural(len(days), "session") + (f", {plural(prs, 'PR')} (★)" if prs else "")
    shading = " Shaded: your training phases (/help says what each one is)." if phases else ""
    return text(bold(name), f": {_last_and_best(days, measure, units, terms)}. {counts}.{shading}")


def _too_few_to_chart(
    name: str, days: Sequence[DayBest], measure: Measure, units: str, terms: Terms
) -> Text:
    """Instead of a chart of one or two dots: where things stand, and what the chart shows
    once there is a line to draw."""
    so_far = (
        f"{plural(len(days), 'session')} so far: {_last_and_best(days, measure, units, terms)}."
    )
    line = {
        "e1rm": f"your {terms.say('e1rm')} session by session",
        "reps": "your best set's reps session by session",
        "seconds": "your longest hold session by session",
    }[measure]
    more = MIN_CHART_SESSIONS - len(days)
    return text(
        "📈 ", bold(name), f": {so_far}\n",
        f"Log {plural(more, 'more session')} and /progress draws a chart: {line}, a ★ on "
        "each personal record, and your training phases shaded behind.",
    )  # fmt: skip


def _by_day_and_exercise(
    sets: Sequence[SetRow],
) -> dict[dt.date, dict[str, list[SetRow]]]:
    grouped: dict[dt.date, dict[str, list[SetRow]]] = defaultdict(lambda: defaultdict(list))
    for s in sets:
        grouped[s.performed_on][s.exercise].append(s)
    return grouped


def _recent(sets: Sequence[SetRow], units: str) -> Text:
    grouped = _by_day_and_exercise(sets)
    terms = Terms()
    blocks: list[Text] = []
    for day in sorted(grouped, reverse=True):
        rows: list[Text | str] = [text(bold(f"{day:%a %d %b %Y}"))]
        for exercise, day_sets in grouped[day].items():
            rows.append(f"• {display_name(exercise)}: {sets_text(day_sets, units, terms)}")
        blocks.append(lines(*rows))
    head = text("📖 ", bold("Your last sessions"), "\n\n")
    kept: list[Text] = []
    for block in blocks:
        if len(head) + sum(len(b) + 2 for b in kept) + len(block) > MAX_TEXT - 120:
            break
        kept.append(block)
    tail = "\n\n/history squat shows one exercise, /progress squat charts it."
    return head + Text.join("\n\n", kept) + tail


def _exercise_history(exercise: str, sets: Sequence[SetRow], units: str) -> Text:
    measure = measure_for(exercise, sets)
    grouped = _by_day_and_exercise(sets)
    days = sorted(grouped, reverse=True)[:EXERCISE_SESSIONS]
    bests = {d.day: d for d in best_by_day(sets, measure)}
    terms = Terms()
    rows: list[Text | str] = [
        text("📖 ", bold(display_name(exercise)), f" — last {plural(len(days), 'session')}")
    ]
    for day in days:
        line = f"{day:%a %d %b %Y}: {sets_text(grouped[day][exercise], units, terms)}"
        best = bests.get(day)
        if best is not None and measure == "e1rm":
            line += f" · {fmt_value(best.value, measure, units, terms)}"
        if best is not None and best.pr:
            line += " 🏆"
        rows.append(line)
    rows.append(text("\n", code(f"/progress {display_name(exercise).lower()}"), " charts it."))
    return lines(*rows)


def _in_units(value: float, measure: str, units: str) -> float:
    if measure == "e1rm" and units == "lb":
        return value / LB_TO_KG
    return value


def _bands(athlete: Athlete, first: dt.date, last: dt.date) -> list[PhaseBand]:
    """The plan's phases between `first` and `last`, a week at a time (none before the plan)."""
    if not athlete.profile or athlete.plan_start is None:
        return []
    try:
        profile = profile_of(athlete)
    except (ProfileError, KeyError, ValueError, TypeError):
        return []
    start = max(first, athlete.plan_start)
    bands: list[PhaseBand] = []
    day = start
    while day <= last:
        phase = phase_for(profile, day, athlete.plan_start)
        following = min(day + dt.timedelta(days=7), last + dt.timedelta(days=1))
        # A deload week belongs to its block: shading it apart would stripe the chart.
        if bands and (bands[-1].name == phase.name or phase.name == "deload"):
            bands[-1] = dataclasses.replace(bands[-1], end=following)
        else:
            bands.append(PhaseBand(day, following, phase.name, phase.label))
        day += dt.timedelta(days=7)
    return bands
