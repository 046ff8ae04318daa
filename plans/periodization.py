"""Which training phase a given day falls in (COACHING.md "Phases with a race date", rule 4
and "Precise definitions").

Phase names:
- ``base``: rolling 4-week blocks without a race (or while it is still far away); blocks
  alternate volume (8–10 reps) and heavy (3–5 reps) work for athletes who have lifted
  before; a never-lifted athlete's first block is anatomical adaptation;
- ``anatomical_adaptation``: light, higher-rep weeks that build tolerance before heavy work;
- ``strength``: hypertrophy then max strength (first half 6–8 reps, second half 3–5 reps);
- ``power``: conversion: light loads moved fast plus plyometrics (ultra: strength endurance
  and eccentric work instead);
- ``maintenance``: in-season, one heavy low-volume session a week (rule 1);
- ``taper``: the second-to-last week before the race: the week before it at half the sets;
- ``race_week``: the final 7 days, light activation only, no heavy or plyometric work;
- ``deload``: fewer sets, lighter loads, no failure: the 4th week of a base block, and a week
  after at most six training weeks in a race build.

With a race, weeks are counted back from race day: the race week is the 7 days before race
day (and race day itself), the taper the 7 before those. The weeks from the plan's start to
the taper are fitted minimum-first (see `fit_build`).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from dataclasses import dataclass, replace
from typing import Literal

from plans.profile import Distance, Experience, Profile

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
# The kind of work a week holds, finer than the phase: what the session builder reads.
Block = Literal[
    "adaptation", "volume", "heavy", "hypertrophy", "max", "power", "endurance",
    "maintenance", "activation",
]  # fmt: skip

BLOCK_WEEKS = 4  # rule 4: 4-week blocks, the 4th a deload
MAX_TRAINING_RUN = 6  # Bell et al. 2022: a deload at least every 6 training weeks
COUNTDOWN_WEEKS = 26  # a race more than ~6 months away: base blocks until then
# Choice: a first race-aligned week with this few days left after sign-up is no week of its
# own; it leads into the next one (signing up on its last day doesn't use up week 1).
LEAD_IN_DAYS = 3
DELOAD_SETS = 0.6  # rule 4: volume −40 %
DELOAD_LOAD = 0.9  # rule 4: load −10 %
TAPER_SETS = 0.5  # Bosquet et al. 2007: volume −41–60 %, intensity kept
TRAINING_PHASES: frozenset[str] = frozenset({"anatomical_adaptation", "strength", "power"})


@dataclass(frozen=True)
class PhaseInfo:
    """Training targets for one week.

    `week` is the 1-based week within the phase (or within the 4-week block for base
    weeks); `block` the kind of work; `rep_low`..`rep_high` and `sets_low`..`sets_high` the
    main lift's dose; `pct_e1rm` its load as a fraction range of e1RM (None: effort alone
    sets the load); `sessions_cap` limits sessions per week; `volume` multiplies the week's
    sets and `load` the loads (deload, taper); `plyo` scales plyometric contacts.
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
    block: Block = "volume"
    volume: float = 1.0
    load: float = 1.0
    plyo: float = 1.0

    @property
    def plyometrics_allowed(self) -> bool:
        """Rule 3: no jumping in the final 7 days; the taper keeps only the lifts."""
        return self.name not in ("race_week", "taper")

    @property
    def heavy_allowed(self) -> bool:
        return self.name != "race_week"

    @property
    def holds_progress(self) -> bool:
        """Deload, taper and race week: logs neither progress nor count as failures."""
        return self.deload or self.name in ("taper", "race_week")

    @property
    def percent_based(self) -> bool:
        """The main lift's load follows the e1RM each session instead of double progression:
        speed work (power) and the heavy, low-volume in-season weeks."""
        return self.name == "taper" or self.block in ("power", "endurance", "maintenance")


# --- the weeks ------------------------------------------------------------------------------


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
        block="adaptation",
    )


def _base(week: int, block: Block) -> PhaseInfo:
    if block == "adaptation":
        return _adaptation(week)
    if block == "heavy":
        return PhaseInfo(
            name="base",
            label="Base · heavy",
            week=week,
            deload=False,
            rep_low=3,
            rep_high=5,
            sets_low=3,
            sets_high=4,
            rpe=8.0,
            rest_s=180,
            pct_e1rm=(0.82, 0.88),
            sessions_cap=None,
            focus="Heavy, low reps",
            block="heavy",
        )
    return PhaseInfo(
        name="base",
        label="Base · volume",
        week=week,
        deload=False,
        rep_low=8,
        rep_high=10,
        sets_low=3,
        sets_high=3,
        rpe=7.0,
        rest_s=120,
        pct_e1rm=(0.70, 0.75),
        sessions_cap=None,
        focus="General strength",
        block="volume",
    )


def _strength(week: int, of_weeks: int) -> PhaseInfo:
    if week <= math.ceil(of_weeks / 2):
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
            block="hypertrophy",
        )
    return PhaseInfo(
        name="strength",
        label="Strength",
        week=week,
        deload=False,
        rep_low=3,
        rep_high=5,
        sets_low=3,
        sets_high=4,
        rpe=8.0,
        rest_s=180,
        pct_e1rm=(0.82, 0.88),
        sessions_cap=None,
        focus="Heavy, low reps",
        block="max",
    )


def _power(week: int, distance: Distance) -> PhaseInfo:
    """Race distance shapes the conversion phase: ultra runners get strength endurance (2–4
    minute timed sets at 20–40 % e1RM, seed 002) and eccentric work; shorter races power."""
    if distance == "ultra":
        return PhaseInfo(
            name="power",
            label="Strength endurance",
            week=week,
            deload=False,
            rep_low=3,
            rep_high=5,
            sets_low=2,
            sets_high=3,
            rpe=7.0,
            rest_s=120,
            pct_e1rm=(0.20, 0.40),
            sessions_cap=None,
            focus="Long timed sets and slow lowering",
            block="endurance",
        )
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
        block="power",
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
        block="maintenance",
    )


def _deload(of: PhaseInfo) -> PhaseInfo:
    """The week's structure at about 60 % of the sets and 90 % of the load, far from failure."""
    return replace(
        of,
        name="deload",
        label="Deload",
        deload=True,
        rpe=min(of.rpe, 6.0),
        focus="Recover: fewer sets, lighter loads",
        volume=DELOAD_SETS,
        load=DELOAD_LOAD,
        plyo=DELOAD_SETS,
    )


def _taper(of: PhaseInfo) -> PhaseInfo:
    """The week before it, session for session (its `block` kept: the same shape), at half
    the sets; the main lift heavy and crisp (3–5 reps at 80–85 % e1RM), no jumps (rule 3,
    Bosquet et al. 2007)."""
    return replace(
        of,
        name="taper",
        label="Taper",
        week=1,
        deload=False,
        rep_low=3,
        rep_high=5,
        rpe=7.0,
        rest_s=150,
        pct_e1rm=(0.80, 0.85),
        focus="Half the volume, keep it crisp",
        volume=TAPER_SETS,
        load=1.0,
        plyo=0.0,
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
        block="activation",
        plyo=0.0,
    )


# --- fitting a race build -------------------------------------------------------------------


def deloads_for(training_weeks: int) -> int:
    """Deload weeks a run of training weeks needs so that none goes past six in a row."""
    return max(0, math.ceil(training_weeks / MAX_TRAINING_RUN) - 1)


@dataclass(frozen=True)
class Build:
    """A race build's weeks before the taper: phase lengths and where the deloads go."""

    adaptation: int
    strength: int
    power: int
    maintenance: int
    deload_after: tuple[int, ...]  # after these training weeks (1-based, AA+strength+power)

    @property
    def training(self) -> int:
        return self.adaptation + self.strength + self.power

    @property
    def weeks(self) -> int:
        return self.training + len(self.deload_after) + self.maintenance


def fit_build(weeks: int, experience: Experience) -> Build:
    """Phase lengths for `weeks` before the taper (COACHING.md "Fitting phases").

    Every phase first gets its minimum (anatomical adaptation 3, never-lifted 4; strength 6;
    power 3), plus the deloads that keep training runs at six weeks or fewer; then strength
    grows to 8, adaptation to 4 (never-lifted 6) and power to 4 while the weeks allow; the
    rest is maintenance. When even the minimums don't fit, weeks come off the front:
    adaptation, then power; strength keeps at least 4 weeks while the weeks allow.
    """
    aa_min, aa_max = (4, 6) if experience == "none" else (3, 4)
    lengths = {"aa": aa_min, "s": 6, "p": 3}
    maxima = {"s": 8, "aa": aa_max, "p": 4}

    def need(aa: int, s: int, p: int) -> int:
        return aa + s + p + deloads_for(aa + s + p)

    if need(**lengths) <= weeks:
        for name in ("s", "aa", "p"):
            while lengths[name] < maxima[name]:
                grown = {**lengths, name: lengths[name] + 1}
                if need(**grown) > weeks:
                    break
                lengths = grown
    else:
        for name, floor in (("aa", 0), ("p", 0), ("s", min(4, max(weeks, 0))), ("s", 0)):
            while need(**lengths) > weeks and lengths[name] > floor:
                lengths[name] -= 1
    maintenance = max(0, weeks - need(**lengths))
    return Build(
        adaptation=lengths["aa"],
        strength=lengths["s"],
        power=lengths["p"],
        maintenance=maintenance,
        deload_after=_deload_weeks(lengths["aa"], lengths["s"], lengths["p"]),
    )


@functools.cache
def _deload_weeks(aa: int, s: int, p: int) -> tuple[int, ...]:
    """Where the deloads go: every training run ≤ 6 weeks; preferably at the switch from
    adaptation to strength or between the strength halves, as even as possible."""
    training = aa + s + p
    count = deloads_for(training)
    if count == 0:
        return ()
    halves = aa + math.ceil(s / 2)
    best: tuple[float, tuple[int, ...]] | None = None
    for cut in itertools.combinations(range(1, training), count):
        edges = (0, *cut, training)
        runs = [b - a for a, b in itertools.pairwise(edges)]
        if max(runs) > MAX_TRAINING_RUN:
            continue
        score = sum(r * r for r in runs) - 8 * (halves in cut) - 2 * (aa in cut)
        if best is None or score < best[0]:
            best = (score, cut)
    assert best is not None  # count deloads always split `training` into runs of ≤ 6
    return best[1]


@functools.cache
def _race_weeks(
    weeks: int, experience: Experience, distance: Distance, sessions: int
) -> tuple[PhaseInfo, ...]:
    """The fitted build's weeks before the taper, earliest first."""
    build = fit_build(weeks, experience)
    training: list[PhaseInfo] = []
    training += [_adaptation(w) for w in range(1, build.adaptation + 1)]
    training += [_strength(w, build.strength) for w in range(1, build.strength + 1)]
    training += [_power(w, distance) for w in range(1, build.power + 1)]
    out: list[PhaseInfo] = []
    for number, week in enumerate(training, 1):
        out.append(week)
        if number in build.deload_after:
            out.append(_deload(week))
    out += [_maintenance(w) for w in range(1, build.maintenance + 1)]
    return tuple(out)


# --- rolling blocks -------------------------------------------------------------------------


def _block_kind(profile: Profile, index: int) -> Block:
    """Rolling blocks: a never-lifted athlete starts with adaptation; then volume and heavy
    blocks alternate (seed 002: "heavy" must appear at some point)."""
    if profile.strength_experience == "none":
        if index == 0:
            return "adaptation"
        return "volume" if index % 2 == 1 else "heavy"
    return "volume" if index % 2 == 0 else "heavy"


def _rolling(profile: Profile, day: dt.date, start: dt.date) -> PhaseInfo:
    """Rule 4 blocks counted from `start`, the 4th week of each a deload."""
    weeks = max(0, (day - start).days // 7)
    block_week = weeks % BLOCK_WEEKS + 1
    phase = _base(block_week, _block_kind(profile, weeks // BLOCK_WEEKS))
    return _deload(phase) if block_week == BLOCK_WEEKS else phase


# --- the day's phase ------------------------------------------------------------------------


def weeks_out(race_date: dt.date, day: dt.date) -> int:
    """Race-aligned weeks before the race: 0 for race day and the 7 days before it."""
    return 0 if day >= race_date else (race_date - day - dt.timedelta(days=1)).days // 7


def _lead_in(race_date: dt.date, plan_start: dt.date) -> bool:
    """True when the plan starts in the last LEAD_IN_DAYS days of a countdown week that is
    followed by at least one more build week: those days join the next week."""
    start_out = weeks_out(race_date, plan_start)
    days_left = (race_date - plan_start).days - 7 * start_out
    return 3 <= start_out < COUNTDOWN_WEEKS and days_left <= LEAD_IN_DAYS


def phase_for(profile: Profile, day: dt.date, plan_start: dt.date) -> PhaseInfo:
    """The phase and targets for `day` in a plan that began on `plan_start`."""
    race = profile.race
    if race is None or day > race.date:
        start = plan_start if race is None else max(plan_start, race.date + dt.timedelta(days=1))
        return _rolling(profile, day, start)
    out = weeks_out(race.date, day)
    if out == 0:
        return replace(_race_week(), weeks_to_race=0)
    start_out = weeks_out(race.date, plan_start)
    slot = out  # the build week `day` falls in, counted back from the race
    if _lead_in(race.date, plan_start):
        start_out -= 1
        slot = start_out if out == start_out + 1 else out  # lead-in days join the first week
    first = min(start_out, COUNTDOWN_WEEKS - 1)
    build = _race_weeks(
        max(0, first - 1), profile.strength_experience, race.distance, profile.sessions_per_week
    )
    if out == 1:
        before = build[-1] if build else _strength(1, 1)
        return replace(_taper(before), weeks_to_race=1)
    index = len(build) - (slot - 1)  # counted back from the last pre-taper week
    if 0 <= index < len(build):
        return replace(build[index], weeks_to_race=out)
    return replace(_rolling(profile, day, plan_start), weeks_to_race=out)
