"""What the coach asks for on one exercise in one session; shared by programs, logging and
progression so that "done as prescribed" logs exactly what was shown, and the reply to a
log names exactly what the next session prescribes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# How a logged session of this line moves the athlete's state (plans.progression):
# "double": double progression in the rep range (reps build to the top, then load goes up);
# "percent": the load follows the e1RM (power, maintenance): only the e1RM and the stall
#   count move; "hold": deload, taper and race week: nothing progresses, nothing fails.
Mode = Literal["double", "percent", "hold"]


@dataclass(frozen=True)
class Prescription:
    """One exercise line of a session.

    Reps are a range (`reps_low`..`reps_high`) plus this session's `target_reps` for rep
    work; None for holds (`seconds`) and plyometrics (`foot_contacts` for the whole
    exercise). `load_kg` is the external (or added) load, None for bodyweight or when the
    coach has no data yet (then `rpe` guides the choice of load). `per_side` marks
    unilateral work counted per leg/arm. `group` places the line in a superset or circuit
    ("A1", "A2": done back to back, resting after the round); `tempo` a cue such as
    "explosive" or "3 s down".
    """

    exercise: str
    sets: int
    reps_low: int | None
    reps_high: int | None
    seconds: int | None
    load_kg: float | None
    rpe: float
    rest_s: int
    foot_contacts: int | None = None
    per_side: bool = False
    main_lift: bool = False  # the session's heavy lower-body lift (held after a hard run)
    target_reps: int | None = None
    mode: Mode = "double"
    group: str = ""
    tempo: str = ""

    @property
    def target(self) -> int | None:
        """The reps each set aims for this session (the bottom of the range by default)."""
        if self.reps_low is None:
            return None
        return self.target_reps if self.target_reps is not None else self.reps_low

    @property
    def reps_label(self) -> str | None:
        if self.reps_low is None:
            return None
        if self.reps_high is None or self.reps_high == self.reps_low:
            return str(self.reps_low)
        return f"{self.reps_low}-{self.reps_high}"
