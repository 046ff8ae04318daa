"""Nothing lost: the real bot process, SIGKILLed in the middle of a burst of set logs, stores
every one exactly once after a restart (on SQLite and PostgreSQL). Telegram forgets an
update once the polling offset moves past it, so each is kept in the inbox first."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from aiohttp import ClientSession
from sqlalchemy import func, select

from db.engine import Database
from db.migrate import upgrade
from db.models import InboxUpdate, LogBatch, SetLog
from fakes.athletes import make_athlete
from fakes.bot_api import FakeBotApi
from fakes.processes import BotProcess, WebhookBot
from tests import updates
from tests.conftest import TempDatabase

USERS = range(7001, 7011)
LOGS_EACH = 30
EXERCISES = ("squat", "bench", "row", "rdl", "split squat", "calf raise")


async def _counts(url: str) -> tuple[int, int, int, int]:
    db = Database(url)
    try:
        async with db.read() as session:

            async def count(query: object) -> int:
                return int((await session.execute(query)).scalar_one())  # type: ignore[call-overload]

            batches = await count(select(func.count()).select_from(LogBatch))
            keys = await count(select(func.count(func.distinct(LogBatch.source_key))))
            sets = await count(select(func.count()).select_from(SetLog))
            kept = await count(select(func.count()).select_from(InboxUpdate))
            return batches, keys, sets, kept
    finally:
        await db.dispose()


async def test_sigkill_mid_burst_loses_no_log(
    api: FakeBotApi, temp_db: TempDatabase, tmp_path: Path
) -> None:
    db = Database(temp_db.url)
    await upgrade(db.write_engine)
    now = dt.datetime.now(dt.UTC)
    for user in USERS:
        await make_athlete(db, user, now=now, summary_day=(now.weekday() + 3) % 7)
    await db.dispose()

    bot = await BotProcess(api, temp_db.url, tmp_path).start()
    mark = len(api.calls)
    for n in range(LOGS_EACH):
        for user in USERS:
            api.push_text(user, f"{EXERCISES[n % len(EXERCISES)]} 3x5 {20 + n}kg")
    total = LOGS_EACH * len(USERS)
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while sum(1 for c in api.calls[mark:] if c.method == "sendMessage") < total // 5:
            assert asyncio.get_running_loop().time() < deadline, bot.log()
            await asyncio.sleep(0.01)
    finally:
        bot.kill()  # mid-burst: fetched, confirmed to Telegram, far from all answered
    answered = sum(1 for c in api.calls[mark:] if c.method == "sendMessage")
    assert answered < total, "the burst was over before the kill; the test proves nothing"

    restarted = await BotProcess(api, temp_db.url, tmp_path).start()
    try:
        deadline = asyncio.get_running_loop().time() + 90
        while (counts := await _counts(temp_db.url))[0] < total:
            assert asyncio.get_running_loop().time() < deadline, counts
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)  # anything applied twice would show by now
        batches, keys, sets, _ = await _counts(temp_db.url)
        assert (batches, keys, sets) == (total, total, 3 * total)
        # Every update handled is removed from the inbox soon after.
        while (await _counts(temp_db.url))[3]:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.2)
    finally:
        await restarted.stop()
    assert "Traceback" not in restarted.log()


async def test_a_webhook_answers_200_only_for_kept_updates(
    api: FakeBotApi, temp_db: TempDatabase, tmp_path: Path
) -> None:
    """Telegram does not send an update again once the webhook answered 200: killed right
    after the last 200, the bot still stores every log after a restart."""
    db = Database(temp_db.url)
    await upgrade(db.write_engine)
    now = dt.datetime.now(dt.UTC)
    for user in USERS:
        await make_athlete(db, user, now=now, summary_day=(now.weekday() + 3) % 7)
    await db.dispose()
    bot = WebhookBot(api, temp_db.url, tmp_path, "one")
    bot.start()
    await bot.ready()
    payloads = [
        updates.message(user, f"{EXERCISES[n % len(EXERCISES)]} 3x5 {20 + n}kg")
        for n in range(8)
        for user in USERS
    ]
    try:
        async with ClientSession() as http:
            statuses = await asyncio.gather(*(bot.post(http, p) for p in payloads))
    finally:
        bot.kill()
    assert statuses == [200] * len(payloads)

    restarted = WebhookBot(api, temp_db.url, tmp_path, "two")
    restarted.start()
    try:
        await restarted.ready()
        deadline = asyncio.get_running_loop().time() + 60
        while (counts := await _counts(temp_db.url))[0] < len(payloads):
            assert asyncio.get_running_loop().time() < deadline, counts
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)
        assert (await _counts(temp_db.url))[:3] == (len(payloads), len(payloads), 24 * 10)
    finally:
        await restarted.stop()
