"""Each chat event is applied once, by its platform's key recorded with its effect; events
that arrive out of order are all applied; old keys are forgotten."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from bot.coach.intents import Said, Who
from db.models import Event, LogBatch, SetLog
from fakes.athletes import make_athlete
from tests import updates
from tests.conftest import BotHarness


async def count(bot: BotHarness, model: type[Event] | type[SetLog] | type[LogBatch]) -> int:
    async with bot.db.read() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_updates_out_of_order_are_all_applied(bot: BotHarness) -> None:
    """Three logs in the private chat, then /settings@bot in a group, in one batch: the
    group's update handled first (updates are ordered per chat only) must not make the
    private logs look like re-deliveries (it once moved a per-athlete "last update id" past
    them, and they were dropped unanswered)."""
    await make_athlete(bot.db, 51, now=bot.clock.now())
    logs = [updates.message(51, f"rdl 8,8,7 @{kg}") for kg in (40, 42.5, 45)]
    command = f"/settings@{bot.application.bot.username}"
    group = updates.message(-100, command, user_id=51, chat_type="supergroup")
    assert group["update_id"] > logs[-1]["update_id"]
    await bot.feed(group)
    for payload in logs:
        (reply,) = await bot.feed(payload)
        assert "Logged" in reply["text"]
    assert await count(bot, LogBatch) == 3 and await count(bot, SetLog) == 9


async def test_the_same_event_on_two_platforms_is_two_events(bot: BotHarness) -> None:
    """Event keys are per platform: Telegram's update 7 and Discord's message 7 differ."""
    await make_athlete(bot.db, 52, now=bot.clock.now())
    await make_athlete(bot.db, 52, now=bot.clock.now(), platform="discord")
    dispatcher = bot.core.dispatcher
    for platform in ("telegram", "discord", "telegram"):
        who = Who(platform, 52, 52, event="7", message_id=70)
        await dispatcher.handle(Said(who, "squat 3x5 60kg"))
    assert await count(bot, LogBatch) == 2


async def test_old_event_keys_are_forgotten(bot: BotHarness) -> None:
    await make_athlete(bot.db, 53, now=bot.clock.now())
    await bot.say(53, "squat 3x5 60kg")
    await bot.say(53, "bench 3x8 40kg")
    assert await count(bot, Event) == 2
    assert await bot.core.tidy() == 0  # a week is remembered
    bot.clock.advance(dt.timedelta(days=1))
    await bot.say(53, "row 3x8 30kg")
    bot.clock.advance(dt.timedelta(days=7) - dt.timedelta(minutes=30))
    assert await bot.core.tidy() == 2  # the first two are over a week old; the third not yet
    bot.clock.advance(dt.timedelta(minutes=40))
    assert await bot.core.tidy() == 0  # now it is, but the last tidy was 40 minutes ago
    bot.clock.advance(dt.timedelta(minutes=30))
    assert await bot.core.tidy() == 1
    assert await count(bot, Event) == 0
