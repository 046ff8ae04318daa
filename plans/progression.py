"""Progression rules: from what an athlete logged to what the coach asks for next time.

Pure functions over `ExerciseState`; the rules and their sources are in COACHING.md
(double progression, RPE 7–8 targets, the three-strikes stall rule, deloads and tapers that
never count as failures, plyometric contact caps, e1RM from sets of ≤ 10 reps).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from plans import exercises
from plans.exercises import Exercise, load_step_kg, round_load
from plans.logparse import SetEntry
from plans.prescription import Prescription
from plans.state import ExerciseState

__all__ = [
    "Progress",
    "describe_target",
    "e1rm",
    "e1rm_from_rpe",
    "next_state",
]

LB_TO_KG = exercises.LB_TO_KG  # re-exported: bot/coach/records.py imports it from here
DEFAULT_TARGET_RPE = 8.0  # rule 5: RPE 7–8
STALL_SESSIONS = 3  # rule 6
STALL_CUT = 0.10
HIGH_RPE_CUT = 0.05
BODYWEIGHT_REP_CAP = 20
HOLD_STEP_S = 5
HOLD_CAP_S = 60
PLYO_CAP = 60  # rule 7, beginner; intermediate 100, advanced 140
FREE_RANGE_WIDTH = 2

# Loads of exercises outside the library (custom:…) round like a lower-body barbell lift.
_CUSTOM = Exercise(
    id="custom",
    name="Custom exercise",
    aliases=(),
    pattern="hinge",
    equipment=frozenset({"gym"}),
    unilateral=False,
    load_type="external",
    increment_kg=2.5,
    implement="barbell",
    cue="",
    regression=None,
    progression=None,
)

# RTS chart as % of 1RM by reps to failure (reps + reps in reserve): the RPE 8 column
# (1: 92.2, 3: 86.3, 5: 81.1, 8: 73.9) sits at 3, 5, 7 and 10; a single at RPE 10 is 100 %.
_RTS_POINTS: tuple[tuple[float, float], ...] = (
    (1, 100.0), (3, 92.2), (5, 86.3), (7, 81.1), (10, 73.9),
)  # fmt: skip

Kind = Literal["external", "bodyweight", "hold", "plyo"]


@dataclass(frozen=True)
class Progress:
    """The state for the next session, why (one line for the athlete) and any PR text."""

    state: ExerciseState
    reason: str
    pr: str | None = None


# ---------------------------------------------------------------------------------------
# arithmetic


def e1rm(load_kg: float, reps: int) -> float | None:
    """Epley estimate; a single is its own 1RM; None outside 1–10 reps (Reynolds 2006)."""
    if reps < 1 or reps > 10 or load_kg <= 0:
        return None
    if reps == 1:
        return round(float(load_kg), 2)
    return round(load_kg * (1 + reps / 30), 2)


def e1rm_from_rpe(load_kg: float, reps: int, rpe: float) -> float | None:
    """e1RM from the RTS chart: reps to failure = reps + (10 − RPE), % of 1RM interpolated.

    140 kg × 5 @ RPE 8 → 172.6 kg. None when reps to failure fall outside the chart (1–10) or
    the RPE is outside 1–10.
    """
    if reps < 1 or load_kg <= 0 or not 1 <= rpe <= 10:
        return None
    to_failure = reps + (10 - rpe)
    first, last = _RTS_POINTS[0][0], _RTS_POINTS[-1][0]
    if not first <= to_failure <= last:
        return None
    for (r0, p0), (r1, p1) in itertools.pairwise(_RTS_POINTS):
        if r0 <= to_failure <= r1:
            pct = p0 + (p1 - p0) * (to_failure - r0) / (r1 - r0)
            return round(load_kg / (pct / 100), 1)
    return None  # pragma: no cover - the range check above makes this unreachable


def _step_up(load: float, ex: Exercise, units: str, increment: float | None, steps: int) -> float:
    """`steps` increments above `load`, rounded to what can be loaded, always heavier.

    Without an explicit `increment` (the athlete's own setting, in kg) each step is the
    COACHING.md one: +2.5 kg/+5 lb lower body, +1.25 kg/+2.5 lb upper body, the next
    dumbbell or kettlebell size.
    """
    new = load
    for _ in range(steps):
        step = increment if increment is not None else load_step_kg(new, ex, units)
        rounded = round_load(new + step, ex, units)
        if rounded <= new + 0.01:
            rounded = round_load(new + load_step_kg(new, ex, units), ex, units)
        new = max(rounded, new)
    return new


def _cut(load: float, fraction: float, ex: Exercise, units: str) -> float:
    """`load` less `fraction`, rounded, and always strictly lighter (unless at the floor)."""
    rounded = round_load(load * (1 - fraction), ex, units)
    if rounded >= load - 0.01:
        smaller = load - load_step_kg(load, ex, units, down=True)
        rounded = round_load(smaller, ex, units)
    if rounded <= 0:
        return load
    return rounded


def _fmt_load(kg: float, units: str) -> str:
    if units == "lb":
        value = round(kg / LB_TO_KG * 2) / 2
        return f"{value:g} lb"
    return f"{round(kg, 2):g} kg"


# ---------------------------------------------------------------------------------------
# the rules


def _kind(ex: Exercise | None, sets: Sequence[SetEntry], state: ExerciseState | None) -> Kind:
    if ex is not None and ex.load_type in ("hold", "plyo"):
        return ex.load_type
    if sets and all(s.seconds is not None and s.reps is None for s in sets):
        return "hold"
    has_load = any(s.load_kg for s in sets) or (state is not None and state.working_load_kg)
    if ex is not None and ex.load_type == "bodyweight":
        return "external" if has_load else "bodyweight"
    if ex is None and not has_load:
        return "bodyweight"
    return "external"


def _rounding(ex: Exercise | None) -> Exercise:
    """The exercise whose kit the load is rounded to (`exercises.round_load`).

    Added load on bodyweight work (belt, vest) moves in plate steps, which `round_load`
    already does for the "bodyweight" implement; a load logged on band, box or no-kit work
    is treated as plates too, and custom exercises as a lower-body barbell lift.
    """
    if ex is None:
        return _CUSTOM
    if ex.implement in exercises.NO_LOAD_IMPLEMENTS:
        return replace(ex, implement="barbell")
    return ex


def _session_e1rm(sets: Sequence[SetEntry]) -> float | None:
    best: float | None = None
    for s in sets:
        if s.load_kg is None or s.reps is None:
            continue
        est = (
            e1rm_from_rpe(s.load_kg, s.reps, s.rpe) if s.rpe is not None else None
        ) or e1rm(s.load_kg, s.reps)
        if est is not None and (best is None or est > best):
            best = est
    return best


def _max_rpe(sets: Sequence[SetEntry]) -> float | None:
    values = [s.rpe for s in sets if s.rpe is not None]
    return max(values) if values else None


def next_state(
    state: ExerciseState | None,
    exercise_id: str,
    sets: Sequence[SetEntry],
    prescription: Prescription | None,
    *,
    deload_or_taper: bool = False,
    after_hard_run: bool = False,
    units: str = "kg",
    increment_kg: float | None = None,
    plyo_cap: int = PLYO_CAP,
    bodyweight_cap: int = BODYWEIGHT_REP_CAP,
    hold_cap_s: int = HOLD_CAP_S,
    previous_best_reps_at_load: int | None = None,
) -> Progress:
    """Apply one logged session of one exercise to its state.

    Loaded work uses double progression in the prescription's rep range (a free log infers
    [reps, reps + 2] from the first session at a load and keeps its bottom in `target_reps`);
    bodyweight work adds reps up to `bodyweight_cap`, holds add 5 s up to `hold_cap_s`, and
    plyometrics add contacts up to `plyo_cap`, after which the harder variant is suggested.
    `after_hard_run` holds the main lift (or any lift of a free log) at its load.
    Loads round with `exercises.round_load` in the athlete's `units`; a load step is
    `increment_kg` when given (the athlete's own setting), otherwise the COACHING.md one:
    +2.5 kg/+5 lb lower body, +1.25 kg/+2.5 lb upper body, the next dumbbell/kettlebell size.
    """
    ex = exercises.LIBRARY.get(exercise_id)
    name = ex.name if ex is not None else exercise_id.removeprefix("custom:")
    base = state or ExerciseState(exercise=exercise_id)
    done = [s for s in sets if s.reps is not None or s.seconds is not None]
    if not done:
        return Progress(base, f"Nothing logged for {name}: targets unchanged.")
    kind = _kind(ex, done, state)
    if kind == "plyo":
        return _plyo(base, done, prescription, name, ex, deload_or_taper, plyo_cap)
    if kind == "hold":
        return _hold(base, done, prescription, name, ex, deload_or_taper, hold_cap_s)
    if kind == "bodyweight":
        return _bodyweight(
            base, done, prescription, name, ex, deload_or_taper, bodyweight_cap,
            previous_best_reps_at_load,
        )  # fmt: skip
    held_for_run = after_hard_run and (prescription is None or prescription.main_lift)
    return _loaded(
        base,
        state,
        done,
        prescription,
        name=name,
        rounding=_rounding(ex),
        units=units,
        increment=increment_kg if increment_kg and increment_kg > 0 else None,
        deload=deload_or_taper,
        held_for_run=held_for_run,
        previous_best_reps=previous_best_reps_at_load,
        track_e1rm=ex is None or ex.load_type == "external",
    )


def _loaded(
    base: ExerciseState,
    state: ExerciseState | None,
    done: Sequence[SetEntry],
    p: Prescription | None,
    *,
    name: str,
    rounding: Exercise,
    units: str,
    increment: float | None,
    deload: bool,
    held_for_run: bool,
    previous_best_reps: int | None,
    track_e1rm: bool,
) -> Progress:
    """Double progression with the RPE checks, the stall rule and deload/run holds."""
    work = [s for s in done if s.reps is not None]
    if not work:
        return Progress(base, f"Nothing logged for {name}: targets unchanged.")
    logged = [s.load_kg for s in work if s.load_kg is not None]
    load = max(logged) if logged else (base.working_load_kg or (p.load_kg if p else None))
    top = [s for s in work if s.load_kg == load] if logged else work
    min_reps = min(s.reps or 0 for s in top)
    rpe = _max_rpe(top)
    target_rpe = p.rpe if p is not None else DEFAULT_TARGET_RPE
    same_load = (
        state is not None
        and state.working_load_kg is not None
        and load is not None
        and abs(state.working_load_kg - load) < 0.01
    )
    if p is not None and p.reps_low is not None:
        low, high = p.reps_low, p.reps_high or p.reps_low
    else:
        low = base.target_reps if same_load and base.target_reps else min_reps
        high = low + FREE_RANGE_WIDTH
    failed = any(s.failed for s in top) or min_reps < low
    session_e1rm = _session_e1rm(work) if track_e1rm else None  # not for added load
    shown = _fmt_load(load, units) if load is not None else "your load"
    run_note = " Held: heavy lifting within 24 h of a hard or long run, no increase today."

    new_load = load
    target = low
    failures = 0
    if deload:
        new_load = base.working_load_kg if base.working_load_kg is not None else load
        target = base.target_reps or low
        failures = base.failures
        reason = f"{name}: deload/taper session, load held and no failure counted."
    elif failed:
        failures = (base.failures if same_load or state is None else 0) + 1
        if failures >= STALL_SESSIONS and load is not None:
            new_load = _cut(load, STALL_CUT, rounding, units)
            failures = 0
            reason = (
                f"{name}: {STALL_SESSIONS} sessions short at {shown}: −10 % to "
                f"{_fmt_load(new_load, units)}, build back up from {low} reps."
            )
        else:
            reason = (
                f"{name}: short of {low} reps at {shown} ({failures}/{STALL_SESSIONS}): "
                "same load next time."
            )
    elif rpe is not None and rpe - target_rpe >= 2 and load is not None:
        new_load = _cut(load, HIGH_RPE_CUT, rounding, units)
        reason = (
            f"{name}: RPE {rpe:g} is well above the target {target_rpe:g}: "
            f"−5 % to {_fmt_load(new_load, units)}."
        )
    elif rpe is not None and rpe - target_rpe >= 1:
        target = min(max(min_reps, low), high)
        reason = f"{name}: RPE {rpe:g} is above the target {target_rpe:g}: hold at {shown}."
    elif min_reps >= high and load is not None:
        steps = 2 if rpe is not None and target_rpe - rpe >= 2 else 1
        if held_for_run:
            target = high
            reason = f"{name}: all sets at {high} reps at {shown}.{run_note}"
        else:
            new_load = _step_up(load, rounding, units, increment, steps)
            bigger = " (easy at RPE " + f"{rpe:g}, a bigger step)" if steps == 2 else ""
            reason = (
                f"{name}: all sets hit {high} reps at {shown}: "
                f"{_fmt_load(new_load, units)} next{bigger}, back to {low} reps."
            )
    else:
        if p is not None and p.reps_low is not None:
            target = min(max(min_reps + 1, low), high)
        reason = f"{name}: build reps at {shown} until every set reaches {high}."
        if load is None:
            reason += " Log the load to get load targets."
    if held_for_run and not deload and run_note.strip() not in reason:
        reason += run_note

    e1rm_now = base.e1rm_kg if deload or session_e1rm is None else session_e1rm
    best = base.best_e1rm_kg
    prs: list[str] = []
    if not deload and session_e1rm is not None:
        if best is not None and session_e1rm > best + 0.005:
            prs.append(f"e1RM {_fmt_load(session_e1rm, units)}")
        best = session_e1rm if best is None else max(best, session_e1rm)
    top_reps = max(s.reps or 0 for s in top)
    if previous_best_reps is not None and top_reps > previous_best_reps:
        prs.append(f"{top_reps} reps @ {shown}")
    new_state = replace(
        base,
        working_load_kg=new_load,
        target_reps=target,
        e1rm_kg=e1rm_now,
        failures=failures,
        sessions=base.sessions + 1,
        best_e1rm_kg=best,
    )
    return Progress(new_state, reason, "PR: " + "; ".join(prs) if prs else None)


def _harder(ex: Exercise | None) -> str:
    if ex is not None and ex.progression is not None and ex.progression in exercises.LIBRARY:
        return f"move on to {exercises.get(ex.progression).name}"
    return "add load or slow the tempo"


def _shortfall(failures: int, goal: int, *, floor: int) -> tuple[int, int]:
    """A session short of its rep or hold goal: one more failure; the STALL_SESSIONS-th cuts
    the goal by STALL_CUT (not below `floor`) and starts the count again.
    Returns (target, failures)."""
    if failures + 1 >= STALL_SESSIONS:
        return max(floor, round(goal * (1 - STALL_CUT))), 0
    return goal, failures + 1


def _bodyweight(
    base: ExerciseState,
    done: Sequence[SetEntry],
    p: Prescription | None,
    name: str,
    ex: Exercise | None,
    deload: bool,
    cap: int,
    previous_best_reps: int | None,
) -> Progress:
    """Reps go up 1–2 per set to `cap`, then the harder variant."""
    work = [s for s in done if s.reps is not None]
    if not work:
        return Progress(base, f"Nothing logged for {name}: targets unchanged.")
    min_reps = min(s.reps or 0 for s in work)
    goal = base.target_reps or (p.reps_high or p.reps_low if p else None) or min_reps
    rpe = _max_rpe(work)
    target_rpe = p.rpe if p is not None else DEFAULT_TARGET_RPE
    failures = 0
    target = goal
    if deload:
        failures = base.failures
        reason = f"{name}: deload/taper session, target held and no failure counted."
    elif any(s.failed for s in work) or min_reps < goal:
        target, failures = _shortfall(base.failures, goal, floor=1)
        if failures == 0:
            reason = f"{name}: {STALL_SESSIONS} sessions short of {goal}: back to {target} reps."
        else:
            reason = f"{name}: short of {goal} reps ({failures}/{STALL_SESSIONS}): same target."
    elif rpe is not None and rpe - target_rpe >= 1:
        reason = f"{name}: RPE {rpe:g} is above the target {target_rpe:g}: hold at {goal} reps."
    else:
        reached = max(goal, min_reps)
        if reached >= cap:
            target = reached
            reason = f"{name}: {reached} reps a set is plenty: {_harder(ex)}."
        else:
            step = 2 if rpe is not None and target_rpe - rpe >= 2 else 1
            target = min(reached + step, cap)
            reason = f"{name}: every set hit {goal}: aim for {target} reps next time."
            if target >= cap:
                reason += f" At {cap}, {_harder(ex)}."
    top_reps = max(s.reps or 0 for s in work)
    pr = None
    if previous_best_reps is not None and top_reps > previous_best_reps:
        pr = f"PR: {top_reps} reps"
    new_state = replace(
        base, target_reps=target, failures=failures, sessions=base.sessions + 1
    )
    return Progress(new_state, reason, pr)


def _hold(
    base: ExerciseState,
    done: Sequence[SetEntry],
    p: Prescription | None,
    name: str,
    ex: Exercise | None,
    deload: bool,
    cap: int,
) -> Progress:
    """Holds add 5 s a session up to `cap` seconds, then the harder variant."""
    secs = [s.seconds for s in done if s.seconds is not None]
    if not secs:
        return Progress(base, f"Nothing logged for {name}: targets unchanged.")
    shortest = min(secs)
    goal = base.target_reps or (p.seconds if p else None) or shortest
    failures = 0
    target = goal
    if deload:
        failures = base.failures
        reason = f"{name}: deload/taper session, target held and no failure counted."
    elif any(s.failed for s in done) or shortest < goal:
        target, failures = _shortfall(base.failures, goal, floor=5)
        if failures == 0:
            reason = f"{name}: {STALL_SESSIONS} sessions short of {goal} s: back to {target} s."
        else:
            reason = f"{name}: short of {goal} s ({failures}/{STALL_SESSIONS}): same target."
    else:
        reached = max(goal, shortest)
        if reached >= cap:
            target = reached
            reason = f"{name}: {reached} s holds are solid: {_harder(ex)}."
        else:
            target = min(reached + HOLD_STEP_S, cap)
            reason = f"{name}: held {goal} s every set: {target} s next time."
    loads = [s.load_kg for s in done if s.load_kg is not None]
    new_state = replace(
        base,
        target_reps=target,
        failures=failures,
        sessions=base.sessions + 1,
        working_load_kg=max(loads) if loads else base.working_load_kg,
    )
    return Progress(new_state, reason)


def _plyo(
    base: ExerciseState,
    done: Sequence[SetEntry],
    p: Prescription | None,
    name: str,
    ex: Exercise | None,
    deload: bool,
    cap: int,
) -> Progress:
    """Foot contacts per session grow ~10 % (≥ 5) within the dose cap for the level."""
    contacts = sum((s.reps or 0) * (2 if s.per_side else 1) for s in done)
    goal = base.target_reps or (p.foot_contacts if p else None) or contacts
    goal = min(goal, cap)
    if deload:
        target = goal
        reason = f"{name}: deload/taper session, contacts held at {goal}."
    elif contacts < goal:
        target = goal
        reason = f"{name}: {contacts} of {goal} contacts: same dose next time."
    elif goal >= cap:
        target = cap
        reason = f"{name}: at the {cap}-contact cap for your level: {_harder(ex)}."
        if contacts > cap:
            reason += f" Keep it to {cap} contacts a session."
    else:
        done_within = max(goal, min(contacts, cap))
        step = max(5, 5 * math.ceil(done_within * 0.10 / 5))
        target = min(done_within + step, cap)
        reason = f"{name}: {contacts} contacts done: {target} next time."
    new_state = replace(base, target_reps=target, failures=0, sessions=base.sessions + 1)
    return Progress(new_state, reason)


def describe_target(
    state: ExerciseState, exercise_id: str, units: str = "kg", *, sets: int = 3
) -> str:
    """The one-line next target, e.g. "Next: 3×6 @ 62.5 kg" (in the athlete's unit)."""
    ex = exercises.LIBRARY.get(exercise_id)
    kind = ex.load_type if ex is not None else "external"
    if kind == "plyo":
        contacts = state.target_reps
        return f"Next: {contacts} foot contacts" if contacts else "Next: same dose as last time"
    reps = state.target_reps
    if kind == "hold":
        head = f"Next: {sets}×{reps} s" if reps else f"Next: {sets} holds"
    else:
        head = f"Next: {sets}×{reps}" if reps else f"Next: {sets} sets"
    load = state.working_load_kg
    if load is None or load <= 0:
        return head
    sign = "+" if kind in ("bodyweight", "hold") else ""
    return f"{head} @ {sign}{_fmt_load(load, units)}"
