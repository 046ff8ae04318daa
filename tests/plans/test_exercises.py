from __future__ import annotations

import pytest

from plans import exercises
from plans.exercises import LIBRARY, get, resolve, round_load, suggest

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


@pytest.mark.parametrize(
    ("exercise_id", "kg", "expected"),
    [
        ("back_squat", 61.9, 62.5),
        ("back_squat", 101.2, 100.0),
        ("overhead_press", 31.0, 31.25),
        ("goblet_squat", 15.1, 16.0),
        ("goblet_squat", 23.0, 24.0),
        ("goblet_squat", 26.5, 28.0),
        ("kettlebell_swing", 30.1, 32.0),
        ("goblet_squat", 0.5, 2.0),
        ("back_squat", 0.0, 0.0),
    ],
)
def test_round_load(exercise_id: str, kg: float, expected: float) -> None:
    assert round_load(kg, get(exercise_id)) == expected


def test_available_by_equipment() -> None:
    bodyweight_pulls = {e.id for e in exercises.available("pull", "none")}
    assert "inverted_row" in bodyweight_pulls
    assert "dumbbell_row" not in bodyweight_pulls
    assert all(e.available_with("none") for e in exercises.available("squat", "none"))
