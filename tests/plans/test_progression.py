"""Progression rules as session sequences: logged sets in, the next session's state out
(COACHING.md "Precise definitions")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from plans.logparse import SetEntry, parse_log
from plans.prescription import Prescription
from plans.progression import Progress, describe_target, next_state
from plans.state import ExerciseState

TODAY = dt.date(2026, 11, 20)
LB = 0.45359237

PrescriptionFor = Callable[[ExerciseState | None], Prescription | None]


def logged(text: str, unit: str = "kg", p: Prescription | None = None) -> tuple[SetEntry, ...]:
    prescription = None if p is None else {p.exercise: p}
    return parse_log(text, unit, today=TODAY, prescription=prescription)[0].sets


def run(
    exercise: str,
    texts: list[str],
    prescription: PrescriptionFor = lambda _state: None,
    state: ExerciseState | None = None,
    **kwargs: Any,
) -> list[Progress]:
    """Feed sessions one by one, a week apart, as the bot does; the plan prescribes from
    the state."""
    out: list[Progress] = []
    unit = str(kwargs.get("units", "kg"))
    for week, text in enumerate(texts):
        p = prescription(state)
        sets = logged(text, unit, p)
        day = TODAY + dt.timedelta(weeks=week)
        progress = next_state(state, exercise, sets, p, day=day, **kwargs)
        out.append(progress)
        state = progress.state
    return out


def squat_6_to_8(state: ExerciseState | None) -> Prescription:
    load = state.working_load_kg if state and state.working_load_kg else 60.0
    target = state.target_reps if state and state.target_reps else 6
    return Prescription(
        "back_squat", 3, 6, 8, None, load, 8.0, 180, main_lift=True, target_reps=target
    )


def squat_5s(state: ExerciseState | None) -> Prescription:
    load = state.working_load_kg if state and state.working_load_kg else 100.0
    return Prescription("back_squat", 3, 5, 5, None, load, 8.0, 180, main_lift=True)


def loads_and_targets(steps: list[Progress]) -> list[tuple[float | None, int | None]]:
    return [(p.state.working_load_kg, p.state.target_reps) for p in steps]


# --- double progression ------------------------------------------------------------------


def test_reps_build_to_the_top_then_the_load_goes_up_and_reps_start_again() -> None:
    steps = run("back_squat", ["squat 3x6 60", "squat 8,8,7 60", "squat 3x8 60"], squat_6_to_8)
    assert loads_and_targets(steps) == [(60.0, 7), (60.0, 8), (62.5, 6)]
    assert [(p.state.reps_low, p.state.reps_high) for p in steps] == [(6, 8)] * 3
    assert "62.5 kg" in steps[-1].reason
    assert steps[-1].state.sessions == 3


def test_the_load_goes_up_only_when_every_set_reaches_the_top() -> None:
    four = Prescription("back_squat", 4, 6, 8, None, 60.0, 8.0, 180, target_reps=6)
    (step,) = run("back_squat", ["squat 8,8,7,7 60"], lambda _s: four)
    assert loads_and_targets([step]) == [(60.0, 8)]
    assert "aim for 8" in step.reason


@pytest.mark.parametrize("reps", ["7,7,7,6", "7,7,6,6", "7,6,6,6", "6,6,6,6"])
def test_sets_inside_the_range_are_not_failures(reps: str) -> None:
    four = Prescription("back_squat", 4, 6, 8, None, 60.0, 8.0, 180, target_reps=7)
    steps = run("back_squat", [f"squat {reps} 60"] * 4, lambda _s: four)
    assert all(p.state.failures == 0 for p in steps)
    assert all(p.state.working_load_kg == 60.0 for p in steps)


def test_a_set_below_the_range_is_a_failure() -> None:
    (step,) = run("back_squat", ["squat 6,6,5 60"], squat_6_to_8)
    assert step.state.failures == 1 and step.state.working_load_kg == 60.0


def test_a_free_log_reads_a_range_from_its_first_session_at_a_load() -> None:
    steps = run("back_squat", ["squat 3x5 60", "squat 3x6 60", "squat 3x7 60", "squat 3x5 62.5"])
    assert loads_and_targets(steps) == [(60.0, 6), (60.0, 7), (62.5, 5), (62.5, 6)]
    assert describe_target(steps[0].state, "back_squat") == "Next: 3×6 @ 60 kg"
    assert "aim for 6" in steps[0].reason and "5-7" in steps[0].reason


def test_rpe_one_above_target_holds() -> None:
    (step,) = run("back_squat", ["squat 3x8 60 rpe 9"], squat_6_to_8)
    assert (step.state.working_load_kg, step.state.target_reps) == (60.0, 8)
    assert "RPE 9" in step.reason


def test_rpe_two_above_target_backs_off_five_percent() -> None:
    (step,) = run("back_squat", ["squat 3x8 60 rpe 10"], squat_6_to_8)
    assert (step.state.working_load_kg, step.state.target_reps) == (57.5, 6)


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


def test_lb_athlete_lower_body_moves_in_5_lb_steps() -> None:
    squat = Prescription("back_squat", 3, 6, 8, None, lb(135), 8.0, 180)
    (step,) = run("back_squat", ["squat 3x8 135lb"], lambda _s: squat, units="lb")
    assert step.state.working_load_kg == lb(140)
    assert describe_target(step.state, "back_squat", "lb") == "Next: 3×6 @ 140 lb"
    assert "140 lb" in step.reason


def test_lb_athlete_upper_body_moves_in_2_5_lb_steps() -> None:
    bench = Prescription("bench_press", 3, 6, 8, None, lb(95), 8.0, 180)
    steps = run("bench_press", ["bench 3x8 95lb", "bench 3x8 97.5lb"], lambda _s: bench,
                units="lb")  # fmt: skip
    assert [p.state.working_load_kg for p in steps] == [lb(97.5), lb(100)]


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
    (back,) = run("goblet_squat", ["goblet squat 3x12 28kg rpe 10"], goblet)
    assert back.state.working_load_kg == 24.0  # the size below, not 26.6 kg


def test_at_home_a_barbell_lift_moves_in_dumbbell_sizes() -> None:
    thrust = Prescription("hip_thrust", 3, 6, 8, None, 32.0, 7.0, 90)
    (gym,) = run("hip_thrust", ["hip thrust 3x8 32"], lambda _s: thrust, equipment="gym")
    (home,) = run("hip_thrust", ["hip thrust 3x8 32"], lambda _s: thrust, equipment="home")
    assert gym.state.working_load_kg == 35.0  # 32 + 2.5, on the plates' 2.5 kg grid
    assert home.state.working_load_kg == 36.0  # the next dumbbell


# --- stall rule, easy weeks, running -------------------------------------------------------


def test_three_failed_sessions_cut_ten_percent_and_reset() -> None:
    start = ExerciseState("back_squat", 100.0, 5, 130.0, e1rm_on=TODAY)
    steps = run(
        "back_squat",
        ["squat 5,5,4 100", "squat 5,5,4 100", "squat 5,4,3 100", "squat 3x5 90"],
        squat_5s,
        start,
    )
    assert [(p.state.working_load_kg, p.state.failures) for p in steps] == [
        (100.0, 1), (100.0, 2), (90.0, 0), (92.5, 0)
    ]  # fmt: skip
    assert "−10 %" in steps[2].reason
    assert steps[2].state.e1rm_kg == pytest.approx(117.0)  # the e1RM was too high


def test_a_successful_session_resets_the_failure_count() -> None:
    steps = run(
        "back_squat", ["squat 5,5,4 100", "squat 3x5 100 rpe 9", "squat 5,5,4 100"], squat_5s
    )
    assert [p.state.failures for p in steps] == [1, 0, 1]


def test_fail_marker_counts_as_a_failed_session() -> None:
    (step,) = run("back_squat", ["squat 3x5 100 fail"], squat_5s)
    assert step.state.failures == 1 and step.state.working_load_kg == 100.0


def test_easy_weeks_never_count_as_failures_and_never_progress() -> None:
    start = ExerciseState("back_squat", 100.0, 5, 116.67, failures=2, sessions=8,
                          best_e1rm_kg=116.67)  # fmt: skip
    deload = replace(squat_5s(start), load_kg=90.0, mode="hold")
    (missed,) = run("back_squat", ["squat 5,5,3 90"], lambda _s: deload, start)
    assert (missed.state.failures, missed.state.working_load_kg) == (2, 100.0)
    (easy,) = run("back_squat", ["squat 3x5 90 rpe 5"], lambda _s: deload, start)
    assert easy.state.working_load_kg == 100.0 and easy.state.e1rm_kg == 116.67
    assert "easy week" in easy.reason


def test_an_unplanned_hard_run_holds_the_main_lift() -> None:
    (step,) = run("back_squat", ["squat 3x8 60"], squat_6_to_8, after_hard_run=True)
    assert step.state.working_load_kg == 60.0
    assert "unplanned hard or long run" in step.reason
    accessory = Prescription("romanian_deadlift", 3, 6, 8, None, 60.0, 8.0, 120)
    (other,) = run("romanian_deadlift", ["rdl 3x8 60"], lambda _s: accessory,
                   after_hard_run=True)  # fmt: skip
    assert other.state.working_load_kg == 62.5


# --- the e1RM ------------------------------------------------------------------------------


def test_light_power_and_speed_work_never_lowers_the_e1rm() -> None:
    """The first engine's collapse: from e1RM 150, "done" at RPE 7 in power weeks read the
    light sets as max efforts (95 → 60 → 38 → 25 kg)."""
    start = ExerciseState("back_squat", 120.0, 3, 150.0, e1rm_on=TODAY, best_e1rm_kg=150.0)

    def power(_state: ExerciseState | None) -> Prescription:
        return Prescription("back_squat", 3, 3, 5, None, 75.0, 7.0, 150, main_lift=True,
                            target_reps=4, mode="percent", tempo="explosive")  # fmt: skip

    steps = run("back_squat", ["squat 3x4 75"] * 4, power, start)
    assert [p.state.e1rm_kg for p in steps] == [150.0] * 4
    assert all(p.state.working_load_kg == 120.0 for p in steps)  # percent work keeps it


def test_a_lighter_heavy_set_keeps_the_best_and_renews_its_date() -> None:
    start = ExerciseState("deadlift", 100.0, 5, 140.0, e1rm_on=TODAY, best_e1rm_kg=140.0)
    later = replace(start, e1rm_on=TODAY - dt.timedelta(weeks=3))
    (step,) = run("deadlift", ["deadlift 3x5 100 rpe 8"], state=later)
    assert step.state.e1rm_kg == 140.0 and step.state.e1rm_on == TODAY
    (heavier,) = run("deadlift", ["deadlift 3x5 120 rpe 8"], state=start)
    assert heavier.state.e1rm_kg == 148.0  # 120 kg × 5 @ 8 → 81.1 %
    assert heavier.pr == "PR: e1RM 148 kg"


def test_light_work_keeps_the_lift_trained_without_lowering_its_e1rm() -> None:
    """Any working session restarts the decay clock (our reading of "without a qualifying
    set", see plans.progression._with_e1rm); only a heavier estimate raises the value."""
    start = ExerciseState("back_squat", 60.0, 6, 140.0, e1rm_on=TODAY - dt.timedelta(weeks=6))
    light = Prescription("back_squat", 3, 6, 8, None, 60.0, 8.0, 180, target_reps=6)
    (step,) = run("back_squat", ["squat 3x6 60"], lambda _s: light, start)
    assert step.state.e1rm_on == TODAY
    assert step.state.e1rm_kg == pytest.approx(140.0 * 0.96)  # two weeks of decay, kept


def test_e1rm_uses_rpe_when_logged_and_the_first_session_is_no_pr() -> None:
    (step,) = run("deadlift", ["deadlift 140x5 rpe 8"])
    assert step.state.e1rm_kg == 172.6
    assert step.pr is None


def test_reps_at_load_pr_and_no_pr_for_a_failed_session() -> None:
    (step,) = run("back_squat", ["squat 3x7 60"], squat_6_to_8, previous_best_reps_at_load=6)
    assert step.pr == "PR: 7 reps @ 60 kg"
    (none,) = run("back_squat", ["squat 3x6 60"], squat_6_to_8, previous_best_reps_at_load=6)
    assert none.pr is None
    (failed,) = run("back_squat", ["squat 9,9,5 60"], squat_6_to_8, previous_best_reps_at_load=6)
    assert failed.pr is None


def test_pr_text_in_pounds() -> None:
    start = ExerciseState("back_squat", 100.0, 5, 116.67, best_e1rm_kg=116.67)
    (step,) = run("back_squat", ["squat 3x5 245lb"], state=start, units="lb")
    assert step.pr == "PR: e1RM 286 lb"  # 245 lb × (1 + 5/30) = 285.8 lb


def test_percent_work_that_stalls_recalibrates_the_e1rm() -> None:
    start = ExerciseState("back_squat", None, None, 120.0, e1rm_on=TODAY)

    def maintenance(state: ExerciseState | None) -> Prescription:
        return Prescription("back_squat", 2, 3, 5, None, 100.0, 7.5, 150, main_lift=True,
                            target_reps=4, mode="percent")  # fmt: skip

    steps = run("back_squat", ["squat 3,2 100"] * 3, maintenance, start)
    assert [p.state.failures for p in steps] == [1, 2, 0]
    assert steps[-1].state.e1rm_kg == pytest.approx(108.0)


# --- bodyweight, holds, plyometrics -------------------------------------------------------


def test_bodyweight_reps_build_to_the_top_then_the_harder_variant() -> None:
    pushups = Prescription("push_up", 3, 8, 12, None, None, 7.0, 60, target_reps=10)
    steps = run("push_up", ["pushups 3x10", "pushups 3x11 rpe 5", "pushups 3x12"],
                lambda _s: pushups)  # fmt: skip
    assert [p.state.target_reps for p in steps] == [11, 12, 13]
    assert steps[-1].state.mastered
    assert "Triceps dip" in steps[-1].reason


def test_no_equipment_is_no_dead_end() -> None:
    squat = Prescription("bodyweight_squat", 3, 15, 20, None, None, 7.0, 60, target_reps=20)
    (step,) = run("bodyweight_squat", ["air squat 3x20"], lambda _s: squat, equipment="none")
    assert step.state.mastered and "Split squat" in step.reason  # not the goblet squat
    (gym,) = run("bodyweight_squat", ["air squat 3x20"], lambda _s: squat, equipment="gym")
    assert "Goblet squat" in gym.reason


def test_bodyweight_short_sessions_stall_and_back_off() -> None:
    pushups = Prescription("push_up", 3, 12, 20, None, None, 7.0, 60, target_reps=15)
    start = ExerciseState("push_up", None, 15)
    steps = run("push_up", ["pushups 15 12 10"] * 3, lambda _s: pushups, start)
    assert [(p.state.target_reps, p.state.failures) for p in steps] == [(15, 1), (15, 2), (14, 0)]


def test_weighted_bodyweight_progresses_the_added_load() -> None:
    pulls = Prescription("pull_up", 3, 5, 7, None, 10.0, 8.0, 120)
    (step,) = run("pull_up", ["pullups 3x7 +10kg"], lambda _s: pulls)
    assert step.state.working_load_kg == 11.25  # upper body: +1.25 kg
    assert step.state.e1rm_kg is None
    assert describe_target(step.state, "pull_up") == "Next: 3×5 @ +11.25 kg"


def test_holds_add_five_seconds_up_to_the_cap() -> None:
    steps = run("plank", ["plank 3x45s", "plank 3x50s", "plank 3x60s", "plank 3x30s"])
    assert [(p.state.target_reps, p.state.failures) for p in steps] == [
        (50, 0), (55, 0), (65, 0), (65, 1)
    ]  # fmt: skip
    assert steps[2].state.mastered and "Dead bug" in steps[2].reason


def test_plyometric_contacts_grow_a_set_at_a_time_within_the_dose() -> None:
    def pogo(state: ExerciseState | None) -> Prescription:
        contacts = state.target_reps if state and state.target_reps else 40
        return Prescription("pogo_hops", contacts // 10, None, None, None, None, 6.0, 60,
                            foot_contacts=min(contacts, 60))  # fmt: skip

    steps = run("pogo_hops", ["pogo 4x10", "pogo 5x10", "pogo 6x10", "pogo 6x10"], pogo)
    assert [p.state.target_reps for p in steps] == [50, 60, 70, 70]
    assert steps[2].state.mastered and "Single-leg hop" in steps[2].reason
    (advanced,) = run("pogo_hops", ["pogo 10x10"], lambda _s: None, plyo_cap=140,
                      state=ExerciseState("pogo_hops", None, 100))  # fmt: skip
    assert advanced.state.target_reps == 110


def test_plyometric_short_session_holds_the_dose() -> None:
    (step,) = run("pogo_hops", ["pogo 1x20"], state=ExerciseState("pogo_hops", None, 40))
    assert step.state.target_reps == 40


# --- odds and ends ---------------------------------------------------------------------------


def test_nothing_logged_leaves_the_state_alone() -> None:
    start = ExerciseState("back_squat", 100.0, 5)
    progress = next_state(start, "back_squat", [], None, day=TODAY)
    assert progress.state == start and progress.pr is None


def test_custom_exercise_with_load_uses_plate_steps() -> None:
    steps = run("custom:leg press", ["leg press 3x10 100", "leg press 3x12 100"])
    assert loads_and_targets(steps) == [(100.0, 11), (102.5, 10)]
    assert describe_target(steps[-1].state, "custom:leg press") == "Next: 3×10 @ 102.5 kg"


def test_describe_target_without_load_or_target() -> None:
    assert describe_target(ExerciseState("back_squat"), "back_squat") == "Next: 3 sets"
    assert describe_target(ExerciseState("back_squat", None, 5), "back_squat", sets=2) == (
        "Next: 2×5"
    )
