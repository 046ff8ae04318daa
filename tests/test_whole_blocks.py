"""Whole blocks, judged as a coach would: the real coach run day by day for simulated athletes
(`runstrong simulate`) across races 6, 12, 18 and 30 weeks out and none, novices and
experienced lifters, 10 to 45 minutes; every logging policy. The assertions are on
trajectories (COACHING.md "Precise definitions"), not on one session."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.simulate import (
    Day,
    Known,
    Policy,
    SimulationError,
    main_lifts,
    parse_known,
    simulate,
    table,
    weekly_sets,
    weeks_of,
)
from plans.exercises import get, load_step_kg
from plans.loads import kit
from plans.periodization import TRAINING_PHASES
from plans.prescription import Prescription
from plans.profile import Profile

START = dt.date(2026, 11, 30)  # a Monday
ROOT = Path(__file__).resolve().parent.parent


def _profile(**changes: Any) -> Profile:
    base: dict[str, Any] = {
        "running_days": ["mon", "tue", "thu", "sat", "sun"],
        "long_run_day": "sun",
        "hard_days": ["tue"],
        "race": None,
        "strength_experience": "some",
        "equipment": "gym",
        "sessions_per_week": 2,
        "session_minutes": 45,
        "units": "kg",
    }
    return Profile.from_dict({**base, **changes})


def _race(weeks: int, distance: str) -> dict[str, str]:
    """A race on the Sunday that ends the plan's `weeks`-th week."""
    return {"date": (START + dt.timedelta(weeks=weeks, days=-1)).isoformat(), "distance": distance}


PROFILES: dict[str, tuple[Profile, int, tuple[Known, ...]]] = {
    "marathon in 18 weeks, experienced, 45 min": (
        _profile(race=_race(18, "marathon"), strength_experience="experienced",
                 hard_days=["tue", "thu"]),
        18,
        (Known("back_squat", 100.0, 5), Known("deadlift", 120.0, 5)),
    ),
    "half in 12 weeks, never lifted, home, 30 min": (
        _profile(race=_race(12, "half"), strength_experience="none", equipment="home",
                 session_minutes=30),
        12,
        (),
    ),
    "10k in 6 weeks, 20 min": (_profile(race=_race(6, "10k"), session_minutes=20), 6, ()),
    "ultra in 30 weeks, experienced, home, 3 sessions": (
        _profile(race=_race(30, "ultra"), strength_experience="experienced", equipment="home",
                 long_run_day="sat", sessions_per_week=3),
        30,
        (),
    ),
    "no race, 30 min, pounds": (_profile(session_minutes=30, units="lb"), 16, ()),
    "no race, never lifted, no kit, 10 min": (
        _profile(strength_experience="none", equipment="none", session_minutes=10,
                 sessions_per_week=3),
        12,
        (),
    ),
}  # fmt: skip


@functools.cache
def run(name: str, policy: Policy) -> tuple[Day, ...]:
    profile, weeks, known = PROFILES[name]
    return tuple(asyncio.run(simulate(profile, START, weeks, policy, known)))


def _lines(days: tuple[Day, ...]) -> Iterator[tuple[Day, Prescription]]:
    for day in days:
        for p in day.plan.exercises:
            yield day, p


def _e1rm_before(days: tuple[Day, ...]) -> Iterator[tuple[Day, dict[str, float]]]:
    """Each day with the e1RMs the coach had when it planned the day (the last known)."""
    known: dict[str, float] = {}
    for day in days:
        yield day, dict(known)
        for exercise, state in day.states.items():
            if state["e1rm_kg"] is not None:
                known[exercise] = float(state["e1rm_kg"])


def _within(load: float, e1rm: float, low: float, high: float, p: Prescription,
            profile: Profile) -> bool:  # fmt: skip
    """`load` is `low`–`high` of `e1rm`, give or take half a step of the athlete's kit."""
    step = load_step_kg(load, kit(get(p.exercise), profile.equipment), profile.units)
    return e1rm * low - step / 2 - 0.01 <= load <= e1rm * high + step / 2 + 0.01


# --- every profile, every policy that logs -----------------------------------------------


@pytest.mark.parametrize("name", PROFILES)
@pytest.mark.parametrize("policy", ["prescribed", "top"])
def test_the_e1rm_never_falls_for_an_athlete_who_does_the_work(name: str, policy: Policy) -> None:
    days = run(name, policy)
    for exercise in main_lifts(days):
        found = [d.states[exercise]["e1rm_kg"] for d in days if exercise in d.states]
        values = [float(v) for v in found if v is not None]
        assert all(b >= a - 0.05 for a, b in itertools.pairwise(values)), (exercise, values)


@pytest.mark.parametrize("name", PROFILES)
def test_phase_loads_come_from_the_e1rm(name: str) -> None:
    """Maintenance 80-85 %, power 40-60 % moving fast, strength endurance 20-40 %."""
    days = run(name, "prescribed")
    profile = PROFILES[name][0]
    checked = 0
    for day, e1rms in _e1rm_before(days):
        for p in day.plan.exercises:
            e1rm = e1rms.get(p.exercise)
            if not p.main_lift or p.load_kg is None or e1rm is None or p.mode != "percent":
                continue
            band = {"maintenance": (0.80, 0.85), "taper": (0.80, 0.85)}.get(day.plan.phase.name)
            if day.plan.phase.name == "power":
                band = (0.20, 0.40) if day.plan.phase.block == "endurance" else (0.40, 0.60)
            barbell = kit(get(p.exercise), profile.equipment).implement == "barbell"
            if band is None or (barbell and p.load_kg <= 20.5):  # the empty bar is the floor
                continue
            assert _within(p.load_kg, e1rm, *band, p, profile), (day.plan.date, p, e1rm)
            checked += 1
    if profile.race is not None and PROFILES[name][1] >= 12:
        assert checked > 0


@pytest.mark.parametrize("name", PROFILES)
def test_the_taper_has_about_half_the_sets_of_the_weeks_before(name: str) -> None:
    profile = PROFILES[name][0]
    weeks = weeks_of(run(name, "prescribed"), profile)
    names = [w[-1].plan.phase.name for w in weeks]
    if "taper" not in names:
        pytest.skip("no race in this block")
    taper = names.index("taper")
    before = [weekly_sets(w) for w in weeks[:taper] if not w[-1].plan.phase.deload][-2:]
    ratio = weekly_sets(weeks[taper]) / (sum(before) / len(before))
    assert 0.35 <= ratio <= 0.65, (ratio, before, weekly_sets(weeks[taper]))
    assert weekly_sets(weeks[taper + 1]) <= weekly_sets(weeks[taper])  # race week: less again


@pytest.mark.parametrize("name", PROFILES)
def test_a_deload_comes_at_least_every_six_training_weeks(name: str) -> None:
    profile = PROFILES[name][0]
    phases = [w[-1].plan.phase for w in weeks_of(run(name, "prescribed"), profile)]
    longest = run_length = 0
    for phase in phases:
        run_length = run_length + 1 if phase.name in TRAINING_PHASES | {"base"} else 0
        longest = max(longest, run_length)
    assert longest <= 6, [p.name for p in phases]
    if profile.race is None:
        assert longest <= 3  # rule 4: rolling 4-week blocks, the 4th a deload


@pytest.mark.parametrize("name", PROFILES)
def test_every_training_week_has_calf_foot_and_core_work(name: str) -> None:
    profile = PROFILES[name][0]
    for week in weeks_of(run(name, "prescribed"), profile):
        patterns = {get(p.exercise).pattern for d in week for p in d.plan.exercises
                    if d.plan.kind == "strength"}  # fmt: skip
        if not patterns:
            continue
        assert "calf_foot" in patterns, (week[0].plan.date, patterns)
        assert any(x.startswith("core") for x in patterns), (week[0].plan.date, patterns)


@pytest.mark.parametrize("name", PROFILES)
def test_sessions_fit_their_minutes_and_hold_three_exercises_from_twenty(name: str) -> None:
    profile = PROFILES[name][0]
    for day in run(name, "prescribed"):
        if day.plan.kind != "strength":
            continue
        assert day.plan.minutes <= profile.session_minutes, day.plan
        if profile.session_minutes >= 20:
            assert len(day.plan.exercises) >= 3, (day.plan.date, day.plan.exercises)


# --- the logging policies ------------------------------------------------------------------


def _double_sessions(days: tuple[Day, ...]) -> dict[str, list[tuple[tuple[int, int], float]]]:
    """Per loaded exercise, its double-progression sessions in order: (range, load after)."""
    found: dict[str, list[tuple[tuple[int, int], float]]] = {}
    for day, p in _lines(days):
        state = day.states.get(p.exercise)
        if p.mode != "double" or p.reps_low is None or state is None:
            continue
        if state["load_kg"] is None or get(p.exercise).load_type != "external":
            continue
        found.setdefault(p.exercise, []).append(
            ((p.reps_low, p.reps_high or p.reps_low), float(state["load_kg"]))
        )
    return found


@pytest.mark.parametrize("name", list(PROFILES)[:3])
def test_sets_inside_the_range_never_cut_a_load(name: str) -> None:
    for exercise, sessions in _double_sessions(run(name, "mid")).items():
        for (range_a, load_a), (range_b, load_b) in itertools.pairwise(sessions):
            if range_a == range_b:
                assert load_b >= load_a, (exercise, sessions)


@pytest.mark.parametrize("name", list(PROFILES)[:3])
def test_three_short_sessions_cut_about_ten_percent(name: str) -> None:
    """The last set one rep under the range, every session: the load holds twice and comes
    down ~10 % on the third (easy weeks neither count nor reset the count)."""
    cuts = 0
    for exercise, sessions in _double_sessions(run(name, "short")).items():
        since = 0
        for (range_a, load_a), (range_b, load_b) in itertools.pairwise(sessions):
            since = since + 1 if range_a == range_b else 0
            if range_a != range_b:
                continue
            if load_b < load_a:
                assert since % 3 == 2, (exercise, sessions)  # the third session at a load
                assert 0.8 <= load_b / load_a <= 0.95 or load_a - load_b <= 4.0, (load_a, load_b)
                cuts += 1
                since = -1
            else:  # held (or lifted back up to the empty bar, the lightest barbell load)
                assert load_b == load_a or load_b <= 20.5, (exercise, sessions)
    assert cuts > 0


def test_an_athlete_who_logs_nothing_gets_the_plan_and_no_progression() -> None:
    days = run("10k in 6 weeks, 20 min", "none")
    assert any(d.plan.kind == "strength" for d in days)
    assert all(not d.logged and not d.states for d in days)


def test_top_of_the_range_adds_load_every_session() -> None:
    sessions = _double_sessions(run("no race, 30 min, pounds", "top"))
    squat = [load for rng, load in sessions["back_squat"] if rng == (8, 10)]
    assert squat == sorted(squat) and len(set(squat)) == len(squat)


# --- the command ---------------------------------------------------------------------------


def test_simulate_json_and_table(tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps(PROFILES["marathon in 18 weeks, experienced, 45 min"][0]
                                  .to_dict()))  # fmt: skip
    common = [sys.executable, "-m", "bot.cli", "simulate", "--profile", str(profile),
              "--from", START.isoformat(), "--weeks", "3"]  # fmt: skip
    out = subprocess.run([*common, "--json", "--known", "back_squat=100x5"], cwd=ROOT,
                         capture_output=True, text=True, check=True)  # fmt: skip
    days = json.loads(out.stdout)
    assert len(days) == 21
    strength = [d for d in days if d["kind"] == "strength"]
    assert strength and all({"logged", "state"} <= set(d) for d in strength)
    first = strength[0]
    assert {e["id"] for e in first["logged"]} == {e["id"] for e in first["exercises"]}
    assert all(set(s) == {"reps", "seconds", "load_kg", "rpe"}
               for e in first["logged"] for s in e["sets"])  # fmt: skip
    assert all(set(v) == {"e1rm_kg", "load_kg", "reps"} for v in first["state"].values())
    text = subprocess.run([*common, "--policy", "top"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert text.splitlines()[0].split()[:4] == ["Week", "Dates", "Phase", "Sets"]
    assert "Back squat" in text and "Anatomical adaptation" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policy", "lazy"], "--policy 'lazy' is not one of"),
        (["--known", "squat=heavy"], "write it like back_squat=100x5"),
        (["--known", "zottman=20x5"], "no exercise called 'zottman'"),
        (["--weeks", "0"], "--weeks must be between 1 and 104"),
        (["--from", "soon"], "is not a date"),
    ],
)
def test_simulate_refuses_bad_input_in_one_line(
    tmp_path: Path, args: list[str], message: str
) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps(_profile().to_dict()))
    argv = [sys.executable, "-m", "bot.cli", "simulate", "--profile", str(profile),
            "--from", START.isoformat(), *args]  # fmt: skip
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_known_lifts_read_in_the_athletes_unit() -> None:
    assert parse_known("back_squat=225x5", "lb") == Known("back_squat", 102.06, 5)
    assert parse_known("goblet squat=16x10", "kg") == Known("goblet_squat", 16.0, 10)
    with pytest.raises(SimulationError):
        parse_known("back_squat=900x5", "kg")


def test_the_table_reads_in_one_screen() -> None:
    name = "marathon in 18 weeks, experienced, 45 min"
    text = table(run(name, "prescribed"), PROFILES[name][0])
    lines = text.splitlines()
    assert len(lines) <= 24 and max(len(line) for line in lines) <= 120
    assert "Taper 1" in text and "Race week 1" in text and "Deload" in text
