"""What the coach asks for on one exercise in one session; shared by programs, logging and
progression so that "done as prescribed" logs exactly what was shown."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prescription:
    """One exercise line of a session.

    Reps are a range (`reps_low`..`reps_high`; equal for a fixed count) for rep work, None for
    holds (`seconds`) and plyometrics (`foot_contacts` for the whole exercise). `load_kg` is
    the external (or added) load, None for bodyweight or when the coach has no data yet (then
    `rpe` guides the choice of load). `per_side` marks unilateral work counted per leg/arm.
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

    @property
    def reps_label(self) -> str | None:
        if self.reps_low is None:
            return None
        if self.reps_high is None or self.reps_high == self.reps_low:
            return str(self.reps_low)
        return f"{self.reps_low}-{self.reps_high}"
