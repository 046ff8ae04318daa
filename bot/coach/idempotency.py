"""Telegram re-delivers updates after a restart: each use-case marks the update it applies."""

from __future__ import annotations

from bot.coach.replies import Who
from db.models import Athlete


def mark_applied(athlete: Athlete, who: Who) -> bool:
    """Record the update as applied; False if it (or a newer one) already was.

    Call it inside the write transaction that applies the update, so a crash either keeps
    both the change and the mark or neither."""
    if who.update_id is None:
        return True
    if athlete.last_update_id is not None and who.update_id <= athlete.last_update_id:
        return False
    athlete.last_update_id = who.update_id
    return True
