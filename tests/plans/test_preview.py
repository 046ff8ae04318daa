from __future__ import annotations

import datetime as dt
import json

from plans.exercises import get
from plans.preview import preview, preview_json, preview_text
from plans.profile import Profile
from plans.programs import plan_day
from plans.state import ExerciseState

START = dt.date(2027, 1, 4)

PROFILE = Profile.from_dict(
    {
        "running_days": ["tue", "thu", "sat", "sun"],
        "long_run_day": "sun",
        "hard_days": ["thu"],
        "race": {"date": "2027-05-16", "distance": "half"},
        "strength_experience": "some",
        "equipment": "gym",
        "sessions_per_week": 2,
        "session_minutes": 30,
    }
)


def test_preview_covers_every_day_from_start() -> None:
    days = preview(PROFILE, START, 3)
    assert len(days) == 21
    assert days[0].date == START and days[-1].date == START + dt.timedelta(days=20)
    assert days[5] == plan_day(PROFILE, {}, days[5].date, plan_start=START)
    assert preview(PROFILE, START, 0) == []


def test_preview_json_is_serialisable_and_shaped() -> None:
    data = preview_json(PROFILE, START, 2)
    assert len(data) == 14
    json.dumps(data)
    kinds = {d["kind"] for d in data}
    assert kinds <= {"strength", "mobility", "rest"} and "strength" in kinds
    first = next(d for d in data if d["kind"] == "strength")
    assert first["phase"] == "anatomical_adaptation" and first["week"] == 1
    assert first["deload"] is False
    assert all(set(e) >= {"id", "sets", "reps", "load_kg"} for e in first["exercises"])


def test_preview_uses_states() -> None:
    states = {"back_squat": ExerciseState("back_squat", e1rm_kg=120.0)}
    with_state = preview_json(PROFILE, START, 1, states)
    squat = next(e for d in with_state for e in d["exercises"] if e["id"] == "back_squat")
    assert squat["load_kg"] is not None
    without = preview_json(PROFILE, START, 1)
    squat = next(e for d in without for e in d["exercises"] if e["id"] == "back_squat")
    assert squat["load_kg"] is None


def test_preview_text_is_plain_and_weekly() -> None:
    text = preview_text(PROFILE, START, 2)
    weeks = [b for b in text.split("\n\n") if b.startswith("Week of")]
    assert len(weeks) == 2
    assert weeks[0].startswith("Week of 4 Jan · Anatomical adaptation wk 1")
    assert "<b>" not in text and "<i>" not in text
    assert len(weeks[0].splitlines()) == 9
    strength_days = [d for d in preview(PROFILE, START, 2) if d.kind == "strength"]
    for day in strength_days:  # every session is shown in full, exercises included
        assert get(day.exercises[0].exercise).name in text


def test_preview_is_deterministic() -> None:
    assert preview_json(PROFILE, START, 4) == preview_json(PROFILE, START, 4)
