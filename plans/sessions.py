"""One session: which exercises, how many sets, what load, in what order, in the athlete's
minutes. Pure and deterministic.

- Exercises come from movement-pattern slots in priority order (COACHING.md "Sessions under
  a time budget"): main lower lift > single-leg > calf/foot > core > upper body. The main
  lift, one calf/foot and one core exercise are kept in every full session; a 20-minute
  session still has three exercises or more.
- Non-competing exercises are paired as supersets or a circuit (A1 lower, A2 upper, A3
  core), done back to back with one rest after the round: the upper-back "fillers in the
  rest periods" of seed 000. The rest after a round is what the main lift needs, less the
  time the partners took.
- Deload and taper weeks cut the sets of the session as built; the minutes they free are
  not refilled.
- Loads: double progression from the athlete's state in the slot's rep range; at a new range
  (a new phase) the load is carried over (`plans.loads.transfer_load`) or taken from the
  e1RM; the main lift in power and maintenance weeks follows the e1RM (`PhaseInfo.
  percent_based`); a first load comes from a known related lift (`plans.loads.starting_e1rm`)
  or is left to feel ("light, RPE 6-7") for the first log to calibrate.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from plans.exercises import LIBRARY, NO_LOAD_IMPLEMENTS, Exercise, harder_variant
from plans.loads import effective_e1rm, load_for, loadable, starting_e1rm, transfer_load
from plans.periodization import PhaseInfo
from plans.prescription import Mode, Prescription
from plans.profile import Experience, Profile
from plans.state import ExerciseState

SlotKind = Literal["plyo", "main", "secondary", "calf", "core", "upper", "filler"]
Level = Literal["beginner", "intermediate", "advanced"]
SessionKind = Literal["full", "light", "activation", "routine"]

LOWER_PATTERNS = frozenset({"squat", "hinge", "single_leg", "calf_foot", "plyometric"})
_LOWER_KINDS: frozenset[str] = frozenset({"main", "secondary", "calf"})

# Rule 7: foot contacts per plyometric session, by level.
PLYO_DOSE: Mapping[Level, tuple[int, int]] = {
    "beginner": (40, 60),
    "intermediate": (60, 100),
    "advanced": (100, 140),
}
LEVELS: Mapping[Experience, Level] = {
    "none": "beginner",
    "some": "intermediate",
    "experienced": "advanced",
}
PLYO_SET = 10  # contacts per plyometric set: doses and progression move in whole sets
TRANSITION_S = 15  # moving from one exercise of a superset to the next
BODYWEIGHT_REP_CAP = 20
HOLD_CAP_S = 60


@dataclass(frozen=True)
class Slot:
    role: str
    kind: SlotKind
    offset: int = 0  # start further down the candidate list, for variety between sessions


# Candidate exercises per role and experience, best first; the first one the athlete's
# equipment allows (and the session does not already hold) is chosen.
_CANDIDATES: Mapping[str, Mapping[Experience, tuple[str, ...]]] = {
    "squat_main": {
        "none": ("goblet_squat", "bodyweight_squat"),
        "some": ("back_squat", "goblet_squat", "split_squat"),
        "experienced": ("back_squat", "goblet_squat", "bulgarian_split_squat", "single_leg_squat"),
    },
    "hinge_main": {
        "none": ("kettlebell_deadlift", "glute_bridge"),
        "some": ("trap_bar_deadlift", "romanian_deadlift", "single_leg_rdl"),
        "experienced": ("deadlift", "romanian_deadlift", "single_leg_rdl"),
    },
    "single_leg_main": {
        "none": ("goblet_squat", "split_squat", "bodyweight_squat"),
        "some": ("split_squat", "reverse_lunge", "step_up"),
        "experienced": ("bulgarian_split_squat", "step_up", "single_leg_squat"),
    },
    "single_leg": {
        "none": ("step_up", "split_squat", "reverse_lunge"),
        "some": ("reverse_lunge", "split_squat", "step_up", "lateral_lunge"),
        "experienced": ("bulgarian_split_squat", "step_up", "walking_lunge", "step_down"),
    },
    "eccentric_leg": {
        "none": ("step_down", "split_squat"),
        "some": ("step_down", "split_squat"),
        "experienced": ("step_down", "bulgarian_split_squat"),
    },
    "hip_secondary": {
        "none": ("glute_bridge", "single_leg_glute_bridge"),
        "some": ("hip_thrust", "single_leg_glute_bridge", "glute_bridge"),
        "experienced": ("hip_thrust", "single_leg_glute_bridge"),
    },
    "posterior": {
        "none": ("glute_bridge", "single_leg_glute_bridge"),
        "some": ("kettlebell_swing", "single_leg_glute_bridge", "good_morning"),
        "experienced": ("kettlebell_swing", "hip_thrust", "single_leg_glute_bridge"),
    },
    "single_leg_hinge": {
        "none": ("glute_bridge", "single_leg_glute_bridge"),
        "some": ("single_leg_rdl", "single_leg_glute_bridge"),
        "experienced": ("single_leg_rdl", "single_leg_glute_bridge"),
    },
    "push": {
        "none": ("push_up",),
        "some": ("push_up", "dumbbell_bench_press", "overhead_press"),
        "experienced": ("overhead_press", "push_up", "tricep_dip"),
    },
    "pull": {
        "none": ("dumbbell_row", "inverted_row"),
        "some": ("dumbbell_row", "inverted_row", "pull_up"),
        "experienced": ("pull_up", "dumbbell_row", "inverted_row"),
    },
    "filler": {
        "none": ("band_pull_apart", "superman"),
        "some": ("band_pull_apart", "face_pull", "superman"),
        "experienced": ("face_pull", "band_pull_apart", "superman"),
    },
    "core_ext": {
        "none": ("plank", "dead_bug"),
        "some": ("plank", "dead_bug"),
        "experienced": ("dead_bug", "plank"),
    },
    "core_lower": {
        "none": ("dead_bug", "plank"),
        "some": ("leg_raise", "dead_bug"),
        "experienced": ("leg_raise", "dead_bug"),
    },
    "core_rot": {
        "none": ("bird_dog", "pallof_press"),
        "some": ("pallof_press", "bird_dog"),
        "experienced": ("pallof_press", "russian_twist", "bird_dog"),
    },
    "core_lat": {
        "none": ("side_plank",),
        "some": ("side_plank",),
        "experienced": ("copenhagen_plank", "side_plank"),
    },
    "calf": {
        "none": ("calf_raise",),
        "some": ("single_leg_calf_raise", "calf_raise"),
        "experienced": ("single_leg_calf_raise", "bent_knee_calf_raise"),
    },
    "eccentric_calf": {
        "none": ("eccentric_calf_raise", "calf_raise"),
        "some": ("eccentric_calf_raise", "single_leg_calf_raise"),
        "experienced": ("eccentric_calf_raise", "single_leg_calf_raise"),
    },
    "foot": {
        "none": ("tibialis_raise",),
        "some": ("tibialis_raise",),
        "experienced": ("tibialis_raise",),
    },
    "plyo": {
        "none": ("pogo_hops", "squat_jump"),
        "some": ("pogo_hops", "skater_jump", "broad_jump", "squat_jump"),
        "experienced": ("pogo_hops", "bounding", "single_leg_hop", "box_jump"),
    },
    "routine_legs": {
        "none": ("step_up", "split_squat", "bodyweight_squat"),
        "some": ("split_squat", "step_down", "reverse_lunge", "bulgarian_split_squat"),
        "experienced": ("single_leg_squat", "bulgarian_split_squat", "step_down"),
    },
}

# Session templates, in priority order (what goes first when minutes are short): the main
# lower lift, single-leg work, calf/foot, core, then upper body and the rest.
TEMPLATES: Mapping[str, tuple[Slot, ...]] = {
    "A": (
        Slot("squat_main", "main"),
        Slot("single_leg", "secondary"),
        Slot("calf", "calf"),
        Slot("core_ext", "core"),
        Slot("pull", "upper"),
        Slot("hip_secondary", "secondary"),
        Slot("push", "upper"),
        Slot("core_rot", "core"),
        Slot("filler", "filler"),
    ),
    "B": (
        Slot("hinge_main", "main"),
        Slot("single_leg", "secondary", 1),
        Slot("calf", "calf", 1),
        Slot("core_lat", "core"),
        Slot("push", "upper"),
        Slot("posterior", "secondary"),
        Slot("pull", "upper", 1),
        Slot("core_lower", "core"),
        Slot("filler", "filler", 1),
    ),
    "C": (
        Slot("single_leg_main", "main"),
        Slot("plyo", "plyo"),
        Slot("foot", "calf"),
        Slot("core_rot", "core", 1),
        Slot("pull", "upper", 1),
        Slot("single_leg_hinge", "secondary"),
        Slot("push", "upper", 1),
        Slot("calf", "calf"),
        Slot("core_ext", "core", 1),
    ),
}
TEMPLATE_TITLES: Mapping[str, str] = {
    "A": "squat focus",
    "B": "deadlift focus",
    "C": "single-leg & power",
}
# Days that must spare the legs (tomorrow's hard run or long run): upper body and trunk, and
# the foot work that keeps the week's calf/foot dose.
_LIGHT: tuple[Slot, ...] = (
    Slot("pull", "upper"),
    Slot("core_ext", "core"),
    Slot("push", "upper"),
    Slot("foot", "calf"),
    Slot("core_lat", "core"),
    Slot("core_rot", "core"),
    Slot("filler", "filler"),
)
_ACTIVATION: tuple[Slot, ...] = (
    Slot("routine_legs", "secondary"),
    Slot("foot", "calf"),
    Slot("core_ext", "core"),
    Slot("pull", "upper"),
    Slot("push", "upper"),
    Slot("core_lat", "core"),
)

# Default reps (low, high) for body-weight movements, and seconds for holds.
_BODYWEIGHT_REPS: Mapping[str, tuple[int, int]] = {
    "push_up": (8, 12),
    "pull_up": (3, 8),
    "inverted_row": (8, 12),
    "tricep_dip": (8, 12),
    "bodyweight_squat": (15, 20),
    "glute_bridge": (12, 15),
    "single_leg_glute_bridge": (10, 12),
    "step_down": (8, 10),
    "single_leg_squat": (5, 8),
    "dead_bug": (8, 10),
    "bird_dog": (8, 10),
    "leg_raise": (8, 12),
    "russian_twist": (12, 16),
    "pallof_press": (10, 12),
    "tibialis_raise": (15, 20),
}
_UNLOADED_REPS = (10, 15)  # loaded exercises done without weights
_BODYWEIGHT_CAPS: Mapping[str, int] = {"single_leg_squat": 12, "pull_up": 12, "step_down": 15}
_HOLD_SECONDS: Mapping[str, int] = {
    "plank": 40,
    "side_plank": 30,
    "copenhagen_plank": 20,
    "wall_sit": 45,
    "superman": 20,
}
ENDURANCE_SECONDS = 150  # seed 002: 2–4 minute timed sets


def plyo_dose(profile: Profile) -> tuple[int, int]:
    """Rule 7's contacts per session for the athlete's level."""
    return PLYO_DOSE[LEVELS[profile.strength_experience]]


def bodyweight_cap(exercise_id: str) -> int:
    return _BODYWEIGHT_CAPS.get(exercise_id, BODYWEIGHT_REP_CAP)


def bodyweight_range(ex: Exercise, equipment: str) -> tuple[int, int]:
    """The rep range of body-weight work: reaching its top hands over to the harder variant;
    at the end of the ladder (nothing harder with this kit) the range runs to the cap."""
    low, high = _BODYWEIGHT_REPS.get(ex.id, _UNLOADED_REPS)
    if harder_variant(ex, equipment) is None:
        high = max(high, bodyweight_cap(ex.id))
    return low, high


# --- time arithmetic ------------------------------------------------------------------------


def work_seconds(p: Prescription) -> float:
    """Estimated time under work for one set (setup included)."""
    sides = 2 if p.per_side else 1
    if p.foot_contacts is not None:
        return p.foot_contacts / max(1, p.sets) + 10
    if p.seconds is not None:
        return p.seconds * sides + 10
    reps = p.reps_high if p.reps_high is not None else (p.reps_low or 0)
    return reps * 3 * sides + 10


def _group_of(p: Prescription) -> str:
    return p.group[:1]


def estimate_seconds(exercises: Sequence[Prescription]) -> float:
    """Every superset or circuit (lines sharing a group letter) round by round: the work of
    each member still doing sets, a transition between members, then the rest; a line on
    its own is sets × (work + rest)."""
    groups: dict[str, list[Prescription]] = {}
    for index, p in enumerate(exercises):
        groups.setdefault(_group_of(p) or f"#{index}", []).append(p)
    return sum(_rounds_seconds(members, members[-1].rest_s) for members in groups.values())


def _rounds_seconds(members: Sequence[Prescription], rest: int) -> float:
    """One group, round by round: the members still doing sets, the transitions, the rest."""
    total = 0.0
    for round_ in range(max(m.sets for m in members)):
        active = [m for m in members if m.sets > round_]
        total += sum(work_seconds(m) for m in active)
        total += TRANSITION_S * (len(active) - 1) + rest
    return total


def estimate_minutes(exercises: Sequence[Prescription], warmup_min: int = 0) -> float:
    """Warm-up plus the rounds of every group (`estimate_seconds`)."""
    return warmup_min + estimate_seconds(exercises) / 60


def warmup_minutes(session_minutes: int) -> int:
    if session_minutes <= 10:
        return 0
    return 5 if session_minutes >= 30 else 3


# --- one line -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A prescription plus what building the session needs to know about it.

    `priority`: its place in the template (lower goes first when minutes are short);
    `required`: kept in every session (the main lift, calf/foot, core); `bodyweight`: no
    external load; `start_light`: loadable but no data yet, so a light load chosen by feel.
    """

    rx: Prescription
    kind: SlotKind
    priority: int
    required: bool
    bodyweight: bool
    start_light: bool

    @property
    def lower(self) -> bool:
        return self.kind in _LOWER_KINDS


@dataclass(frozen=True)
class Context:
    """What every line of one session is built from."""

    profile: Profile
    states: Mapping[str, ExerciseState]
    phase: PhaseInfo
    day: dt.date
    kind: SessionKind

    @property
    def light(self) -> bool:
        """Race-week activation and the 10-minute routine: no heavy loads, no e1RM work."""
        return self.kind in ("activation", "routine")

    @property
    def equipment(self) -> str:
        """The kit this session uses: the 10-minute routine is body weight only (seed 004)."""
        return "none" if self.kind == "routine" else self.profile.equipment


def _reps_for(ex: Exercise, kind: SlotKind, phase: PhaseInfo) -> tuple[int, int]:
    if phase.block in ("adaptation", "activation"):
        return phase.rep_low, phase.rep_high
    if kind == "main":
        return phase.rep_low, phase.rep_high
    if kind == "secondary":
        return max(phase.rep_low, 6), max(phase.rep_high, 8)
    if kind == "calf":
        return 10, 15
    if kind == "filler":
        return 12, 15
    return 8, 12


def _sets_for(kind: SlotKind, phase: PhaseInfo, routine: bool) -> int:
    if routine:
        return 2
    if phase.block == "activation":  # race week: a set or two to wake the legs up
        return 2 if kind == "secondary" else 1
    if kind == "main":
        return phase.sets_high
    if kind == "secondary":
        return min(3, max(2, phase.sets_low))
    return 2


def _rest_for(kind: SlotKind, phase: PhaseInfo, routine: bool) -> int:
    if routine:
        return 20
    if kind == "main":
        return phase.rest_s
    if kind == "secondary":
        return min(phase.rest_s, 90)
    if kind in ("plyo", "upper"):
        return 60
    return 45


def _rpe_for(kind: SlotKind, phase: PhaseInfo) -> float:
    if kind == "main":
        return phase.rpe
    return min(phase.rpe, 7.0)


def _mode(kind: SlotKind, phase: PhaseInfo) -> Mode:
    if phase.holds_progress:
        return "hold"
    if kind == "main" and phase.percent_based:
        return "percent"
    return "double"


def _entry_load(
    ex: Exercise,
    kind: SlotKind,
    phase: PhaseInfo,
    state: ExerciseState | None,
    e1rm: float | None,
    reps: tuple[int, int],
    rpe: float,
) -> float | None:
    """The first load in a rep range: the main lift from its e1RM at the phase's lowest
    percentage, other lifts at the target effort for the top of the range; never less than
    the athlete just lifted for more reps (COACHING.md: from 12–15-rep work to the strength
    phase); from the previous range's load alone when no e1RM is known."""
    low, high = reps
    if kind == "main" and phase.pct_e1rm is not None and e1rm is not None:
        load: float | None = e1rm * phase.pct_e1rm[0]
    elif e1rm is not None:
        load = load_for(e1rm, high, rpe)
    else:
        load = None
    if state is not None and state.working_load_kg and state.target_reps:
        moved = transfer_load(state.working_load_kg, state.target_reps, low)
        if load is None:
            load = moved
        elif low < state.target_reps:
            load = max(load, state.working_load_kg)
    return load


def _loaded_line(ex: Exercise, kind: SlotKind, ctx: Context) -> tuple[Prescription, bool]:
    """A loaded exercise's prescription, and whether it starts light (no data)."""
    phase, profile = ctx.phase, ctx.profile
    state = ctx.states.get(ex.id)
    low, high = _reps_for(ex, kind, phase)
    rpe = _rpe_for(kind, phase)
    mode = _mode(kind, phase)
    sets = _sets_for(kind, phase, False)
    rest = _rest_for(kind, phase, False)
    main = kind == "main" and ex.pattern in LOWER_PATTERNS
    e1rm = effective_e1rm(state, ctx.day) or starting_e1rm(profile.known_loads_kg, ex.id)
    if ctx.light:
        rx = Prescription(ex.id, sets, low, high, None, None, min(rpe, 6.0), rest,
                          per_side=ex.unilateral, mode="hold")  # fmt: skip
        return rx, True
    load: float | None = None
    if kind == "main" and phase.name == "power" and phase.block == "endurance":
        if e1rm is not None:
            load = e1rm * sum(phase.pct_e1rm or (0.3, 0.3)) / 2
        steady = "alternate legs, non-stop" if ex.unilateral else "steady, non-stop"
        rx = Prescription(
            ex.id, sets, None, None, ENDURANCE_SECONDS,
            _round(load, ex, ctx), rpe, rest, main_lift=main, mode=mode, tempo=steady,
        )  # fmt: skip
        return rx, rx.load_kg is None
    target: int
    by_e1rm = kind == "main" and phase.percent_based and phase.pct_e1rm is not None
    if by_e1rm and e1rm is not None and phase.pct_e1rm is not None:
        load = e1rm * sum(phase.pct_e1rm) / 2
        target = (low + high) // 2
    elif state is not None and (state.reps_low, state.reps_high) == (low, high):
        # Double progression in this range (reps logged without a load build too).
        load = state.working_load_kg or _entry_load(ex, kind, phase, None, e1rm, (low, high), rpe)
        target = min(max(state.target_reps or low, low), high)
    else:
        load = _entry_load(ex, kind, phase, state, e1rm, (low, high), rpe)
        target = (low + high) // 2 if by_e1rm else low
    if load is not None:
        load *= phase.load
    tempo = "explosive" if kind == "main" and phase.name == "power" else ""
    rx = Prescription(
        ex.id, sets, low, high, None, _round(load, ex, ctx), rpe, rest,
        per_side=ex.unilateral, main_lift=main, target_reps=target, mode=mode, tempo=tempo,
    )  # fmt: skip
    return rx, rx.load_kg is None


def _round(load: float | None, ex: Exercise, ctx: Context) -> float | None:
    if load is None:
        return None
    return loadable(load, ex, ctx.profile.equipment, ctx.profile.units)


def _bodyweight_line(ex: Exercise, kind: SlotKind, ctx: Context) -> Prescription:
    """Reps build to the top of the range, then a harder variant takes over (`pick`); at the
    end of the ladder the range stretches to the cap and then the tempo slows."""
    state = ctx.states.get(ex.id)
    if ctx.light:
        low, high = _BODYWEIGHT_REPS.get(ex.id, _UNLOADED_REPS)
    else:
        low, high = bodyweight_range(ex, ctx.equipment)
    cap = bodyweight_cap(ex.id)
    target = low
    if state is not None and state.target_reps is not None:
        target = min(max(state.target_reps, low), high)
    tempo = "3 s down" if state is not None and state.mastered and target >= cap else ""
    load = None
    weighted = ctx.profile.equipment != "none" and not ctx.light and ctx.phase.heavy_allowed
    if state is not None and state.working_load_kg and weighted and ex.load_type == "bodyweight":
        load = _round(state.working_load_kg * ctx.phase.load, ex, ctx)
    return Prescription(
        ex.id, _sets_for(kind, ctx.phase, ctx.kind == "routine"), low, high, None, load,
        min(_rpe_for(kind, ctx.phase), 7.0), _rest_for(kind, ctx.phase, ctx.kind == "routine"),
        per_side=ex.unilateral, target_reps=target, mode=_mode(kind, ctx.phase), tempo=tempo,
    )  # fmt: skip


def _hold_line(ex: Exercise, kind: SlotKind, ctx: Context) -> Prescription:
    state = ctx.states.get(ex.id)
    seconds = _HOLD_SECONDS.get(ex.id, 30)
    if ctx.light:
        seconds = min(seconds, 30)
    elif state is not None and state.target_reps is not None:
        seconds = max(10, min(HOLD_CAP_S, state.target_reps))
    return Prescription(
        ex.id, _sets_for(kind, ctx.phase, ctx.kind == "routine"), None, None, seconds, None,
        _rpe_for(kind, ctx.phase), _rest_for(kind, ctx.phase, ctx.kind == "routine"),
        per_side=ex.unilateral, mode=_mode(kind, ctx.phase),
    )  # fmt: skip


def line_for(ex: Exercise, kind: SlotKind, ctx: Context, priority: int, required: bool) -> Line:
    if ex.load_type == "hold":
        return Line(_hold_line(ex, kind, ctx), kind, priority, required, True, False)
    unloaded = ex.load_type == "external" and (
        ctx.equipment == "none" or ex.implement in NO_LOAD_IMPLEMENTS
    )
    if ex.load_type == "bodyweight" or unloaded:
        rx = _bodyweight_line(ex, kind, ctx)
        return Line(rx, kind, priority, required, rx.load_kg is None, False)
    rx, light = _loaded_line(ex, kind, ctx)
    return Line(rx, kind, priority, required, False, light)


def _plyo_lines(drills: Sequence[Exercise], ctx: Context, priority: int) -> list[Line]:
    """Foot contacts in whole sets of ten, each drill at its own progression target, the
    session within the level's dose (rule 7): 5k and 10k runners at the top of it."""
    low, high = plyo_dose(ctx.profile)
    race = ctx.profile.race
    short_race = race is not None and race.distance in ("5k", "10k")
    start = high if short_race else (low + high) // 2 if ctx.phase.block == "power" else low
    share = start / len(drills)
    contacts: list[int] = []
    for ex in drills:
        state = ctx.states.get(ex.id)
        wanted = state.target_reps if state is not None and state.target_reps else share
        contacts.append(max(PLYO_SET, PLYO_SET * round(wanted / PLYO_SET)))
    while sum(contacts) > high and max(contacts) > PLYO_SET:
        contacts[contacts.index(max(contacts))] -= PLYO_SET
    lines = []
    for ex, total in zip(drills, contacts, strict=True):
        if total <= 0:
            continue
        rx = Prescription(
            ex.id, total // PLYO_SET, None, None, None, None, min(ctx.phase.rpe, 7.0), 60,
            foot_contacts=total, per_side=ex.unilateral, mode=_mode("plyo", ctx.phase),
            tempo="quick and springy",
        )  # fmt: skip
        lines.append(Line(rx, "plyo", priority, False, True, False))
    return lines


# --- choosing exercises ---------------------------------------------------------------------


def _variant(ex: Exercise, ctx: Context, used: set[str]) -> Exercise:
    """A mastered bodyweight exercise, hold or drill gives way to its harder variant."""
    seen = {ex.id}
    while True:
        if not _gives_way(ex, ctx.equipment):
            return ex  # its state is not looked up: a plan that only considered it reuses
        state = ctx.states.get(ex.id)
        if state is None or not state.mastered:
            return ex
        harder = harder_variant(ex, ctx.equipment)
        if harder is None or harder.id in seen or harder.id in used:
            return ex
        seen.add(harder.id)
        ex = harder


def _gives_way(ex: Exercise, equipment: str) -> bool:
    """Whether mastering `ex` moves the athlete on to its harder variant: loaded lifts
    progress by load instead (unless there is nothing to load)."""
    return not (ex.load_type == "external" and equipment != "none")


def pick(role: str, offset: int, ctx: Context, used: set[str], rotate: int = 0) -> list[Exercise]:
    """Candidates for a role the athlete can do, starting at `offset` (wrapping), mastered
    ones replaced by their harder variants."""
    names = _CANDIDATES[role][ctx.profile.strength_experience]
    equipment = ctx.equipment
    options = [LIBRARY[n] for n in names if LIBRARY[n].available_with(equipment)]
    options = [e for e in options if e.id not in used]
    if not options:
        return []
    start = (offset + rotate) % len(options)
    chosen = [_variant(e, ctx, used) for e in options[start:] + options[:start]]
    return list({e.id: e for e in chosen if e.id not in used}.values())


@functools.cache
def plannable(experience: Experience, equipment: str) -> frozenset[str]:
    """Every exercise a session can prescribe at this level with this kit: the candidates
    of every role and their harder variants (more than any one plan uses)."""
    found: set[str] = set()
    for by_level in _CANDIDATES.values():
        for name in by_level[experience]:
            ex: Exercise | None = LIBRARY[name]
            while ex is not None and ex.id not in found and ex.available_with(equipment):
                found.add(ex.id)
                ex = harder_variant(ex, equipment) if _gives_way(ex, equipment) else None
    return frozenset(found)


_MAIN_ROLES = ("squat_main", "hinge_main", "single_leg_main")


def _main_lifts(ctx: Context) -> frozenset[str]:
    """The lifts the athlete's templates use as main lifts. Other slots leave them alone, so
    each lift keeps one rep range and one progression instead of flipping between two."""
    found = (pick(role, 0, ctx, set()) for role in _MAIN_ROLES)
    return frozenset(options[0].id for options in found if options)


def _role(slot: Slot, ctx: Context) -> str:
    """Ultra runners' conversion phase swaps in eccentric work (COACHING.md)."""
    if ctx.phase.block == "endurance":
        return {"single_leg": "eccentric_leg", "calf": "eccentric_calf"}.get(slot.role, slot.role)
    return slot.role


_REQUIRED: Mapping[SessionKind, frozenset[str]] = {
    "full": frozenset({"main", "calf", "core"}),
    "light": frozenset({"calf", "core"}),
    "activation": frozenset({"calf", "core"}),
    "routine": frozenset({"secondary", "calf", "core"}),  # legs on leg days, feet, plank
}


def _choose(slots: Sequence[Slot], ctx: Context, *, rotate: int = 0) -> list[Line]:
    """One line per slot, in priority order; plyometric slots take one or two drills. The
    first line of each kind the session keeps whatever the minutes (`_REQUIRED`) is marked
    required."""
    lines: list[Line] = []
    used: set[str] = set()
    have: set[str] = set()
    mains = _main_lifts(ctx)
    for priority, slot in enumerate(slots):
        options = pick(_role(slot, ctx), slot.offset, ctx, used, rotate)
        if slot.kind != "main":  # one role per lift: one rep range, one progression
            options = [o for o in options if o.id not in mains] or options
        if not options:
            continue
        if slot.kind == "plyo":
            drills = options[:2] if plyo_dose(ctx.profile)[0] > 40 else options[:1]
            found = _plyo_lines(drills, ctx, priority)
        else:
            required = slot.kind in _REQUIRED[ctx.kind] and slot.kind not in have
            found = [line_for(options[0], slot.kind, ctx, priority, required)]
        for line in found:
            lines.append(line)
            used.add(line.rx.exercise)
            have.add(line.kind)
    return lines


# --- supersets and fitting the minutes ------------------------------------------------------

_PARTNERS: Mapping[SlotKind, tuple[SlotKind, ...]] = {
    "main": ("upper", "filler", "core"),
    "secondary": ("upper", "core", "filler"),
    "calf": ("core", "upper", "filler"),
}


def _groups(lines: Sequence[Line]) -> list[list[Line]]:
    """Plyometrics first on their own; then each lower-body lift with non-competing partners
    (an upper-body pull beside the main lift, core beside calf work), up to three to a
    group; what is left in pairs."""
    plyo = [x for x in lines if x.kind == "plyo"]
    lower = [[x] for x in lines if x.lower]
    others = [x for x in lines if not x.lower and x.kind != "plyo"]
    for size in (2, 3):
        for group in lower:
            if not others or len(group) >= size:
                continue
            wanted = _PARTNERS.get(group[0].kind, ())
            partner = min(
                others,
                key=lambda x: (
                    wanted.index(x.kind) if x.kind in wanted else len(wanted),
                    x.priority,
                ),
            )
            group.append(partner)
            others.remove(partner)
    rest = [others[i : i + 2] for i in range(0, len(others), 2)]
    return ([plyo] if plyo else []) + lower + rest


def _labelled(groups: Sequence[Sequence[Line]]) -> list[Line]:
    """Group letters and the rest after each round: the longest rest any member needs, less
    the time the other members work (at least a minute after a main lift, else 45 s, or the
    members' own shorter rest)."""
    out: list[Line] = []
    for index, group in enumerate(groups):
        letter = "ABCDEFGHIJ"[index]
        if len(group) == 1:
            out.append(replace(group[0], rx=replace(group[0].rx, group=letter)))
            continue
        rest = _group_rest(group)
        for number, line in enumerate(group, 1):
            rx = replace(line.rx, group=f"{letter}{number}", rest_s=rest)
            out.append(replace(line, rx=rx))
    return out


def _rest_after(group: Sequence[Line]) -> int:
    """The rest after each round: a line's own, or its superset's."""
    return group[0].rx.rest_s if len(group) == 1 else _group_rest(group)


def _group_rest(group: Sequence[Line]) -> int:
    busy = sum(work_seconds(x.rx) for x in group[1:]) + TRANSITION_S * len(group)
    longest = max(x.rx.rest_s for x in group)
    floor = min(longest, 60 if any(x.kind == "main" for x in group) else 45)
    return max(floor, 15 * round((longest - busy) / 15))


def arrange(lines: Sequence[Line]) -> list[Line]:
    """Lines in session order with group labels and rests."""
    ordered = sorted(lines, key=lambda x: x.priority)
    return _labelled(_groups(ordered))


def _min_sets(line: Line) -> int:
    return 2 if line.kind == "main" else 1


Packing = list[tuple[Line, int]]  # lines in priority order, each at a number of sets


class _Timing:
    """How long a packing takes, as `estimate_seconds(arrange(...))` would say.

    Speed: `fit` times a few dozen trial packings per session and a set log plans several
    sessions, so this is the hot spot of planning. The grouping and each group's rest depend
    only on which lines are in the packing, not on their sets: they are worked out once per
    line set and kept. A packing's time is then summed from the sets, and one more set of a
    line (most trials) is priced on its own group only, with no prescriptions copied."""

    def __init__(self) -> None:
        self._layouts: dict[tuple[tuple[int, str, int | None], ...], _Layout] = {}

    def _layout(self, packing: Packing) -> _Layout:
        key = tuple((x.priority, x.rx.exercise, x.rx.foot_contacts) for x, _ in packing)
        layout = self._layouts.get(key)
        if layout is None:
            lines = [x for x, _ in packing]
            index = {id(x): i for i, x in enumerate(lines)}
            groups = [
                ([index[id(x)] for x in group], _rest_after(group)) for group in _groups(lines)
            ]
            home = {i: members for members, _ in groups for i in members}
            work = [work_seconds(x.rx) for x in lines]
            layout = self._layouts[key] = _Layout(groups, home, work)
        return layout

    def seconds(self, packing: Packing) -> float:
        layout = self._layout(packing)
        total = 0.0
        for members, rest in layout.groups:
            for round_ in range(max(packing[i][1] for i in members)):
                active = [layout.work[i] for i in members if packing[i][1] > round_]
                total += sum(active) + TRANSITION_S * (len(active) - 1) + rest
        return total

    def one_more_set(self, packing: Packing, index: int) -> float:
        """What one more set of `packing[index]` adds: its work and a transition inside a
        round others still work in, or a round of its own (work and the group's rest)."""
        layout = self._layout(packing)
        members = layout.home[index]
        new_round = packing[index][1]
        if any(packing[i][1] > new_round for i in members):
            return layout.work[index] + TRANSITION_S
        rest = next(r for m, r in layout.groups if m is members)
        return layout.work[index] + rest


@dataclass(frozen=True)
class _Layout:
    groups: list[tuple[list[int], int]]  # member indexes and the rest after each round
    home: dict[int, list[int]]  # a line's index -> its group's members
    work: list[float]  # each line's seconds of work per set


# A line as packing sees it: kind, place, required, sets, rest, seconds of work per set,
# foot contacts. Nothing of its exercise's load or name.
_Shape = tuple[str, int, bool, int, int, float, int | None]
# What packing decided, by the shapes it packed: (line index, sets, foot contacts) kept.
_PACKINGS: dict[tuple[tuple[_Shape, ...], float, int], tuple[tuple[int, int, int | None], ...]]
_PACKINGS = {}
_PACKINGS_KEPT = 4096


def _shape(line: Line) -> _Shape:
    rx = line.rx
    return (line.kind, line.priority, line.required, rx.sets, rx.rest_s, work_seconds(rx),
            rx.foot_contacts)  # fmt: skip


def fit(lines: Sequence[Line], budget_s: float, dose_low: int = 0) -> list[Line]:
    """Pack the session into its minutes, in priority order: the required lines at their
    fewest sets, the main lift's sets back up to what the phase prescribes, then each
    optional exercise with as many of its sets as fit (plyometric drills as one dose, down
    to `dose_low` contacts, rule 7), then the other lines' sets back up, most important
    first. What doesn't fit is left out, least important first; the main lift stays.

    Speed: packing depends only on the lines' shapes (`_Shape`), which an athlete's
    sessions repeat week after week while loads change, and a set log plans several
    sessions to quote the next one; so its decisions are kept by shape (`_PACKINGS`) and
    replayed onto the lines."""
    ordered = sorted(lines, key=lambda x: x.priority)
    key = (tuple(_shape(x) for x in ordered), budget_s, dose_low)
    decisions = _PACKINGS.get(key)
    if decisions is None:
        place = {(x.priority, x.rx.exercise): i for i, x in enumerate(ordered)}
        decisions = tuple(
            (place[x.priority, x.rx.exercise], x.rx.sets, x.rx.foot_contacts)
            for x in _pack(ordered, budget_s, dose_low)
        )
        if len(_PACKINGS) >= _PACKINGS_KEPT:
            _PACKINGS.clear()
        _PACKINGS[key] = decisions
    packed = []
    for index, sets, contacts in decisions:
        line = ordered[index]
        if (sets, contacts) != (line.rx.sets, line.rx.foot_contacts):
            line = replace(line, rx=replace(line.rx, sets=sets, foot_contacts=contacts))
        packed.append(line)
    return packed


def _pack(ordered: list[Line], budget_s: float, dose_low: int) -> list[Line]:
    """`fit`'s packing itself, on lines in priority order."""
    timing = _Timing()

    def fits(candidate: Packing) -> bool:
        return not candidate or timing.seconds(candidate) <= budget_s

    def grow(chosen: Packing, kinds: frozenset[str] | None) -> Packing:
        total = timing.seconds(chosen) if chosen else 0.0
        grown = True
        while grown:
            grown = False
            for index, (line, sets) in enumerate(chosen):
                room = line.rx.sets - sets
                if line.kind == "plyo" or room <= 0 or (kinds and line.kind not in kinds):
                    continue
                extra = timing.one_more_set(chosen, index)
                if total + extra <= budget_s:
                    chosen = [*chosen[:index], (line, sets + 1), *chosen[index + 1 :]]
                    total += extra
                    grown = True
        return chosen

    chosen: Packing = [(x, min(x.rx.sets, _min_sets(x))) for x in ordered if x.required]
    while not fits(chosen) and any(x.kind != "main" for x, _ in chosen):
        drop = max((p for p in chosen if p[0].kind != "main"), key=lambda p: p[0].priority)
        chosen.remove(drop)
    chosen = grow(chosen, frozenset({"main"}))
    for priority in sorted({x.priority for x in ordered if not x.required}):
        unit = [x for x in ordered if x.priority == priority]
        if unit[0].kind == "plyo":
            for trial in _smaller_doses(unit, dose_low):
                candidate = sorted([*chosen, *trial], key=lambda p: p[0].priority)
                if fits(candidate):
                    chosen = candidate
                    break
            continue
        (line,) = unit  # one set if it fits, then as many more as fit
        candidate = sorted([*chosen, (line, 1)], key=lambda p: p[0].priority)
        total = timing.seconds(candidate)
        if total > budget_s:
            continue
        index = next(i for i, (x, _) in enumerate(candidate) if x is line)
        for sets in range(2, line.rx.sets + 1):
            extra = timing.one_more_set(candidate, index)
            if total + extra > budget_s:
                break
            candidate[index] = (line, sets)
            total += extra
        chosen = candidate
    return [
        line if sets == line.rx.sets else replace(line, rx=replace(line.rx, sets=sets))
        for line, sets in grow(chosen, None)
    ]


def _smaller_doses(unit: Sequence[Line], dose_low: int) -> list[Packing]:
    """A slot's plyometric drills at smaller and smaller doses, down to the bottom of the
    dose (`dose_low`), a set of ten at a time off the biggest."""
    options = [[(x, x.rx.sets) for x in unit]]
    contacts = [x.rx.foot_contacts or 0 for x in unit]
    while sum(contacts) - PLYO_SET >= max(dose_low, PLYO_SET):
        contacts[contacts.index(max(contacts))] -= PLYO_SET
        drills = [
            replace(x, rx=replace(x.rx, sets=n // PLYO_SET, foot_contacts=n))
            for x, n in zip(unit, contacts, strict=True)
            if n > 0
        ]
        options.append([(x, x.rx.sets) for x in drills])
    return options


def reduce_volume(lines: Sequence[Line], phase: PhaseInfo) -> list[Line]:
    """Deload and taper: about `phase.volume` of the session's sets, a set at a time off the
    line with the most sets (the least important of those first; one set each at least),
    then whole optional exercises; plyometric contacts scaled by `phase.plyo` (none in the
    taper). Nothing refills the time this frees."""
    chosen = sorted(lines, key=lambda x: x.priority)
    if phase.plyo < 1:
        chosen = _scaled_jumps(chosen, phase.plyo)
    if phase.volume >= 1:
        return chosen
    sets = [x for x in chosen if x.kind != "plyo"]
    target = max(1, round(sum(x.rx.sets for x in sets) * phase.volume))

    def total() -> int:
        return sum(x.rx.sets for x in chosen if x.kind != "plyo")

    while total() > target:
        trimmable = [x for x in chosen if x.rx.sets > 1 and x.kind != "plyo"]
        if not trimmable:
            break
        worst = max(trimmable, key=lambda x: (x.rx.sets, x.priority))
        chosen[chosen.index(worst)] = replace(worst, rx=replace(worst.rx, sets=worst.rx.sets - 1))
    for line in sorted(chosen, key=lambda x: -x.priority):
        if total() <= target:
            break
        if not line.required and line.kind != "plyo":
            chosen.remove(line)
    return chosen


def _scaled_jumps(lines: list[Line], factor: float) -> list[Line]:
    """The session's plyometric contacts times `factor`, in whole sets, taken off the
    biggest drill first (a deload's −40 %; none at all in the taper)."""
    drills = [x for x in lines if x.kind == "plyo"]
    contacts = [x.rx.foot_contacts or 0 for x in drills]
    keep = PLYO_SET * round(sum(contacts) * factor / PLYO_SET)
    while sum(contacts) > keep:
        contacts[contacts.index(max(contacts))] -= PLYO_SET
    scaled = {
        id(x): replace(x, rx=replace(x.rx, sets=n // PLYO_SET, foot_contacts=n))
        for x, n in zip(drills, contacts, strict=True)
        if n > 0
    }
    return [scaled.get(id(x), x) for x in lines if x.kind != "plyo" or id(x) in scaled]


def build(slots: Sequence[Slot], ctx: Context, budget_s: float, *, rotate: int = 0) -> list[Line]:
    """Choose, fit to the minutes, cut for deload or taper, and arrange."""
    lines = _choose(slots, ctx, rotate=rotate)
    lines = fit(lines, budget_s, plyo_dose(ctx.profile)[0])
    lines = reduce_volume(lines, ctx.phase)
    return arrange(lines)


def template_slots(label: str, ctx: Context) -> tuple[Slot, ...]:
    """The template's slots for this week: plyometrics after the main lift in power weeks,
    and in every session of a 5k/10k runner's strength and power phases."""
    slots = TEMPLATES[label]
    race = ctx.profile.race
    short_race = race is not None and race.distance in ("5k", "10k")
    wants_plyo = ctx.phase.block == "power" or (
        short_race and ctx.phase.name in ("strength", "power")
    )
    if wants_plyo and not any(s.kind == "plyo" for s in slots):
        slots = (slots[0], Slot("plyo", "plyo"), *slots[1:])
    # The taper keeps the week before it's shape (its jumps go in `reduce_volume`, after the
    # session is fitted, so their minutes are not refilled).
    jumps = ctx.phase.plyometrics_allowed or ctx.phase.name == "taper"
    if not jumps or (ctx.profile.strength_experience == "none" and ctx.phase.block == "adaptation"):
        slots = tuple(s for s in slots if s.kind != "plyo")
    return slots


LIGHT_SLOTS = _LIGHT
ACTIVATION_SLOTS = _ACTIVATION


def routine_slots(legs: bool) -> tuple[Slot, ...]:
    """Seed 004's ten minutes of body-weight work; leg work and calves on leg days, easy foot
    work on the others, so every week holds calf/foot work."""
    slots: list[Slot] = []
    if legs:
        slots.append(Slot("routine_legs", "secondary"))
    slots += [Slot("push", "upper"), Slot("pull", "upper"), Slot("core_ext", "core")]
    slots += [Slot("core_lat", "core"), Slot("filler", "filler")]
    slots.append(Slot("calf", "calf") if legs else Slot("foot", "calf"))
    return tuple(slots)
