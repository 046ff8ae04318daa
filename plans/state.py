"""Per-exercise progression state: what the plan engine reads to prescribe loads.

Written by the progression rules from logged sessions; stored by db/ as plain columns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExerciseState:
    """Where an athlete stands on one exercise.

    `working_load_kg` is the load for the next session (added load for weighted bodyweight
    work, None for plain bodyweight); `target_reps` the reps per set the next session asks for
    (for holds: seconds; for plyometrics: foot contacts per session); `e1rm_kg` carries
    strength across phase changes; `failures` counts consecutive failed sessions at this load.
    """

    exercise: str
    working_load_kg: float | None = None
    target_reps: int | None = None
    e1rm_kg: float | None = None
    failures: int = 0
    sessions: int = 0
    best_e1rm_kg: float | None = None
