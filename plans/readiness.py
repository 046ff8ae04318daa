"""What the athlete's body has actually been through lately, as the plan sees it.

The plan is built from the profile (the running week they *intend*) and the exercise states.
This is the third input: the runs that actually happened and the niggles they reported, so
that a day's session can react to them (COACHING.md rule 2, "Running load vs placement").
Pure values: the glue in `bot/coach/planning.py` loads them from the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

RunKind = Literal["easy", "hard", "long"]
RUN_KINDS: tuple[RunKind, ...] = ("easy", "hard", "long")


def run_kind(value: str) -> RunKind:
    """A stored kind as the type says; anything unknown reads as an easy run."""
    return next((kind for kind in RUN_KINDS if kind == value), "easy")


@dataclass(frozen=True)
class RunDone:
    """One run the athlete did: typed (`/run 10k hard`) or from a watch file.

    `planned`: a hard run on a hard-run day or a long run on the long-run day, which the
    plan already placed the lifting around. `minutes` is moving time when known."""

    day: dt.date
    kind: RunKind
    planned: bool
    distance_km: float | None = None
    minutes: float | None = None


@dataclass(frozen=True)
class NiggleReport:
    """A niggle the athlete reported on `day`: a body region ("knee", "achilles", …) and,
    when given, how bad on a 0-10 scale."""

    day: dt.date
    region: str
    score: int | None = None


@dataclass(frozen=True)
class Readiness:
    """Recent runs and niggle reports, oldest first. Empty: the plan as the profile says."""

    runs: tuple[RunDone, ...] = ()
    niggles: tuple[NiggleReport, ...] = ()


NOTHING = Readiness()
