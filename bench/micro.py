"""In-process figures: set-log parsing speed and the /progress chart's render time."""

from __future__ import annotations

import datetime as dt
import random
import time

from bench.common import Result, median
from bot.charts import PhaseBand, Point, render_progress
from plans.logparse import LogParseError, parse_log

# What athletes type: every grammar form the parser documents, plus typos and non-logs.
CORPUS = (
    "squat 3x5 60kg",
    "Squat 5x5 @ 100",
    "deadlift 100x5",
    "deadlift 100x5x3",
    "bench 3x8 40kg rpe 8",
    "rdl 8,8,7 @40",
    "rdl 8/8/7 40kg",
    "goblet squat 8x10",
    "split squat 3x8 16kg each",
    "bulgarian split squat 3 sets of 8 2x12kg per leg",
    "step up 3x8 12kg /leg",
    "calf raise 3x15 20kg",
    "single leg calf raise 3x12 bw",
    "pull up 3x5 +10kg",
    "plank 3x45s",
    "side plank 3x30s a side",
    "wall sit 2x1:30",
    "hip thrust 3x10 60kg @8",
    "row 3x10 30kg rir 2",
    "ohp 5x5 40kg f",
    "squat 3x5 60kg; rdl 3x8 50kg; plank 3x45s",
    "yesterday squat 3x5 60kg",
    "2 days ago deadlift 3x5 90kg # felt heavy",
    "2026-11-20 lunge 3x10 20kg (left knee ok)",
    "135lb squat 3x5",
    "squat 3x5 135lb",
    "sqaut 3x5 60kg",
    "deadlfit 3x5 80kg",
    "nordic curl 3x5",
    "copenhagen plank 2x20s",
    "box jump 3x5",
    "kettlebell swing 3x15 24kg",
    "squat 10 8 8",
    "curl 10 8 8",
    "squat",
    "ran 10k easy today",
    "hello coach",
    "squat 3x5 900kg",
)
LINES = 5_000


def _parse_rate() -> float:
    """Lines parsed (or rejected with a friendly error) per second."""
    today = dt.date(2026, 11, 23)
    lines = [CORPUS[i % len(CORPUS)] for i in range(LINES)]
    started = time.perf_counter()
    for line in lines:
        try:
            parse_log(line, "kg", today=today)
        except LogParseError:
            pass
    return LINES / (time.perf_counter() - started)


def _history() -> tuple[list[Point], list[PhaseBand]]:
    """Two years of one lift: two sessions a week, slowly rising, PRs along the way."""
    rng = random.Random(7)
    start = dt.date(2024, 11, 25)
    points, best, load = [], 0.0, 40.0
    for week in range(104):
        for offset in (2, 4):
            load += rng.uniform(-1.0, 1.6)
            e1rm = load * (1 + 5 / 30)
            points.append(Point(start + dt.timedelta(weeks=week, days=offset), e1rm, e1rm > best))
            best = max(best, e1rm)
    names = ("base", "strength", "power", "maintenance", "taper", "race_week", "deload")
    bands, day = [], start
    for i in range(16):
        end = day + dt.timedelta(weeks=6 if i % 3 else 8)
        name = names[i % len(names)]
        bands.append(PhaseBand(day, end, name, name.replace("_", " ").title()))
        day = end
    return points, bands


def _chart_ms(points: list[Point], bands: list[PhaseBand]) -> float:
    started = time.perf_counter()
    png = render_progress(points, title="Back squat", ylabel="e1RM (kg)", bands=bands)
    assert png.startswith(b"\x89PNG")
    return (time.perf_counter() - started) * 1000


def run(rounds: int = 3) -> list[Result]:
    _parse_rate()  # warm: the exercise library, regexes
    rates = [_parse_rate() for _ in range(rounds)]
    points, bands = _history()
    _chart_ms(points, bands)  # warm: fonts, matplotlib imports
    charts = [_chart_ms(points, bands) for _ in range(rounds)]
    return [
        Result("parse_log_lines_per_s", round(median(rates)), "lines/s",
               note=f"plans.logparse.parse_log over {len(CORPUS)} varied lines (incl. typos and "
               f"non-logs), {LINES:,} lines, median of {rounds}"),
        Result("progress_chart_render", round(median(charts), 1), "ms",
               note=f"bot.charts.render_progress, two years ({len(points)} sessions, "
               f"{len(bands)} phases), wall time after a warm-up, median of {rounds}"),
    ]  # fmt: skip
