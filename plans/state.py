"""Per-exercise progression state: what the plan engine reads to prescribe loads.

Written by the progression rules from logged sessions; stored by db/ as plain columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ExerciseState:
    """Where an athlete stands on one exercise.

    - `working_load_kg`, `target_reps`: the load and the reps the next session aims for
      (added load for weighted bodyweight work, None for plain bodyweight; seconds for
      holds; foot contacts per session for plyometrics).
    - `reps_low`..`reps_high`: the rep range that load and target belong to (double
      progression). When the plan's range for the exercise changes (a new phase), the load
      is carried over by `plans.loads.transfer_load` instead of being reused as is. A
      target above `reps_high` means the range is mastered: move on to a harder variant.
    - `e1rm_kg`: the best recent estimated one-rep max and `e1rm_on` the day it was set;
      `plans.loads.effective_e1rm` applies the decay after weeks without heavy sets.
    - `best_e1rm_kg`: the best ever (for PRs); `failures`: consecutive failed sessions at
      this load (rule 6); `sessions`: sessions logged.
    """

    exercise: str
    working_load_kg: float | None = None
    target_reps: int | None = None
    e1rm_kg: float | None = None
    failures: int = 0
    sessions: int = 0
    best_e1rm_kg: float | None = None
    e1rm_on: dt.date | None = None
    reps_low: int | None = None
    reps_high: int | None = None

    @property
    def mastered(self) -> bool:
        """Every set reached the top of the range with nothing left to add: bodyweight
        work, holds and plyometrics move on to a harder variant."""
        return (
            self.target_reps is not None
            and self.reps_high is not None
            and self.target_reps > self.reps_high
        )
