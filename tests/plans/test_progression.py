"""Progression rules as session sequences: logged sets in, next target out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from plans.logparse import SetEntry, parse_log
from plans.prescription import Prescription
from plans.progression import (
    Progress,
    describe_target,
    e1rm,
    e1rm_from_rpe,
    next_state,
)
from plans.state import ExerciseState

TODAY = dt.date(2026, 11, 20)
LB = 0.45359237

PrescriptionFor = Callable[[ExerciseState | None], Prescription | None]


def logged(text: str, unit: str = "kg") -> tuple[SetEntry, ...]:
    return parse_log(text, unit, today=TODAY)[0].sets


def run(
    exercise: str,
    texts: list[str],
    prescription: PrescriptionFor = lambda _state: None,
    state: ExerciseState | None = None,
    **kwargs: Any,
) -> list[Progress]:
    """Feed sessions one by one, as the bot does; the plan prescribes from the state."""
    out: list[Progress] = []
    unit = str(kwargs.get("units", "kg"))
    for text in texts:
        sets = logged(text, unit)
        progress = next_state(state, exercise, sets, prescription(state), **kwargs)
        out.append(progress)
        state = progress.state
    return out


def squat_6_to_8(state: ExerciseState | None) -> Prescription:
    load = state.working_load_kg if state and state.working_load_kg else 60.0
    return Prescription("back_squat", 3, 6, 8, None, load, 8.0, 180, main_lift=True)


def squat_5s(state: ExerciseState | None) -> Prescription:
    load = state.working_load_kg if state and state.working_load_kg else 100.0
    return Prescription("back_squat", 3, 5, 5, None, load, 8.0, 180, main_lift=True)


# --- arithmetic ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("load", "reps", "expected"),
    [(100, 5, 116.67), (100, 10, 133.33), (100, 1, 100.0), (140, 3, 154.0), (100, 11, None),
     (100, 0, None), (0, 5, None)],
)
def test_e1rm_epley(load: float, reps: int, expected: float | None) -> None:
    assert e1rm(load, reps) == expected


@pytest.mark.parametrize(
    ("load", "reps", "rpe", "expected"),
    [
        (140, 5, 8, 172.6),  # COACHING.md vector
        (100, 1, 8, 108.5),  # 92.2 %
        (100, 3, 8, 115.9),  # 86.3 %
        (100, 8, 8, 135.3),  # 73.9 %
        (100, 1, 10, 100.0),
        (100, 3, 10, 108.5),  # 3 reps to failure = 1 @ 8
        (100, 4, 9, 115.9),  # 5 reps to failure = 3 @ 8
        (100, 8, 7, None),  # 11 reps to failure: off the chart
        (100, 5, 11, None),
        (100, 0, 8, None),
    ],
)
def test_e1rm_from_rpe(load: float, reps: int, rpe: float, expected: float | None) -> None:
    assert e1rm_from_rpe(load, reps, rpe) == expected


# --- double progression ------------------------------------------------------------------


def test_double_progression_adds_reps_then_load_and_resets_reps() -> None:
    steps = run("back_squat", ["squat 3x6 60", "squat 8,8,7 60", "squat 3x8 60"], squat_6_to_8)
    assert [(p.state.working_load_kg, p.state.target_reps) for p in steps] == [
        (60.0, 7),
        (60.0, 8),
        (62.5, 6),
    ]
    assert describe_target(steps[-1].state, "back_squat") == "Next: 3×6 @ 62.5 kg"
    assert "62.5 kg" in steps[-1].reason
    assert steps[-1].state.sessions == 3


def test_free_log_infers_range_from_logged_reps() -> None:
    steps = run("back_squat", ["squat 3x5 60", "squat 3x6 60", "squat 3x7 60", "squat 3x5 62.5"])
    assert [(p.state.working_load_kg, p.state.target_reps) for p in steps] == [
        (60.0, 5),
        (60.0, 5),
        (62.5, 5),
        (62.5, 5),
    ]
    assert "7" in steps[0].reason


def test_rpe_one_above_target_holds() -> None:
    (step,) = run("back_squat", ["squat 3x8 60 rpe 9"], squat_6_to_8)
    assert step.state.working_load_kg == 60.0
    assert step.state.target_reps == 8
    assert "RPE 9" in step.reason


def test_rpe_two_above_target_backs_off_five_percent() -> None:
    (step,) = run("back_squat", ["squat 3x8 60 rpe 10"], squat_6_to_8)
    assert step.state.working_load_kg == 57.5
    assert step.state.target_reps == 6


def test_rpe_two_below_target_takes_a_double_step() -> None:
    (step,) = run("back_squat", ["squat 3x8 60 rpe 6"], squat_6_to_8)
    assert step.state.working_load_kg == 65.0
    assert "bigger step" in step.reason


def test_increment_override_from_settings() -> None:
    (step,) = run("back_squat", ["squat 3x8 60"], squat_6_to_8, increment_kg=5.0)
    assert step.state.working_load_kg == 65.0


def lb(pounds: float) -> float:
    return round(pounds * LB, 2)


def test_upper_body_moves_in_1_25_kg_steps() -> None:
    bench = Prescription("bench_press", 3, 5, 5, None, 60.0, 8.0, 180)
    steps = run("bench_press", ["bench 3x5 60", "bench 3x5 61.25"], lambda _s: bench)
    assert [p.state.working_load_kg for p in steps] == [61.25, 62.5]
    ohp = Prescription("overhead_press", 3, 6, 8, None, 40.0, 8.0, 120)
    (press,) = run("overhead_press", ["ohp 3x8 40"], lambda _s: ohp)
    assert press.state.working_load_kg == 41.25
    assert "41.25 kg next" in press.reason
    (easy,) = run("overhead_press", ["ohp 3x8 40 rpe 6"], lambda _s: ohp)
    assert easy.state.working_load_kg == 42.5  # a double step is two small steps


def test_lower_body_moves_in_2_5_kg_steps() -> None:
    (squat,) = run("back_squat", ["squat 3x8 100"], squat_6_to_8)
    assert squat.state.working_load_kg == 102.5


def test_lb_athlete_lower_body_moves_in_5_lb_steps() -> None:
    squat = Prescription("back_squat", 3, 6, 8, None, lb(135), 8.0, 180)
    (step,) = run("back_squat", ["squat 3x8 135lb"], lambda _s: squat, units="lb")
    assert step.state.working_load_kg == lb(140)
    assert describe_target(step.state, "back_squat", "lb") == "Next: 3×6 @ 140 lb"
    assert "140 lb" in step.reason


def test_lb_athlete_upper_body_moves_in_2_5_lb_steps() -> None:
    bench = Prescription("bench_press", 3, 6, 8, None, lb(95), 8.0, 180)
    steps = run("bench_press", ["bench 3x8 95lb", "bench 3x8 97.5lb"], lambda _s: bench,
                units="lb")
    assert [p.state.working_load_kg for p in steps] == [lb(97.5), lb(100)]
    assert describe_target(steps[0].state, "bench_press", "lb") == "Next: 3×6 @ 97.5 lb"


def test_lb_athlete_cuts_to_loadable_pounds() -> None:
    bench = Prescription("bench_press", 3, 6, 8, None, lb(100), 8.0, 180)
    (step,) = run("bench_press", ["bench 3x8 100lb rpe 10"], lambda _s: bench, units="lb")
    assert step.state.working_load_kg == lb(95)  # −5 % = 95 lb


def test_dumbbells_go_to_the_next_size() -> None:
    def goblet(state: ExerciseState | None) -> Prescription:
        load = state.working_load_kg if state and state.working_load_kg else 16.0
        return Prescription("goblet_squat", 3, 10, 12, None, load, 7.0, 90)

    steps = run("goblet_squat", ["goblet squat 3x12 16kg", "goblet squat 3x12 18kg"], goblet)
    assert [p.state.working_load_kg for p in steps] == [18.0, 20.0]
    (big,) = run("goblet_squat", ["goblet squat 3x12 24kg"], goblet)
    assert big.state.working_load_kg == 28.0
    (odd,) = run("goblet_squat", ["goblet squat 3x12 23kg"], goblet)
    assert odd.state.working_load_kg == 24.0  # an odd load goes to the next real size
    (back,) = run("goblet_squat", ["goblet squat 3x12 28kg rpe 10"], goblet)
    assert back.state.working_load_kg == 24.0  # the size below, not 26.6 kg


def test_lb_dumbbells_go_up_5_lb() -> None:
    def goblet(state: ExerciseState | None) -> Prescription:
        return Prescription("goblet_squat", 3, 10, 12, None, lb(35), 7.0, 90)

    (step,) = run("goblet_squat", ["goblet squat 3x12 35lb"], goblet, units="lb")
    assert step.state.working_load_kg == lb(40)
    (odd,) = run("goblet_squat", ["goblet squat 3x12 37lb"], goblet, units="lb")
    assert odd.state.working_load_kg == lb(40)


# --- stall rule, deloads, running --------------------------------------------------------


def test_three_failed_sessions_cut_ten_percent_and_reset() -> None:
    steps = run(
        "back_squat",
        ["squat 5,5,4 100", "squat 5,5,4 100", "squat 5,4,3 100", "squat 3x5 90"],
        squat_5s,
    )
    assert [(p.state.working_load_kg, p.state.failures) for p in steps] == [
        (100.0, 1),
        (100.0, 2),
        (90.0, 0),
        (92.5, 0),
    ]
    assert "−10 %" in steps[2].reason


def test_a_successful_session_resets_the_failure_count() -> None:
    steps = run(
        "back_squat", ["squat 5,5,4 100", "squat 3x5 100 rpe 9", "squat 5,5,4 100"], squat_5s
    )
    assert [p.state.failures for p in steps] == [1, 0, 1]


def test_fail_marker_counts_as_a_failed_session() -> None:
    (step,) = run("back_squat", ["squat 3x5 100 fail"], squat_5s)
    assert step.state.failures == 1
    assert step.state.working_load_kg == 100.0


def test_deload_never_counts_as_failure_and_never_progresses() -> None:
    start = ExerciseState("back_squat", 100.0, 5, 116.67, failures=2, sessions=8,
                          best_e1rm_kg=116.67)
    (missed,) = run("back_squat", ["squat 5,5,3 90"], squat_5s, start, deload_or_taper=True)
    assert missed.state.failures == 2
    assert missed.state.working_load_kg == 100.0
    (easy,) = run("back_squat", ["squat 3x5 90 rpe 5"], squat_5s, start, deload_or_taper=True)
    assert easy.state.working_load_kg == 100.0
    assert easy.state.e1rm_kg == 116.67
    assert "deload" in easy.reason


def test_after_a_hard_run_the_main_lift_is_held() -> None:
    (step,) = run("back_squat", ["squat 3x8 60"], squat_6_to_8, after_hard_run=True)
    assert step.state.working_load_kg == 60.0
    assert "run" in step.reason
    accessory = Prescription("romanian_deadlift", 3, 6, 8, None, 60.0, 8.0, 120)
    (other,) = run("romanian_deadlift", ["rdl 3x8 60"], lambda _s: accessory,
                   after_hard_run=True)
    assert other.state.working_load_kg == 62.5


# --- bodyweight, holds, plyometrics -------------------------------------------------------


def test_bodyweight_adds_reps_up_to_the_cap_then_suggests_the_harder_variant() -> None:
    steps = run("push_up", ["pushups 3x10", "pushups 3x11 rpe 6", "pushups 3x19", "pushups 3x20"])
    assert [p.state.target_reps for p in steps] == [11, 13, 20, 20]
    assert steps[-1].state.working_load_kg is None
    assert "Triceps dip" in steps[-1].reason
    assert describe_target(steps[0].state, "push_up") == "Next: 3×11"


def test_bodyweight_short_sessions_stall_and_back_off() -> None:
    start = ExerciseState("push_up", None, 15)
    steps = run("push_up", ["pushups 15 12 10"] * 3, state=start)
    assert [(p.state.target_reps, p.state.failures) for p in steps] == [(15, 1), (15, 2), (14, 0)]


def test_weighted_bodyweight_progresses_the_added_load() -> None:
    pulls = Prescription("pull_up", 3, 5, 7, None, 10.0, 8.0, 120)
    steps = run("pull_up", ["pullups 3x7 +10kg"], lambda _s: pulls)
    assert steps[0].state.working_load_kg == 11.25  # upper body: +1.25 kg
    assert steps[0].state.e1rm_kg is None
    assert describe_target(steps[0].state, "pull_up") == "Next: 3×5 @ +11.25 kg"


def test_holds_add_five_seconds_up_to_the_cap() -> None:
    steps = run("plank", ["plank 3x45s", "plank 3x50s", "plank 3x60s", "plank 3x30s"])
    assert [(p.state.target_reps, p.state.failures) for p in steps] == [
        (50, 0), (55, 0), (60, 0), (60, 1)
    ]  # fmt: skip
    assert "Dead bug" in steps[2].reason
    assert describe_target(steps[0].state, "plank") == "Next: 3×50 s"


def test_plyometric_contacts_grow_within_the_level_cap() -> None:
    pogo = Prescription("pogo_hops", 2, None, None, None, None, 6.0, 60, foot_contacts=40)
    steps = run("pogo_hops", ["pogo 2x20", "pogo 3x15", "pogo 2x30", "pogo 3x20"],
                lambda _s: pogo)
    assert [p.state.target_reps for p in steps] == [45, 50, 60, 60]
    assert "cap" in steps[-1].reason
    assert describe_target(steps[0].state, "pogo_hops") == "Next: 45 foot contacts"
    (advanced,) = run("pogo_hops", ["pogo 2x50"], lambda _s: pogo, plyo_cap=140)
    assert advanced.state.target_reps == 110


def test_plyometric_short_session_holds_the_dose() -> None:
    (step,) = run("pogo_hops", ["pogo 1x20"], state=ExerciseState("pogo_hops", None, 40))
    assert step.state.target_reps == 40


# --- e1RM and PRs ----------------------------------------------------------------------------


def test_e1rm_is_carried_and_best_tracked_with_pr_text() -> None:
    start = ExerciseState("deadlift", 100.0, 5, 116.67, best_e1rm_kg=116.67)
    (step,) = run("deadlift", ["deadlift 3x5 105"], state=start)
    assert step.state.e1rm_kg == 122.5
    assert step.state.best_e1rm_kg == 122.5
    assert step.pr == "PR: e1RM 122.5 kg"
    (lighter,) = run("deadlift", ["deadlift 3x5 90"], state=step.state)
    assert lighter.state.e1rm_kg == 105.0
    assert lighter.state.best_e1rm_kg == 122.5
    assert lighter.pr is None


def test_e1rm_uses_rpe_when_logged_and_first_session_is_no_pr() -> None:
    (step,) = run("deadlift", ["deadlift 140x5 rpe 8"])
    assert step.state.e1rm_kg == 172.6
    assert step.pr is None


def test_reps_at_load_pr() -> None:
    (step,) = run("back_squat", ["squat 3x6 60"], squat_6_to_8, previous_best_reps_at_load=5)
    assert step.pr == "PR: 6 reps @ 60 kg"
    (none,) = run("back_squat", ["squat 3x6 60"], squat_6_to_8, previous_best_reps_at_load=6)
    assert none.pr is None


def test_pr_text_in_pounds() -> None:
    start = ExerciseState("back_squat", 100.0, 5, 116.67, best_e1rm_kg=116.67)
    (step,) = run("back_squat", ["squat 3x5 245lb"], state=start, units="lb")
    assert step.pr == "PR: e1RM 286 lb"  # 245 lb × (1 + 5/30) = 285.8 lb


# --- odds and ends ---------------------------------------------------------------------------


def test_nothing_logged_leaves_the_state_alone() -> None:
    start = ExerciseState("back_squat", 100.0, 5)
    progress = next_state(start, "back_squat", [], None)
    assert progress.state == start
    assert progress.pr is None


def test_custom_exercise_with_load_uses_plate_steps() -> None:
    steps = run("custom:leg press", ["leg press 3x10 100", "leg press 3x12 100"])
    assert [(p.state.working_load_kg, p.state.target_reps) for p in steps] == [
        (100.0, 10), (102.5, 10)
    ]  # fmt: skip
    assert describe_target(steps[-1].state, "custom:leg press") == "Next: 3×10 @ 102.5 kg"


def test_describe_target_without_load_or_target() -> None:
    assert describe_target(ExerciseState("back_squat"), "back_squat") == "Next: 3 sets"
    assert describe_target(ExerciseState("back_squat", None, 5), "back_squat", sets=2) == (
        "Next: 2×5"
    )
