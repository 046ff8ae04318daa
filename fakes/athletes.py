"""Athletes straight into the database, for tests that don't need to onboard through chat."""

from __future__ import annotations

import datetime as dt
from typing import Any

from db.engine import Database
from db.models import Athlete

PROFILE: dict[str, Any] = {
    "running_days": ["mon", "tue", "thu", "sat", "sun"],
    "long_run_day": "sun",
    "hard_days": ["tue"],
    "race": None,
    "strength_experience": "some",
    "equipment": "gym",
    "sessions_per_week": 2,
    "session_minutes": 30,
    "strength_days": ["wed", "fri"],
    "units": "kg",
    "mobility_enabled": True,
}


async def make_athlete(
    db: Database,
    user_id: int,
    *,
    now: dt.datetime,
    timezone: str = "Europe/Berlin",
    minute: int = 7 * 60,
    units: str = "kg",
    profile: dict[str, Any] | None = None,
    plan_start: dt.date | None = None,
    status: str = "active",
    summary_day: int | None = None,
    platform: str = "telegram",
    chat_id: int | None = None,
) -> int:
    """An onboarded athlete. `summary_day` (0 = Monday) moves the weekly summary off its
    default Sunday: tests on the real clock pick a weekday they don't run on. `chat_id`: where
    their messages go when it is not their user id (on Discord, their DM channel's id)."""
    async with db.write() as session:
        athlete = Athlete(
            platform=platform,
            user_id=user_id,
            chat_id=user_id if chat_id is None else chat_id,
            name=f"Runner {user_id}",
            language_code="en",
            status=status,
            timezone=timezone,
            delivery_minute=minute,
            units=units,
            profile={**(profile or PROFILE), "units": units, "known_loads": []},
            answers={},
            plan_start=plan_start or now.date(),
            onboarded_at=now,
            created_at=now,
            updated_at=now,
            preferences={} if summary_day is None else {"summary_day": summary_day},
        )
        session.add(athlete)
        await session.flush()
        return athlete.id
