"""Progression rules: from what an athlete logged to where they stand for the next session.

Pure functions over `ExerciseState`; the rules and their sources are in COACHING.md
("Precise definitions"):
- double progression: a rep range and a target; reps build toward the top at the same load,
  the load goes up only when every set reaches the top, then the reps start again at the
  bottom; only a set below the range (or marked failed) is a failure;
- the stall rule: three failed sessions in a row at the same load cut it by 10 %;
- the e1RM is the best recent estimate: only heavy sets (≤ 10 reps at RPE ≥ 7) raise or renew
  it, nothing lowers it but the decay in `plans.loads.effective_e1rm` (and a stall of
  e1RM-based work, which recalibrates it);
- deload, taper and race-week sessions neither progress nor count as failures;
- in a week the running jumped (`plans.runload.volume_jump`) no load goes up and no short set
  counts as a failure;
- bodyweight work builds reps to the top of its range, then a harder variant takes over;
  holds add 5 s, plyometrics a set of ten contacts, within rule 7's dose.

What the next session prescribes from the new state is `plans.programs.next_prescription`;
the reply to a log quotes it, so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from plans import exercises
from plans.exercises import Exercise, load_step_kg, round_load
from plans.loads import effective_e1rm, heavy_estimate, kit
from plans.logparse import SetEntry
from plans.prescription import Prescription
from plans.runload import Jump
from plans.sessions import HOLD_CAP_S, PLYO_SET, bodyweight_range
from plans.state import ExerciseState
from plans.units import format_logged, format_rounded, format_weight

__all__ = ["Progress", "describe_target", "next_state"]

DEFAULT_TARGET_RPE = 8.0  # rule 5: RPE 7–8
STALL_SESSIONS = 3  # rule 6
STALL_CUT = 0.10
HIGH_RPE_CUT = 0.05
HOLD_STEP_S = 5
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

Kind = Literal["external", "bodyweight", "hold", "plyo"]


@dataclass(frozen=True)
class Progress:
    """The state for the next session, why (one line for the athlete) and any PR text.
    `building`: nothing happened but reps building in the range (no failure, no new load),
    so a next session in another range says all there is to say."""

    state: ExerciseState
    reason: str
    pr: str | None = None
    building: bool = False


@dataclass(frozen=True)
class _Log:
    """One logged session of one exercise and what it is read against."""

    name: str
    ex: Exercise | None
    base: ExerciseState
    stored: bool  # the athlete had a state for this exercise before
    sets: Sequence[SetEntry]
    p: Prescription | None
    day: dt.date
    units: str
    equipment: str
    volume_held: str | None = None  # the hold line when running jumped this week

    @property
    def holding(self) -> bool:
        return self.p is not None and self.p.mode == "hold"


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


def _kind(ex: Exercise | None, sets: Sequence[SetEntry], state: ExerciseState | None) -> Kind:
    if ex is not None and ex.load_type in ("hold", "plyo"):
        return ex.load_type
    if sets and all(s.seconds is not None and s.reps is None for s in sets):
        return "hold"
    has_load = any(s.load_kg for s in sets) or (state is not None and state.working_load_kg)
    if ex is not None and ex.load_type == "bodyweight":
        return "external" if has_load else "bodyweight"
    if not has_load:
        return "bodyweight"
    return "external"


def _harder(log: _Log) -> str:
    found = None if log.ex is None else exercises.harder_variant(log.ex, log.equipment)
    if found is not None:
        return f"next time {found.name} takes its place"
    return "slow the lowering to 3 s to keep it hard"


def next_state(
    state: ExerciseState | None,
    exercise_id: str,
    sets: Sequence[SetEntry],
    prescription: Prescription | None,
    *,
    day: dt.date,
    after_hard_run: bool = False,
    volume_jump: Jump | bool | None = False,
    units: str = "kg",
    equipment: str = "gym",
    increment_kg: float | None = None,
    plyo_cap: int = PLYO_CAP,
    previous_best_reps_at_load: int | None = None,
    known_e1rm: float | None = None,
) -> Progress:
    """Apply one logged session (`day`) of one exercise to its state.

    `prescription` is what the plan asked for that day (None: a free log, read against the
    range its first session at a load implies: [reps, reps + 2]). `after_hard_run`: an
    unplanned hard or long run in the 24 h before, which holds the main lift (or any lift of
    a free log) at its load. `volume_jump`: the athlete's running jumped this week
    (`plans.runload.volume_jump`; True when only the fact is known): no load goes up this
    session and a set short of the range counts as no failure toward the stall rule (rule 6),
    like an easy week. Loads round to what the athlete loads with their `equipment`
    in their `units`; a load step is `increment_kg` when given (the athlete's own setting),
    otherwise the COACHING.md one. `known_e1rm`: before any heavy set of its own, the
    estimate the plan starts from (a lift the athlete told us, `plans.loads.starting_e1rm`),
    which a lighter first estimate doesn't lower.
    """
    ex = exercises.LIBRARY.get(exercise_id)
    name = ex.name if ex is not None else exercise_id.removeprefix("custom:")
    base = state or ExerciseState(exercise=exercise_id)
    if base.e1rm_kg is None and known_e1rm is not None:
        base = replace(base, e1rm_kg=round(known_e1rm, 2), e1rm_on=day)
    done = [s for s in sets if s.reps is not None or s.seconds is not None]
    if not done:
        return Progress(base, f"Nothing logged for {name}: targets unchanged.")
    log = _Log(name, ex, base, state is not None, done, prescription, day, units, equipment,
               _volume_held(volume_jump, units))  # fmt: skip
    if log.holding:
        kept = replace(base, sessions=base.sessions + 1)
        reason = f"{name}: an easy week, so nothing moves and nothing counts as missed."
        return Progress(kept, reason)
    kind = _kind(ex, done, state)
    if (
        ex is not None
        and ex.load_type == "external"
        and prescription is not None
        and (prescription.seconds is not None)
    ):
        return _timed(log)
    if kind == "plyo":
        return _plyo(log, plyo_cap)
    if kind == "hold":
        return _hold(log)
    if kind == "bodyweight":
        return _bodyweight(log, previous_best_reps_at_load)
    held = after_hard_run and (prescription is None or prescription.main_lift)
    increment = increment_kg if increment_kg and increment_kg > 0 else None
    if prescription is not None and prescription.mode == "percent":
        return _percent(log, previous_best_reps_at_load)
    return _loaded(log, increment, held, previous_best_reps_at_load)


def _volume_held(jump: Jump | bool | None, units: str) -> str | None:
    """The line a volume jump adds to the reason, or None without a jump."""
    if not jump:
        return None
    what = jump.words(units) if isinstance(jump, Jump) else "your running jumped this week"
    return f"Held: {what} — strength holds steady."


# --- loaded work ----------------------------------------------------------------------------


def _rounding(log: _Log) -> Exercise:
    return _CUSTOM if log.ex is None else kit(log.ex, log.equipment)


def _estimate(log: _Log, work: Sequence[SetEntry]) -> float | None:
    """The session's best heavy-set e1RM, or None when none of its sets says anything about
    the max: added load on bodyweight work, and speed or timed work. (Lighter work can't
    lower the e1RM anyway: `_with_e1rm` keeps the higher value.)"""
    p = log.p
    if log.ex is not None and log.ex.load_type != "external":
        return None
    if p is not None and (p.tempo or p.seconds is not None):
        return None
    prescribed_rpe = p.rpe if p is not None else None
    found = [
        heavy_estimate(s.load_kg, s.reps, s.rpe if s.rpe is not None else prescribed_rpe)
        for s in work
    ]
    values = [v for v in found if v is not None]
    return max(values) if values else None


def _with_e1rm(state: ExerciseState, log: _Log, estimate: float | None) -> ExerciseState:
    """The best recent e1RM after a working session of the lift: the higher of the current
    (possibly decayed) value and the session's heavy-set estimate, dated today.

    **Choice**, our reading of COACHING.md's "no decay for 4 weeks without a qualifying
    set": the decay stands for detraining, so any working session of the lift restarts the
    clock (adaptation, speed and timed sets included: they keep the pattern loaded, and
    strength is largely kept through ~4 weeks of reduced training, Mujika & Padilla 2000),
    while only heavy sets (≤ 10 reps at RPE ≥ 7) can raise the value. Easy weeks (deload,
    taper) never get here."""
    current = effective_e1rm(log.base, log.day)
    value = max(current or 0.0, estimate or 0.0)
    if not value:
        return state
    best = state.best_e1rm_kg
    if estimate is not None:
        best = estimate if best is None else max(best, estimate)
    return replace(state, e1rm_kg=round(value, 2), e1rm_on=log.day, best_e1rm_kg=best)


def _prs(
    log: _Log, estimate: float | None, failed: bool, top_reps: int, best_reps: int | None,
    load_text: str,
) -> str | None:  # fmt: skip
    """One PR rule: a session with a failed set sets no record; a heavier e1RM than ever, or
    more reps than ever at this load, does."""
    if failed:
        return None
    found: list[str] = []
    best = log.base.best_e1rm_kg
    if estimate is not None and best is not None and estimate > best + 0.005:
        found.append(f"e1RM {format_rounded(estimate, log.units)}")
    if best_reps is not None and top_reps > best_reps:
        found.append(f"{top_reps} reps @ {load_text}")
    return "PR: " + "; ".join(found) if found else None


def _range(log: _Log, load: float | None, min_reps: int) -> tuple[int, int]:
    p, base = log.p, log.base
    if p is not None and p.reps_low is not None:
        return p.reps_low, p.reps_high or p.reps_low
    same_load = (
        base.working_load_kg is not None
        and load is not None
        and abs(base.working_load_kg - load) < 0.01
    )
    if same_load and base.reps_low is not None and base.reps_high is not None:
        return base.reps_low, base.reps_high
    return min_reps, min_reps + FREE_RANGE_WIDTH


def _loaded(
    log: _Log, increment: float | None, held_for_run: bool, best_reps: int | None
) -> Progress:
    """Double progression with the RPE checks, the stall rule and the run and volume holds."""
    base, p, units, name = log.base, log.p, log.units, log.name
    work = [s for s in log.sets if s.reps is not None]
    if not work:
        return Progress(base, f"Nothing logged for {name}: targets unchanged.")
    logged = [s.load_kg for s in work if s.load_kg is not None]
    load = max(logged) if logged else (p.load_kg if p else None) or base.working_load_kg
    top = [s for s in work if s.load_kg == load] if logged else work
    min_reps = min(s.reps or 0 for s in top)
    low, high = _range(log, load, min_reps)
    rpes = [s.rpe for s in top if s.rpe is not None]
    rpe = max(rpes) if rpes else None
    target_rpe = p.rpe if p is not None else DEFAULT_TARGET_RPE
    same_load = (
        base.working_load_kg is not None and load is not None
        and abs(base.working_load_kg - load) < 0.01
        and (base.reps_low, base.reps_high) in ((low, high), (None, None))
    )  # fmt: skip
    failed = any(s.failed for s in top) or min_reps < low
    rounding = _rounding(log)
    shown = format_logged(load, units) if load is not None else "your load"

    new_load, target, failures, stalled, building = load, low, 0, False, False
    if failed and log.volume_held:
        failures = base.failures if same_load else 0
        target = min(max(base.target_reps or low, low), high) if same_load else low
        reason = (
            f"{name}: a set came in under {low} reps at {shown}, which doesn't count this "
            f"week: same load next time. {log.volume_held}"
        )
    elif failed:
        failures = (base.failures if same_load or not log.stored else 0) + 1
        if failures >= STALL_SESSIONS and load is not None:
            new_load = _cut(load, STALL_CUT, rounding, units)
            failures = 0
            stalled = True
            reason = (
                f"{name}: {STALL_SESSIONS} sessions in a row short of {low} reps at {shown}: "
                f"−10 % to {format_weight(new_load, units)}, and build back up from {low}."
            )
        else:
            target = min(max(base.target_reps or low, low), high) if same_load else low
            reason = (
                f"{name}: a set came in under {low} reps at {shown} "
                f"({failures} of {STALL_SESSIONS} before the load drops): same load next time."
            )
    elif rpe is not None and rpe - target_rpe >= 2 and load is not None:
        new_load = _cut(load, HIGH_RPE_CUT, rounding, units)
        reason = (
            f"{name}: RPE {rpe:g} is well above the {target_rpe:g} we aim for: "
            f"−5 % to {format_weight(new_load, units)}."
        )
    elif rpe is not None and rpe - target_rpe >= 1:
        target = min(max(min_reps, low), high)
        reason = f"{name}: RPE {rpe:g} is above the {target_rpe:g} we aim for: same load and reps."
    elif min_reps >= high and load is not None:
        steps = 2 if rpe is not None and target_rpe - rpe >= 2 else 1
        if held_for_run:
            target = high
            reason = (
                f"{name}: every set reached {high} at {shown}. Held at this load: an "
                "unplanned hard or long run in the last 24 h, so no increase today."
            )
        elif log.volume_held:
            target = high
            reason = f"{name}: every set reached {high} at {shown}. {log.volume_held}"
        else:
            new_load = _step_up(load, rounding, units, increment, steps)
            bigger = f" (RPE {rpe:g} was easy: a bigger step)" if steps == 2 else ""
            reason = (
                f"{name}: every set reached {high} at {shown}: "
                f"{format_weight(new_load, units)} next{bigger}, back to {low} reps."
            )
    else:
        target = min(max(min_reps + 1, low), high)
        reason = f"{name}: in the {low}-{high} range at {shown}: same load, aim for {target} reps."
        if load is None:
            reason += " Log the load to get load targets."
        building = True
    if new_load is not None and not stalled:
        # What the athlete typed in the other unit (225 lb for a kg athlete) is carried on
        # as a load they can make in theirs.
        new_load = round_load(new_load, rounding, units)
    estimate = _estimate(log, work)
    top_reps = max(s.reps or 0 for s in top)
    new_state = replace(
        base,
        working_load_kg=new_load,
        target_reps=target,
        reps_low=low,
        reps_high=high,
        failures=failures,
        sessions=base.sessions + 1,
    )
    new_state = _with_e1rm(new_state, log, estimate)
    if stalled:
        new_state = _recalibrated(new_state, log)
    pr = _prs(log, estimate, failed, top_reps, best_reps, shown)
    return Progress(new_state, reason, pr, building)


def _recalibrated(state: ExerciseState, log: _Log) -> ExerciseState:
    """A stall says the e1RM was set too high: it comes down 10 % with the loads."""
    current = effective_e1rm(log.base, log.day)
    if current is None:
        return state
    return replace(state, e1rm_kg=round(current * (1 - STALL_CUT), 2), e1rm_on=log.day)


def _percent(log: _Log, best_reps: int | None) -> Progress:
    """Work whose load follows the e1RM (power, maintenance): the session may renew the e1RM;
    three failed sessions in a row mean the e1RM was too high: −10 % (a failed session in a
    week the running jumped doesn't count)."""
    base, p, name = log.base, log.p, log.name
    assert p is not None
    work = [s for s in log.sets if s.reps is not None]
    if not work:
        return Progress(base, f"Nothing logged for {name}: targets unchanged.")
    low, high = p.reps_low or 1, p.reps_high or p.reps_low or 1
    failed = any(s.failed for s in work) or min(s.reps or 0 for s in work) < low
    estimate = _estimate(log, work)
    # The range moves to this work's; the working load and target stay for double
    # progression to carry over (`plans.loads.transfer_load`) when it resumes.
    new_state = replace(base, sessions=base.sessions + 1, failures=0, reps_low=low,
                        reps_high=high)  # fmt: skip
    if failed and log.volume_held:
        same_work = (base.reps_low, base.reps_high) == (low, high)
        new_state = replace(new_state, failures=base.failures if same_work else 0)
        reason = (
            f"{name}: a set came in under {low} reps, which doesn't count this week. "
            f"{log.volume_held}"
        )
        return Progress(new_state, reason)
    if failed:
        same_work = (base.reps_low, base.reps_high) == (low, high)
        failures = (base.failures if same_work else 0) + 1
        current = effective_e1rm(base, log.day)
        if failures >= STALL_SESSIONS and current is not None:
            new_state = _recalibrated(new_state, log)
            reason = (
                f"{name}: {STALL_SESSIONS} sessions in a row short of {low} reps: loads come "
                "down 10 % from here."
            )
        else:
            new_state = replace(new_state, failures=failures)
            reason = (
                f"{name}: a set came in under {low} reps ({failures} of {STALL_SESSIONS} "
                "before the loads drop)."
            )
        return Progress(new_state, reason)
    new_state = _with_e1rm(new_state, log, estimate)
    if new_state.e1rm_kg != base.e1rm_kg and new_state.e1rm_kg is not None:
        reason = (
            f"{name}: strong work: your e1RM is now {format_rounded(new_state.e1rm_kg, log.units)}."
        )
    elif p.tempo:
        reason = f"{name}: done. Speed is the point here: keep every rep fast."
    else:
        reason = f"{name}: done. Loads follow your e1RM in this phase."
    top_reps = max(s.reps or 0 for s in work)
    load = max((s.load_kg for s in work if s.load_kg), default=None)
    shown = format_weight(load, log.units) if load else "your load"
    return Progress(new_state, reason, _prs(log, estimate, False, top_reps, best_reps, shown))


# --- bodyweight, holds, plyometrics ---------------------------------------------------------


def _stall(failures: int, goal: int, floor: int) -> tuple[int, int]:
    """One more failed session; the third in a row cuts the goal by 10 % (not below `floor`).
    Returns (goal, failures)."""
    if failures + 1 >= STALL_SESSIONS:
        return max(floor, round(goal * (1 - STALL_CUT))), 0
    return goal, failures + 1


def _bodyweight(log: _Log, best_reps: int | None) -> Progress:
    """Double progression on reps: build to the top of the range, then the harder variant."""
    base, p, name = log.base, log.p, log.name
    work = [s for s in log.sets if s.reps is not None]
    if not work:
        return Progress(base, f"Nothing logged for {name}: targets unchanged.")
    min_reps = min(s.reps or 0 for s in work)
    if p is not None and p.reps_low is not None:
        low, high = p.reps_low, p.reps_high or p.reps_low
    elif base.reps_low is not None and base.reps_high is not None:
        low, high = base.reps_low, base.reps_high
    elif log.ex is not None:
        low, high = bodyweight_range(log.ex, log.equipment)
    else:
        low, high = min_reps, min_reps + FREE_RANGE_WIDTH
    goal = (p.target if p is not None else None) or base.target_reps or low
    rpes = [s.rpe for s in work if s.rpe is not None]
    rpe = max(rpes) if rpes else None
    target_rpe = p.rpe if p is not None else DEFAULT_TARGET_RPE
    failures, building = 0, False
    failed = any(s.failed for s in work) or min_reps < low
    if failed and log.volume_held:
        target, failures = goal, base.failures
        reason = f"{name}: under {low} reps, which doesn't count this week. {log.volume_held}"
    elif failed:
        target, failures = _stall(base.failures, goal, low)
        if failures == 0:
            reason = f"{name}: {STALL_SESSIONS} sessions in a row under {low}: aim for {target}."
        else:
            reason = f"{name}: under {low} reps ({failures} of {STALL_SESSIONS}): same target."
    elif rpe is not None and rpe - target_rpe >= 1:
        target = min(max(min_reps, low), high)
        reason = f"{name}: RPE {rpe:g} is above the {target_rpe:g} we aim for: same target."
    elif min_reps >= high:
        target = high + 1
        reason = f"{name}: every set reached {high}: {_harder(log)}."
    else:
        step = 2 if rpe is not None and target_rpe - rpe >= 2 else 1
        target = min(max(min_reps, low) + step, high)
        reason = f"{name}: aim for {target} reps a set next time (top of the range: {high})."
        building = True
    new_state = replace(
        base,
        target_reps=target,
        reps_low=low,
        reps_high=high,
        failures=failures,
        sessions=base.sessions + 1,
    )
    top_reps = max(s.reps or 0 for s in work)
    pr = None if failed or best_reps is None or top_reps <= best_reps else f"PR: {top_reps} reps"
    return Progress(new_state, reason, pr, building)


def _hold(log: _Log) -> Progress:
    """Holds add 5 s a session up to a minute, then the harder variant."""
    base, p, name = log.base, log.p, log.name
    secs = [s.seconds for s in log.sets if s.seconds is not None]
    if not secs:
        return Progress(base, f"Nothing logged for {name}: targets unchanged.")
    shortest = min(secs)
    goal = base.target_reps or (p.seconds if p else None) or shortest
    failures = 0
    target = goal
    short = any(s.failed for s in log.sets) or shortest < goal
    if short and log.volume_held:
        failures = base.failures
        reason = f"{name}: short of {goal} s, which doesn't count this week. {log.volume_held}"
    elif short:
        target, failures = _stall(base.failures, goal, 5)
        if failures == 0:
            reason = f"{name}: {STALL_SESSIONS} sessions short of {goal} s: {target} s next."
        else:
            reason = f"{name}: short of {goal} s ({failures} of {STALL_SESSIONS}): same target."
    else:
        reached = max(goal, shortest)
        if reached >= HOLD_CAP_S:
            target = HOLD_CAP_S + HOLD_STEP_S
            reason = f"{name}: {HOLD_CAP_S} s holds are solid: {_harder(log)}."
        else:
            target = min(reached + HOLD_STEP_S, HOLD_CAP_S)
            reason = f"{name}: held {goal} s every set: {target} s next time."
    loads = [s.load_kg for s in log.sets if s.load_kg is not None]
    new_state = replace(
        base,
        target_reps=target,
        reps_high=HOLD_CAP_S,
        failures=failures,
        sessions=base.sessions + 1,
        working_load_kg=max(loads) if loads else base.working_load_kg,
    )
    return Progress(new_state, reason)


def _timed(log: _Log) -> Progress:
    """Timed sets of a loaded lift (strength endurance, seed 002): the load was the plan's,
    from the e1RM; the session keeps the lift trained (`_with_e1rm`) and leaves its rep
    progression as it was."""
    base = log.base
    held = [s.seconds for s in log.sets if s.seconds is not None]
    planned = log.p.seconds if log.p is not None and log.p.seconds else None
    short = planned is not None and min(held, default=0) < planned
    new_state = _with_e1rm(replace(base, sessions=base.sessions + 1), log, None)
    minutes = f"{planned / 60:g} min" if planned else "the time"
    if short:
        return Progress(new_state, f"{log.name}: short of {minutes}: same again next time.")
    return Progress(new_state, f"{log.name}: {minutes} non-stop, done: keep the pace even.")


def _plyo(log: _Log, cap: int) -> Progress:
    """Foot contacts grow a set of ten a session within the level's dose (rule 7)."""
    base, p, name = log.base, log.p, log.name
    contacts = sum((s.reps or 0) * (2 if s.per_side else 1) for s in log.sets)
    goal = (p.foot_contacts if p else None) or base.target_reps or contacts
    goal = min(goal, cap)
    if contacts < goal:
        target = goal
        reason = f"{name}: {contacts} of {goal} contacts: same dose next time."
    elif goal >= cap:
        target = cap + PLYO_SET
        reason = f"{name}: the {cap}-contact top of your level's dose: {_harder(log)}."
    else:
        target = min(goal + PLYO_SET, cap)
        reason = f"{name}: {contacts} contacts done: {target} next time."
    new_state = replace(
        base, target_reps=target, reps_high=cap, failures=0, sessions=base.sessions + 1
    )
    return Progress(new_state, reason)


def describe_target(
    state: ExerciseState, exercise_id: str, units: str = "kg", *, sets: int = 3
) -> str:
    """The next target from the state alone, for exercises the plan doesn't hold ("Next:
    3×6 @ 62.5 kg", in the athlete's unit); the plan's own line when it does."""
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
    return f"{head} @ {sign}{format_weight(load, units)}"
