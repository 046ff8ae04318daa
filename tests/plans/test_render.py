from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings

from plans.exercises import get
from plans.periodization import phase_for
from plans.prescription import Prescription
from plans.profile import Profile, Race
from plans.programs import DayPlan, plan_day, plan_week
from plans.render import MAX_MESSAGE_CHARS, format_load, render_day, render_week
from plans.state import ExerciseState
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


def _session() -> DayPlan:
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
            Prescription("goblet_squat", 3, 8, 10, None, 16.0, 7.0, 75, main_lift=True,
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


GOLDEN_SESSION = """<b>Session A · squat focus</b> · Mon 4 Jan
<i>Base · volume · week 1</i>
General strength

<b>A.</b> Pogo hops 2×20 contacts · quick and springy · rest 45 s · RPE 7
   <i>Stiff ankles, quick light bounces.</i>
<b>B1.</b> Goblet squat 3×8-10 @ 16 kg, aim for 9 · RPE 7
   <i>Hold the weight at your chest and keep your heels down.</i>
<b>B2.</b> Push-up 2×8-12, aim for 8 · bodyweight · RPE 7
   <i>One straight line from head to heels.</i>
   ↻ <i>B1 → B2 back to back, rest 75 s after each round</i>
<b>C1.</b> Reverse lunge 2×8-10/side, aim for 8 · light — RPE 6-7
   <i>Step back softly, push up through the front heel.</i>
<b>C2.</b> Side plank 2×30 s/side · RPE 7
   <i>Hips high, straight line from head to feet.</i>
   ↻ <i>C1 → C2 back to back, rest 45 s after each round</i>

⏱ ~19 min incl. 3 min warm-up
No load on record yet: start light, RPE 6-7 (3-4 reps in reserve).
Log: reply "goblet squat 3x9 16kg" or tap ✅ Done"""


def test_golden_session_message() -> None:
    assert render_day(_session()) == GOLDEN_SESSION


def test_golden_session_in_pounds_with_late_note() -> None:
    text = render_day(_session(), "lb", late_note="Sent late: the bot was offline.")
    lines = text.splitlines()
    assert lines[1] == "<i>Sent late: the bot was offline.</i>"
    assert "<b>B1.</b> Goblet squat 3×8-10 @ 35 lb, aim for 9 · RPE 7" in lines
    assert text.endswith('Log: reply "goblet squat 3x9 35lb" or tap ✅ Done')


GOLDEN_RACE_DAY = """<b>Race day</b> · Sun 14 Mar
Race day: no strength work. Go get it!"""


def test_golden_race_day_message() -> None:
    race = dt.date(2027, 3, 14)
    profile = _profile(race=Race(race, "half"))
    assert render_day(plan_day(profile, {}, race, plan_start=START)) == GOLDEN_RACE_DAY
    eve = render_day(plan_day(profile, {}, race - DAY, plan_start=START))
    assert eve.startswith("<b>Rest: race tomorrow</b>")


def test_mobility_message_is_short() -> None:
    week = plan_week(_profile(), {}, START, plan_start=START)
    mobility = next(p for p in week if p.kind == "mobility")
    text = render_day(mobility)
    assert len(text) < 500
    assert "No need to log it" in text and "<i>~" in text
    strength = next(p for p in week if p.kind == "strength")
    assert len(text) < len(render_day(strength))


def test_format_load_units() -> None:
    assert format_load(100.0, get("back_squat")) == "100 kg"
    assert format_load(62.5, get("back_squat")) == "62.5 kg"
    assert format_load(100.0, get("back_squat"), "lb") == "220 lb"
    assert format_load(31.25, get("overhead_press"), "lb") == "70 lb"
    assert format_load(16.0, get("goblet_squat"), "lb") == "35 lb"


def test_escaping() -> None:
    plan = _session()
    text = render_day(plan, late_note="<script> & co")
    assert "&lt;script&gt; &amp; co" in text
    assert set(re.findall(r"</?([a-z]+)", text)) <= {"b", "i", "code"}


def test_render_week_one_line_a_day() -> None:
    profile = _profile()
    moves = [(START, START + 2 * DAY)]
    week = plan_week(profile, {}, START, plan_start=START, moves=moves)
    text = render_week(week)
    lines = text.splitlines()
    assert lines[0] == "<b>Week of 4 Jan</b> · <i>Base · volume wk 1</i>"
    assert len(lines) == 9
    assert lines[1].startswith("<b>Mon 4</b>")
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
            assert set(re.findall(r"</?([a-z]+)", text)) <= {"b", "i", "code"}
            if plan.kind == "strength":
                assert "Log: reply" in text
    assert len(render_week(week, profile.units)) < MAX_MESSAGE_CHARS


def test_format_load_in_lb_matches_round_load() -> None:
    lb = 0.45359237
    assert format_load(round(97.5 * lb, 2), get("bench_press"), "lb") == "97.5 lb"
    assert format_load(round(140 * lb, 2), get("back_squat"), "lb") == "140 lb"
    assert format_load(11.25, get("face_pull"), "lb") == "25 lb"  # cable pull: 2.5 lb steps
    assert format_load(round(37 * lb, 2), get("goblet_squat"), "lb") == "35 lb"
