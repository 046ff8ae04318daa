"""Scale-out end to end: two bot processes (webhook mode) on one PostgreSQL database behind a
load balancer played by the test. One conversation split across the replicas, set logs on
both, and a replica SIGKILLed in the middle of the daily run: every message is delivered
exactly once (bar the few in flight at the kill), none lost, no set log lost."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from pathlib import Path

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, insert, select

from db.engine import Database
from db.migrate import upgrade
from db.models import Athlete, Delivery, LogBatch, SetLog
from fakes.athletes import PROFILE
from fakes.bot_api import Call, FakeBotApi
from fakes.processes import WebhookBot
from tests import updates
from tests.conftest import TempDatabase

pytestmark = pytest.mark.postgresql

SECRET = "scale-out-secret"
DUE = 300
LOGGERS = 6
LEASE_S = 4
RATE_PER_REPLICA = 15  # the two share Telegram's 30/s
CONCURRENCY = 32  # DeliveryService's: the most claims one replica can have in flight
UTC = dt.UTC


class Replica(WebhookBot):
    """A replica behind the balancer: its share of the sending budget, a short lease."""

    def __init__(self, api: FakeBotApi, database_url: str, tmp_path: Path, name: str) -> None:
        super().__init__(
            api,
            database_url,
            tmp_path,
            name,
            secret=SECRET,
            DELIVERY_LEASE_SECONDS=str(LEASE_S),
            SEND_RATE_PER_SECOND=str(RATE_PER_REPLICA),
        )


def _sent_to(call: Call, chat: int) -> bool:
    return (
        call.method in ("sendMessage", "editMessageText")
        and call.error_code is None
        and str(call.params.get("chat_id")) == str(chat)
    )


async def _seed(url: str, now: dt.datetime, due: dt.datetime) -> None:
    """DUE athletes whose daily message falls due at `due`, and LOGGERS who log sets."""
    db = Database(url)
    try:
        await upgrade(db.write_engine)
        minute = due.hour * 60 + due.minute
        rows = [
            {
                "platform": "telegram", "user_id": user, "chat_id": user, "name": f"Runner {user}",
                "language_code": "en", "status": "active", "timezone": "UTC",
                "delivery_minute": minute if user < 70_000 else (minute + 720) % 1440,
                "units": "kg", "profile": {**PROFILE, "units": "kg", "known_loads": []},
                "answers": {}, "plan_start": now.date(), "preferences": {},
                "onboarded_at": now, "created_at": now, "updated_at": now,
            }
            for user in [*range(60_000, 60_000 + DUE), *range(70_000, 70_000 + LOGGERS)]
        ]  # fmt: skip
        async with db.write() as session:
            await session.execute(insert(Athlete), rows)
            ids = list((await session.execute(select(Athlete.id))).scalars())
            # Today's daily message for the DUE athletes (the loggers get theirs from the
            # start-up repair), and everyone's weekly summary on a later Sunday.
            sunday = due.date() + dt.timedelta(days=(6 - due.weekday()) % 7 or 7)
            await session.execute(
                insert(Delivery),
                [
                    {"athlete_id": i, "kind": kind, "local_date": day, "due_at": at,
                     "status": "pending", "attempts": 0, "late": False}
                    for i in ids
                    for kind, day, at in (
                        ("daily", due.date(), due),
                        ("weekly", sunday, due + (sunday - due.date())),
                    )
                    if kind == "weekly" or i <= DUE
                ],
            )  # fmt: skip
    finally:
        await db.dispose()


@pytest.mark.parametrize("temp_db", ["postgresql"], indirect=True)
async def test_two_replicas_share_the_work_and_survive_a_sigkill(
    api: FakeBotApi, temp_db: TempDatabase, tmp_path: Path
) -> None:
    started = time.monotonic()
    now = dt.datetime.now(UTC)
    # Due once both replicas are up and the chat part is done.
    due = now + dt.timedelta(seconds=18)
    await _seed(temp_db.url, now, due)
    api.enforce_limits(global_per_s=30, per_chat_per_s=None)
    a = Replica(api, temp_db.url, tmp_path, "a")
    b = Replica(api, temp_db.url, tmp_path, "b")
    replicas = [a, b]
    try:
        a.start()
        b.start()
        await asyncio.gather(a.ready(), b.ready())
        async with ClientSession() as http:
            # One onboarding, its answers alternating between the replicas.
            chat = 4444
            mark = len(api.calls)
            assert await a.post(http, updates.message(chat, "/start")) == 200
            await api.wait_for_message(chat, contains="How long have you been running?",
                                       start=mark, timeout=15)  # fmt: skip
            answers = [
                "ob:running_years:2plus", "ob:running_days:t0", "ob:running_days:t1",
                "ob:running_days:t2", "ob:running_days:t3", "ob:running_days:t6",
                "ob:running_days:done", "ob:long_run_day:6",
                "ob:hard_days:t1", "ob:hard_days:done", "ob:race:none", "ob:experience:some",
                "ob:equipment:gym", "ob:sessions:2", "ob:minutes:30", "ob:strength_days:done",
                "ob:delivery_time:420", "ob:timezone:Europe/Berlin", "ob:timezone_confirm:yes",
                "ob:units:kg", "ob:known_loads:skip", "ob:summary:confirm",
            ]  # fmt: skip
            for n, data in enumerate(answers):
                latest = max(mid for (cid, mid) in api.messages if cid == chat)
                mark = len(api.calls)
                replica = replicas[(n + 1) % 2]
                assert (
                    await replica.post(http, updates.callback(chat, data, message_id=latest)) == 200
                )
                await api.wait_for(lambda c: _sent_to(c, chat), timeout=15, start=mark)
            await api.wait_for_message(chat, contains="You're all set", timeout=15)

            # Set logs from onboarded athletes, alternating replicas (no two alike: the same
            # message twice in a row would be asked about, not logged).
            logs = [(70_000 + i % LOGGERS, f"{text} {40 + i}kg") for i, text in enumerate(
                ["squat 3x5", "deadlift 3x5", "bench 3x8"] * 4
            )]  # fmt: skip
            mark = len(api.calls)
            for n, (user, text) in enumerate(logs):
                assert await replicas[n % 2].post(http, updates.message(user, text)) == 200
            expected = Counter(user for user, _ in logs)

            def all_confirmed(call: Call) -> bool:
                for user in expected:
                    if _sent_to(call, user) and "Logged" in str(call.params.get("text")):
                        expected[user] -= 1
                return all(n <= 0 for n in expected.values())

            await api.wait_for(all_confirmed, timeout=20, start=mark)

        # The daily run: both replicas send; A dies ~3 s in; B takes over its claims once
        # their lease expires.
        first = await api.wait_for(
            lambda c: c.method == "sendMessage" and c.error_code is None
            and 60_000 <= int(c.params.get("chat_id", 0)) < 60_000 + DUE,
            timeout=40,
        )  # fmt: skip
        await asyncio.sleep(first.timestamp + 3.0 - time.monotonic())
        a.kill()
        served: set[int] = set()

        def everyone_served(call: Call) -> bool:
            if call.method == "sendMessage" and call.error_code is None:
                chat_id = int(call.params.get("chat_id", 0))
                if 60_000 <= chat_id < 60_000 + DUE:
                    served.add(chat_id)
            return len(served) == DUE

        try:
            await api.wait_for(everyone_served, timeout=35)
        except TimeoutError:
            pytest.fail(f"{DUE - len(served)} athletes never served:\n{b.log()}")
        await asyncio.sleep(1.0)  # a second copy of anything would show up by now
    finally:
        for replica in replicas:
            await replica.stop()

    per_chat = Counter(
        int(c.params["chat_id"]) for c in api.calls
        if c.method == "sendMessage" and c.error_code is None
        and 60_000 <= int(c.params.get("chat_id", 0)) < 60_000 + DUE
    )  # fmt: skip
    assert set(per_chat) == set(range(60_000, 60_000 + DUE))  # none lost
    twice = [chat for chat, n in per_chat.items() if n > 1]
    assert max(per_chat.values()) <= 2 and len(twice) <= CONCURRENCY, twice

    db = Database(temp_db.url)
    try:
        async with db.read() as session:
            statuses = Counter(
                (await session.execute(
                    select(Delivery.status).join(Athlete)
                    .where(Athlete.user_id.between(60_000, 60_000 + DUE - 1))
                    .where(Delivery.local_date == due.date())
                )).scalars()
            )  # fmt: skip
            batches = await session.scalar(select(func.count()).select_from(LogBatch))
            sets = await session.scalar(select(func.count()).select_from(SetLog))
            onboarded = await session.scalar(
                select(Athlete.onboarded_at).where(Athlete.user_id == 4444)
            )
    finally:
        await db.dispose()
    assert statuses == {"sent": DUE}, statuses
    assert batches == len(logs)  # no set log lost (nor applied twice)
    assert sets == 4 * (3 + 3 + 3)
    assert onboarded is not None
    assert time.monotonic() - started < 60
