"""The athlete's answers that the coaching domain needs, independent of storage or chat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Weekday = int  # 0 = Monday … 6 = Sunday, as datetime.date.weekday()
WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Experience = Literal["none", "some", "experienced"]
Equipment = Literal["none", "home", "gym"]
Distance = Literal["5k", "10k", "half", "marathon", "ultra"]
Units = Literal["kg", "lb"]

EXPERIENCES: tuple[Experience, ...] = ("none", "some", "experienced")
EQUIPMENTS: tuple[Equipment, ...] = ("none", "home", "gym")
DISTANCES: tuple[Distance, ...] = ("5k", "10k", "half", "marathon", "ultra")
UNITS: tuple[Units, ...] = ("kg", "lb")
SESSIONS_PER_WEEK: tuple[int, ...] = (1, 2, 3)
SESSION_MINUTES: tuple[int, ...] = (10, 20, 30, 45)


class ProfileError(ValueError):
    """A profile field is missing or invalid; `field` names it for the user."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class Race:
    date: dt.date
    distance: Distance


@dataclass(frozen=True)
class Profile:
    """What the plan engine needs to know about a runner."""

    running_days: frozenset[Weekday]
    long_run_day: Weekday | None
    hard_days: frozenset[Weekday]
    race: Race | None
    strength_experience: Experience
    equipment: Equipment
    sessions_per_week: int
    session_minutes: int
    strength_days: tuple[Weekday, ...] | None = None  # None: the coach proposes them
    units: Units = "kg"
    mobility_enabled: bool = True
    known_loads_kg: tuple[tuple[str, float, int], ...] = field(default=())  # (exercise, kg, reps)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """Build from the plan-preview JSON shape; raises ProfileError naming the field."""
        if not isinstance(data, dict):
            raise ProfileError("profile", "expected a JSON object")

        def weekday(name: str, value: Any) -> Weekday:
            if not isinstance(value, str) or value.lower()[:3] not in WEEKDAY_NAMES:
                raise ProfileError(
                    name, f"{value!r} is not a weekday; use one of {', '.join(WEEKDAY_NAMES)}"
                )
            return WEEKDAY_NAMES.index(value.lower()[:3])

        def weekdays(name: str, value: Any) -> list[Weekday]:
            if not isinstance(value, list):
                raise ProfileError(name, 'expected a list of weekdays, e.g. ["mon", "thu"]')
            return [weekday(name, v) for v in value]

        def choice(name: str, options: tuple[Any, ...]) -> Any:
            value = data.get(name)
            if value not in options:
                raise ProfileError(name, f"{value!r} is not one of {', '.join(map(str, options))}")
            return value

        running = weekdays("running_days", data.get("running_days", []))
        long_raw = data.get("long_run_day")
        long_run = None if long_raw in (None, "", "none") else weekday("long_run_day", long_raw)
        hard = weekdays("hard_days", data.get("hard_days", []))
        race_raw = data.get("race")
        race: Race | None = None
        if race_raw is not None:
            if not isinstance(race_raw, dict):
                raise ProfileError(
                    "race", 'expected {"date": "YYYY-MM-DD", "distance": "marathon"} or null'
                )
            try:
                race_date = dt.date.fromisoformat(str(race_raw.get("date")))
            except ValueError:
                raise ProfileError("race.date", "expected a date like 2027-04-18") from None
            dist = race_raw.get("distance")
            if dist not in DISTANCES:
                raise ProfileError(
                    "race.distance", f"{dist!r} is not one of {', '.join(DISTANCES)}"
                )
            race = Race(race_date, dist)
        strength_raw = data.get("strength_days")
        strength = (
            None
            if strength_raw is None
            else tuple(sorted(set(weekdays("strength_days", strength_raw))))
        )
        return cls(
            running_days=frozenset(running),
            long_run_day=long_run,
            hard_days=frozenset(hard),
            race=race,
            strength_experience=choice("strength_experience", EXPERIENCES),
            equipment=choice("equipment", EQUIPMENTS),
            sessions_per_week=choice("sessions_per_week", SESSIONS_PER_WEEK),
            session_minutes=choice("session_minutes", SESSION_MINUTES),
            strength_days=strength,
            units=choice("units", UNITS) if "units" in data else "kg",
            mobility_enabled=bool(data.get("mobility_enabled", True)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "running_days": [WEEKDAY_NAMES[d] for d in sorted(self.running_days)],
            "long_run_day": None if self.long_run_day is None else WEEKDAY_NAMES[self.long_run_day],
            "hard_days": [WEEKDAY_NAMES[d] for d in sorted(self.hard_days)],
            "race": None
            if self.race is None
            else {"date": self.race.date.isoformat(), "distance": self.race.distance},
            "strength_experience": self.strength_experience,
            "equipment": self.equipment,
            "sessions_per_week": self.sessions_per_week,
            "session_minutes": self.session_minutes,
            "strength_days": None
            if self.strength_days is None
            else [WEEKDAY_NAMES[d] for d in self.strength_days],
            "units": self.units,
            "mobility_enabled": self.mobility_enabled,
        }
