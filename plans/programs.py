"""What the athlete does on a given day: a strength session, a short mobility routine or rest.

Sessions are built from movement-pattern slots in priority order and packed into the
athlete's minutes (estimate = warm-up + sum of sets x (work + rest)). Variants follow the
athlete's experience and equipment; loads come from progression state. Pure and
deterministic: the same profile, states and dates always give the same plan.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from plans.exercises import LB_TO_KG, LIBRARY, Exercise, resolve, round_load
from plans.periodization import PhaseInfo, phase_for
from plans.placement import heavy_lower_blockers, strength_days
from plans.prescription import Prescription
from plans.profile import WEEKDAY_LABELS, Experience, Profile
from plans.state import ExerciseState

DayKind = Literal["strength", "mobility", "rest"]
SlotKind = Literal["plyo", "main", "secondary", "upper", "core", "calf", "filler"]
Level = Literal["beginner", "intermediate", "advanced"]

ROUTINE_MINUTES = 10  # session_minutes == 10 selects the daily bodyweight routine
LOWER_PATTERNS = frozenset({"squat", "hinge", "single_leg", "calf_foot", "plyometric"})
MOBILITY_MAX_MINUTES = 10

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
# Days after a race with no strength work (choice: longer races need longer recovery).
RECOVERY_DAYS: Mapping[str, int] = {"5k": 2, "10k": 3, "half": 5, "marathon": 7, "ultra": 10}

_STAGE: Mapping[SlotKind, int] = {
    "plyo": 0,
    "main": 1,
    "secondary": 2,
    "upper": 3,
    "filler": 3,
    "core": 4,
    "calf": 5,
}


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
        "experienced": ("back_squat", "bulgarian_split_squat", "single_leg_squat"),
    },
    "hinge_main": {
        "none": ("kettlebell_deadlift", "glute_bridge"),
        "some": ("trap_bar_deadlift", "romanian_deadlift", "single_leg_rdl"),
        "experienced": ("deadlift", "single_leg_rdl"),
    },
    "single_leg_main": {
        "none": ("goblet_squat", "bodyweight_squat"),
        "some": ("split_squat", "reverse_lunge", "step_up"),
        "experienced": ("bulgarian_split_squat", "step_up", "single_leg_squat"),
    },
    "single_leg": {
        "none": ("step_up", "split_squat", "reverse_lunge"),
        "some": ("reverse_lunge", "split_squat", "step_up", "lateral_lunge"),
        "experienced": ("bulgarian_split_squat", "step_up", "walking_lunge", "step_down"),
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

# Session templates, in priority order (what goes first when minutes are short).
_TEMPLATES: Mapping[str, tuple[Slot, ...]] = {
    "A": (
        Slot("squat_main", "main"),
        Slot("hip_secondary", "secondary"),
        Slot("single_leg", "secondary"),
        Slot("core_ext", "core"),
        Slot("pull", "upper"),
        Slot("core_rot", "core"),
        Slot("calf", "calf"),
        Slot("push", "upper"),
        Slot("filler", "filler"),
    ),
    "B": (
        Slot("hinge_main", "main"),
        Slot("single_leg", "secondary", 1),
        Slot("posterior", "secondary"),
        Slot("core_lat", "core"),
        Slot("push", "upper"),
        Slot("core_lower", "core"),
        Slot("calf", "calf"),
        Slot("pull", "upper", 1),
        Slot("filler", "filler", 1),
    ),
    "C": (
        Slot("single_leg_main", "main"),
        Slot("single_leg_hinge", "secondary"),
        Slot("plyo", "plyo"),
        Slot("push", "upper", 1),
        Slot("pull", "upper", 1),
        Slot("core_rot", "core", 1),
        Slot("foot", "calf"),
        Slot("calf", "calf"),
    ),
}
_LIGHT_TEMPLATE: tuple[Slot, ...] = (
    Slot("push", "upper"),
    Slot("pull", "upper"),
    Slot("core_ext", "core"),
    Slot("core_rot", "core"),
    Slot("core_lat", "core"),
    Slot("filler", "filler"),
)
_SESSION_TITLES: Mapping[str, str] = {
    "A": "squat focus",
    "B": "deadlift focus",
    "C": "single-leg & power",
}

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
_HOLD_SECONDS: Mapping[str, int] = {
    "plank": 40,
    "side_plank": 30,
    "copenhagen_plank": 20,
    "wall_sit": 45,
    "superman": 20,
}
_PLYO_PER_SET: Mapping[str, int] = {"pogo_hops": 20}

_MOBILITY_GROUPS: tuple[tuple[str, ...], ...] = (
    ("hip_flexor_stretch", "world_greatest_stretch", "leg_swings"),
    ("calf_stretch", "foam_roll_calves", "ankle_circles"),
    ("pigeon_stretch", "hamstring_stretch", "foam_roll_quads"),
    ("short_foot",),
    ("ankle_circles", "leg_swings", "world_greatest_stretch"),
)


@dataclass(frozen=True)
class DayPlan:
    """One day of the plan, ready to render or serialise.

    `bodyweight` lists exercises done without external load (so a missing load reads
    "bodyweight", not "pick a light load"); `warmup_min` is included in `minutes`.
    """

    date: dt.date
    kind: DayKind
    phase: PhaseInfo
    title: str
    session_label: str | None
    exercises: tuple[Prescription, ...]
    minutes: int
    notes: tuple[str, ...]
    heavy_lower: bool
    warmup_min: int = 0
    bodyweight: tuple[str, ...] = ()
    focus: str = ""  # overrides the phase focus in the message when set

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "kind": self.kind,
            "phase": self.phase.name,
            "week": self.phase.week,
            "deload": self.phase.deload,
            "minutes": self.minutes,
            "exercises": [_prescription_json(p) for p in self.exercises],
        }


def _prescription_json(p: Prescription) -> dict[str, Any]:
    reps: int | str | None
    if p.reps_low is None:
        reps = None
    elif p.reps_high is None or p.reps_high == p.reps_low:
        reps = p.reps_low
    else:
        reps = f"{p.reps_low}-{p.reps_high}"
    return {
        "id": p.exercise,
        "sets": p.sets,
        "reps": reps,
        "seconds": p.seconds,
        "load_kg": p.load_kg,
        "rpe": p.rpe,
        "rest_s": p.rest_s,
        "foot_contacts": p.foot_contacts,
    }


# --- time arithmetic -------------------------------------------------------------------


def work_seconds(p: Prescription) -> float:
    """Estimated time under work for one set (setup included)."""
    sides = 2 if p.per_side else 1
    if p.foot_contacts is not None:
        return p.foot_contacts / max(1, p.sets) + 10
    if p.seconds is not None:
        return p.seconds * sides + 10
    reps = p.reps_high if p.reps_high is not None else (p.reps_low or 0)
    return reps * 3 * sides + 10


def exercise_seconds(p: Prescription) -> float:
    return p.sets * (work_seconds(p) + p.rest_s)


def estimate_minutes(exercises: Sequence[Prescription], warmup_min: int = 0) -> float:
    """Warm-up plus, for every exercise, sets x (work time + rest)."""
    return warmup_min + sum(exercise_seconds(p) for p in exercises) / 60


def warmup_minutes(session_minutes: int) -> int:
    if session_minutes <= ROUTINE_MINUTES:
        return 0
    return 5 if session_minutes >= 30 else 3


# --- prescriptions ---------------------------------------------------------------------


def plyo_dose(profile: Profile) -> tuple[int, int]:
    return PLYO_DOSE[LEVELS[profile.strength_experience]]


EMPTY_BAR_KG = 20.0
EMPTY_BAR_LB_IN_KG = round(45 * LB_TO_KG, 2)  # a 45 lb bar for athletes who load in lb


def _effective_implement_load(kg: float, ex: Exercise, profile: Profile) -> float | None:
    """Round to what the athlete can load, in their unit (5 lb plates for lb users).

    At home a "barbell" lift is done with dumbbells. None (bodyweight) when there is
    nothing to load (`round_load` gives 0.0).
    """
    if profile.equipment == "home" and ex.implement == "barbell":
        ex = replace(ex, implement="dumbbell")
    rounded = round_load(kg, ex, profile.units)
    if ex.implement == "barbell":
        bar = EMPTY_BAR_LB_IN_KG if profile.units == "lb" else EMPTY_BAR_KG
        rounded = max(rounded, bar)  # an empty bar is the lightest barbell load
    return rounded if rounded > 0 else None


def _external_load(
    ex: Exercise,
    kind: SlotKind,
    phase: PhaseInfo,
    state: ExerciseState | None,
    reps: tuple[int, int],
    profile: Profile,
) -> tuple[float | None, int | None]:
    """(load, fixed reps) from progression state; (None, None) when there is no data."""
    if state is None:
        return None, None
    working, target = state.working_load_kg, state.target_reps
    e1rm = state.e1rm_kg
    if e1rm is None and working is not None and target is not None and target <= 10:
        e1rm = working * (1 + target / 30)
    fresh_phase = phase.name in ("power", "race_week")
    if working is not None and target is not None and reps[0] <= target <= reps[1]:
        if not fresh_phase:
            load = working * (0.9 if phase.deload else 1.0)
            return _effective_implement_load(load, ex, profile), target
    if e1rm is not None:
        if kind == "main" and phase.pct_e1rm is not None:
            load = e1rm * sum(phase.pct_e1rm) / 2
        else:
            reserve = max(2.0, 10 - phase.rpe)
            load = e1rm / (1 + (reps[1] + reserve) / 30)
        return _effective_implement_load(load, ex, profile), None
    if working is not None:
        return _effective_implement_load(working * 0.9, ex, profile), None
    return None, None


def _known_state(profile: Profile, exercise_id: str) -> ExerciseState | None:
    """Before any logs, a load the athlete told us at onboarding gives an e1RM (Epley)."""
    for name, kg, reps in profile.known_loads_kg:
        found = LIBRARY.get(name) or resolve(name)
        if found is not None and found.id == exercise_id and kg > 0 and 1 <= reps <= 10:
            e1rm = kg if reps == 1 else kg * (1 + reps / 30)
            return ExerciseState(exercise_id, e1rm_kg=e1rm)
    return None


@dataclass(frozen=True)
class _Line:
    """A prescription plus what the renderer and notes need to know about it."""

    rx: Prescription
    kind: SlotKind
    bodyweight: bool
    start_light: bool


def _reps_for(ex: Exercise, kind: SlotKind, phase: PhaseInfo, unloaded: bool) -> tuple[int, int]:
    if ex.load_type == "bodyweight":
        return _BODYWEIGHT_REPS.get(ex.id, (8, 12))
    if unloaded:
        return (10, 15) if phase.name != "race_week" else (6, 8)
    if phase.name == "anatomical_adaptation" or phase.name == "race_week":
        return phase.rep_low, phase.rep_high
    if kind == "main":
        return phase.rep_low, phase.rep_high
    if kind == "secondary":
        return max(phase.rep_low, 6), max(phase.rep_high, 8)
    if kind == "calf":
        return 10, 15
    return 8, 12


def _sets_for(kind: SlotKind, phase: PhaseInfo) -> int:
    if kind == "main":
        return phase.sets_high
    if kind == "secondary":
        return max(1, phase.sets_low)
    return max(1, min(2, phase.sets_high))


def _rest_for(kind: SlotKind, phase: PhaseInfo, routine: bool) -> int:
    if routine:
        return 20
    if kind == "main":
        return phase.rest_s
    if kind == "secondary":
        return min(phase.rest_s, 90)
    if kind == "plyo":
        return 45
    if kind in ("upper", "filler"):
        return 60
    return 45


def _rpe_for(kind: SlotKind, phase: PhaseInfo) -> float:
    if kind == "main":
        return phase.rpe
    return min(phase.rpe, 7.0)


def _line(
    ex: Exercise,
    kind: SlotKind,
    phase: PhaseInfo,
    profile: Profile,
    states: Mapping[str, ExerciseState],
    *,
    routine: bool = False,
) -> _Line:
    state = states.get(ex.id) or _known_state(profile, ex.id)
    sets = 2 if routine else _sets_for(kind, phase)
    rest = _rest_for(kind, phase, routine)
    rpe = _rpe_for(kind, phase)
    per_side = ex.unilateral
    if ex.load_type == "hold":
        seconds = _HOLD_SECONDS.get(ex.id, 30)
        if routine:
            seconds = min(seconds, 30)
        if state is not None and state.target_reps is not None:
            seconds = max(10, min(120, state.target_reps))
        rx = Prescription(ex.id, sets, None, None, seconds, None, rpe, rest, per_side=per_side)
        return _Line(rx, kind, True, False)
    unloaded = ex.load_type == "external" and (profile.equipment == "none" or routine)
    low, high = (8, 12) if routine and unloaded else _reps_for(ex, kind, phase, unloaded)
    load: float | None = None
    fixed: int | None = None
    start_light = False
    if ex.load_type == "bodyweight":
        if state is not None and state.target_reps is not None:
            fixed = max(1, min(30, state.target_reps))
        weighted = profile.equipment != "none" and not routine and phase.heavy_allowed
        if state is not None and state.working_load_kg and weighted:
            load = _effective_implement_load(
                state.working_load_kg * (0.9 if phase.deload else 1.0), ex, profile
            )
    elif not unloaded and phase.heavy_allowed:
        load, fixed = _external_load(ex, kind, phase, state, (low, high), profile)
        start_light = load is None
    elif not unloaded:
        start_light = True  # race week: a light load, chosen by feel
    if fixed is not None:
        low = high = fixed
    rx = Prescription(
        ex.id,
        sets,
        low,
        high,
        None,
        load,
        rpe,
        rest,
        per_side=per_side,
        main_lift=kind == "main" and ex.pattern in LOWER_PATTERNS,
    )
    bodyweight = load is None and not start_light
    return _Line(rx, kind, bodyweight, start_light)


def _plyo_lines(
    exercises: Sequence[Exercise], total: int, profile: Profile, phase: PhaseInfo
) -> list[_Line]:
    """Split `total` foot contacts over the plyo drills in whole sets, staying in the dose."""
    low, high = plyo_dose(profile)
    per_set = [_PLYO_PER_SET.get(e.id, 10) for e in exercises]
    share = total / len(exercises)
    sets = [max(1, round(share / n)) for n in per_set]

    def contacts() -> int:
        return sum(s * n for s, n in zip(sets, per_set, strict=True))

    while contacts() > high and max(sets) > 1:
        sets[sets.index(max(sets))] -= 1
    while contacts() < low:
        sets[0] += 1
    lines = []
    for ex, s, n in zip(exercises, sets, per_set, strict=True):
        rx = Prescription(
            ex.id,
            s,
            None,
            None,
            None,
            None,
            min(phase.rpe, 7.0),
            45,
            foot_contacts=s * n,
            per_side=ex.unilateral,
        )
        lines.append(_Line(rx, "plyo", True, False))
    return lines


def _pick(
    role: str, offset: int, profile: Profile, used: set[str], *, rotate: int = 0
) -> list[Exercise]:
    """Candidates for a role the athlete can do, starting at `offset` (wrapping)."""
    names = _CANDIDATES[role][profile.strength_experience]
    options = [LIBRARY[n] for n in names if profile.equipment in LIBRARY[n].equipment]
    options = [e for e in options if e.id not in used]
    if not options:
        return []
    start = (offset + rotate) % len(options)
    return options[start:] + options[:start]


def _fit(budget_s: float, used_s: float, lines: Sequence[_Line]) -> list[_Line] | None:
    cost = sum(exercise_seconds(line.rx) for line in lines)
    return list(lines) if used_s + cost <= budget_s else None


def _build(
    slots: Sequence[Slot],
    profile: Profile,
    states: Mapping[str, ExerciseState],
    phase: PhaseInfo,
    budget_s: float,
    *,
    plyos: bool,
    routine: bool = False,
    rotate: int = 0,
) -> list[_Line]:
    """Greedy packing: each slot in priority order, trimmed to fewer sets if needed."""
    chosen: list[_Line] = []
    used_ids: set[str] = set()
    used_s = 0.0
    for slot in slots:
        if slot.kind == "plyo" and not plyos:
            continue
        options = _pick(slot.role, slot.offset, profile, used_ids, rotate=rotate)
        if not options:
            continue
        ex = options[0]
        attempts: list[list[_Line]] = []
        if slot.kind == "plyo":
            low, high = plyo_dose(profile)
            state = states.get("plyo") or states.get(ex.id)
            target = (low + high) // 2 if phase.name == "power" else low
            if state is not None and state.target_reps is not None:
                target = max(low, min(high, state.target_reps))
            drills = options[:2] if target > 60 and len(options) > 1 else options[:1]
            attempts.append(_plyo_lines(drills, target, profile, phase))
            if target > low:
                attempts.append(_plyo_lines(drills, low, profile, phase))
            if len(drills) > 1:
                attempts.append(_plyo_lines(drills[:1], low, profile, phase))
        else:
            line = _line(ex, slot.kind, phase, profile, states, routine=routine)
            min_sets = 1 if slot.kind == "main" or routine else min(2, line.rx.sets)
            for sets in range(line.rx.sets, min_sets - 1, -1):
                attempts.append([replace(line, rx=replace(line.rx, sets=sets))])
        for attempt in attempts:
            fitted = _fit(budget_s, used_s, attempt)
            if fitted is not None:
                chosen.extend(fitted)
                used_s += sum(exercise_seconds(x.rx) for x in fitted)
                used_ids.update(x.rx.exercise for x in fitted)
                break
    chosen.sort(key=lambda x: _STAGE[x.kind])
    return chosen


# --- the calendar ----------------------------------------------------------------------


MONTH_LABELS: tuple[str, ...] = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)  # fixed English labels: strftime("%b") would follow the process locale


def day_label(day: dt.date) -> str:
    """'Tue 5 Jan'."""
    return f"{WEEKDAY_LABELS[day.weekday()]} {day.day} {MONTH_LABELS[day.month - 1]}"


_fmt = day_label


def _race_blocked(profile: Profile, day: dt.date) -> str | None:
    """Race day, the day before, or post-race recovery: no strength work."""
    race = profile.race
    if race is None:
        return None
    if day == race.date:
        return "race_day"
    if day == race.date - dt.timedelta(days=1):
        return "race_eve"
    if race.date < day <= race.date + dt.timedelta(days=RECOVERY_DAYS[race.distance]):
        return "recovery"
    return None


def _candidate(profile: Profile, day: dt.date) -> bool:
    return day.weekday() in strength_days(profile) and _race_blocked(profile, day) is None


def _window(profile: Profile, day: dt.date) -> list[dt.date]:
    """The race-aligned week (7 days ending on race day minus whole weeks) holding `day`."""
    assert profile.race is not None
    weeks_out = (profile.race.date - day).days // 7
    end = profile.race.date - dt.timedelta(days=7 * weeks_out)
    return [end - dt.timedelta(days=i) for i in range(6, -1, -1)]


def _scheduled(profile: Profile, day: dt.date, plan_start: dt.date) -> bool:
    """A session is planned on `day` before any moves (sessions cap applied)."""
    if not _candidate(profile, day):
        return False
    phase = phase_for(profile, day, plan_start)
    cap = phase.sessions_cap
    if cap is None or cap >= len(strength_days(profile)) or profile.race is None:
        return True
    race_date = profile.race.date
    options = [d for d in _window(profile, day) if _candidate(profile, d)]

    def rank(d: dt.date) -> tuple[int, int, int, dt.date]:
        blocked = 1 if heavy_lower_blockers(profile, d.weekday()) else 0
        hard = 1 if d.weekday() in profile.hard_days else 0
        late = abs((race_date - d).days - 3) if phase.name == "race_week" else 0
        return (blocked, hard, late, d)

    return day in sorted(options, key=rank)[:cap]


def _label(profile: Profile, day: dt.date, plan_start: dt.date) -> str:
    """Rotate A/B/C through the sessions, counting weeks from the plan start."""
    days = strength_days(profile)
    order = sorted(days, key=lambda d: (d - plan_start.weekday()) % 7)
    week = (day - plan_start).days // 7
    pos = order.index(day.weekday()) if day.weekday() in order else 0
    return "ABC"[(week * len(order) + pos) % 3]


def _moves(
    profile: Profile, plan_start: dt.date, moves: Sequence[tuple[dt.date, dt.date]]
) -> tuple[dict[dt.date, dt.date], set[dt.date]]:
    """Apply moves in order: (dates now holding a moved session -> its original date,
    dates whose session moved away)."""
    arrivals: dict[dt.date, dt.date] = {}
    vacated: set[dt.date] = set()

    def has(d: dt.date) -> bool:
        return d in arrivals or (d not in vacated and _scheduled(profile, d, plan_start))

    for src, dst in moves:
        if src == dst or not has(src) or has(dst):
            continue
        origin = arrivals.pop(src) if src in arrivals else src
        if origin == src:
            vacated.add(src)
        arrivals[dst] = origin
    return arrivals, vacated


def _has_session(
    profile: Profile,
    day: dt.date,
    plan_start: dt.date,
    arrivals: Mapping[dt.date, dt.date],
    vacated: set[dt.date],
) -> bool:
    return day in arrivals or (day not in vacated and _scheduled(profile, day, plan_start))


def _heavy_blockers_on(profile: Profile, day: dt.date) -> list[str]:
    reasons = heavy_lower_blockers(profile, day.weekday())
    if profile.race is not None and day + dt.timedelta(days=1) == profile.race.date:
        reasons.append(f"{_fmt(day)} is the day before your race")
    return reasons


# --- day builders ----------------------------------------------------------------------


def _finish(
    day: dt.date,
    kind: DayKind,
    phase: PhaseInfo,
    title: str,
    label: str | None,
    lines: Sequence[_Line],
    notes: Sequence[str],
    heavy: bool,
    warmup: int,
    focus: str = "",
) -> DayPlan:
    rxs = tuple(x.rx for x in lines)
    minutes = math.ceil(estimate_minutes(rxs, warmup) - 1e-9) if rxs else 0
    return DayPlan(
        date=day,
        kind=kind,
        phase=phase,
        title=title,
        session_label=label,
        exercises=rxs,
        minutes=minutes,
        notes=tuple(notes),
        heavy_lower=heavy,
        warmup_min=warmup if rxs else 0,
        bodyweight=tuple(x.rx.exercise for x in lines if x.bodyweight),
        focus=focus,
    )


def _rest_day(day: dt.date, phase: PhaseInfo, title: str, notes: Sequence[str]) -> DayPlan:
    return _finish(day, "rest", phase, title, None, (), notes, False, 0)


def _mobility_day(
    profile: Profile, day: dt.date, phase: PhaseInfo, notes: Sequence[str]
) -> DayPlan:
    if not profile.mobility_enabled:
        return _rest_day(day, phase, "Rest day", [*notes, "No session today: rest or run."])
    lines: list[_Line] = []
    budget = MOBILITY_MAX_MINUTES * 60
    after_long = profile.long_run_day is not None and (day.weekday() - 1) % 7 == (
        profile.long_run_day
    )
    turn = day.toordinal()
    for i, group in enumerate(_MOBILITY_GROUPS):
        names = [n for n in group if profile.equipment in LIBRARY[n].equipment]
        names = [n for n in names if n not in {x.rx.exercise for x in lines}]
        if not names:
            continue
        if after_long:
            rolls = [n for n in names if n.startswith("foam_roll")]
            names = rolls + [n for n in names if n not in rolls]
            name = names[0]
        else:
            name = names[(turn + i) % len(names)]
        ex = LIBRARY[name]
        seconds = 60 if name.startswith("foam_roll") else (30 if ex.unilateral else 45)
        rx = Prescription(name, 1, None, None, seconds, None, 3.0, 10, per_side=ex.unilateral)
        line = _Line(rx, "core", True, False)
        if sum(exercise_seconds(x.rx) for x in lines) + exercise_seconds(rx) <= budget:
            lines.append(line)
    title = "Recovery: mobility & foot care" if after_long else "Mobility & foot care"
    return _finish(day, "mobility", phase, title, None, lines, notes, False, 0)


def _routine_day(
    profile: Profile,
    states: Mapping[str, ExerciseState],
    day: dt.date,
    phase: PhaseInfo,
    legs: bool,
    notes: Sequence[str],
) -> DayPlan:
    """Seed 004's idea: ten minutes of body-weight work, leg work only on leg days."""
    slots: list[Slot] = []
    if legs:
        slots.append(Slot("routine_legs", "secondary"))
    slots += [Slot("push", "upper"), Slot("pull", "upper"), Slot("core_ext", "core")]
    slots += [Slot("core_lat", "core"), Slot("filler", "filler")]
    slots.append(Slot("calf", "calf") if legs else Slot("core_rot", "core"))
    lines = _build(
        slots,
        profile,
        states,
        phase,
        ROUTINE_MINUTES * 60,
        plyos=False,
        routine=True,
        rotate=day.toordinal() % 3,
    )
    lines = [replace(x, rx=replace(x.rx, load_kg=None), bodyweight=True) for x in lines]
    lines = [replace(x, rx=replace(x.rx, rpe=min(x.rx.rpe, 7.0)), start_light=False) for x in lines]
    title = "10-minute routine" + (" · legs day" if legs else "")
    focus = "Bodyweight strength: push, pull, plank" + (", legs" if legs else "")
    return _finish(day, "strength", phase, title, None, lines, notes, False, 0, focus)


def _session_day(
    profile: Profile,
    states: Mapping[str, ExerciseState],
    day: dt.date,
    phase: PhaseInfo,
    label: str,
    notes: list[str],
) -> DayPlan:
    budget = profile.session_minutes * 60
    warmup = warmup_minutes(profile.session_minutes)
    budget_s = budget - warmup * 60
    blockers = _heavy_blockers_on(profile, day)
    if phase.name == "race_week":
        slots: tuple[Slot, ...] = (
            Slot("routine_legs", "secondary"),
            Slot("push", "upper"),
            Slot("pull", "upper"),
            Slot("core_ext", "core"),
            Slot("core_lat", "core"),
        )
        lines = _build(slots, profile, states, phase, budget_s, plyos=False, routine=True)
        lines = [replace(x, rx=replace(x.rx, load_kg=None), bodyweight=True) for x in lines]
        notes.append("Race week: light and snappy, nothing heavy, no jumps.")
        title = "Race-week activation"
        focus = "Wake the legs up, stay fresh"
        return _finish(day, "strength", phase, title, None, lines, notes, False, warmup, focus)
    if blockers:
        lines = _build(_LIGHT_TEMPLATE, profile, states, phase, budget_s, plyos=False)
        notes.insert(0, f"Legs stay fresh: {blockers[0]}.")
        title = f"Session {label} · upper body & core"
        focus = "Upper body and trunk; legs rest"
        return _finish(day, "strength", phase, title, label, lines, notes, False, warmup, focus)
    slots = _TEMPLATES[label]
    if phase.name == "power" and label != "C":
        slots = (slots[0], Slot("plyo", "plyo"), *slots[1:])
    plyos = phase.plyometrics_allowed and not (
        profile.strength_experience == "none" and phase.name == "anatomical_adaptation"
    )
    lines = _build(slots, profile, states, phase, budget_s, plyos=plyos)
    if any(x.start_light for x in lines):
        notes.append("No load on record yet: start light, RPE 6-7 (3-4 reps in reserve).")
    if profile.equipment == "none" and any(
        LIBRARY[x.rx.exercise].load_type == "external" for x in lines
    ):
        notes.append("No weights: lower slowly (3 s) to make body-weight reps count.")
    if phase.deload:
        notes.append("Deload week: fewer sets, lighter, stop well short of failure.")
    elif phase.name == "taper":
        notes.append("Taper: half the volume, loads stay crisp.")
    if day.weekday() in profile.hard_days:
        notes.append("Hard run today: lift after it, ideally 6 h later.")
    elif day.weekday() in profile.running_days:
        notes.append("Run first, then lift.")
    focus = _SESSION_TITLES[label]
    if label == "C" and profile.strength_experience == "none":
        focus = "full body"
    heavy = any(LIBRARY[x.rx.exercise].pattern in LOWER_PATTERNS for x in lines)
    title = f"Session {label} · {focus}"
    return _finish(day, "strength", phase, title, label, lines, notes, heavy, warmup)


def plan_day(
    profile: Profile,
    states: Mapping[str, ExerciseState],
    day: dt.date,
    *,
    plan_start: dt.date,
    moves: Sequence[tuple[dt.date, dt.date]] = (),
) -> DayPlan:
    """The plan for `day`. `moves` are (from, to) pairs: the session on `from` is done on `to`."""
    phase = phase_for(profile, day, plan_start)
    blocked = _race_blocked(profile, day)
    if blocked == "race_day":
        return _rest_day(day, phase, "Race day", ["Race day: no strength work. Go get it!"])
    if blocked == "race_eve":
        return _rest_day(day, phase, "Rest: race tomorrow", ["Rest, hydrate, lay out your kit."])
    arrivals, vacated = _moves(profile, plan_start, moves)
    notes: list[str] = []
    source = day
    if day in arrivals:
        source = arrivals[day]
        notes.append(f"Moved from {_fmt(source)}.")
    elif day in vacated or not _scheduled(profile, day, plan_start):
        if day in vacated:
            target = next(t for t, s in arrivals.items() if s == day)
            notes.append(f"Your session moved to {_fmt(target)}.")
        if blocked == "recovery":
            notes.append("Recovering from your race: walk, stretch, no lifting yet.")
        elif profile.session_minutes <= ROUTINE_MINUTES:
            return _routine_day(profile, states, day, phase, False, notes)
        return _mobility_day(profile, day, phase, notes)
    if profile.session_minutes <= ROUTINE_MINUTES:
        legs = not _heavy_blockers_on(profile, day) and phase.name != "race_week"
        return _routine_day(profile, states, day, phase, legs, notes)
    label = _label(profile, source, plan_start)
    return _session_day(profile, states, day, phase, label, notes)


def plan_week(
    profile: Profile,
    states: Mapping[str, ExerciseState],
    week_start: dt.date,
    *,
    plan_start: dt.date,
    moves: Sequence[tuple[dt.date, dt.date]] = (),
) -> list[DayPlan]:
    """Seven consecutive days from `week_start`."""
    return [
        plan_day(
            profile, states, week_start + dt.timedelta(days=i), plan_start=plan_start, moves=moves
        )
        for i in range(7)
    ]


def check_move(
    profile: Profile,
    from_date: dt.date,
    to_date: dt.date,
    *,
    plan_start: dt.date,
    moves: Sequence[tuple[dt.date, dt.date]] = (),
) -> str | None:
    """None when the session on `from_date` may move to `to_date`, else a friendly reason."""
    reason = _move_problem(profile, from_date, to_date, plan_start, moves)
    if reason is None or reason.startswith("There's no"):
        return reason
    for delta in (1, -1, 2, -2, 3, -3):
        alt = from_date + dt.timedelta(days=delta)
        if alt != to_date and _move_problem(profile, from_date, alt, plan_start, moves) is None:
            return f"{reason} Try {_fmt(alt)} instead."
    return reason


def _move_problem(
    profile: Profile,
    src: dt.date,
    dst: dt.date,
    plan_start: dt.date,
    moves: Sequence[tuple[dt.date, dt.date]],
) -> str | None:
    arrivals, vacated = _moves(profile, plan_start, moves)
    if not _has_session(profile, src, plan_start, arrivals, vacated):
        return f"There's no strength session on {_fmt(src)} to move."
    if dst == src:
        return "That's the same day, so nothing changes."
    if abs((dst - src).days) > 6:
        return f"A session can move by up to 6 days; pick a day closer to {_fmt(src)}."
    blocked = _race_blocked(profile, dst)
    if blocked == "race_day":
        return f"{_fmt(dst)} is race day: no lifting."
    if blocked == "race_eve":
        return f"{_fmt(dst)} is the day before your race: that's a rest day."
    if blocked == "recovery":
        return f"On {_fmt(dst)} you'll still be recovering from your race."
    if _has_session(profile, dst, plan_start, arrivals, vacated):
        return f"You already have a session on {_fmt(dst)}."
    for near in (dst - dt.timedelta(days=1), dst + dt.timedelta(days=1)):
        if near != src and _has_session(profile, near, plan_start, arrivals, vacated):
            return f"{_fmt(dst)} is less than 48 h from your session on {_fmt(near)}."
    light = profile.session_minutes <= ROUTINE_MINUTES
    if not light and phase_for(profile, dst, plan_start).name != "race_week":
        blockers = _heavy_blockers_on(profile, dst)
        if blockers:
            return f"{blockers[0]}: heavy legs there would cost you the run."
    return None
