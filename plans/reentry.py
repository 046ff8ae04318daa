"""Coming back after a break: when the coach checks in, and the lighter session that makes
the way back easy. Pure: dates and plans in, a decision or a plan out.

**Choice**: a summary week (the 7 days the weekly summary covers) with nothing logged is
checked in on once, by the summary that closes it, never again while the athlete stays
quiet; the sessions after it, until a set is logged, are eased like a deload session
(COACHING.md rule 4: sets −40 %, load −10 %, plyometric contacts −40 %), loads still rounded
to what can be loaded, marked "hold" so that nothing in them progresses or counts as missed
when they are logged against.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

from plans.exercises import LIBRARY
from plans.loads import loadable
from plans.periodization import DELOAD_LOAD, DELOAD_SETS
from plans.prescription import Prescription
from plans.programs import DayPlan
from plans.sessions import PLYO_SET, estimate_minutes

REENTRY_NOTE = (
    "Welcome back: a lighter session to ease in after a break — fewer sets, about 10 % less "
    "weight, fewer jumps. Reply with what you did, and we build from there."
)
REENTRY_RPE = 7.0  # easy: 3 reps in reserve at most


def returning(day: dt.date, last_logged: dt.date | None, summary_day: int = 6) -> bool:
    """Whether a session on `day` is a comeback: the last summary week that ended before it
    (weeks end on `summary_day`, 0 = Monday) held no logged set, nor did any day since. An
    athlete who never logged starts light anyway: not a comeback."""
    if last_logged is None:
        return False
    week_end = day - dt.timedelta(days=(day.weekday() - summary_day) % 7 or 7)
    return last_logged < week_end - dt.timedelta(days=6)


def checks_in(*, planned: int, logged: bool, logged_week_before: bool, new_to_plan: bool) -> bool:
    """Whether the summary of a finished week checks in: sessions were planned, none was
    logged, and the week before was not already a quiet one (it was logged in, or the plan
    hadn't started): once per quiet spell, never every week."""
    return planned > 0 and not logged and (logged_week_before or new_to_plan)


def ease_back(plan: DayPlan, *, equipment: str, units: str) -> DayPlan:
    """The comeback version of a strength session; deload, taper and race-week sessions and
    other days are easy already and stay as they are."""
    if plan.kind != "strength" or plan.phase.holds_progress or not plan.exercises:
        return plan
    eased = _fewer_jumps([_eased(p, equipment, units) for p in plan.exercises])
    kept = tuple(p for p in eased if p.sets > 0)
    minutes = math.ceil(estimate_minutes(kept, plan.warmup_min) - 1e-9)
    return replace(
        plan,
        exercises=kept,
        minutes=min(plan.minutes, minutes),
        notes=(REENTRY_NOTE, *plan.notes),
    )


def _fewer_jumps(lines: list[Prescription]) -> list[Prescription]:
    """The session's foot contacts −40 %, in whole sets, off the biggest drill first (as a
    deload takes them, `plans.sessions`)."""
    drills = [i for i, p in enumerate(lines) if p.foot_contacts is not None]
    contacts = {i: lines[i].foot_contacts or 0 for i in drills}
    keep = PLYO_SET * math.floor(sum(contacts.values()) * DELOAD_SETS / PLYO_SET + 0.5)
    while sum(contacts.values()) > keep:
        biggest = max(drills, key=lambda i: (contacts[i], -i))
        contacts[biggest] -= PLYO_SET
    for i in drills:
        lines[i] = replace(lines[i], sets=contacts[i] // PLYO_SET, foot_contacts=contacts[i])
    return lines


def _eased(p: Prescription, equipment: str, units: str) -> Prescription:
    if p.foot_contacts is not None:
        return replace(p, mode="hold")  # the contacts: `_fewer_jumps`
    sets = max(1, math.floor(p.sets * DELOAD_SETS + 0.5))
    load = p.load_kg
    ex = LIBRARY.get(p.exercise)
    if load is not None and ex is not None:
        lighter = loadable(load * DELOAD_LOAD, ex, equipment, units)
        if lighter is not None and lighter < load:
            load = lighter
    return replace(p, sets=sets, load_kg=load, rpe=min(p.rpe, REENTRY_RPE), mode="hold")
