from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans import exercises
from plans.exercises import LIBRARY, get, load_step_kg, resolve, round_load, suggest

REQUIRED = """
back_squat front_squat goblet_squat split_squat bulgarian_split_squat reverse_lunge
walking_lunge lateral_lunge step_up step_down single_leg_squat romanian_deadlift
single_leg_rdl deadlift trap_bar_deadlift hip_thrust glute_bridge single_leg_glute_bridge
kettlebell_swing good_morning calf_raise single_leg_calf_raise tibialis_raise copenhagen_plank
push_up dumbbell_row inverted_row pull_up overhead_press dumbbell_bench_press tricep_dip
face_pull band_pull_apart plank side_plank dead_bug bird_dog pallof_press russian_twist
leg_raise superman squat_jump box_jump pogo_hops single_leg_hop bounding broad_jump skater_jump
bench_press wall_sit hip_flexor_stretch calf_stretch foam_roll_quads foam_roll_calves
ankle_circles short_foot world_greatest_stretch
""".split()


@pytest.mark.parametrize("exercise_id", REQUIRED)
def test_required_ids_exist(exercise_id: str) -> None:
    assert get(exercise_id).id == exercise_id


def test_get_unknown_raises_key_error() -> None:
    with pytest.raises(KeyError):
        get("underwater_basket_weaving")


def test_library_is_consistent() -> None:
    for ex in LIBRARY.values():
        assert ex.equipment and ex.equipment <= {"none", "home", "gym"}, ex.id
        for other in (ex.regression, ex.progression):
            assert other is None or other in LIBRARY, (ex.id, other)
        assert ex.cue and len(ex.cue) <= 80, ex.id
        if ex.load_type in ("hold", "plyo") or ex.implement == "bodyweight":
            assert ex.increment_kg in (0.0, 1.25), ex.id
        if ex.pattern == "mobility":
            assert ex.load_type == "hold", ex.id
    assert get("wall_sit").load_type == "hold"
    assert get("back_squat").increment_kg == 2.5
    assert get("overhead_press").increment_kg == 1.25
    assert get("goblet_squat").increment_kg == 2.0
    assert get("push_up").increment_kg == 0.0
    assert "gym" not in {"gym"} - get("deadlift").equipment
    assert "home" not in get("back_squat").equipment  # home = no barbell rack


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sq", "back_squat"),
        ("Squat", "back_squat"),
        ("back squat", "back_squat"),
        ("back_squat", "back_squat"),
        ("dl", "deadlift"),
        ("RDL", "romanian_deadlift"),
        ("rdls", "romanian_deadlift"),
        ("sldl", "single_leg_rdl"),
        ("sl rdl", "single_leg_rdl"),
        ("bss", "bulgarian_split_squat"),
        ("rfess", "bulgarian_split_squat"),
        ("Bulgarian split squats", "bulgarian_split_squat"),
        ("ohp", "overhead_press"),
        ("kb swing", "kettlebell_swing"),
        ("kbs", "kettlebell_swing"),
        ("bench", "bench_press"),
        ("pushup", "push_up"),
        ("push-ups", "push_up"),
        ("press up", "push_up"),
        ("press-ups", "push_up"),
        ("pullup", "pull_up"),
        ("pull ups", "pull_up"),
        ("chin up", "pull_up"),
        ("chin-ups", "pull_up"),
        ("step ups", "step_up"),
        ("step-up", "step_up"),
        ("split squats", "split_squat"),
        ("hip thrusts", "hip_thrust"),
        ("calf raises", "calf_raise"),
        ("Copenhagen", "copenhagen_plank"),
        ("toe yoga", "short_foot"),
        ("pogos", "pogo_hops"),
        ("  Goblet   Squat ", "goblet_squat"),
        ("wall-sit", "wall_sit"),
    ],
)
def test_resolve_aliases(text: str, expected: str) -> None:
    found = resolve(text)
    assert found is not None and found.id == expected


@pytest.mark.parametrize("text", ["", "zumba", "squat jumpz rope", "123"])
def test_resolve_unknown_is_none(text: str) -> None:
    assert resolve(text) is None


def test_every_name_and_alias_resolves_to_its_owner() -> None:
    for ex in LIBRARY.values():
        for label in (ex.id, ex.name, *ex.aliases):
            assert resolve(label) == ex, label


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("bulgrian squat", "bulgarian_split_squat"),
        ("deadlfit", "deadlift"),
        ("goblin squat", "goblet_squat"),
        ("romanain deadlift", "romanian_deadlift"),
        ("kettlebel swing", "kettlebell_swing"),
        ("plnk", "plank"),
    ],
)
def test_suggest_finds_the_intended_exercise_first(typo: str, expected: str) -> None:
    assert suggest(typo)[0].id == expected


def test_suggest_limits_and_deduplicates() -> None:
    found = suggest("squat", limit=5)
    assert len(found) == 5
    assert len({e.id for e in found}) == 5
    assert suggest("qqqqqqqq") == []
    assert suggest("squat", limit=0) == []


LB = 0.45359237


def lb(pounds: float) -> float:
    return round(pounds * LB, 2)


@pytest.mark.parametrize(
    ("exercise_id", "kg", "units", "expected"),
    [
        # barbell lower body: 2.5 kg
        ("back_squat", 61.9, "kg", 62.5),
        ("back_squat", 101.2, "kg", 100.0),
        ("back_squat", 61.25, "kg", 62.5),  # ties round up
        ("back_squat", 0.0, "kg", 0.0),
        ("back_squat", -5.0, "kg", 0.0),
        # barbell upper body: 1.25 kg (increment 1.25 or a push/pull pattern)
        ("bench_press", 61.25, "kg", 61.25),
        ("bench_press", 61.8, "kg", 61.25),
        ("bench_press", 61.9, "kg", 62.5),
        ("overhead_press", 31.0, "kg", 31.25),
        ("face_pull", 11.0, "kg", 11.25),  # cable pull: upper body by pattern
        # added load on bodyweight work moves in plate steps by the same rule
        ("pull_up", 11.0, "kg", 11.25),
        ("step_down", 3.0, "kg", 2.5),
        # dumbbells and kettlebells: 2–24 kg by 2, then 28, 32, … by 4; ties up
        ("goblet_squat", 15.1, "kg", 16.0),
        ("goblet_squat", 23.0, "kg", 24.0),
        ("goblet_squat", 25.0, "kg", 24.0),
        ("goblet_squat", 26.0, "kg", 28.0),
        ("goblet_squat", 26.5, "kg", 28.0),
        ("kettlebell_swing", 30.1, "kg", 32.0),
        ("kettlebell_swing", 13.0, "kg", 14.0),
        ("dumbbell_row", 52.0, "kg", 52.0),
        ("goblet_squat", 0.5, "kg", 2.0),
        # lb athletes: 5 lb lower, 2.5 lb upper, 5 lb dumbbells; returned in kg
        ("back_squat", lb(135), "lb", lb(135)),
        ("back_squat", 61.3, "lb", lb(135)),
        ("back_squat", 63.0, "lb", lb(140)),
        ("bench_press", lb(95), "lb", lb(95)),
        ("bench_press", lb(96.5), "lb", lb(97.5)),
        ("overhead_press", 31.25, "lb", lb(70)),
        ("goblet_squat", lb(37), "lb", lb(35)),
        ("goblet_squat", lb(38), "lb", lb(40)),
        ("goblet_squat", lb(1), "lb", lb(5)),
        # nothing to load: 0.0 (the planner shows it as bodyweight work)
        ("band_pull_apart", 10.0, "kg", 0.0),
        ("box_jump", 10.0, "lb", 0.0),
        ("wall_sit", 10.0, "kg", 0.0),
    ],
)
def test_round_load(exercise_id: str, kg: float, units: str, expected: float) -> None:
    assert round_load(kg, get(exercise_id), units) == expected


def test_round_load_defaults_to_kg() -> None:
    assert round_load(61.25, get("bench_press")) == 61.25


@settings(max_examples=300, deadline=None)
@given(
    exercise_id=st.sampled_from(sorted(LIBRARY)),
    kg=st.floats(min_value=0.01, max_value=400),
    units=st.sampled_from(("kg", "lb")),
)
def test_round_load_is_idempotent_and_on_the_grid(exercise_id: str, kg: float, units: str) -> None:
    ex = get(exercise_id)
    once = round_load(kg, ex, units)
    assert round_load(once, ex, units) == once
    if once == 0.0:
        return
    value, step = (once / LB, 2.5) if units == "lb" else (once, 1.25)
    if units == "kg" and ex.implement in ("dumbbell", "kettlebell"):
        step = 2.0
    assert abs(value / step - round(value / step)) < 0.01


@pytest.mark.parametrize(
    ("exercise_id", "kg", "units", "down", "expected"),
    [
        ("back_squat", 100.0, "kg", False, 2.5),
        ("back_squat", 100.0, "lb", False, lb(5)),
        ("bench_press", 60.0, "kg", False, 1.25),
        ("bench_press", 60.0, "lb", False, lb(2.5)),
        ("goblet_squat", 22.0, "kg", False, 2.0),
        ("goblet_squat", 24.0, "kg", False, 4.0),
        ("goblet_squat", 24.0, "kg", True, 2.0),
        ("goblet_squat", 28.0, "kg", True, 4.0),
        ("goblet_squat", 28.0, "lb", False, lb(5)),
        ("band_pull_apart", 10.0, "kg", False, 0.0),
    ],
)
def test_load_step_kg(exercise_id: str, kg: float, units: str, down: bool, expected: float) -> None:
    assert load_step_kg(kg, get(exercise_id), units, down=down) == expected


def test_available_by_equipment() -> None:
    bodyweight_pulls = {e.id for e in exercises.available("pull", "none")}
    assert "inverted_row" in bodyweight_pulls
    assert "dumbbell_row" not in bodyweight_pulls
    assert all(e.available_with("none") for e in exercises.available("squat", "none"))
