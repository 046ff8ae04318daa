"""The running the athlete actually did, as the strength plan weighs it: weekly volume, what
kind of run a watch file holds (`classify`) and a jump in weekly volume (`volume_jump`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from plans.readiness import RunDone, RunKind
from plans.units import MILE_KM


@dataclass(frozen=True)
class WeekVolume:
    """One Monday-to-Sunday week of running. `hours` counts only runs with a known moving
    time (typed runs have none); `runs` counts them all."""

    start: dt.date
    km: float
    hours: float
    runs: int


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_volume(runs: Sequence[RunDone], first_week: dt.date, weeks: int) -> list[WeekVolume]:
    """`weeks` consecutive weeks from the one holding `first_week`, empty weeks included."""
    start = week_start(first_week)
    totals = [[0.0, 0.0, 0] for _ in range(weeks)]
    for run in runs:
        index = (run.day - start).days // 7
        if 0 <= index < weeks:
            totals[index][0] += run.distance_km or 0.0
            totals[index][1] += (run.minutes or 0.0) / 60
            totals[index][2] += 1
    return [
        WeekVolume(start + dt.timedelta(weeks=i), km, hours, int(count))
        for i, (km, hours, count) in enumerate(totals)
    ]


# --- what kind of run a watch file holds ------------------------------------------------------
#
# A run from a watch file arrives without a kind; the plan needs one (rule 2 and "Running load
# vs placement": an unplanned hard or long run holds the next heavy leg session). The run is
# read against the athlete's own recent running, never against fixed paces:
# - long: moving time ≥ 0.8 × their usual long run and ≥ 60 min. The usual long run is the
#   median duration of the runs stored as long in the 8 weeks before, or, with none, of the
#   longest quarter of their timed runs then (**choice**: at least 4 timed runs, so a quarter
#   is a run). Without that history: ≥ 90 min (**choice**).
# - hard: average pace ≥ 8 % faster than their easy pace (a pace at most 0.92 × the median
#   pace of the runs stored as easy in the 6 weeks before), or average heart rate ≥ 8 % above
#   the median of those easy runs (**choice**: 8 %, beyond the day-to-day spread of an easy
#   run). Each measure needs ≥ 3 easy runs that have it; with neither, the run reads easy and
#   the reply asks the athlete to correct it.
# - long before hard (**choice**): a long run with a fast finish is still the week's long run.
# - easy: everything else.
# Without a moving time a run can't be long or paced; heart rate alone can still make it hard.

LONG_SHARE = 0.8
LONG_FLOOR_S = 60 * 60
LONG_WITHOUT_HISTORY_S = 90 * 60
LONG_WINDOW = dt.timedelta(weeks=8)
EASY_WINDOW = dt.timedelta(weeks=6)
HARD_MARGIN = 0.08
MIN_EASY_RUNS = 3
MIN_TIMED_RUNS = 4
CORRECT = "tap to correct"


@dataclass(frozen=True)
class RunFacts:
    """What a watch file (or a typed run) says about one run. `kind` is the stored kind
    ("easy", "hard", "long"; None when not known yet)."""

    day: dt.date
    distance_km: float | None
    moving_s: int | None
    avg_hr: int | None
    kind: str | None = None


@dataclass(frozen=True)
class Classified:
    """The kind the coach reads into a run and why, in plain words for the reply."""

    kind: RunKind
    reason: str


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _pace(run: RunFacts) -> float | None:
    """Seconds per km, when the run has both a distance and a moving time."""
    if run.moving_s is None or not run.distance_km or run.distance_km <= 0 or run.moving_s <= 0:
        return None
    return run.moving_s / run.distance_km


def format_duration(seconds: float) -> str:
    """'1 h 52 min', '45 min'."""
    minutes = round(seconds / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def format_pace(seconds_per_km: float, units: str = "kg") -> str:
    """'5:30 /km', or per mile for athletes who lift in pounds: '8:51 /mi'."""
    per_mile = units == "lb"
    total = round(seconds_per_km * MILE_KM if per_mile else seconds_per_km)
    minutes, seconds = divmod(total, 60)
    return f"{minutes}:{seconds:02d} /{'mi' if per_mile else 'km'}"


def usual_long_run_s(history: Sequence[RunFacts], day: dt.date) -> float | None:
    """Their usual long run in the 8 weeks before `day`, in seconds (None: no history)."""
    recent = [r for r in history if day - LONG_WINDOW <= r.day <= day and r.moving_s]
    longs = [float(r.moving_s or 0) for r in recent if r.kind == "long"]
    if longs:
        return _median(longs)
    if len(recent) < MIN_TIMED_RUNS:
        return None
    timed = sorted(float(r.moving_s or 0) for r in recent)
    return _median(timed[-math.ceil(len(timed) / 4) :])


def classify(run: RunFacts, history: Sequence[RunFacts], units: str = "kg") -> Classified:
    """The kind of `run` against the athlete's earlier runs (`history`, newest last, with their
    stored kinds); paces read per mile when `units` is "lb". Rules above."""
    moving = run.moving_s
    usual = usual_long_run_s(history, run.day)
    if moving is not None:
        took = format_duration(moving)
        if usual is None and moving >= LONG_WITHOUT_HISTORY_S:
            return Classified(
                "long", f"long: {took}, over {format_duration(LONG_WITHOUT_HISTORY_S)}"
            )
        if usual is not None and moving >= max(LONG_SHARE * usual, LONG_FLOOR_S):
            than = "past" if moving >= usual else "close to"
            reason = f"long: {took}, {than} your usual long run ({format_duration(usual)})"
            return Classified("long", reason)
    easy = [r for r in history if run.day - EASY_WINDOW <= r.day <= run.day and r.kind == "easy"]
    paces = [p for p in map(_pace, easy) if p is not None]
    hrs = [float(r.avg_hr) for r in easy if r.avg_hr]
    pace = _pace(run)
    compared: list[str] = []
    if len(paces) >= MIN_EASY_RUNS and pace is not None:
        easy_pace = _median(paces)
        if pace <= (1 - HARD_MARGIN) * easy_pace:
            shown = f"{format_pace(pace, units)}, well under your easy pace"
            return Classified("hard", f"hard: {shown} ({format_pace(easy_pace, units)})")
        compared.append("pace")
    if len(hrs) >= MIN_EASY_RUNS and run.avg_hr:
        easy_hr = _median(hrs)
        if run.avg_hr >= (1 + HARD_MARGIN) * easy_hr:
            shown = f"heart rate {run.avg_hr}, well above your easy runs"
            return Classified("hard", f"hard: {shown} ({round(easy_hr)})")
        compared.append("heart rate")
    if not compared:
        return Classified("easy", f"easy: not enough runs yet to compare — {CORRECT}")
    return Classified("easy", f"easy: {' and '.join(compared)} like your easy runs")


# --- a jump in weekly running volume ----------------------------------------------------------
#
# A week's km well above the weeks before it is a load spike the strength plan should not add
# to (COACHING.md "Running load vs placement"; rule 6's failures are not the athlete's fault
# then). This week (Monday to `day`) against the 4 weeks before it:
# - a jump: more than 1.3 × their average (**choice**: 30 %, a common ceiling for a week's
#   increase; exactly 30 % is not a jump);
# - the average is over the weeks of the 4 that hold running (**choice**: an empty week is most
#   often a week before the athlete logged runs here, not a week off), and at least 2 of the 4
#   must hold running (**choice**: one week is no baseline).

JUMP_RATIO = 1.3
JUMP_WEEKS = 4
JUMP_MIN_WEEKS = 2


@dataclass(frozen=True)
class Jump:
    """This week's km against the average of the weeks before, and why it counts."""

    this_km: float
    average_km: float
    reason: str

    @property
    def percent(self) -> int:
        """How much more than the average, in whole percent (45 for 52 km vs 36 km)."""
        return math.floor((self.this_km / self.average_km - 1) * 100 + 0.5)

    def words(self, units: str = "kg") -> str:
        """'your running jumped 45 % this week (52 km vs 36 km average)', in miles for
        athletes who lift in pounds."""
        return (
            f"your running jumped {self.percent} % this week "
            f"({_whole(self.this_km, units)} vs {_whole(self.average_km, units)} average)"
        )


def _whole(km: float, units: str) -> str:
    if units == "lb":
        return f"{math.floor(km / MILE_KM + 0.5)} mi"
    return f"{math.floor(km + 0.5)} km"


def volume_jump(runs: Sequence[RunDone], day: dt.date) -> Jump | None:
    """A jump in this week's running (the week holding `day`, runs up to `day`) over the 4
    weeks before, or None. Rules above."""
    first = week_start(day) - dt.timedelta(weeks=JUMP_WEEKS)
    weeks = weekly_volume([r for r in runs if r.day <= day], first, JUMP_WEEKS + 1)
    *before, this = weeks
    ran = [w.km for w in before if w.km > 0]
    if len(ran) < JUMP_MIN_WEEKS:
        return None
    average = sum(ran) / len(ran)
    if average <= 0 or this.km <= JUMP_RATIO * average:
        return None
    jump = Jump(this.km, average, "")
    return replace(jump, reason=jump.words())
