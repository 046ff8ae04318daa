"""Daily DMs through the real Discord sender (hikari's REST client against the fake Discord)
on the days the clocks change, with an injected clock: the real clock can't be moved to a
DST day, so this runs in-process where the end-to-end tests can't."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.core import build_core
from db.engine import Database
from db.models import InboxUpdate
from fakes.athletes import make_athlete
from fakes.discord_api import FakeDiscord
from handlers.discord.adapter import DiscordAdapter, DiscordSender
from plans.programs import day_label

UTC = dt.UTC
RUNNER = 400_000_000_000_000_123
MESSAGES = "POST /channels/{channel_id}/messages"


@pytest.mark.parametrize(
    ("start", "minute", "expected"),
    [
        # Berlin springs forward at 02:00 on 29 March: 02:30 doesn't exist, sent at the jump.
        (dt.date(2026, 3, 28), 150, dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        # 25 October: 02:30 happens twice, sent once, at the first.
        (dt.date(2026, 10, 24), 150, dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        # An ordinary 07:00 across the change: 06:00 UTC before, 05:00 UTC after.
        (dt.date(2026, 3, 28), 420, dt.datetime(2026, 3, 29, 5, 0, tzinfo=UTC)),
    ],
)
async def test_a_dst_day_reaches_the_dm_once_at_the_local_time(
    database: Database, start: dt.date, minute: int, expected: dt.datetime
) -> None:
    tz = ZoneInfo("Europe/Berlin")
    noon = dt.datetime.combine(start, dt.time(12), tz)
    clock = FixedClock(noon)
    async with FakeDiscord() as fake:
        channel = fake.dm_channel_of(RUNNER)
        await make_athlete(
            database, RUNNER, now=clock.now(), minute=minute, platform="discord",
            chat_id=channel, summary_day=4,
        )  # fmt: skip
        core = build_core(database, clock)
        adapter = DiscordAdapter(
            core, token=fake.token, api_url=fake.api_url, application_id=fake.application_id
        )
        await adapter.start()
        try:
            sender = DiscordSender(adapter, None)
            assert await core.delivery.repair() == 1
            # Every five minutes through the night of the change.
            for step in range(0, 36 * 12):
                clock.at = noon + dt.timedelta(minutes=5 * step)
                await core.delivery.tick(sender)
                if clock.at >= expected - dt.timedelta(minutes=5):
                    sent_by_now = [c for c in fake.calls if c.route == MESSAGES and c.ok]
                    assert len(sent_by_now) == (clock.at >= expected), clock.at
        finally:
            await adapter.close()
    (message,) = fake.sent_messages(channel)
    assert day_label(expected.astimezone(tz).date()) in message["content"]
    assert "Sent late" not in message["content"]


async def test_dms_arriving_together_are_kept_at_once_and_one_cancelled_stays_for_the_next_start(
    database: Database,
) -> None:
    """DM text is kept in the inbox as it arrives, before its chat's turn: a DM still waiting
    behind the one being answered when the process stops is not lost but handled by the
    next start, in its place."""
    clock = FixedClock(dt.datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    async with FakeDiscord() as fake:
        channel = fake.dm_channel_of(RUNNER)
        await make_athlete(database, RUNNER, now=clock.now(), platform="discord", chat_id=channel)
        core = build_core(database, clock)
        first = DiscordAdapter(
            core, token=fake.token, api_url=fake.api_url, application_id=fake.application_id
        )
        await first.start()
        fake.set_latency("POST /channels/{channel_id}/messages", 0.5)  # the first answer: slow
        try:
            squat = fake.dm_message(RUNNER, "squat 3x5 60kg")
            rdl = fake.dm_message(RUNNER, "rdl 8,8,7 @40")
            answering = asyncio.ensure_future(first.dm_event("MESSAGE_CREATE", squat, arrived=True))
            waiting = asyncio.ensure_future(first.dm_event("MESSAGE_CREATE", rdl, arrived=True))
            await asyncio.sleep(0.2)
            assert await kept_in_inbox(database) == 2  # both, while the squat is answered
            waiting.cancel()  # the process stops
            await answering
            await first.close()
        finally:
            fake.set_latency("POST /channels/{channel_id}/messages", 0)
        assert len(fake.sent_messages(channel)) == 1
        assert await kept_in_inbox(database) == 1

        second = DiscordAdapter(
            core, token=fake.token, api_url=fake.api_url, application_id=fake.application_id
        )
        await second.start()
        try:
            assert await second.recover() == 1
            reply = await fake.wait_for_message(channel, start=1, timeout=10)
        finally:
            await second.close()
    assert "Romanian deadlift" in reply["content"]
    assert await kept_in_inbox(database) == 0


async def kept_in_inbox(database: Database) -> int:
    async with database.read() as session:
        return int(
            (await session.execute(select(func.count()).select_from(InboxUpdate))).scalar_one()
        )
