from __future__ import annotations

import datetime as dt

from hypothesis import given, settings

from plans.periodization import phase_for
from plans.prescription import Prescription
from plans.profile import Profile, Race
from plans.programs import DayPlan, plan_day, plan_week
from plans.render import MAX_MESSAGE_CHARS, render_day, render_week
from plans.state import ExerciseState
from plans.units import format_weight, to_kg
from tests.plans.markup import markup
from tests.plans.test_programs import START, plan_offsets, profiles, state_maps

DAY = dt.timedelta(days=1)


def _profile(**changes: object) -> Profile:
    base: dict[str, object] = dict(
        running_days=frozenset({1, 3, 5, 6}),
        long_run_day=6,
        hard_days=frozenset({3}),
        race=None,
        strength_experience="some",
        equipment="home",
        sessions_per_week=2,
        session_minutes=20,
    )
    base.update(changes)
    return Profile(**base)  # type: ignore[arg-type]


def _session(goblet_kg: float = 16.0) -> DayPlan:
    phase = phase_for(_profile(), START, START)
    return DayPlan(
        date=START,
        kind="strength",
        phase=phase,
        title="Session A · squat focus",
        session_label="A",
        exercises=(
            Prescription("pogo_hops", 2, None, None, None, None, 7.0, 45, foot_contacts=40,
                         group="A", tempo="quick and springy"),
            Prescription("goblet_squat", 3, 8, 10, None, goblet_kg, 7.0, 75, main_lift=True,
                         target_reps=9, group="B1"),
            Prescription("push_up", 2, 8, 12, None, None, 7.0, 75, group="B2"),
            Prescription("reverse_lunge", 2, 8, 10, None, None, 7.0, 45, per_side=True,
                         group="C1"),
            Prescription("side_plank", 2, None, None, 30, None, 7.0, 45, per_side=True,
                         group="C2"),
        ),
        minutes=19,
        notes=("No load on record yet: start light, RPE 6-7 (3-4 reps in reserve).",),
        heavy_lower=True,
        warmup_min=3,
        bodyweight=("push_up", "side_plank", "pogo_hops"),
    )  # fmt: skip


GOLDEN_SESSION = """**Session A · squat focus** · Mon 4 Jan
_Base · volume · week 1_
General strength

**A.** Pogo hops 2×20 contacts · quick and springy · rest 45 s · RPE 7
   _Stiff ankles, quick light bounces._
**B1.** Goblet squat 3×8-10 @ 16 kg, aim for 9 · RPE 7
   _Hold the weight at your chest and keep your heels down._
**B2.** Push-up 2×8-12, aim for 8 · bodyweight · RPE 7
   _One straight line from head to heels._
   ↻ _B1 → B2 back to back, rest 75 s after each round_
**C1.** Reverse lunge 2×8-10/side, aim for 8 · light — RPE 6-7
   _Step back softly, push up through the front heel._
**C2.** Side plank 2×30 s/side · RPE 7
   _Hips high, straight line from head to feet._
   ↻ _C1 → C2 back to back, rest 45 s after each round_

⏱ ~19 min incl. 3 min warm-up
No load on record yet: start light, RPE 6-7 (3-4 reps in reserve).
Log: reply "goblet squat 3x9 16kg" or tap ✅ Done"""


def test_golden_session_message() -> None:
    assert markup(render_day(_session())) == GOLDEN_SESSION


def test_golden_session_in_pounds_with_late_note() -> None:
    # The coach prescribes a pounds athlete loads they can make in pounds: 35 lb.
    text = markup(
        render_day(_session(to_kg(35, "lb")), "lb", late_note="Sent late: the bot was offline.")
    )
    lines = text.splitlines()
    assert lines[1] == "_Sent late: the bot was offline._"
    assert "**B1.** Goblet squat 3×8-10 @ 35 lb, aim for 9 · RPE 7" in lines
    assert text.endswith('Log: reply "goblet squat 3x9 35lb" or tap ✅ Done')


GOLDEN_RACE_DAY = """**Race day** · Sun 14 Mar
Race day: no strength work. Go get it!"""


def test_golden_race_day_message() -> None:
    race = dt.date(2027, 3, 14)
    profile = _profile(race=Race(race, "half"))
    assert markup(render_day(plan_day(profile, {}, race, plan_start=START))) == GOLDEN_RACE_DAY
    eve = markup(render_day(plan_day(profile, {}, race - DAY, plan_start=START)))
    assert eve.startswith("**Rest: race tomorrow**")


def test_mobility_message_is_short() -> None:
    week = plan_week(_profile(), {}, START, plan_start=START)
    mobility = next(p for p in week if p.kind == "mobility")
    text = markup(render_day(mobility))
    assert len(text) < 500
    assert "No need to log it" in text and "_~" in text
    strength = next(p for p in week if p.kind == "strength")
    assert len(text) < len(render_day(strength))


def test_weights_read_in_the_athletes_unit() -> None:
    assert format_weight(100.0, "kg") == "100 kg"
    assert format_weight(62.5, "kg") == "62.5 kg"
    assert format_weight(61.25, "kg") == "61.25 kg"
    assert format_weight(100.0, "lb") == "220.5 lb"


def test_pounds_read_back_exactly_as_typed() -> None:
    # Loads typed or prescribed in pounds are stored in kg (2 decimals) and read back as the
    # same number of pounds, at every half pound a runner could load.
    for half_pounds in range(1, 1400):
        pounds = half_pounds / 2
        assert format_weight(to_kg(pounds, "lb"), "lb") == f"{pounds:g} lb"


def test_the_message_carries_no_markup() -> None:
    # Styles are spans; the text itself is the athlete's words, never a chat's markup.
    message = render_day(_session(), late_note="<script> & co")
    assert "<script> & co" in message.plain
    styled = [s.text for s in message.spans if s.style]
    assert "Session A · squat focus" in styled and "<script> & co" in styled


def test_render_week_one_line_a_day() -> None:
    profile = _profile()
    moves = [(START, START + 2 * DAY)]
    week = plan_week(profile, {}, START, plan_start=START, moves=moves)
    text = markup(render_week(week))
    lines = text.splitlines()
    assert lines[0] == "**Week of 4 Jan** · _Base · volume wk 1_"
    assert len(lines) == 9
    assert lines[1].startswith("**Mon 4**")
    assert "moved to" in lines[1] and "moved from" in lines[3]
    assert lines[-1].startswith("Strength this week: ~")


@settings(max_examples=80, deadline=None)
@given(profile=profiles(), states=state_maps(), offset=plan_offsets)
def test_messages_always_fit_a_phone(
    profile: Profile, states: dict[str, ExerciseState], offset: int
) -> None:
    first = START + dt.timedelta(days=offset)
    week = plan_week(profile, states, first, plan_start=START)
    for plan in week:
        for units in ("kg", "lb"):
            text = render_day(plan, units, late_note="Sent 2 h late: sorry about that.")
            assert 0 < len(text) < MAX_MESSAGE_CHARS
            if plan.kind == "strength":
                assert "Log: reply" in text
    assert len(render_week(week, profile.units)) < MAX_MESSAGE_CHARS
