"""The running that really happened: classifying a watch file's run, weekly volume and its
jumps, the day's plan after an unplanned hard or long run, and the progression hold in a week
the running jumped (COACHING.md rule 2, rule 6 and "Running load vs placement")."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.logparse import SetEntry
from plans.prescription import Prescription
from plans.profile import Profile, Race
from plans.programs import DayPlan, plan_day, plan_week
from plans.progression import next_state
from plans.readiness import Readiness, RunDone, RunKind
from plans.runload import (
    Jump,
    RunFacts,
    classify,
    format_duration,
    format_pace,
    volume_jump,
    week_start,
    weekly_volume,
)
from plans.state import ExerciseState
from tests.plans.profiles import FRI, MON
from tests.plans.profiles import profile as _profile

DAY = dt.timedelta(days=1)
RUN_DAY = dt.date(2027, 3, 10)  # a Wednesday
MIN = 60

# --- classifying a run ---------------------------------------------------------------------


def _ago(days: int, minutes: float, km: float | None, hr: int | None, kind: str) -> RunFacts:
    return RunFacts(RUN_DAY - days * DAY, km, round(minutes * MIN), hr, kind)


# Five easy 10 km runs at 5:30 /km and HR 140, two long runs of 1 h 35 min.
HISTORY: tuple[RunFacts, ...] = (
    _ago(30, 95, 16.0, 138, "long"),
    _ago(25, 55, 10.0, 138, "easy"),
    _ago(20, 55, 10.0, 140, "easy"),
    _ago(16, 95, 16.5, 139, "long"),
    _ago(14, 55, 10.0, 142, "easy"),
    _ago(9, 55, 10.0, 140, "easy"),
    _ago(4, 55, 10.0, 141, "easy"),
    _ago(2, 40, 10.0, 165, "hard"),
)
TWO_EASY = (_ago(9, 55, 10.0, 140, "easy"), _ago(4, 55, 10.0, 140, "easy"))
# No run stored as long: the longest quarter (2 of 8 runs, 1 h 40 min) is the usual long run.
NO_LONGS = (
    *(_ago(40 - 5 * i, 50, 9.0, 140, "easy") for i in range(6)),
    _ago(12, 100, 18.0, 140, "easy"),
    _ago(5, 100, 18.0, 140, "easy"),
)
STALE = tuple(_ago(60 + 3 * i, 95 if i % 2 else 55, 10.0, 140, ("easy", "long")[i % 2])
              for i in range(6))  # fmt: skip


def _run(minutes: float | None, km: float | None, hr: int | None = None) -> RunFacts:
    moving = None if minutes is None else round(minutes * MIN)
    return RunFacts(RUN_DAY, km, moving, hr, None)


@pytest.mark.parametrize(
    ("run", "history", "units", "kind", "reason"),
    [
        (_run(112, 20.0, 140), HISTORY, "kg", "long",
         "long: 1 h 52 min, past your usual long run (1 h 35 min)"),
        (_run(80, 14.5, 140), HISTORY, "kg", "long",
         "long: 1 h 20 min, close to your usual long run (1 h 35 min)"),
        (_run(75, 13.6, 140), HISTORY, "kg", "easy",  # under 0.8 × 95 min = 76 min
         "easy: pace and heart rate like your easy runs"),
        (_run(45 + 50 / 60, 10.0, 150), HISTORY, "kg", "hard",
         "hard: 4:35 /km, well under your easy pace (5:30 /km)"),
        (_run(45 + 50 / 60, 10.0, 150), HISTORY, "lb", "hard",
         "hard: 7:23 /mi, well under your easy pace (8:51 /mi)"),
        (_run(3036 / 60, 10.0, 140), HISTORY, "kg", "hard",  # exactly 8 % faster
         "hard: 5:04 /km, well under your easy pace (5:30 /km)"),
        (_run(3040 / 60, 10.0, 140), HISTORY, "kg", "easy",
         "easy: pace and heart rate like your easy runs"),
        (_run(55, 10.0, 152), HISTORY, "kg", "hard",  # 152 ≥ 1.08 × 140
         "hard: heart rate 152, well above your easy runs (140)"),
        (_run(55, 10.0, 151), HISTORY, "kg", "easy",
         "easy: pace and heart rate like your easy runs"),
        (_run(55, None, 155), HISTORY, "kg", "hard",  # no distance: heart rate alone
         "hard: heart rate 155, well above your easy runs (140)"),
        (_run(55, 10.0, None), HISTORY, "kg", "easy", "easy: pace like your easy runs"),
        (_run(None, 10.0, None), HISTORY, "kg", "easy",
         "easy: not enough runs yet to compare — tap to correct"),
        (_run(95, 17.0), (), "kg", "long", "long: 1 h 35 min, over 1 h 30 min"),
        (_run(85, 15.0, 170), (), "kg", "easy",
         "easy: not enough runs yet to compare — tap to correct"),
        (_run(40, 10.0, 170), TWO_EASY, "kg", "easy",  # 2 easy runs: no baseline yet
         "easy: not enough runs yet to compare — tap to correct"),
        (_run(95, 17.0), TWO_EASY, "kg", "long", "long: 1 h 35 min, over 1 h 30 min"),
        (_run(85, 15.3, 140), NO_LONGS, "kg", "long",
         "long: 1 h 25 min, close to your usual long run (1 h 40 min)"),
        (_run(75, 13.5, 140), NO_LONGS, "kg", "easy",
         "easy: pace and heart rate like your easy runs"),
        (_run(40, 10.0, 170), STALE, "kg", "easy",  # all older than 6 and 8 weeks
         "easy: not enough runs yet to compare — tap to correct"),
        (_run(92, 16.0), STALE, "kg", "long", "long: 1 h 32 min, over 1 h 30 min"),
    ],
)  # fmt: skip
def test_classify(
    run: RunFacts, history: tuple[RunFacts, ...], units: str, kind: RunKind, reason: str
) -> None:
    found = classify(run, history, units)
    assert (found.kind, found.reason) == (kind, reason)


def test_a_long_run_needs_an_hour_whatever_the_usual() -> None:
    shorts = tuple(_ago(3 * i + 1, 50, 9.0, 140, "long") for i in range(3))
    assert classify(_run(55, 10.0), shorts).kind == "easy"  # ≥ 0.8 × 50 min, but < 60
    assert classify(_run(60, 11.0), shorts).reason == (
        "long: 1 h 0 min, past your usual long run (50 min)"
    )


def test_a_fast_long_run_is_the_long_run() -> None:
    assert classify(_run(100, 22.0, 170), HISTORY).kind == "long"


@pytest.mark.parametrize(
    ("seconds", "text"), [(45 * MIN, "45 min"), (6720, "1 h 52 min"), (3599, "1 h 0 min")]
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_pace() -> None:
    assert format_pace(330) == "5:30 /km"
    assert format_pace(330, "lb") == "8:51 /mi"
    assert format_pace(299.7) == "5:00 /km"


# --- weekly volume and its jumps -----------------------------------------------------------

WEEK = RUN_DAY - RUN_DAY.weekday() * DAY  # Monday of RUN_DAY's week


def _week_runs(weeks_back: int, *kms: float | None) -> list[RunDone]:
    monday = WEEK - dt.timedelta(weeks=weeks_back)
    return [RunDone(monday + i * DAY, "easy", True, km, 50.0) for i, km in enumerate(kms)]


def test_weekly_volume_counts_empty_weeks_and_known_times_only() -> None:
    runs = [
        *_week_runs(2, 10.0, 12.0),
        RunDone(WEEK - 7 * DAY + 2 * DAY, "hard", False, 8.0, None),  # typed: no time
        *_week_runs(0, None),
    ]
    weeks = weekly_volume(runs, WEEK - dt.timedelta(weeks=3), 4)
    assert [w.start for w in weeks] == [WEEK - dt.timedelta(weeks=3 - i) for i in range(4)]
    assert [(w.km, w.runs) for w in weeks] == [(0.0, 0), (22.0, 2), (8.0, 1), (0.0, 1)]
    assert [w.hours for w in weeks] == pytest.approx([0.0, 100 / 60, 0.0, 50 / 60])
    assert week_start(RUN_DAY) == WEEK


def _history(*weekly_kms: float) -> list[RunDone]:
    """One run a week for the weeks before this one (oldest first; 0: no run)."""
    n = len(weekly_kms)
    return [r for i, km in enumerate(weekly_kms) if km for r in _week_runs(n - i, km)]


@pytest.mark.parametrize(
    ("before", "this", "jump"),
    [
        ((), (30.0,), None),  # no history
        ((0.0, 0.0, 0.0, 20.0), (40.0,), None),  # one week: no baseline
        ((0.0, 0.0, 40.0, 40.0), (26.0, 26.0), None),  # exactly 30 %: no jump
        ((0.0, 0.0, 40.0, 40.0), (26.0, 26.5), (52.5, 40.0)),
        ((0.0, 0.0, 40.0, 40.0), (45.0,), None),  # empty weeks are not averaged in
        ((36.0, 36.0, 36.0, 36.0), (30.0, 22.2), (52.2, 36.0)),
        ((50.0, 36.0, 36.0, 36.0, 36.0), (50.0,), (50.0, 36.0)),  # 5 weeks ago: not counted
    ],
)
def test_volume_jump(
    before: tuple[float, ...], this: tuple[float, ...], jump: tuple[float, float] | None
) -> None:
    runs = _history(*before) + _week_runs(0, *this)
    found = volume_jump(runs, WEEK + (len(this) - 1) * DAY)
    if jump is None:
        assert found is None
    else:
        assert found is not None
        assert (found.this_km, found.average_km) == pytest.approx(jump)


def test_a_jump_says_how_much_in_the_athletes_unit() -> None:
    runs = _history(36.0, 36.0, 36.0, 36.0) + _week_runs(0, 30.0, 22.2)
    found = volume_jump(runs, WEEK + DAY)
    assert found is not None and found.percent == 45
    assert found.reason == "your running jumped 45 % this week (52 km vs 36 km average)"
    assert found.words("lb") == "your running jumped 45 % this week (32 mi vs 22 mi average)"


def test_runs_after_the_day_and_without_distance_dont_count() -> None:
    runs = _history(40.0, 40.0) + _week_runs(0, 20.0, None, 40.0)
    assert volume_jump(runs, WEEK + DAY) is None  # Wednesday's 40 km is after Tuesday
    jump = volume_jump(runs, WEEK + 2 * DAY)
    assert jump is not None and jump.this_km == 60.0


# --- the day's plan after the running that happened ------------------------------------------

START = dt.date(2027, 1, 4)  # a Monday: sessions Mon and Fri, hard run Thu, long run Sun


def _ran(day: dt.date, kind: RunKind = "hard", planned: bool = False,
         km: float | None = 12.0) -> Readiness:  # fmt: skip
    return Readiness(runs=(RunDone(day, kind, planned, km, 60.0),))


FRIDAY = START + 4 * DAY  # Session B


def _fri(readiness: Readiness, profile: Profile | None = None) -> DayPlan:
    return plan_day(profile or _profile(), {}, FRIDAY, plan_start=START, readiness=readiness)


def test_an_unplanned_hard_run_yesterday_makes_the_legs_wait() -> None:
    plan = _fri(_ran(FRIDAY - DAY))
    assert plan.kind == "strength" and plan.title == "Upper body & core"
    assert plan.session_label is None and not plan.heavy_lower
    assert plan.notes[0] == (
        "Legs stay fresh: you ran a hard 12 km yesterday, not in your plan — heavy leg work "
        "waits for your next session."
    )


def test_an_unplanned_long_run_earlier_today_too() -> None:
    plan = _fri(_ran(FRIDAY, "long", km=None))
    assert plan.title == "Upper body & core"
    assert plan.notes[0].startswith("Legs stay fresh: you ran a long run earlier today,")
    miles = _fri(_ran(FRIDAY, "long", km=25.0), _profile(units="lb"))
    assert miles.notes[0].startswith("Legs stay fresh: you ran a long 15.5 mi earlier today,")


@pytest.mark.parametrize(
    "readiness",
    [
        _ran(FRIDAY - DAY, planned=True),  # the hard run on the hard-run day: the plan
        _ran(FRIDAY - 2 * DAY),  # two days before: more than 24 h
        _ran(FRIDAY - DAY, "easy"),
        _ran(FRIDAY + DAY),  # after the session
        Readiness(),
    ],
)
def test_other_runs_change_nothing(readiness: Readiness) -> None:
    plan = _fri(readiness)
    assert plan == _fri(Readiness())
    assert plan.title == "Session B · deadlift focus" and plan.heavy_lower


def test_the_missed_template_comes_next() -> None:
    """Templates follow the athlete: B given up on Friday is Monday's session."""
    week = [*plan_week(_profile(), {}, START, plan_start=START, readiness=_ran(FRIDAY - DAY)),
            *plan_week(_profile(), {}, START + 7 * DAY, plan_start=START,
                       readiness=_ran(FRIDAY - DAY))]  # fmt: skip
    sessions = [(p.date.weekday(), p.session_label) for p in week if p.kind == "strength"]
    assert sessions == [(MON, "A"), (FRI, None), (MON, "B"), (FRI, "A")]
    plain = plan_week(_profile(), {}, START + 7 * DAY, plan_start=START)
    assert [p.session_label for p in plain if p.kind == "strength"] == ["C", "A"]


def test_race_week_routine_mobility_and_rest_days_are_unchanged() -> None:
    race = _profile(race=Race(FRIDAY + 3 * DAY, "10k"))
    assert _fri(_ran(FRIDAY - DAY), race) == _fri(Readiness(), race)
    assert _fri(Readiness(), race).title == "Race-week activation"
    routine = _profile(session_minutes=10)
    assert _fri(_ran(FRIDAY - DAY), routine) == _fri(Readiness(), routine)
    tue = START + DAY
    for profile in (_profile(), _profile(mobility_enabled=False)):
        off = plan_day(profile, {}, tue, plan_start=START, readiness=_ran(START))
        assert off == plan_day(profile, {}, tue, plan_start=START)
        assert off.kind in ("mobility", "rest")


def test_a_day_already_light_keeps_its_own_reason() -> None:
    """Wednesday before Thursday's hard session is light anyway: its note says why."""
    three = _profile(sessions_per_week=3)
    wed = START + 2 * DAY
    plan = plan_day(three, {}, wed, plan_start=START, readiness=_ran(wed - DAY))
    assert plan.title == "Upper body & core"
    assert plan.notes[0] == "Legs stay fresh: Wed is the day before your hard session on Thu."


# --- progression in a week the running jumped --------------------------------------------------

TODAY = dt.date(2027, 3, 10)
JUMP = Jump(52.2, 36.0, "your running jumped 45 % this week (52 km vs 36 km average)")
HELD = "Held: your running jumped 45 % this week (52 km vs 36 km average) — strength holds steady."


def _squat(load: float = 100.0) -> Prescription:
    return Prescription("back_squat", 3, 5, 8, None, load, 8.0, 180, main_lift=True)


def _sets(*reps: int, load: float = 100.0) -> tuple[SetEntry, ...]:
    return tuple(SetEntry(reps=r, load_kg=load) for r in reps)


START_STATE = ExerciseState("back_squat", 100.0, 8, failures=2, sessions=6, reps_low=5,
                            reps_high=8)  # fmt: skip


@pytest.mark.parametrize(
    ("sets", "jump", "load", "failures", "reason"),
    [
        (_sets(8, 8, 8), JUMP, 100.0, 0, f"Back squat: every set reached 8 at 100 kg. {HELD}"),
        (_sets(8, 8, 8), False, 102.5, 0, None),  # default: today's behaviour
        (_sets(8, 8, 8), None, 102.5, 0, None),
        (_sets(6, 5, 4), JUMP, 100.0, 2,
         f"Back squat: a set came in under 5 reps at 100 kg, which doesn't count this week: "
         f"same load next time. {HELD}"),
        (_sets(6, 5, 4), False, 90.0, 0, None),  # the third failure: −10 %
        (_sets(7, 6, 6), JUMP, 100.0, 0, None),  # reps still build in the range
    ],
)  # fmt: skip
def test_a_volume_jump_holds_loads_and_counts_no_failure(
    sets: tuple[SetEntry, ...], jump: Jump | bool | None, load: float, failures: int,
    reason: str | None,
) -> None:  # fmt: skip
    step = next_state(START_STATE, "back_squat", sets, _squat(), day=TODAY, volume_jump=jump)
    assert (step.state.working_load_kg, step.state.failures) == (load, failures)
    if reason is not None:
        assert step.reason == reason
    if not jump:
        assert step == next_state(START_STATE, "back_squat", sets, _squat(), day=TODAY)


def test_the_hold_without_numbers_and_in_miles() -> None:
    step = next_state(START_STATE, "back_squat", _sets(8, 8, 8), _squat(), day=TODAY,
                      volume_jump=True)  # fmt: skip
    assert step.reason.endswith("Held: your running jumped this week — strength holds steady.")
    lb = next_state(START_STATE, "back_squat", _sets(8, 8, 8), _squat(), day=TODAY,
                    volume_jump=JUMP, units="lb")  # fmt: skip
    assert "(32 mi vs 22 mi average)" in lb.reason


def test_an_accessory_is_held_too() -> None:
    """Unlike the run hold (the main lift), a volume jump holds every loaded lift."""
    rdl = Prescription("romanian_deadlift", 3, 6, 8, None, 60.0, 8.0, 120)
    sets = _sets(8, 8, 8, load=60.0)
    assert next_state(None, "romanian_deadlift", sets, rdl, day=TODAY,
                      volume_jump=JUMP).state.working_load_kg == 60.0  # fmt: skip
    assert next_state(None, "romanian_deadlift", sets, rdl, day=TODAY,
                      after_hard_run=True).state.working_load_kg == 62.5  # fmt: skip


def test_no_failure_counts_in_percent_bodyweight_and_hold_work() -> None:
    power = Prescription("back_squat", 3, 3, 5, None, 75.0, 7.0, 150, main_lift=True,
                         mode="percent", tempo="explosive")  # fmt: skip
    state = ExerciseState("back_squat", 100.0, 5, 150.0, failures=2, e1rm_on=TODAY,
                          reps_low=3, reps_high=5)  # fmt: skip
    short = _sets(3, 2, 2, load=75.0)
    held = next_state(state, "back_squat", short, power, day=TODAY, volume_jump=JUMP)
    assert (held.state.failures, held.state.e1rm_kg) == (2, 150.0)
    assert held.reason.endswith(HELD)
    cut = next_state(state, "back_squat", short, power, day=TODAY)
    assert cut.state.e1rm_kg == 135.0  # the third failure without the jump

    push = Prescription("push_up", 3, 8, 12, None, None, 8.0, 90)
    push_state = ExerciseState("push_up", None, 10, failures=2, reps_low=8, reps_high=12)
    reps = (SetEntry(reps=9), SetEntry(reps=7), SetEntry(reps=6))
    held = next_state(push_state, "push_up", reps, push, day=TODAY, volume_jump=JUMP)
    assert (held.state.failures, held.state.target_reps) == (2, 8)
    assert next_state(push_state, "push_up", reps, push, day=TODAY).state.failures == 0

    plank = Prescription("plank", 3, None, None, 40, None, 8.0, 60)
    plank_state = ExerciseState("plank", None, 40, failures=1)
    secs = (SetEntry(seconds=40), SetEntry(seconds=30))
    held = next_state(plank_state, "plank", secs, plank, day=TODAY, volume_jump=JUMP)
    assert (held.state.failures, held.state.target_reps) == (1, 40)
    assert next_state(plank_state, "plank", secs, plank, day=TODAY).state.failures == 2
