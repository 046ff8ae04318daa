"""Another process holding SQLite's write lock (`runstrong db upgrade` run by hand, a second
bot on the same file): a write waiting for it must not stall the other chats. On a real SQLite
file, the lock held by a separate process."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from sqlalchemy.engine import make_url

from db import engine
from db.engine import Database
from db.migrate import upgrade
from fakes.athletes import make_athlete
from tests import updates
from tests.conftest import BotHarness, TempDatabase
from tests.test_set_logs import seed, sets

pytestmark = pytest.mark.parametrize("temp_db", ["sqlite"], indirect=True)

# Takes the write lock, says so, and holds it until a line (or EOF) arrives on stdin, or for
# HOLD_SECONDS at most: a bot that stalls its event loop behind the lock then fails the
# timing checks instead of hanging until its busy timeout.
HOLDER = """
import select, sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
select.select([sys.stdin], [], [], float(sys.argv[2]))
db.execute("ROLLBACK")
db.close()
print("released", flush=True)
"""
HOLD_SECONDS = 3.0
ANSWER_WITHIN = 0.5
WAITING, OTHER = 61, 62
NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


@asynccontextmanager
async def write_lock_held(url: str) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """Another process holds the write lock on the database until the yielded function is
    awaited (or the block ends)."""
    path = make_url(url).database
    assert path
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLDER,
        path,
        str(HOLD_SECONDS),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdin is not None and holder.stdout is not None
    stdin, stdout = holder.stdin, holder.stdout

    async def release() -> None:
        stdin.write(b"release\n")
        await stdin.drain()
        assert await asyncio.wait_for(stdout.readline(), 10) == b"released\n"

    try:
        assert await asyncio.wait_for(stdout.readline(), 10) == b"locked\n"
        yield release
    finally:
        stdin.close()  # releases the lock if still held
        try:
            await asyncio.wait_for(holder.wait(), 10)
        except TimeoutError:
            holder.kill()
            await holder.wait()


async def say(bot: BotHarness, chat_id: int, text: str) -> list[str]:
    """`bot.say`, keeping only the replies to this chat (the other chat's run alongside)."""
    sent = await bot.feed(updates.message(chat_id, text))
    return [m.get("text") or "" for m in sent if str(m.get("chat_id")) == str(chat_id)]


async def test_a_write_waiting_for_another_process_does_not_stall_other_chats(
    bot: BotHarness,
) -> None:
    await seed(bot, WAITING)
    await seed(bot, OTHER)
    logging: asyncio.Task[list[str]] | None = None
    try:
        async with write_lock_held(bot.db.url) as release:
            # One athlete's set log waits for the lock; the other's /help arrives with it...
            logging = asyncio.create_task(say(bot, WAITING, "squat 3x5 60kg"))
            sent = time.monotonic()
            (help_reply,) = await say(bot, OTHER, "/help")
            help_took = time.monotonic() - sent
            # ... and /today, the log still waiting.
            sent = time.monotonic()
            (today_reply,) = await say(bot, OTHER, "/today")
            today_took = time.monotonic() - sent

            assert help_took < ANSWER_WITHIN, f"/help took {help_took:.2f} s"
            assert today_took < ANSWER_WITHIN, f"/today took {today_took:.2f} s"
            assert "/today" in help_reply and today_reply
            assert not logging.done()  # still waiting for the other process
            assert await sets(bot, WAITING) == []
            await release()
        (log_reply,) = await asyncio.wait_for(logging, 10)
    finally:
        if logging is not None and not logging.done():
            logging.cancel()
            await asyncio.gather(logging, return_exceptions=True)

    assert "Logged" in log_reply and "Back squat 3×5 @ 60 kg" in log_reply
    stored = await sets(bot, WAITING)
    assert [(s.exercise, s.reps, s.load_kg) for s in stored] == [("back_squat", 5, 60.0)] * 3


async def test_a_write_gives_up_after_the_busy_timeout_without_stalling_the_loop(
    temp_db: TempDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock never comes: the write fails with SQLite's own "database is locked" once the
    busy timeout has passed, the loop ticking all along; the writer works again after."""
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 300)
    database = Database(temp_db.url)
    await upgrade(database.write_engine)
    now = time.monotonic()
    longest_tick = 0.0

    async def ticking() -> None:
        nonlocal now, longest_tick
        while True:
            await asyncio.sleep(0.005)
            longest_tick = max(longest_tick, time.monotonic() - now)
            now = time.monotonic()

    ticker = asyncio.create_task(ticking())
    try:
        async with write_lock_held(temp_db.url):
            started = time.monotonic()
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                await make_athlete(database, 1, now=NOW)
            waited = time.monotonic() - started
            assert 0.3 <= waited < 1.0, waited
            stalled = max(longest_tick, time.monotonic() - now)  # a stall not yet ticked out
            assert stalled < 0.1, f"the event loop stalled for {stalled:.2f} s"
        await make_athlete(database, 2, now=NOW)  # the lock released: writes go through
    finally:
        ticker.cancel()
        await asyncio.gather(ticker, return_exceptions=True)
        await database.dispose()
