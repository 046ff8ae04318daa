"""The inbox keeps updates until they are handled, and hands back what a stopped process
left: its own earlier life, a dead process on this host, or any holder whose lease expired;
never the updates of a live replica."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import socket
import subprocess
import sys

import pytest
from sqlalchemy import event, func, select
from telegram import Update
from telegram.ext import CallbackContext

from bot.clock import FixedClock
from bot.inbox import Inbox
from db.engine import Database
from db.models import InboxUpdate
from db.uow import Storage
from handlers.telegram.adapter import event_key, on_update
from tests import updates
from tests.conftest import BotHarness

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


async def kept(database: Database) -> int:
    async with database.read() as session:
        return int(
            (await session.execute(select(func.count()).select_from(InboxUpdate))).scalar_one()
        )


async def test_kept_once_removed_when_handled(database: Database) -> None:
    inbox = Inbox(Storage(database), FixedClock(NOW), "telegram", owner="here:1")
    assert await inbox.keep("u1", {"update_id": 1}) is True
    assert await inbox.keep("u1", {"update_id": 1}) is False  # re-delivered: not twice
    assert await inbox.keep("u2", {"update_id": 2}) is True
    inbox.handled("u1")
    await inbox.flush()
    assert await kept(database) == 1
    inbox.handled("u2")
    inbox.handled("u2")  # twice is harmless
    await inbox.flush()
    assert await kept(database) == 0


async def test_what_a_stopped_process_left_is_handed_back_oldest_first(
    database: Database,
) -> None:
    clock = FixedClock(NOW)
    storage = Storage(database)
    host = socket.gethostname()
    dead = Inbox(storage, clock, "telegram", owner=f"{host}:{dead_pid()}")
    alive = Inbox(storage, clock, "telegram", owner=f"{host}:1")  # pid 1 is always running
    elsewhere = Inbox(storage, clock, "telegram", owner="other-host:42")
    for inbox, keys in ((dead, ("u1", "u2")), (alive, ("u3",)), (elsewhere, ("u4",))):
        for key in keys:
            await inbox.keep(key, {"key": key})
    discord = Inbox(storage, clock, "discord", owner=dead.owner)
    await discord.keep("m1", {"key": "m1"})

    starting = Inbox(storage, clock, "telegram", owner=f"{host}:{dead_pid()}")
    assert await starting.recover() == [("u1", {"key": "u1"}), ("u2", {"key": "u2"})]
    assert await starting.recover() == []  # now held here
    # The live replica's update, and the other host's, wait for their leases to expire.
    clock.advance(dt.timedelta(seconds=30))
    assert await alive.sweep() == []  # renews its own lease
    clock.advance(dt.timedelta(seconds=40))
    assert await starting.sweep() == [("u4", {"key": "u4"})]
    starting.handled("u1")
    starting.handled("u2")
    starting.handled("u4")
    await starting.flush()
    alive.handled("u3")
    await alive.flush()
    async with database.read() as session:
        left = list((await session.execute(select(InboxUpdate.platform, InboxUpdate.key))).all())
    assert left == [("discord", "m1")]  # another platform's update: never taken


async def test_an_earlier_life_with_the_same_name_is_gone(database: Database) -> None:
    """A restarted container keeps its host name and pid: what that name left is old."""
    storage, clock = Storage(database), FixedClock(NOW)
    before = Inbox(storage, clock, "telegram", owner="box:1")
    await before.keep("u9", {"key": "u9"})
    after = Inbox(storage, clock, "telegram", owner="box:1")
    assert await after.recover() == [("u9", {"key": "u9"})]


async def test_polled_updates_are_kept_in_one_go_before_the_next_fetch(
    database: Database,
) -> None:
    inbox = Inbox(Storage(database), FixedClock(NOW), "telegram", owner="here:1")
    assert inbox.keep_before_acknowledged("u1", {"update_id": 1})
    assert inbox.keep_before_acknowledged("u2", {"update_id": 2})
    assert inbox.keep_before_acknowledged("u3", {"update_id": 3})
    assert not inbox.keep_before_acknowledged("u2", {"update_id": 2})  # fetched again
    inbox.handled("u1")  # handled before the next fetch: never needs keeping
    await inbox.save()
    assert await kept(database) == 2
    assert not inbox.keep_before_acknowledged("u1", {"update_id": 1})  # handled already
    assert not await inbox.keep("u3", {"update_id": 3})
    inbox.handled("u2")
    inbox.handled("u3")
    await inbox.close()
    assert await kept(database) == 0


async def test_overlapping_removals_remove_everything_handled(database: Database) -> None:
    inbox = Inbox(Storage(database), FixedClock(NOW), "telegram", owner="here:1")
    for n in range(6):
        await inbox.keep(f"u{n}", {"update_id": n})
    for n in range(3):
        inbox.handled(f"u{n}")
    first = asyncio.create_task(inbox.flush())
    await asyncio.sleep(0)  # the first removal is on its way
    inbox.handled("u3")
    second = asyncio.create_task(inbox.flush())
    await asyncio.sleep(0)
    inbox.handled("u4")
    inbox.handled("u5")
    await asyncio.gather(first, second)
    await inbox.flush()
    assert await kept(database) == 0


async def test_updates_that_arrive_together_are_kept_in_one_transaction(
    database: Database,
) -> None:
    """A burst costs one commit: every update pushed before the writer's turn goes into its
    transaction, a key twice in one burst is kept once, and each caller learns whether its
    own update was new."""
    inbox = Inbox(Storage(database), FixedClock(NOW), "discord", owner="here:1")
    assert await inbox.keep("m0", {"n": 0}) is True
    commits = 0

    def counted(*_: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(database.session_engine, "commit", counted)
    try:
        keys = [f"m{n}" for n in range(1, 41)] + ["m7", "m0"]
        found = await asyncio.gather(*(inbox.keep(key, {"key": key}) for key in keys))
    finally:
        event.remove(database.session_engine, "commit", counted)
    assert found == [True] * 40 + [False, False]
    assert commits == 1
    assert await kept(database) == 41
    long_key = "x" * 300  # longer than the column: kept under its first 128 characters
    assert await inbox.keep(long_key, {}) is True
    inbox.handled(long_key)
    await inbox.flush()
    assert await kept(database) == 41


async def test_a_telegram_update_cancelled_part_way_stays_kept_and_a_failed_one_does_not(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At shutdown an update being answered is cancelled: it stays in the inbox for the next
    start. One whose answer failed (it got an apology) is done with."""
    inbox: Inbox = bot.application.bot_data["inbox"]
    dispatcher = bot.application.bot_data["dispatcher"]
    started = asyncio.Event()

    async def stalled(_intent: object) -> list[object]:
        started.set()
        await asyncio.Event().wait()
        return []

    async def failing(_intent: object) -> list[object]:
        raise RuntimeError("boom")

    async def answer(text: str) -> asyncio.Task[None]:
        payload = updates.message(900, text)
        update = Update.de_json(payload, bot.application.bot)
        assert await inbox.keep(event_key(update), payload)
        context = CallbackContext.from_update(update, bot.application)
        return asyncio.ensure_future(on_update(update, context))

    monkeypatch.setattr(dispatcher, "handle", stalled)
    answering = await answer("squat 3x5 60kg")
    await started.wait()
    answering.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await answering
    monkeypatch.setattr(dispatcher, "handle", failing)
    await (await answer("rdl 8,8,7 @40"))  # answered with an apology
    await inbox.flush()
    assert await kept(bot.db) == 1  # the cancelled one
