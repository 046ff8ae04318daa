"""COACHING.md's load arithmetic as table tests: Epley, the RTS chart, increments and rounding,
the decaying best recent e1RM, carried-over loads and first loads from related lifts."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.exercises import get, load_step_kg, round_load
from plans.loads import (
    RELATED,
    e1rm,
    e1rm_from_rpe,
    effective_e1rm,
    heavy_estimate,
    load_for,
    loadable,
    starting_e1rm,
    transfer_load,
)
from plans.state import ExerciseState
from plans.units import LB_TO_KG

DAY = dt.date(2027, 3, 1)


@pytest.mark.parametrize(
    ("load", "reps", "expected"),
    [(100, 5, 116.67), (100, 10, 133.33), (100, 1, 100.0), (140, 3, 154.0), (100, 11, None),
     (100, 0, None), (0, 5, None)],
)  # fmt: skip
def test_epley(load: float, reps: int, expected: float | None) -> None:
    assert e1rm(load, reps) == expected


@pytest.mark.parametrize(
    ("load", "reps", "rpe", "expected"),
    [
        (140, 5, 8, 172.6),  # COACHING.md vector
        (100, 1, 8, 108.5),  # 92.2 %
        (100, 3, 8, 115.9),  # 86.3 %
        (100, 5, 8, 123.3),  # 81.1 %
        (100, 8, 8, 135.3),  # 73.9 %
        (100, 1, 10, 100.0),
        (100, 3, 10, 108.5),  # 3 reps to failure = 1 @ 8
        (100, 4, 9, 115.9),  # 5 reps to failure = 3 @ 8
        (100, 8, 7, None),  # 11 reps to failure: off the chart
        (100, 5, 11, None),
        (100, 0, 8, None),
    ],
)
def test_rts_chart(load: float, reps: int, rpe: float, expected: float | None) -> None:
    assert e1rm_from_rpe(load, reps, rpe) == expected


@pytest.mark.parametrize(
    ("load", "reps", "rpe", "expected"),
    [
        (100, 5, 8.0, 123.3),  # on the chart
        (100, 8, 7.0, 136.7),  # 11 reps to failure: Epley on them
        (100, 5, None, 116.67),  # no effort known: Epley, as if near failure
        (100, 5, 6.5, None),  # too easy to say anything about the max
        (100, 12, 8.0, None),  # more than 10 reps (Reynolds 2006)
        (None, 5, 8.0, None),
    ],
)
def test_only_heavy_sets_estimate_the_max(
    load: float | None, reps: int, rpe: float | None, expected: float | None
) -> None:
    assert heavy_estimate(load, reps, rpe) == expected


def test_load_for_inverts_the_estimate() -> None:
    assert load_for(172.6, 5, 8) == pytest.approx(140, abs=0.1)
    assert load_for(136.7, 8, 7) == pytest.approx(100, abs=0.1)


@pytest.mark.parametrize(
    ("exercise", "kg", "units", "expected"),
    [
        ("back_squat", 61.0, "kg", 60.0),  # lower body: 2.5 kg plates
        ("back_squat", 61.3, "kg", 62.5),
        ("bench_press", 61.0, "kg", 61.25),  # upper body: 1.25 kg
        ("goblet_squat", 23.0, "kg", 24.0),  # dumbbells: the next real size
        ("goblet_squat", 26.0, "kg", 28.0),
        ("back_squat", 82.0, "lb", round(180 * LB_TO_KG, 2)),  # 5 lb plates
        ("bench_press", 43.0, "lb", round(95 * LB_TO_KG, 2)),  # 2.5 lb
    ],
)
def test_loads_round_to_what_can_be_loaded(
    exercise: str, kg: float, units: str, expected: float
) -> None:
    assert round_load(kg, get(exercise), units) == expected


@pytest.mark.parametrize(
    ("exercise", "kg", "units", "step"),
    [
        ("back_squat", 100, "kg", 2.5),
        ("bench_press", 60, "kg", 1.25),
        ("goblet_squat", 16, "kg", 2.0),
        ("goblet_squat", 24, "kg", 4.0),
        ("back_squat", 100, "lb", round(5 * LB_TO_KG, 2)),
        ("bench_press", 60, "lb", round(2.5 * LB_TO_KG, 2)),
    ],
)
def test_increments(exercise: str, kg: float, units: str, step: float) -> None:
    assert load_step_kg(kg, get(exercise), units) == step


def test_at_home_a_barbell_lift_is_loaded_with_dumbbells_and_a_bar_is_the_floor() -> None:
    assert loadable(33.0, get("hip_thrust"), "home", "kg") == 32.0  # a 32 kg dumbbell
    assert loadable(33.0, get("hip_thrust"), "gym", "kg") == 32.5
    assert loadable(12.0, get("back_squat"), "gym", "kg") == 20.0  # the empty bar
    assert loadable(12.0, get("back_squat"), "gym", "lb") == round(45 * LB_TO_KG, 2)
    assert loadable(10.0, get("band_pull_apart"), "gym", "kg") is None


def test_the_best_recent_e1rm_keeps_four_weeks_then_decays_to_ninety_percent() -> None:
    state = ExerciseState("back_squat", e1rm_kg=100.0, e1rm_on=DAY)
    after = [effective_e1rm(state, DAY + dt.timedelta(weeks=w)) or 0.0 for w in range(0, 12)]
    assert after[:5] == [100.0] * 5  # four weeks and a bit: kept
    assert after[5] == pytest.approx(98.0)
    assert after[6] == pytest.approx(96.0)
    assert min(after) == pytest.approx(90.0)  # at most −10 %
    assert effective_e1rm(None, DAY) is None
    assert effective_e1rm(ExerciseState("x", e1rm_kg=80.0), DAY) == 80.0  # no date: no decay


def test_carried_loads_never_drop_below_what_was_just_lifted_for_more_reps() -> None:
    assert transfer_load(50.0, 15, 6) == pytest.approx(62.5)  # Epley ratio 1.5 / 1.2
    assert transfer_load(50.0, 6, 6) == 50.0
    assert transfer_load(60.0, 5, 10) == pytest.approx(52.5)  # more reps: lighter


def test_first_loads_come_from_the_lift_itself_or_a_related_one() -> None:
    known = (("back_squat", 100.0, 5), ("bench", 60.0, 8))
    assert starting_e1rm(known, "back_squat") == pytest.approx(116.67, abs=0.01)
    assert starting_e1rm(known, "goblet_squat") == pytest.approx(116.67 * 0.35, abs=0.01)
    assert starting_e1rm(known, "overhead_press") == pytest.approx(60 * (1 + 8 / 30) * 0.6)
    assert starting_e1rm(known, "deadlift") == pytest.approx(116.67 * 1.1, abs=0.01)
    assert starting_e1rm(known, "plank") is None
    assert all(0 < ratio <= 2.5 for pairs in RELATED.values() for _source, ratio in pairs)
