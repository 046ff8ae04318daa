"""Which training phase a given day falls in (COACHING.md "Phases with a race date", rule 4).

Phase names:
- ``base``: rolling 4-week general-strength blocks (no race, or race still far away);
- ``anatomical_adaptation``: light, higher-rep weeks that build tolerance before heavy work;
- ``strength``: hypertrophy then max strength (first half 6-8 reps, second half 3-5 reps);
- ``power``: conversion: light loads moved fast plus plyometrics;
- ``maintenance``: in-season, one heavy low-volume session a week (rule 1);
- ``taper``: the second-to-last week before the race, volume cut ~50 % (rule 3);
- ``race_week``: the final 7 days, light activation only, no heavy or plyometric work;
- ``deload``: every 4th week of a base block (rule 4: volume -40 %, load -10 %).

With a race, weeks are counted back from race day (week 0 = the 7 days ending on race day),
so the taper and race week together are the last 14 days. If the plan starts too late for
every phase, phases are shortened from the front (adaptation first, strength last).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

from plans.profile import Profile

PhaseName = Literal[
    "base",
    "anatomical_adaptation",
    "strength",
    "power",
    "maintenance",
    "taper",
    "race_week",
    "deload",
]

BLOCK_WEEKS = 4  # rule 4: 4-week blocks, the 4th a deload
MAX_STRENGTH_WEEKS = 8
MAX_POWER_WEEKS = 4
MAX_MAINTENANCE_WEEKS = 3


@dataclass(frozen=True)
class PhaseInfo:
    """Training targets for one week: reps/sets ranges, effort, rest and session cap.

    `week` is the 1-based week within the phase (or within the 4-week block for base and
    deload weeks); `pct_e1rm` the main-lift load as a fraction range of e1RM, None when
    effort (RPE) alone sets the load; `sessions_cap` limits sessions per week.
    """

    name: PhaseName
    label: str
    week: int
    deload: bool
    rep_low: int
    rep_high: int
    sets_low: int
    sets_high: int
    rpe: float
    rest_s: int
    pct_e1rm: tuple[float, float] | None
    sessions_cap: int | None
    focus: str
    weeks_to_race: int | None = None  # 0 in race week; None without a race countdown

    @property
    def plyometrics_allowed(self) -> bool:
        """Rule 3: no jumping in the final 7 days; the taper keeps only the lifts."""
        return self.name not in ("race_week", "taper")

    @property
    def heavy_allowed(self) -> bool:
        return self.name != "race_week"


def _base(week: int) -> PhaseInfo:
    return PhaseInfo(
        name="base",
        label="Base",
        week=week,
        deload=False,
        rep_low=6,
        rep_high=10,
        sets_low=2,
        sets_high=3,
        rpe=7.0,
        rest_s=120,
        pct_e1rm=(0.67, 0.75),
        sessions_cap=None,
        focus="General strength",
    )


def _deload(week: int, of: PhaseInfo) -> PhaseInfo:
    """Rule 4: fewer sets (about -40 %), lighter, well away from failure."""
    pct = None if of.pct_e1rm is None else (of.pct_e1rm[0] * 0.9, of.pct_e1rm[1] * 0.9)
    return replace(
        of,
        name="deload",
        label="Deload",
        week=week,
        deload=True,
        sets_low=max(1, round(of.sets_low * 0.6)),
        sets_high=max(2, round(of.sets_high * 0.6)),
        rpe=6.0,
        pct_e1rm=pct,
        focus="Recover: fewer sets, lighter loads",
    )


def _adaptation(week: int) -> PhaseInfo:
    return PhaseInfo(
        name="anatomical_adaptation",
        label="Anatomical adaptation",
        week=week,
        deload=False,
        rep_low=12,
        rep_high=15,
        sets_low=2,
        sets_high=3,
        rpe=6.5,
        rest_s=75,
        pct_e1rm=None,
        sessions_cap=None,
        focus="Learn the moves, build tolerance",
    )


def _strength(week: int, of_weeks: int) -> PhaseInfo:
    if week <= (of_weeks + 1) // 2:
        return PhaseInfo(
            name="strength",
            label="Strength",
            week=week,
            deload=False,
            rep_low=6,
            rep_high=8,
            sets_low=3,
            sets_high=4,
            rpe=7.5,
            rest_s=150,
            pct_e1rm=(0.75, 0.80),
            sessions_cap=None,
            focus="Build muscle and strength",
        )
    return PhaseInfo(
        name="strength",
        label="Strength",
        week=week,
        deload=False,
        rep_low=3,
        rep_high=5,
        sets_low=3,
        sets_high=5,
        rpe=8.0,
        rest_s=180,
        pct_e1rm=(0.82, 0.88),
        sessions_cap=None,
        focus="Heavy, low reps",
    )


def _power(week: int) -> PhaseInfo:
    return PhaseInfo(
        name="power",
        label="Power",
        week=week,
        deload=False,
        rep_low=3,
        rep_high=5,
        sets_low=3,
        sets_high=3,
        rpe=7.0,
        rest_s=150,
        pct_e1rm=(0.40, 0.60),
        sessions_cap=None,
        focus="Move fast + jumps",
    )


def _maintenance(week: int) -> PhaseInfo:
    return PhaseInfo(
        name="maintenance",
        label="Maintenance",
        week=week,
        deload=False,
        rep_low=3,
        rep_high=5,
        sets_low=2,
        sets_high=2,
        rpe=7.5,
        rest_s=150,
        pct_e1rm=(0.80, 0.85),
        sessions_cap=1,
        focus="Keep strength, 1 session a week",
    )


def _taper(profile: Profile) -> PhaseInfo:
    return PhaseInfo(
        name="taper",
        label="Taper",
        week=1,
        deload=False,
        rep_low=3,
        rep_high=5,
        sets_low=2,
        sets_high=2,
        rpe=7.0,
        rest_s=150,
        pct_e1rm=(0.80, 0.85),
        sessions_cap=(profile.sessions_per_week + 1) // 2,
        focus="Half the volume, keep it crisp",
    )


def _race_week() -> PhaseInfo:
    return PhaseInfo(
        name="race_week",
        label="Race week",
        week=1,
        deload=False,
        rep_low=5,
        rep_high=8,
        sets_low=1,
        sets_high=2,
        rpe=5.0,
        rest_s=60,
        pct_e1rm=None,
        sessions_cap=1,
        focus="Light activation only",
    )


def _rolling(profile: Profile, day: dt.date, start: dt.date) -> PhaseInfo:
    """Rule 4 blocks counted from `start`; a never-lifted athlete's first block is adaptation."""
    weeks = (day - start).days // 7
    block_week = weeks % BLOCK_WEEKS + 1
    first_block = 0 <= weeks < BLOCK_WEEKS
    if first_block and profile.strength_experience == "none":
        phase = _adaptation(block_week)
    else:
        phase = _base(block_week)
    if block_week == BLOCK_WEEKS:
        return _deload(block_week, phase)
    return phase


def adaptation_weeks(profile: Profile) -> int:
    """Anatomical adaptation length: 6 weeks for the never-lifted, else 4 (choice)."""
    return 6 if profile.strength_experience == "none" else 4


def countdown(profile: Profile, pre_taper_weeks: int) -> list[tuple[PhaseName, int]]:
    """Phase lengths (earliest first) fitting `pre_taper_weeks` before the taper.

    Full plan: adaptation, 8 strength, 4 power, 3 maintenance. When weeks are short, weeks
    come off the front: adaptation (to a minimum), then maintenance and power, then strength.
    """
    lengths: dict[PhaseName, int] = {
        "anatomical_adaptation": adaptation_weeks(profile),
        "strength": MAX_STRENGTH_WEEKS,
        "power": MAX_POWER_WEEKS,
        "maintenance": MAX_MAINTENANCE_WEEKS,
    }
    aa_min = 2 if profile.strength_experience == "none" else 1
    cuts: list[tuple[PhaseName, int]] = [
        ("anatomical_adaptation", aa_min),
        ("maintenance", 1),
        ("power", 2),
        ("strength", 4),
        ("anatomical_adaptation", 0),
        ("power", 0),
        ("maintenance", 0),
        ("strength", 0),
    ]
    excess = sum(lengths.values()) - max(0, pre_taper_weeks)
    for phase, floor in cuts:
        if excess <= 0:
            break
        take = min(excess, lengths[phase] - floor)
        if take > 0:
            lengths[phase] -= take
            excess -= take
    order: tuple[PhaseName, ...] = ("anatomical_adaptation", "strength", "power", "maintenance")
    return [(name, lengths[name]) for name in order if lengths[name] > 0]


def phase_for(profile: Profile, day: dt.date, plan_start: dt.date) -> PhaseInfo:
    """The phase and targets for `day` in a plan that began on `plan_start`."""
    race = profile.race
    if race is None or day > race.date:
        start = plan_start if race is None else max(plan_start, race.date + dt.timedelta(days=1))
        return _rolling(profile, day, start)
    weeks_out = (race.date - day).days // 7
    if weeks_out == 0:
        return replace(_race_week(), weeks_to_race=0)
    if weeks_out == 1:
        return replace(_taper(profile), weeks_to_race=1)
    start_weeks_out = max((race.date - plan_start).days // 7, 1)
    phases = countdown(profile, start_weeks_out - 1)
    # Lay phases back-to-back, the latest ending right before the taper (weeks_out == 2).
    end = 2
    for name, length in reversed(phases):
        if end <= weeks_out < end + length:
            week = end + length - weeks_out
            info: PhaseInfo
            if name == "anatomical_adaptation":
                info = _adaptation(week)
            elif name == "strength":
                info = _strength(week, length)
            elif name == "power":
                info = _power(week)
            else:
                info = _maintenance(week)
            return replace(info, weeks_to_race=weeks_out)
        end += length
    return replace(_rolling(profile, day, plan_start), weeks_to_race=weeks_out)
