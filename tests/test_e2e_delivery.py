"""Delivery end to end: the real bot process delivers on time over HTTP, survives SIGKILL
before and after the delivery time, catches up after downtime, honours 429 and 403."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.engine import Database
from db.migrate import upgrade
from db.models import Athlete, Delivery
from fakes.athletes import make_athlete
from fakes.bot_api import FakeBotApi
from fakes.processes import BotProcess, minute_soon, shifted
from tests.conftest import TempDatabase

UTC = dt.UTC


def _noon_zone(now: dt.datetime) -> str:
    """A fixed-offset zone where it is between 12:00 and 13:00 at `now` (the Etc zones'
    signs are inverted: Etc/GMT-5 is UTC+5)."""
    offset = 12 - now.hour
    if offset < -12:
        offset += 24
    if offset > 14:
        offset -= 24
    return f"Etc/GMT{-offset:+d}"


def minute_of(instant: dt.datetime) -> int:
    return instant.hour * 60 + instant.minute


async def test_delivery_on_time_restarts_catch_up_429_and_403(
    api: FakeBotApi, temp_db: TempDatabase, tmp_path: Path
) -> None:
    # Delivery times are whole minutes: the bot processes' clock is shifted so that the next
    # one comes 15 s from now (time to start, catch up and die before it). `now` is the
    # bots' now.
    due, clock = minute_soon(15.0)
    now = dt.datetime.fromtimestamp(shifted(clock, time.time()), UTC)
    on_time, blocked, limited, late, too_late = 5001, 5002, 5003, 5004, 5005
    # The real clock's weekday may be the summary day: keep the weekly summary on a weekday
    # three days off, so that each athlete gets only the daily message counted below.
    away = (due.weekday() + 3) % 7
    db = Database(temp_db.url)
    await upgrade(db.write_engine)
    for user in (on_time, blocked, limited):
        await make_athlete(
            db, user, now=now, timezone="UTC", minute=minute_of(due), summary_day=away
        )
    # Two athletes whose messages fell due while the bot was down: 2 h ago (inside the 6 h
    # catch-up window) and 7 h ago (outside it). They live where it is about noon now, so
    # both fell due today, local time (a catch-up never crosses local midnight).
    zone = _noon_zone(now)
    for user, hours in ((late, 2), (too_late, 7)):
        was_due = (now - dt.timedelta(hours=hours)).replace(second=0, microsecond=0)
        local = was_due.astimezone(ZoneInfo(zone))
        athlete_id = await make_athlete(
            db, user, now=now, timezone=zone, minute=minute_of(local), summary_day=away
        )
        async with db.write() as session:
            session.add(
                Delivery(
                    athlete_id=athlete_id,
                    kind="daily",
                    local_date=local.date(),
                    due_at=was_due,
                    status="pending",
                )
            )
    await db.dispose()
    api.block_chat(blocked)

    # Start, catch up, then die before the delivery time.
    first = await BotProcess(api, temp_db.url, tmp_path, **clock).start()
    try:
        call = await api.wait_for_message(late, contains="Sent late", timeout=15)
        assert call.params["chat_id"] in (late, str(late))
    finally:
        first.kill()
    assert shifted(clock, time.time()) < due.timestamp()
    assert not api.sent_messages(too_late)

    # Restarted before the delivery time: it arrives on time, exactly once.
    api.fail_next("sendMessage", error_code=429, retry_after=1, chat_id=limited)
    second = await BotProcess(api, temp_db.url, tmp_path, **clock).start()
    try:
        call = await api.wait_for_message(on_time, timeout=90)
        arrived = shifted(clock, time.time() - (time.monotonic() - call.timestamp))
        assert due.timestamp() - 0.5 <= arrived <= due.timestamp() + 5, arrived - due.timestamp()
        retried = await api.wait_for_message(limited, timeout=15)
        retried_at = shifted(clock, time.time() - (time.monotonic() - retried.timestamp))
        assert retried_at >= due.timestamp() + 1  # waited out retry_after
        await asyncio.sleep(1)
    finally:
        second.kill()  # after the delivery: the next start must not send again

    third = await BotProcess(api, temp_db.url, tmp_path, **clock).start()
    try:
        await asyncio.sleep(2.5)
    finally:
        await third.stop()

    assert len(api.sent_messages(on_time)) == 1
    assert len(api.sent_messages(limited)) == 1
    assert len(api.sent_messages(late)) == 1
    assert api.sent_messages(too_late) == []
    assert api.sent_messages(blocked) == []
    db = Database(temp_db.url)
    async with db.read() as session:
        statuses = {a.user_id: a.status for a in (await session.execute(select(Athlete))).scalars()}
        missed = (
            (await session.execute(select(Delivery).where(Delivery.status == "missed")))
            .scalars()
            .all()
        )
    await db.dispose()
    assert statuses[blocked] == "blocked" and statuses[on_time] == "active"
    assert len(missed) == 1
