"""What the athlete does on a given day: a strength session, a short mobility routine or rest.

The calendar: which days hold a session (the athlete's strength days, rule 2, the phase's
sessions cap, race day and recovery, the athlete's moves), which template each session
uses (A squat focus, B deadlift focus, C single-leg & power, rotating over the sessions
that can take heavy legs), and what replaces a session when the legs must stay fresh.
`plans.sessions` builds each session. Pure and deterministic: the same profile, states and
dates always give the same plan.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from plans.exercises import LIBRARY, harder_variant
from plans.niggles import EASE_OFF, active_niggles, adapt_for_niggles
from plans.periodization import PhaseInfo, phase_for, weeks_out
from plans.placement import heavy_lower_blockers, strength_days
from plans.prescription import Prescription
from plans.profile import WEEKDAY_LABELS, Profile
from plans.readiness import NOTHING, Readiness, RunDone
from plans.sessions import (
    ACTIVATION_SLOTS,
    LIGHT_SLOTS,
    LOWER_PATTERNS,
    TEMPLATE_TITLES,
    Context,
    Line,
    build,
    estimate_minutes,
    plannable,
    routine_slots,
    template_slots,
    warmup_minutes,
)
from plans.state import ExerciseState
from plans.units import format_distance

DayKind = Literal["strength", "mobility", "rest"]

ROUTINE_MINUTES = 10  # session_minutes == 10 selects the daily bodyweight routine
MOBILITY_MAX_MINUTES = 10
# Days after a race with no strength work (choice: longer races need longer recovery).
RECOVERY_DAYS: Mapping[str, int] = {"5k": 2, "10k": 3, "half": 5, "marathon": 7, "ultra": 10}

_MOBILITY_GROUPS: tuple[tuple[str, ...], ...] = (
    ("hip_flexor_stretch", "world_greatest_stretch", "leg_swings"),
    ("calf_stretch", "foam_roll_calves", "ankle_circles"),
    ("pigeon_stretch", "hamstring_stretch", "foam_roll_quads"),
    ("short_foot",),
    ("ankle_circles", "leg_swings", "world_greatest_stretch"),
)
MONTH_LABELS: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip  # fixed English labels: strftime("%b") would follow the process locale


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
    started: bool = True  # False before the plan's first day: nothing planned, no phase yet
    # Of the notes, those saying how the day changed for the runs done and the niggles
    # reported (`plans.readiness`): what a reply to a run or a niggle quotes.
    adapted: tuple[str, ...] = ()

    def prescription(self, exercise: str) -> Prescription | None:
        return next((p for p in self.exercises if p.exercise == exercise), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "kind": self.kind,
            "phase": self.phase.name,
            "block": self.phase.block,
            "week": self.phase.week,
            "deload": self.phase.deload,
            "session": self.session_label,
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
        "group": p.group,
        "sets": p.sets,
        "reps": reps,
        "target": p.target,
        "seconds": p.seconds,
        "load_kg": p.load_kg,
        "rpe": p.rpe,
        "rest_s": p.rest_s,
        "foot_contacts": p.foot_contacts,
    }


def day_label(day: dt.date) -> str:
    """'Tue 5 Jan'."""
    return f"{WEEKDAY_LABELS[day.weekday()]} {day.day} {MONTH_LABELS[day.month - 1]}"


_fmt = day_label


# --- the calendar ---------------------------------------------------------------------------


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


def _window(race_date: dt.date, day: dt.date) -> list[dt.date]:
    """The race-aligned week holding `day` (race week: the 7 days before race day)."""
    end = race_date - dt.timedelta(days=7 * weeks_out(race_date, day) + 1)
    return [end - dt.timedelta(days=i) for i in range(6, -1, -1)]


def _scheduled(profile: Profile, day: dt.date, plan_start: dt.date) -> bool:
    """A session is planned on `day` before any moves (sessions cap applied)."""
    if day < plan_start or not _candidate(profile, day):
        return False
    phase = phase_for(profile, day, plan_start)
    cap = phase.sessions_cap
    if cap is None or cap >= len(strength_days(profile)) or profile.race is None:
        return True
    race_date = profile.race.date
    options = [d for d in _window(race_date, day) if d >= plan_start and _candidate(profile, d)]

    def rank(d: dt.date) -> tuple[int, int, int, dt.date]:
        blocked = 1 if heavy_lower_blockers(profile, d.weekday()) else 0
        hard = 1 if d.weekday() in profile.hard_days else 0
        late = abs((race_date - d).days - 3) if phase.name == "race_week" else 0
        return (blocked, hard, late, d)

    return day in sorted(options, key=rank)[:cap]


def _label(profile: Profile, day: dt.date, plan_start: dt.date, phase: PhaseInfo) -> str:
    """The template of a session that can take heavy legs: A, B and C rotate over those
    sessions only, so a day given to upper body (tomorrow's hard run) hands its template to
    the next session. With one such session a week (or in-season, one session a week) A and
    B alternate, so every fortnight holds a squat and a hinge."""
    week = (day - plan_start).days // 7
    if phase.sessions_cap is not None and phase.sessions_cap < len(strength_days(profile)):
        return "AB"[week % 2]
    days = sorted(strength_days(profile), key=lambda d: (d - plan_start.weekday()) % 7)
    full = [d for d in days if not heavy_lower_blockers(profile, d)]
    if day.weekday() not in full:
        return "AB"[week % 2]
    templates = "ABC" if len(full) >= 2 else "AB"
    return templates[(week * len(full) + full.index(day.weekday())) % len(templates)]


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


def _unplanned_run_before(readiness: Readiness, day: dt.date) -> RunDone | None:
    """An unplanned hard or long run within 24 h before a session on `day`: one the day before
    or earlier that day (COACHING.md "Running load vs placement"); the latest when several.
    Planned ones (a hard run on a hard-run day, the long run on its day) are the plan."""
    before = day - dt.timedelta(days=1)
    found = [
        run
        for run in readiness.runs
        if not run.planned and run.kind in ("hard", "long") and run.day in (before, day)
    ]
    return max(found, key=lambda run: run.day, default=None)


def _run_note(run: RunDone, day: dt.date, units: str) -> str:
    """'Legs stay fresh: you ran a hard 12 km yesterday, not in your plan — …'."""
    when = "earlier today" if run.day == day else "yesterday"
    what = f"{run.kind} {format_distance(run.distance_km, units)}" if run.distance_km else ""
    what = what or f"{run.kind} run"
    return (
        f"Legs stay fresh: you ran a {what} {when}, not in your plan — heavy leg work waits "
        "for your next session."
    )


def _session_label(
    profile: Profile,
    day: dt.date,
    plan_start: dt.date,
    arrivals: Mapping[dt.date, dt.date],
    vacated: set[dt.date],
    readiness: Readiness,
    depth: int = 0,
) -> str:
    """The template of the session on `day`: its own in the rotation (`_label`), unless the
    session before it that could take heavy legs gave them up for an unplanned hard or long
    run: then this one does the template that was missed (templates follow the athlete).
    **Choice**: the rotation carries on from there, so that turn skips the template after
    the missed one (C after a missed B) rather than shifting every later session."""
    source = arrivals.get(day, day)
    own = _label(profile, source, plan_start, phase_for(profile, source, plan_start))
    if depth >= 8 or not any(not r.planned and r.kind != "easy" for r in readiness.runs):
        return own
    for back in range(1, 15):
        prev = day - dt.timedelta(days=back)
        if prev < plan_start:
            break
        if not _has_session(profile, prev, plan_start, arrivals, vacated):
            continue
        race_week = phase_for(profile, prev, plan_start).name == "race_week"
        if race_week or _heavy_blockers_on(profile, prev):
            continue  # light by the week's shape: it gave no template up
        if _unplanned_run_before(readiness, prev) is None:
            return own
        return _session_label(profile, prev, plan_start, arrivals, vacated, readiness, depth + 1)
    return own


# --- day builders ---------------------------------------------------------------------------


def _finish(
    day: dt.date,
    kind: DayKind,
    phase: PhaseInfo,
    title: str,
    label: str | None,
    lines: Sequence[Line],
    notes: Sequence[str],
    warmup: int,
    focus: str = "",
    *,
    heavy: bool = False,
    adapted: Sequence[str] = (),
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
        adapted=tuple(adapted),
    )


_HEAVY_PATTERNS = frozenset({"squat", "hinge", "single_leg", "plyometric"})


def _with_niggles(plan: DayPlan, profile: Profile, readiness: Readiness) -> DayPlan:
    """A strength day (session, 10-minute routine, race-week activation) adapted to the
    niggles active on its day (`plans.niggles`): lifts that load a niggling region swapped
    for holds in the same slot, no jumps for a lower-limb niggle, notes that say so."""
    statuses = active_niggles(readiness.niggles, plan.date)
    if not statuses or not plan.exercises:
        return plan
    routine = profile.session_minutes <= ROUTINE_MINUTES  # body weight only (seed 004)
    equipment = "none" if routine else profile.equipment
    rxs, notes = adapt_for_niggles(plan.exercises, equipment, statuses, plan.date)
    before = {p.exercise for p in plan.exercises}
    heavy = plan.heavy_lower and any(
        LIBRARY[p.exercise].pattern in _HEAVY_PATTERNS and LIBRARY[p.exercise].load_type != "hold"
        for p in rxs
    )
    return replace(
        plan,
        exercises=tuple(rxs),
        minutes=math.ceil(estimate_minutes(rxs, plan.warmup_min) - 1e-9) if rxs else 0,
        warmup_min=plan.warmup_min if rxs else 0,
        notes=(*plan.notes, *notes),
        adapted=(*plan.adapted, *(n for n in notes if n != EASE_OFF)),
        heavy_lower=heavy,
        bodyweight=tuple(
            p.exercise for p in rxs if p.exercise in plan.bodyweight or p.exercise not in before
        ),
    )


def _rest_day(day: dt.date, phase: PhaseInfo, title: str, notes: Sequence[str]) -> DayPlan:
    return _finish(day, "rest", phase, title, None, (), notes, 0)


def _mobility_day(
    profile: Profile, day: dt.date, phase: PhaseInfo, notes: Sequence[str]
) -> DayPlan:
    if not profile.mobility_enabled:
        return _rest_day(day, phase, "Rest day", [*notes, "No session today: rest or run."])
    rxs: list[Prescription] = []
    after_long = profile.long_run_day is not None and (day.weekday() - 1) % 7 == (
        profile.long_run_day
    )
    turn = day.toordinal()
    for i, group in enumerate(_MOBILITY_GROUPS):
        names = [n for n in group if LIBRARY[n].available_with(profile.equipment)]
        names = [n for n in names if n not in {p.exercise for p in rxs}]
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
        rx = Prescription(
            name, 1, None, None, seconds, None, 3.0, 10, per_side=ex.unilateral, mode="hold"
        )
        if estimate_minutes([*rxs, rx]) <= MOBILITY_MAX_MINUTES:
            rxs.append(rx)
    lines = [Line(rx, "core", i, False, True, False) for i, rx in enumerate(rxs)]
    title = "Recovery: mobility & foot care" if after_long else "Mobility & foot care"
    return _finish(day, "mobility", phase, title, None, lines, notes, 0)


def _routine_day(
    profile: Profile,
    states: Mapping[str, ExerciseState],
    day: dt.date,
    phase: PhaseInfo,
    legs: bool,
    notes: Sequence[str],
    readiness: Readiness = NOTHING,
) -> DayPlan:
    """Seed 004's idea: ten minutes of body-weight work, leg work only on leg days."""
    ctx = Context(profile, states, phase, day, "routine")
    lines = build(routine_slots(legs), ctx, ROUTINE_MINUTES * 60, rotate=day.toordinal() % 3)
    title = "10-minute routine" + (" · legs day" if legs else "")
    focus = "Bodyweight strength: push, pull, plank" + (", legs" if legs else "")
    return _finish(day, "strength", phase, title, None, lines, notes, 0, focus)


def _session_day(
    profile: Profile,
    states: Mapping[str, ExerciseState],
    day: dt.date,
    phase: PhaseInfo,
    label: str,
    notes: list[str],
    readiness: Readiness = NOTHING,
) -> DayPlan:
    warmup = warmup_minutes(profile.session_minutes)
    budget_s = (profile.session_minutes - warmup) * 60
    if phase.name == "race_week":
        ctx = Context(profile, states, phase, day, "activation")
        lines = build(ACTIVATION_SLOTS, ctx, budget_s)
        notes.append("Race week: light and snappy, nothing heavy, no jumps.")
        title, focus = "Race-week activation", "Wake the legs up, stay fresh"
        return _finish(day, "strength", phase, title, None, lines, notes, warmup, focus)
    blockers = _heavy_blockers_on(profile, day)
    ran = _unplanned_run_before(readiness, day)
    if blockers or ran is not None:
        lines = build(LIGHT_SLOTS, Context(profile, states, phase, day, "light"), budget_s)
        adapted: list[str] = []  # a blocker is the plan as set; a run changed the day
        if blockers:
            notes.insert(0, f"Legs stay fresh: {blockers[0]}.")
        elif ran is not None:
            adapted.append(_run_note(ran, day, profile.units))
            notes.insert(0, adapted[0])
        title = "Upper body & core"
        focus = "Upper body and trunk; legs rest"
        return _finish(
            day, "strength", phase, title, None, lines, notes, warmup, focus, adapted=adapted
        )
    ctx = Context(profile, states, phase, day, "full")
    lines = build(template_slots(label, ctx), ctx, budget_s)
    if any(x.start_light for x in lines):
        notes.append("No load on record yet: start light, RPE 6-7 (3-4 reps in reserve).")
    if profile.equipment == "none" and any(
        LIBRARY[x.rx.exercise].load_type == "external" for x in lines
    ):
        notes.append("No weights: lower slowly (3 s) to make body-weight reps count.")
    if any(x.rx.group[1:] for x in lines):
        notes.append("Same letter, one round: do A1 then A2 back to back, then rest.")
    if phase.deload:
        notes.append("Deload week: fewer sets, lighter, stop well short of failure.")
    elif phase.name == "taper":
        notes.append("Taper: half the volume, loads stay crisp.")
    if day.weekday() in profile.hard_days:
        notes.append("Hard run today: lift after it, ideally 6 h later.")
    elif day.weekday() in profile.running_days:
        notes.append("Run first, then lift.")
    focus = TEMPLATE_TITLES[label]
    if label == "C" and profile.strength_experience == "none":
        focus = "full body"
    title = f"Session {label} · {focus}"
    heavy = any(
        x.kind in ("main", "secondary", "plyo") and LIBRARY[x.rx.exercise].pattern in LOWER_PATTERNS
        for x in lines
    )
    return _finish(day, "strength", phase, title, label, lines, notes, warmup, heavy=heavy)


class _Reads(Mapping[str, ExerciseState]):
    """The states as one day's planning sees them, noting each exercise it looks up."""

    __slots__ = ("_states", "seen", "whole")

    def __init__(self, states: Mapping[str, ExerciseState]) -> None:
        self._states = states
        self.seen: dict[str, ExerciseState | None] = {}
        self.whole = False  # iterated: the plan may depend on any state

    def get(self, key: str, default: Any = None) -> Any:
        value = self._states.get(key)
        self.seen[key] = value
        return default if value is None else value

    def __getitem__(self, key: str) -> ExerciseState:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value  # type: ignore[no-any-return]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        self.whole = True
        return iter(self._states)

    def __len__(self) -> int:
        self.whole = True
        return len(self._states)


_PlanKey = tuple[Profile, dt.date, dt.date, tuple[tuple[dt.date, dt.date], ...], Readiness]
_Planned = tuple[tuple[tuple[str, ExerciseState | None], ...], DayPlan]


class _DayPlans:
    """Speed: the days planned lately, each with the exercise states its planning looked up.

    A set log's reply plans the next sessions and the daily message plans today, for the
    same athletes again and again; a day's plan depends on the profile, the dates, the moves,
    the readiness and only the states of the exercises it considered (often not the one
    just logged). So a plan is reused while those states are unchanged: `plan_day` stays a
    pure function, this only skips recomputing it. Bounded, least recently used first out;
    the lock makes it safe to plan from worker threads too."""

    SIZE = 4096  # days (athlete and date); a few variants of states each

    def __init__(self) -> None:
        self._plans: OrderedDict[_PlanKey, list[_Planned]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: _PlanKey, states: Mapping[str, ExerciseState]) -> DayPlan | None:
        with self._lock:
            found = self._plans.get(key)
            if found is None:
                return None
            self._plans.move_to_end(key)
            for reads, plan in found:
                if all(states.get(name) == state for name, state in reads):
                    return plan
            return None

    def put(self, key: _PlanKey, reads: _Reads, plan: DayPlan) -> None:
        if reads.whole:
            return
        with self._lock:
            found = self._plans.setdefault(key, [])
            found.insert(0, (tuple(reads.seen.items()), plan))
            del found[4:]
            self._plans.move_to_end(key)
            while len(self._plans) > self.SIZE:
                self._plans.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()


_DAY_PLANS = _DayPlans()


def plan_day(
    profile: Profile,
    states: Mapping[str, ExerciseState],
    day: dt.date,
    *,
    plan_start: dt.date,
    moves: Sequence[tuple[dt.date, dt.date]] = (),
    readiness: Readiness = NOTHING,
) -> DayPlan:
    """The plan for `day`. `moves` are (from, to) pairs: the session on `from` is done on `to`.
    Nothing is planned before `plan_start` (the sign-up day): no session, no mobility.
    `readiness`: the runs that happened and the niggles reported, which the day adapts to."""
    key = (profile, day, plan_start, tuple(moves), readiness)
    plan = _DAY_PLANS.get(key, states)
    if plan is None:
        reads = _Reads(states)
        plan = _plan_day(profile, reads, day, plan_start, moves, readiness)
        _DAY_PLANS.put(key, reads, plan)
    return plan


def _plan_day(
    profile: Profile,
    states: Mapping[str, ExerciseState],
    day: dt.date,
    plan_start: dt.date,
    moves: Sequence[tuple[dt.date, dt.date]],
    readiness: Readiness,
) -> DayPlan:
    if day < plan_start:
        first = phase_for(profile, plan_start, plan_start)
        starts = [f"Your plan starts {_fmt(plan_start)}."]
        return replace(_rest_day(day, first, "Before your plan starts", starts), started=False)
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
            plan = _routine_day(profile, states, day, phase, False, notes, readiness)
            return _with_niggles(plan, profile, readiness)
        return _mobility_day(profile, day, phase, notes)
    if profile.session_minutes <= ROUTINE_MINUTES:
        legs = not _heavy_blockers_on(profile, day) and phase.name != "race_week"
        plan = _routine_day(profile, states, day, phase, legs, notes, readiness)
        return _with_niggles(plan, profile, readiness)
    label = _session_label(profile, day, plan_start, arrivals, vacated, readiness)
    plan = _session_day(profile, states, day, phase, label, notes, readiness)
    return _with_niggles(plan, profile, readiness)


def plan_week(
    profile: Profile,
    states: Mapping[str, ExerciseState],
    week_start: dt.date,
    *,
    plan_start: dt.date,
    moves: Sequence[tuple[dt.date, dt.date]] = (),
    readiness: Readiness = NOTHING,
) -> list[DayPlan]:
    """Seven consecutive days from `week_start`."""
    return [
        plan_day(
            profile,
            states,
            week_start + dt.timedelta(days=i),
            plan_start=plan_start,
            moves=moves,
            readiness=readiness,
        )
        for i in range(7)
    ]


def _successors(exercise: str, equipment: str) -> tuple[str, ...]:
    """The exercise, then the harder variants that take its place once it is mastered, in
    the order they come."""
    found = [exercise]
    ex = LIBRARY.get(exercise)
    while ex is not None and (ex := harder_variant(ex, equipment)) is not None:
        if ex.id in found:
            break
        found.append(ex.id)
    return tuple(found)


def upcoming(
    profile: Profile,
    states: Mapping[str, ExerciseState],
    after: dt.date,
    *,
    plan_start: dt.date,
    moves: Sequence[tuple[dt.date, dt.date]] = (),
    days: int = 21,
    readiness: Readiness = NOTHING,
) -> Iterator[DayPlan]:
    """The strength days after `after`, in order, within `days` days."""
    arrivals, vacated = _moves(profile, plan_start, moves)
    routine = profile.session_minutes <= ROUTINE_MINUTES
    for offset in range(1, days + 1):
        day = after + dt.timedelta(days=offset)
        if routine or _has_session(profile, day, plan_start, arrivals, vacated):
            plan = plan_day(
                profile, states, day, plan_start=plan_start, moves=moves, readiness=readiness
            )
            if plan.kind == "strength":
                yield plan


def next_prescriptions(
    profile: Profile,
    states: Mapping[str, ExerciseState],
    exercises: Sequence[str],
    after: dt.date,
    *,
    plan_start: dt.date,
    moves: Sequence[tuple[dt.date, dt.date]] = (),
    sessions: int = 3,
    readiness: Readiness = NOTHING,
) -> dict[str, tuple[DayPlan, Prescription]]:
    """For each exercise, the next session after `after` that prescribes it (else the
    nearest harder variant that took its place: a bridge continues as the single-leg bridge,
    not as the single-leg RDL further up its chain) and that prescription: what the reply to
    a log promises is exactly what that session shows. Exercises the plan doesn't hold in its
    next `sessions` sessions (a full turn of the A/B/C templates) are left out: looking further
    for a lift the plan doesn't use cost a set log a dozen session plans."""
    can_plan = plannable(profile.strength_experience, profile.equipment)
    wanted = {exercise: _successors(exercise, profile.equipment) for exercise in exercises}
    wanted = {exercise: chain for exercise, chain in wanted.items() if can_plan.intersection(chain)}
    # Per exercise: the session holding the nearest step of its chain (the exercise itself
    # first), earliest first among equals, with that step's place in the chain.
    best: dict[str, tuple[int, DayPlan, Prescription]] = {}
    if not wanted:
        return {}
    ahead = upcoming(
        profile, states, after, plan_start=plan_start, moves=moves, readiness=readiness
    )
    for plan in itertools.islice(ahead, sessions):
        for exercise, chain in wanted.items():
            held = [(chain.index(p.exercise), p) for p in plan.exercises if p.exercise in chain]
            if not held:
                continue
            step, p = min(held, key=lambda found: found[0])
            if exercise not in best or step < best[exercise][0]:
                best[exercise] = (step, plan, p)
        if len(best) == len(wanted) and all(step == 0 for step, _, _ in best.values()):
            break  # each exercise itself is coming: nothing later can be nearer
    return {exercise: (plan, p) for exercise, (_step, plan, p) in best.items()}


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
