"""The exercise library: every movement the coach can prescribe, with the names athletes use.

Pure data plus name lookup, shared by the program builder, the log parser and progression.
Equipment levels say where an exercise can be done: "none" means it also works with body
weight alone, "home" with dumbbells/kettlebells/bands, "gym" with everything.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein, Indel

from plans.units import LB_TO_KG

LoadType = Literal["external", "bodyweight", "hold", "plyo"]
Pattern = Literal[
    "squat",
    "hinge",
    "single_leg",
    "push",
    "pull",
    "core_anti_extension",
    "core_anti_rotation",
    "core_anti_lateral",
    "calf_foot",
    "plyometric",
    "mobility",
]
Implement = Literal[
    "barbell", "dumbbell", "kettlebell", "bodyweight", "band", "cable", "box", "none"
]

PATTERNS: tuple[Pattern, ...] = (
    "squat",
    "hinge",
    "single_leg",
    "push",
    "pull",
    "core_anti_extension",
    "core_anti_rotation",
    "core_anti_lateral",
    "calf_foot",
    "plyometric",
    "mobility",
)


@dataclass(frozen=True)
class Exercise:
    """One movement; `regression`/`progression` name the easier/harder variant by id."""

    id: str
    name: str
    aliases: tuple[str, ...]
    pattern: Pattern
    equipment: frozenset[str]
    unilateral: bool
    load_type: LoadType
    increment_kg: float
    implement: Implement
    cue: str
    regression: str | None
    progression: str | None

    def available_with(self, equipment: str) -> bool:
        """True when the athlete's equipment level ("none"/"home"/"gym") allows this."""
        return equipment in self.equipment


_ALL = frozenset({"none", "home", "gym"})
_KIT = frozenset({"home", "gym"})
_GYM = frozenset({"gym"})


def _ex(
    id: str,
    name: str,
    pattern: Pattern,
    equipment: frozenset[str],
    implement: Implement,
    cue: str,
    *,
    aliases: tuple[str, ...] = (),
    unilateral: bool = False,
    load_type: LoadType = "external",
    increment_kg: float | None = None,
    regression: str | None = None,
    progression: str | None = None,
) -> Exercise:
    if increment_kg is None:
        increment_kg = {"barbell": 2.5, "dumbbell": 2.0, "kettlebell": 2.0}.get(implement, 0.0)
        if load_type in ("hold", "plyo"):
            increment_kg = 0.0
    return Exercise(
        id=id,
        name=name,
        aliases=aliases,
        pattern=pattern,
        equipment=equipment,
        unilateral=unilateral,
        load_type=load_type,
        increment_kg=increment_kg,
        implement=implement,
        cue=cue,
        regression=regression,
        progression=progression,
    )


_EXERCISES: tuple[Exercise, ...] = (
    # --- squat pattern ---
    _ex(
        "back_squat",
        "Back squat",
        "squat",
        _GYM,
        "barbell",
        "Brace, sit between your hips, drive the floor away.",
        aliases=("squat", "sq", "barbell squat", "bb squat", "high bar squat", "low bar squat"),
        regression="goblet_squat",
    ),
    _ex(
        "front_squat",
        "Front squat",
        "squat",
        _GYM,
        "barbell",
        "Elbows high, chest tall, knees track over toes.",
        aliases=("fs", "front squats"),
        regression="goblet_squat",
    ),
    _ex(
        "goblet_squat",
        "Goblet squat",
        "squat",
        _KIT,
        "dumbbell",
        "Hold the weight at your chest and keep your heels down.",
        aliases=("goblet", "gs", "db squat", "kb squat", "dumbbell squat"),
        regression="bodyweight_squat",
        progression="back_squat",
    ),
    _ex(
        "bodyweight_squat",
        "Bodyweight squat",
        "squat",
        _ALL,
        "bodyweight",
        "Slow down, quick up, full foot on the floor.",
        aliases=("air squat", "bw squat", "body weight squat"),
        load_type="bodyweight",
        progression="goblet_squat",
    ),
    _ex(
        "wall_sit",
        "Wall sit",
        "squat",
        _ALL,
        "none",
        "Thighs level, back flat on the wall, breathe.",
        aliases=("wall squat", "wallsit"),
        load_type="hold",
    ),
    # Isometric holds: what a session swaps in for lifts that load a niggle (plans.niggles).
    _ex(
        "spanish_squat",
        "Spanish squat",
        "squat",
        _KIT,
        "band",
        "Band behind the knees, anchored in front; sit back, shins upright, hold.",
        aliases=("spanish squats", "band spanish squat", "spanish squat hold"),
        load_type="hold",
    ),
    # --- single leg ---
    _ex(
        "split_squat",
        "Split squat",
        "single_leg",
        _ALL,
        "dumbbell",
        "Back knee straight down, front foot flat.",
        aliases=("split squats", "static lunge", "ss"),
        unilateral=True,
        regression="bodyweight_squat",
        progression="bulgarian_split_squat",
    ),
    _ex(
        "bulgarian_split_squat",
        "Bulgarian split squat",
        "single_leg",
        _ALL,
        "dumbbell",
        "Rear foot on a bench, most weight on the front leg.",
        aliases=("bss", "rfess", "rear foot elevated split squat", "bulgarian", "bulgarians"),
        unilateral=True,
        regression="split_squat",
        progression="single_leg_squat",
    ),
    _ex(
        "reverse_lunge",
        "Reverse lunge",
        "single_leg",
        _ALL,
        "dumbbell",
        "Step back softly, push up through the front heel.",
        aliases=("lunge", "back lunge", "rear lunge"),
        unilateral=True,
        regression="split_squat",
        progression="walking_lunge",
    ),
    _ex(
        "walking_lunge",
        "Walking lunge",
        "single_leg",
        _ALL,
        "dumbbell",
        "Long even steps, torso tall, no knee crash.",
        aliases=("walking lunges", "walk lunge"),
        unilateral=True,
        regression="reverse_lunge",
    ),
    _ex(
        "lateral_lunge",
        "Lateral lunge",
        "single_leg",
        _ALL,
        "dumbbell",
        "Sit back into one hip, the other leg stays long.",
        aliases=("side lunge", "cossack"),
        unilateral=True,
        regression="split_squat",
    ),
    _ex(
        "step_up",
        "Step-up",
        "single_leg",
        _ALL,
        "dumbbell",
        "Drive through the top foot; no push from the ground leg.",
        aliases=("stepup", "box step up", "step ups"),
        unilateral=True,
        regression="split_squat",
        progression="step_down",
    ),
    _ex(
        "step_down",
        "Step-down",
        "single_leg",
        _ALL,
        "bodyweight",
        "Lower for three seconds, hips level, knee over toes.",
        aliases=("eccentric step down", "lateral step down", "heel tap"),
        unilateral=True,
        load_type="bodyweight",
        regression="step_up",
        progression="single_leg_squat",
    ),
    _ex(
        "single_leg_squat",
        "Single-leg squat",
        "single_leg",
        _ALL,
        "bodyweight",
        "Sit back to a box on one leg, control the way down.",
        aliases=("pistol", "pistol squat", "sl squat", "one leg squat", "box pistol"),
        unilateral=True,
        load_type="bodyweight",
        regression="bulgarian_split_squat",
    ),
    # --- hinge ---
    _ex(
        "romanian_deadlift",
        "Romanian deadlift",
        "hinge",
        _KIT,
        "barbell",
        "Push your hips back, bar close to the legs, soft knees.",
        aliases=("rdl", "romanian dl", "stiff leg deadlift", "db rdl"),
        regression="kettlebell_deadlift",
        progression="single_leg_rdl",
    ),
    _ex(
        "single_leg_rdl",
        "Single-leg RDL",
        "hinge",
        _ALL,
        "dumbbell",
        "Weight in the hand opposite the stance leg, hips square.",
        aliases=("sldl", "sl rdl", "single leg deadlift", "one leg rdl", "slrdl"),
        unilateral=True,
        regression="romanian_deadlift",
    ),
    _ex(
        "deadlift",
        "Deadlift",
        "hinge",
        _GYM,
        "barbell",
        "Bar over mid-foot, push the floor, lock out tall.",
        aliases=("dl", "conventional deadlift", "barbell deadlift"),
        regression="trap_bar_deadlift",
    ),
    _ex(
        "trap_bar_deadlift",
        "Trap-bar deadlift",
        "hinge",
        _GYM,
        "barbell",
        "Stand in the middle, chest up, drive through the floor.",
        aliases=("trap bar", "hex bar deadlift", "tbdl", "hex bar"),
        regression="kettlebell_deadlift",
        progression="deadlift",
    ),
    _ex(
        "kettlebell_deadlift",
        "Kettlebell deadlift",
        "hinge",
        _KIT,
        "kettlebell",
        "Bell between the feet, hips back, stand up tall.",
        aliases=("kb deadlift", "kbdl", "dumbbell deadlift", "db deadlift"),
        regression="glute_bridge",
        progression="romanian_deadlift",
    ),
    _ex(
        "hip_thrust",
        "Hip thrust",
        "hinge",
        _KIT,
        "barbell",
        "Chin tucked, ribs down, squeeze glutes at the top.",
        aliases=("hip thrusts", "barbell hip thrust", "thrust", "ht"),
        regression="glute_bridge",
    ),
    _ex(
        "glute_bridge",
        "Glute bridge",
        "hinge",
        _ALL,
        "bodyweight",
        "Heels close, push hips up, no arching of the low back.",
        aliases=("bridge", "hip bridge", "bridges"),
        load_type="bodyweight",
        progression="single_leg_glute_bridge",
    ),
    _ex(
        "single_leg_glute_bridge",
        "Single-leg glute bridge",
        "hinge",
        _ALL,
        "bodyweight",
        "Keep the pelvis level as you lift.",
        aliases=("sl bridge", "single leg bridge", "sl glute bridge"),
        unilateral=True,
        load_type="bodyweight",
        regression="glute_bridge",
        progression="hip_thrust",
    ),
    _ex(
        "glute_bridge_hold",
        "Glute bridge hold",
        "hinge",
        _ALL,
        "none",
        "Hips up, ribs down, squeeze the glutes and hold still.",
        aliases=("bridge hold", "isometric glute bridge", "iso glute bridge"),
        load_type="hold",
    ),
    _ex(
        "hamstring_bridge_hold",
        "Hamstring bridge hold",
        "hinge",
        _ALL,
        "none",
        "Heels a step further out, knees slightly bent, hips up; hold.",
        aliases=("isometric hamstring bridge", "iso hamstring bridge", "hamstring bridge"),
        load_type="hold",
    ),
    _ex(
        "kettlebell_swing",
        "Kettlebell swing",
        "hinge",
        _KIT,
        "kettlebell",
        "Snap the hips; arms just guide the bell.",
        aliases=("kb swing", "kbs", "swing", "swings", "russian swing"),
        regression="kettlebell_deadlift",
    ),
    _ex(
        "good_morning",
        "Good morning",
        "hinge",
        _ALL,
        "barbell",
        "Hinge with a flat back until the hamstrings pull.",
        aliases=("gm", "good mornings", "bodyweight good morning"),
        regression="glute_bridge",
        progression="romanian_deadlift",
    ),
    # --- calves and feet ---
    _ex(
        "calf_raise",
        "Calf raise",
        "calf_foot",
        _ALL,
        "dumbbell",
        "Full range: heel low, pause tall on the big toe.",
        aliases=("calf raises", "calf", "calves", "heel raise", "standing calf raise"),
        progression="single_leg_calf_raise",
    ),
    _ex(
        "single_leg_calf_raise",
        "Single-leg calf raise",
        "calf_foot",
        _ALL,
        "dumbbell",
        "Slow on the way down, off a step if you can.",
        aliases=("sl calf raise", "single leg calf", "one leg calf raise"),
        unilateral=True,
        regression="calf_raise",
    ),
    _ex(
        "bent_knee_calf_raise",
        "Bent-knee calf raise",
        "calf_foot",
        _ALL,
        "dumbbell",
        "Knees bent, rise high to hit the soleus.",
        aliases=("soleus raise", "seated calf raise", "bent knee calf raise"),
        regression="calf_raise",
    ),
    _ex(
        "eccentric_calf_raise",
        "Eccentric calf raise",
        "calf_foot",
        _ALL,
        "dumbbell",
        "Up on both feet, lower on one for 3-4 seconds.",
        aliases=("eccentric calf raises", "slow calf raise", "alfredson raise", "heel drop"),
        unilateral=True,
        regression="calf_raise",
    ),
    _ex(
        "tibialis_raise",
        "Tibialis raise",
        "calf_foot",
        _ALL,
        "bodyweight",
        "Back to a wall, pull your toes up high.",
        aliases=("tib raise", "tibs", "toe raise", "tib raises"),
        load_type="bodyweight",
    ),
    _ex(
        "isometric_calf_hold",
        "Isometric calf hold",
        "calf_foot",
        _ALL,
        "none",
        "Rise halfway onto the balls of the feet and hold still; a wall for balance.",
        aliases=("calf hold", "iso calf hold", "isometric calf raise", "calf raise hold"),
        load_type="hold",
    ),
    _ex(
        "copenhagen_plank",
        "Copenhagen plank",
        "core_anti_lateral",
        _ALL,
        "none",
        "Top leg on a bench, lift the hips, body straight.",
        aliases=("copenhagen", "copenhagen adduction", "copenhagens"),
        unilateral=True,
        load_type="hold",
        regression="side_plank",
    ),
    # --- push ---
    _ex(
        "push_up",
        "Push-up",
        "push",
        _ALL,
        "bodyweight",
        "One straight line from head to heels.",
        aliases=("pushup", "press up", "pressup", "push ups"),
        load_type="bodyweight",
        progression="tricep_dip",
    ),
    _ex(
        "overhead_press",
        "Overhead press",
        "push",
        _KIT,
        "barbell",
        "Squeeze glutes, press up and slightly back.",
        aliases=("ohp", "military press", "shoulder press", "press", "db press"),
        increment_kg=1.25,
    ),
    _ex(
        "bench_press",
        "Bench press",
        "push",
        _GYM,
        "barbell",
        "Shoulder blades pinned, feet down, touch the lower chest.",
        aliases=("bench", "bp", "barbell bench"),
        increment_kg=1.25,
        regression="dumbbell_bench_press",
    ),
    _ex(
        "dumbbell_bench_press",
        "Dumbbell bench press",
        "push",
        _KIT,
        "dumbbell",
        "Lower under control, wrists over elbows.",
        aliases=("db bench", "dumbbell press", "db bench press", "floor press"),
        regression="push_up",
        progression="bench_press",
    ),
    _ex(
        "tricep_dip",
        "Triceps dip",
        "push",
        _ALL,
        "bodyweight",
        "Shoulders down, lower to a right angle at the elbow.",
        aliases=("dip", "dips", "bench dip", "tricep dips", "triceps dip"),
        load_type="bodyweight",
        regression="push_up",
    ),
    # --- pull ---
    _ex(
        "dumbbell_row",
        "Dumbbell row",
        "pull",
        _KIT,
        "dumbbell",
        "Pull the elbow to the hip, no twisting.",
        aliases=("db row", "row", "one arm row", "bent over row", "kb row"),
        unilateral=True,
    ),
    _ex(
        "inverted_row",
        "Inverted row",
        "pull",
        _ALL,
        "bodyweight",
        "Under a sturdy table or bar: chest to the edge, body rigid.",
        aliases=("body row", "table row", "australian pull up", "ring row", "bodyweight row"),
        load_type="bodyweight",
        progression="pull_up",
    ),
    _ex(
        "pull_up",
        "Pull-up",
        "pull",
        _KIT,
        "bodyweight",
        "Start from a dead hang, chest to the bar.",
        aliases=("pullup", "chin up", "chinup", "chin", "chins", "pull ups"),
        load_type="bodyweight",
        increment_kg=1.25,
        regression="inverted_row",
    ),
    _ex(
        "face_pull",
        "Face pull",
        "pull",
        _KIT,
        "cable",
        "Pull the rope (or band) to the eyes, thumbs back.",
        aliases=("facepull", "face pulls", "band face pull"),
        regression="band_pull_apart",
    ),
    _ex(
        "band_pull_apart",
        "Band pull-apart",
        "pull",
        _KIT,
        "band",
        "Straight arms, squeeze the shoulder blades.",
        aliases=("pull apart", "pull aparts", "band pull apart", "bpa"),
        progression="face_pull",
    ),
    _ex(
        "superman",
        "Superman",
        "pull",
        _ALL,
        "none",
        "Lift arms and legs a little, long through the spine.",
        aliases=("supermans", "back extension", "prone y raise", "y raise"),
        load_type="hold",
    ),
    # --- core ---
    _ex(
        "plank",
        "Plank",
        "core_anti_extension",
        _ALL,
        "none",
        "Ribs down, glutes tight, no sagging.",
        aliases=("front plank", "planks", "forearm plank"),
        load_type="hold",
        progression="dead_bug",
    ),
    _ex(
        "dead_bug",
        "Dead bug",
        "core_anti_extension",
        _ALL,
        "none",
        "Low back pressed down while the opposite arm and leg reach.",
        aliases=("deadbug", "dead bugs"),
        load_type="bodyweight",
        regression="plank",
    ),
    _ex(
        "leg_raise",
        "Leg lowering",
        "core_anti_extension",
        _ALL,
        "none",
        "Lower the legs only as far as your back stays flat.",
        aliases=("leg raises", "leg lowers", "leg lowering", "hanging leg raise"),
        load_type="bodyweight",
        regression="dead_bug",
    ),
    _ex(
        "side_plank",
        "Side plank",
        "core_anti_lateral",
        _ALL,
        "none",
        "Hips high, straight line from head to feet.",
        aliases=("side planks", "lateral plank"),
        unilateral=True,
        load_type="hold",
        progression="copenhagen_plank",
    ),
    _ex(
        "bird_dog",
        "Bird dog",
        "core_anti_rotation",
        _ALL,
        "none",
        "Reach long without letting the hips rock.",
        aliases=("birddog", "bird dogs", "quadruped reach"),
        load_type="bodyweight",
    ),
    _ex(
        "pallof_press",
        "Pallof press",
        "core_anti_rotation",
        _KIT,
        "band",
        "Press straight out and resist the pull to the side.",
        aliases=("pallof", "anti rotation press", "pallof presses"),
        unilateral=True,
        load_type="bodyweight",
    ),
    _ex(
        "russian_twist",
        "Russian twist",
        "core_anti_rotation",
        _ALL,
        "none",
        "Rotate from the ribs, slow and controlled.",
        aliases=("russian twists", "twist", "twists"),
        load_type="bodyweight",
    ),
    # --- plyometrics ---
    _ex(
        "pogo_hops",
        "Pogo hops",
        "plyometric",
        _ALL,
        "none",
        "Stiff ankles, quick light bounces.",
        aliases=("pogo", "pogos", "pogo jumps", "ankle hops"),
        load_type="plyo",
        progression="single_leg_hop",
    ),
    _ex(
        "squat_jump",
        "Squat jump",
        "plyometric",
        _ALL,
        "none",
        "Quarter squat, jump tall, land quietly.",
        aliases=("jump squat", "jump squats", "squat jumps"),
        load_type="plyo",
        progression="box_jump",
    ),
    _ex(
        "box_jump",
        "Box jump",
        "plyometric",
        _KIT,
        "box",
        "Jump up, land soft, step down, don't jump down.",
        aliases=("box jumps", "step jump"),
        load_type="plyo",
        regression="squat_jump",
    ),
    _ex(
        "single_leg_hop",
        "Single-leg hop",
        "plyometric",
        _ALL,
        "none",
        "Small springy hops, knee steady over the foot.",
        aliases=("sl hop", "single leg hops", "hops", "hop", "one leg hop"),
        unilateral=True,
        load_type="plyo",
        regression="pogo_hops",
    ),
    _ex(
        "bounding",
        "Bounding",
        "plyometric",
        _ALL,
        "none",
        "Exaggerated running strides, drive the knee and hang in the air.",
        aliases=("bounds", "bound", "running bounds"),
        load_type="plyo",
        regression="skater_jump",
    ),
    _ex(
        "broad_jump",
        "Broad jump",
        "plyometric",
        _ALL,
        "none",
        "Swing the arms, jump far, stick the landing.",
        aliases=("standing long jump", "broad jumps", "long jump"),
        load_type="plyo",
        progression="bounding",
    ),
    _ex(
        "skater_jump",
        "Skater jump",
        "plyometric",
        _ALL,
        "none",
        "Bound side to side and hold each landing for a beat.",
        aliases=("skaters", "skater", "skater hops", "lateral bound"),
        unilateral=True,
        load_type="plyo",
        progression="bounding",
    ),
    # --- mobility and foot care (holds, counted in seconds) ---
    _ex(
        "hip_flexor_stretch",
        "Hip flexor stretch",
        "mobility",
        _ALL,
        "none",
        "Half kneel, tuck the pelvis, lean gently forward.",
        aliases=("hip flexor", "couch stretch", "kneeling hip flexor stretch"),
        unilateral=True,
        load_type="hold",
    ),
    _ex(
        "calf_stretch",
        "Calf stretch",
        "mobility",
        _ALL,
        "none",
        "Hands on a wall, back heel down, then bend the knee.",
        aliases=("wall calf stretch", "calf stretches"),
        unilateral=True,
        load_type="hold",
    ),
    _ex(
        "hamstring_stretch",
        "Hamstring stretch",
        "mobility",
        _ALL,
        "none",
        "Long spine, hinge towards the straight leg.",
        aliases=("hamstrings", "hammy stretch"),
        unilateral=True,
        load_type="hold",
    ),
    _ex(
        "pigeon_stretch",
        "Pigeon stretch",
        "mobility",
        _ALL,
        "none",
        "Square hips, sink slowly, breathe into the glute.",
        aliases=("pigeon", "glute stretch", "figure four stretch"),
        unilateral=True,
        load_type="hold",
    ),
    _ex(
        "foam_roll_quads",
        "Foam roll quads",
        "mobility",
        _KIT,
        "none",
        "Slow passes, pause on tender spots.",
        aliases=("roll quads", "quad roll", "foam rolling quads"),
        load_type="hold",
    ),
    _ex(
        "foam_roll_calves",
        "Foam roll calves",
        "mobility",
        _KIT,
        "none",
        "Cross the other leg on top for more pressure.",
        aliases=("roll calves", "calf roll", "foam rolling calves"),
        load_type="hold",
    ),
    _ex(
        "ankle_circles",
        "Ankle circles",
        "mobility",
        _ALL,
        "none",
        "Big slow circles both ways.",
        aliases=("ankle rolls", "ankle mobility", "ankle circle"),
        load_type="hold",
    ),
    _ex(
        "short_foot",
        "Short foot and toe yoga",
        "mobility",
        _ALL,
        "none",
        "Dome the arch without curling the toes; lift big toe, then the others.",
        aliases=("toe yoga", "short foot", "arch doming", "foot doming"),
        load_type="hold",
    ),
    _ex(
        "world_greatest_stretch",
        "World's greatest stretch",
        "mobility",
        _ALL,
        "none",
        "Lunge, elbow to instep, rotate and reach up.",
        aliases=("worlds greatest stretch", "wgs", "world greatest"),
        unilateral=True,
        load_type="hold",
    ),
    _ex(
        "leg_swings",
        "Leg swings",
        "mobility",
        _ALL,
        "none",
        "Front-to-back then side-to-side, relaxed and tall.",
        aliases=("leg swing", "hip swings"),
        unilateral=True,
        load_type="hold",
    ),
)

LIBRARY: Mapping[str, Exercise] = MappingProxyType({e.id: e for e in _EXERCISES})


def get(exercise_id: str) -> Exercise:
    """The exercise with this canonical id; KeyError if there is none."""
    return LIBRARY[exercise_id]


# Harder variants that need no kit, for athletes without equipment whose library
# `progression` is a loaded lift (COACHING.md: "No equipment is no dead end").
_BODYWEIGHT_NEXT: Mapping[str, str] = MappingProxyType(
    {
        "bodyweight_squat": "split_squat",
        "glute_bridge": "single_leg_glute_bridge",
        "single_leg_glute_bridge": "single_leg_rdl",
        "calf_raise": "single_leg_calf_raise",
        "single_leg_calf_raise": "eccentric_calf_raise",
        "reverse_lunge": "bulgarian_split_squat",
        "step_up": "step_down",
        "dead_bug": "leg_raise",
    }
)


def harder_variant(exercise: Exercise, equipment: str) -> Exercise | None:
    """The next harder exercise the athlete can do with their equipment, if any."""
    for name in (exercise.progression, _BODYWEIGHT_NEXT.get(exercise.id)):
        found = LIBRARY.get(name) if name else None
        if found is not None and found.available_with(equipment):
            return found
    return None


def _singular(word: str) -> str:
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _key(name: str) -> str:
    """Spelling-insensitive key: case, hyphens/underscores/spaces and plurals ignored."""
    words = re.split(r"[\s\-_]+", name.lower().replace("'", "").replace("’", "").strip())
    return "".join(_singular(w) for w in words if w)


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for ex in _EXERCISES:
        for label in (ex.id, ex.name, *ex.aliases):
            key = _key(label)
            owner = index.setdefault(key, ex.id)
            if owner != ex.id:
                raise ValueError(f"{label!r} names both {owner} and {ex.id}")
    return index


_INDEX: Mapping[str, str] = MappingProxyType(_build_index())
_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (label.lower(), ex.id)
    for ex in _EXERCISES
    for label in (ex.name, ex.id.replace("_", " "), *ex.aliases)
)


def resolve(name: str) -> Exercise | None:
    """Exact match on id, name or alias, forgiving case, separators and plural forms."""
    exercise_id = _INDEX.get(_key(name))
    return None if exercise_id is None else LIBRARY[exercise_id]


# Words athletes put before an exercise's name that don't change which exercise it is.
_KIT_PREFIXES = ("barbell ", "bb ", "weighted ", "dumbbell ", "db ", "kettlebell ", "kb ")
FUZZY_MIN_SCORE = 88.0


def _squash(name: str) -> str:
    words = re.findall(r"[^\W_]+", name.lower())
    return "".join(w[:-1] if len(w) > 3 and w.endswith("s") and w[-2] != "s" else w for w in words)


_SQUASHED: tuple[tuple[str, str], ...] = tuple(
    (_squash(label), ex.id) for ex in _EXERCISES for label in (ex.id, ex.name, *ex.aliases)
)


def _typo(name: str) -> Exercise | None:
    """A small typo of a library name ("sqaut", "deadlfit"), if exactly one exercise fits."""
    key = _squash(name)
    if len(key) < 4:
        return None
    best: dict[str, float] = {}
    for label, ex_id in _SQUASHED:
        score = Indel.normalized_similarity(key, label) * 100
        if len(key) >= 5 and DamerauLevenshtein.distance(key, label) <= 1:
            score = max(score, 95.0)
        if score >= FUZZY_MIN_SCORE:
            best[ex_id] = max(best.get(ex_id, 0.0), score)
    if not best:
        return None
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None
    return LIBRARY[ranked[0][0]]


def identify(name: str) -> Exercise | None:
    """The one exercise-name resolver: what athletes type in a log or at setup, and the
    names other apps export ("Squat (Barbell)"). Exact names, ids and aliases first (kit
    words like "barbell" or "db" left out, a kit in brackets put in front), then a small
    typo if only one exercise fits; None when nothing does (a custom exercise)."""
    name = name.strip()
    base = re.sub(r"\s*\(([^)]*)\)\s*", " ", name).strip()
    kit = " ".join(re.findall(r"\(([^)]*)\)", name))
    candidates = [name, f"{kit} {base}".strip(), base] if kit else [name]
    lowered = [c.lower() for c in candidates]
    for prefix in _KIT_PREFIXES:
        for candidate in list(lowered):
            if candidate.startswith(prefix):
                lowered.append(candidate[len(prefix) :])
    for candidate in lowered:
        found = resolve(candidate)
        if found is not None:
            return found
    for candidate in lowered:
        found = _typo(candidate)
        if found is not None:
            return found
    return None


def suggest(name: str, limit: int = 3) -> list[Exercise]:
    """Closest exercises for a "did you mean" answer, best first, without duplicates."""
    query = name.lower().strip()
    if not query or limit <= 0:
        return []
    labels = [label for label, _ in _CHOICES]
    matches = process.extract(
        query, labels, scorer=fuzz.token_sort_ratio, limit=len(labels), score_cutoff=55
    )
    found: list[Exercise] = []
    for _label, _score, idx in matches:
        ex = LIBRARY[_CHOICES[idx][1]]
        if ex not in found:
            found.append(ex)
        if len(found) >= limit:
            break
    return found


NO_LOAD_IMPLEMENTS: frozenset[str] = frozenset({"band", "box", "none"})
_UPPER_PATTERNS: frozenset[str] = frozenset({"push", "pull"})
_EPS = 1e-9  # keeps exact halves (61.25 / 1.25, 23 / 2) from drifting under float error


def is_upper_body(exercise: Exercise) -> bool:
    """Upper-body lifts move in the small step: 1.25 kg increment or a push/pull pattern."""
    return exercise.increment_kg == 1.25 or exercise.pattern in _UPPER_PATTERNS


def _half_up(value: float) -> int:
    return math.floor(value + 0.5 + _EPS)


def _plate_step(exercise: Exercise, units: str) -> float:
    """The plate step in the athlete's unit (kg or lb)."""
    upper = is_upper_body(exercise)
    if units == "lb":
        return 2.5 if upper else 5.0
    return 1.25 if upper else 2.5


def round_load(kg: float, exercise: Exercise, units: str = "kg") -> float:
    """Round a load to what the athlete can actually load, returned in kg (COACHING.md).

    - Barbell and cable (and load added to bodyweight work: belt, vest, plate): lower body
      2.5 kg or 5 lb plate steps; upper body (`increment_kg` 1.25 or a push/pull pattern)
      1.25 kg or 2.5 lb.
    - Dumbbells and kettlebells: the nearest standard size, 2–24 kg by 2 then 28, 32, … by 4,
      or 5 lb steps from 5 lb; never lighter than the smallest size.
    - Ties round up (61.25 kg bench stays, 23 kg → 24 kg dumbbell, 26 kg → 28 kg).
    - lb loads are converted with 0.45359237 kg/lb and rounded to 2 decimals.
    - 0.0 means "nothing to load": for band, box and no-equipment exercises and for
      kg ≤ 0. The planner treats a 0.0 load as bodyweight work.
    """
    if kg <= 0 or exercise.implement in NO_LOAD_IMPLEMENTS:
        return 0.0
    if exercise.implement in ("dumbbell", "kettlebell"):
        if units == "lb":
            return round(5 * max(1, _half_up(kg / LB_TO_KG / 5)) * LB_TO_KG, 2)
        if kg < 26:
            return float(min(24, 2 * max(1, _half_up(kg / 2))))
        return float(24 + 4 * _half_up((kg - 24) / 4))
    step = _plate_step(exercise, units)
    if units == "lb":
        return round(step * _half_up(kg / LB_TO_KG / step) * LB_TO_KG, 2)
    return round(step * _half_up(kg / step), 2)


def load_step_kg(kg: float, exercise: Exercise, units: str = "kg", *, down: bool = False) -> float:
    """The COACHING.md increment from `kg`, in kg: one plate step (2.5 kg/5 lb lower body,
    1.25 kg/2.5 lb upper body) or, for dumbbells and kettlebells, the gap to the next size
    up (or down): 2 kg up to 24 kg, then 4 kg; 5 lb. 0.0 when there is nothing to load.
    """
    if exercise.implement in NO_LOAD_IMPLEMENTS:
        return 0.0
    if exercise.implement in ("dumbbell", "kettlebell"):
        if units == "lb":
            return round(5 * LB_TO_KG, 2)
        return 4.0 if (kg > 24 if down else kg >= 24) else 2.0
    step = _plate_step(exercise, units)
    return round(step * LB_TO_KG, 2) if units == "lb" else step


def available(pattern: Pattern, equipment: str) -> list[Exercise]:
    """Exercises of a pattern usable with an equipment level, in library order."""
    return [e for e in _EXERCISES if e.pattern == pattern and equipment in e.equipment]
