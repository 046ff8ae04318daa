"""Load arithmetic: estimated maxes, loads for a rep target, what can really be loaded, and
where a first load comes from. Pure; the numbers and their sources are in COACHING.md.

- e1RM: Epley for sets of 1–10 reps; the RTS/Tuchscherer chart when the effort (RPE) is
  known; RPE = 10 − reps in reserve (Helms et al. 2016).
- The best recent e1RM decays only after four weeks without a heavy set: −2 % a week, at
  most −10 % (**choice**, after Mujika & Padilla 2000: strength is largely kept for about
  four weeks of reduced training).
- Loads round to what the athlete can load in their unit: plates, dumbbell sizes, an empty
  bar at least; at home a barbell lift is done with dumbbells.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace

from plans import exercises
from plans.exercises import Exercise, round_load
from plans.state import ExerciseState
from plans.units import LB_TO_KG

# RTS chart as % of 1RM by reps to failure (reps + reps in reserve): the RPE 8 column
# (1: 92.2, 3: 86.3, 5: 81.1, 8: 73.9) sits at 3, 5, 7 and 10; a single at RPE 10 is 100 %.
_RTS_POINTS: tuple[tuple[float, float], ...] = (
    (1, 100.0), (3, 92.2), (5, 86.3), (7, 81.1), (10, 73.9),
)  # fmt: skip

MAX_ESTIMATE_REPS = 10  # Reynolds et al. 2006: estimate 1RM from sets of ≤ 10 reps
MIN_ESTIMATE_RPE = 7.0  # easier sets say little about the max (COACHING.md definitions)
DECAY_GRACE_WEEKS = 4
DECAY_PER_WEEK = 0.02
DECAY_FLOOR = 0.90
EMPTY_BAR_KG = 20.0
EMPTY_BAR_LB_IN_KG = round(45 * LB_TO_KG, 2)  # a 45 lb bar for athletes who load in lb


def e1rm(load_kg: float, reps: int) -> float | None:
    """Epley estimate; a single is its own 1RM; None outside 1–10 reps (Reynolds 2006)."""
    if reps < 1 or reps > MAX_ESTIMATE_REPS or load_kg <= 0:
        return None
    if reps == 1:
        return round(float(load_kg), 2)
    return round(load_kg * (1 + reps / 30), 2)


def _rts_fraction(to_failure: float) -> float | None:
    """% of 1RM (as a fraction) for reps to failure on the RTS chart; None off the chart."""
    first, last = _RTS_POINTS[0][0], _RTS_POINTS[-1][0]
    if not first <= to_failure <= last:
        return None
    for (r0, p0), (r1, p1) in itertools.pairwise(_RTS_POINTS):
        if r0 <= to_failure <= r1:
            return (p0 + (p1 - p0) * (to_failure - r0) / (r1 - r0)) / 100
    return None  # pragma: no cover - the range check above makes this unreachable


def e1rm_from_rpe(load_kg: float, reps: int, rpe: float) -> float | None:
    """e1RM from the RTS chart: reps to failure = reps + (10 − RPE), % of 1RM interpolated.

    140 kg × 5 @ RPE 8 → 172.6 kg. None when reps to failure fall outside the chart (1–10) or
    the RPE is outside 1–10.
    """
    if reps < 1 or load_kg <= 0 or not 1 <= rpe <= 10:
        return None
    fraction = _rts_fraction(reps + (10 - rpe))
    return None if fraction is None else round(load_kg / fraction, 1)


def set_e1rm(load_kg: float | None, reps: int | None, rpe: float | None) -> float | None:
    """One set's estimated 1RM: from its effort when known (the RTS chart, and Epley on the
    reps to failure past the chart's end), else Epley as if taken near failure (1–10 reps)."""
    if load_kg is None or reps is None or load_kg <= 0 or not 1 <= reps <= MAX_ESTIMATE_REPS:
        return None
    if rpe is None:
        return e1rm(load_kg, reps)
    from_chart = e1rm_from_rpe(load_kg, reps, rpe)
    if from_chart is not None:
        return from_chart
    if not 1 <= rpe <= 10:
        return None
    return round(load_kg * (1 + (reps + 10 - rpe) / 30), 1)


def heavy_estimate(load_kg: float | None, reps: int | None, rpe: float | None) -> float | None:
    """The set's e1RM if it is heavy enough to say something about the max: ≤ 10 reps at
    RPE ≥ 7 (the logged effort, else the prescribed one; a free log without either is
    read as near failure). None otherwise."""
    if rpe is not None and rpe < MIN_ESTIMATE_RPE:
        return None
    return set_e1rm(load_kg, reps, rpe)


def load_for(e1rm_kg: float, reps: int, rpe: float) -> float:
    """The load for `reps` at `rpe` from an e1RM: the inverse of `set_e1rm`."""
    to_failure = reps + (10 - rpe)
    fraction = _rts_fraction(to_failure)
    if fraction is None:
        fraction = 1 / (1 + max(to_failure, 1) / 30)
    return e1rm_kg * fraction


def effective_e1rm(state: ExerciseState | None, day: dt.date) -> float | None:
    """The best recent e1RM as of `day`: kept four weeks after it was set, then −2 % a week
    down to −10 % until a heavy set renews it."""
    if state is None or state.e1rm_kg is None:
        return None
    if state.e1rm_on is None:
        return state.e1rm_kg
    weeks = (day - state.e1rm_on).days // 7 - DECAY_GRACE_WEEKS
    if weeks <= 0:
        return state.e1rm_kg
    return state.e1rm_kg * max(DECAY_FLOOR, 1 - DECAY_PER_WEEK * weeks)


def transfer_load(load_kg: float, from_reps: int, to_reps: int) -> float:
    """A working load carried into a new rep target, by the Epley ratio (**choice**). Never
    lighter than what was just lifted when the new target has fewer reps."""
    moved = load_kg * (1 + from_reps / 30) / (1 + to_reps / 30)
    return max(moved, load_kg) if to_reps <= from_reps else moved


# --- what can be loaded -------------------------------------------------------------------


def kit(ex: Exercise, equipment: str) -> Exercise:
    """The exercise as the athlete loads it: at home a barbell lift is done with dumbbells;
    added load on band, box or no-kit work moves in plate steps."""
    if equipment == "home" and ex.implement == "barbell":
        return replace(ex, implement="dumbbell")
    if ex.implement in exercises.NO_LOAD_IMPLEMENTS:
        return replace(ex, implement="barbell")
    return ex


def loadable(kg: float, ex: Exercise, equipment: str, units: str) -> float | None:
    """`kg` rounded to what the athlete can load, in their unit (an empty bar at least);
    None when there is nothing to load."""
    if ex.implement in exercises.NO_LOAD_IMPLEMENTS or kg <= 0:
        return None
    held = kit(ex, equipment)
    rounded = round_load(kg, held, units)
    if held.implement == "barbell":
        rounded = max(rounded, EMPTY_BAR_LB_IN_KG if units == "lb" else EMPTY_BAR_KG)
    return rounded if rounded > 0 else None


# --- first loads ----------------------------------------------------------------------------

# Conservative e1RM ratios from a known lift to a related one (target: ((source, ratio), …)),
# for a first load before the athlete has logged the exercise. **Choice**: rounded down from
# commonly quoted strength-standard ratios (front squat ≈ 80–85 % of back squat, RDL ≈ 70 %
# of deadlift, trap-bar ≈ deadlift, overhead press ≈ 60–65 % of bench); dumbbell loads are
# per hand and limited by grip, so their ratios sit lower still. The first logged session
# recalibrates whatever this gives.
RELATED: Mapping[str, tuple[tuple[str, float], ...]] = {
    "back_squat": (("front_squat", 1.15), ("deadlift", 0.8), ("trap_bar_deadlift", 0.75)),
    "front_squat": (("back_squat", 0.8),),
    "goblet_squat": (("back_squat", 0.35), ("front_squat", 0.4)),
    "split_squat": (("back_squat", 0.2), ("bulgarian_split_squat", 1.2)),
    "bulgarian_split_squat": (("back_squat", 0.17), ("split_squat", 0.8)),
    "reverse_lunge": (("back_squat", 0.2), ("split_squat", 1.0)),
    "walking_lunge": (("back_squat", 0.18), ("reverse_lunge", 0.9)),
    "lateral_lunge": (("back_squat", 0.15), ("reverse_lunge", 0.7)),
    "step_up": (("back_squat", 0.17), ("split_squat", 0.8)),
    "deadlift": (("trap_bar_deadlift", 0.95), ("back_squat", 1.1), ("romanian_deadlift", 1.3)),
    "trap_bar_deadlift": (("deadlift", 1.0), ("back_squat", 1.1)),
    "romanian_deadlift": (("deadlift", 0.65), ("trap_bar_deadlift", 0.6), ("back_squat", 0.7)),
    "kettlebell_deadlift": (("deadlift", 0.35), ("trap_bar_deadlift", 0.35)),
    "single_leg_rdl": (("romanian_deadlift", 0.25), ("deadlift", 0.17)),
    "hip_thrust": (("deadlift", 0.9), ("back_squat", 1.0)),
    "good_morning": (("back_squat", 0.4), ("deadlift", 0.35)),
    "kettlebell_swing": (("deadlift", 0.2),),
    "calf_raise": (("back_squat", 0.25),),
    "bench_press": (("dumbbell_bench_press", 2.4), ("overhead_press", 1.5)),
    "dumbbell_bench_press": (("bench_press", 0.35),),
    "overhead_press": (("bench_press", 0.6),),
    "dumbbell_row": (("bench_press", 0.3),),
}


def _known_e1rm(known: Sequence[tuple[str, float, int]], exercise_id: str) -> float | None:
    """The e1RM from a load the athlete told us for this exercise (Epley; 10 reps at most
    count as such, more reps as a conservative 10)."""
    for name, kg, reps in known:
        found = exercises.LIBRARY.get(name) or exercises.resolve(name)
        if found is not None and found.id == exercise_id and kg > 0 and reps >= 1:
            return kg if reps == 1 else kg * (1 + min(reps, MAX_ESTIMATE_REPS) / 30)
    return None


def starting_e1rm(known: Sequence[tuple[str, float, int]], exercise_id: str) -> float | None:
    """Before any log: the exercise's own known lift, else a related one times its ratio."""
    own = _known_e1rm(known, exercise_id)
    if own is not None:
        return own
    for source, ratio in RELATED.get(exercise_id, ()):
        found = _known_e1rm(known, source)
        if found is not None:
            return found * ratio
    return None
