"""Daily delivery at scale: thousands of athletes due in the same minute, the real bot process
sending through the fake Bot API while it enforces Telegram's limits (30 messages/s overall,
1/s per chat, 429 with retry_after beyond). Plus the CPU cost of composing one workout."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import os
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from bench.common import TOKEN, UTC, Result, copy_sqlite, median, runstrong, seed, sqlite_url
from bot.coach.delivery import compose_daily
from bot.coach.planning import profile_of
from db.engine import Database
from db.models import Athlete
from db.uow import Storage
from fakes.bot_api import Call, FakeBotApi
from plans.programs import plan_day
from plans.render import render_day

LIMIT_PER_S = 30
FULL = os.environ.get("BENCH_FULL") == "1"
WINDOW_DUE = 100_000 if FULL else 10_000
WINDOW_S = float(os.environ.get("BENCH_DELIVERY_WINDOW_S", "40"))
COMPLETE_DUE = 600
COMPOSE_ATHLETES = 1000


def _sent(call: Call) -> bool:
    return call.method == "sendMessage" and call.error_code is None


async def _seed_due(path: Path, count: int) -> dt.datetime:
    """`count` athletes whose daily message falls due this very minute."""
    now = dt.datetime.now(UTC)
    minute = now.hour * 60 + now.minute
    await seed(path, count, now=now, minute_of=lambda i: minute, daily_on=lambda i: now.date())
    return now


async def _run(work: Path, template: Path, count: int, window_s: float | None) -> dict[str, float]:
    """One bot run over a copy of `template`: for `window_s` from the first message (a steady
    window), or until all `count` athletes are served (window_s None)."""
    path = work / "delivery-run.sqlite3"
    copy_sqlite(template, path)
    # The fake server, in this process, stands in for Telegram and counts the 1 s windows by
    # when it handles each request. A full collection over this process's heap (what the
    # sections before left: ~110 ms after the throughput section) holds requests back, then
    # handles them together: a bunch-up Telegram wouldn't see, answered with 429s. Frozen,
    # that heap is not walked again during the run.
    gc.collect()
    gc.freeze()
    api = FakeBotApi(token=TOKEN)
    await api.start()
    api.enforce_limits(global_per_s=LIMIT_PER_S, per_chat_per_s=1)
    bot = runstrong(api, sqlite_url(path), work / "delivery.log")
    try:
        await bot.start()
        first = await api.wait_for(_sent, timeout=60)
        if window_s is not None:
            await asyncio.sleep(first.timestamp + window_s - time.monotonic())
            end = first.timestamp + window_s
        else:
            served: set[str] = set()

            def all_served(call: Call) -> bool:
                if _sent(call):
                    served.add(str(call.params.get("chat_id")))
                return len(served) >= count

            last = await api.wait_for(all_served, timeout=count / LIMIT_PER_S * 4 + 30)
            end = last.timestamp
            await asyncio.sleep(3.0)  # anything sent twice would show up by now
    finally:
        await bot.stop()
        await api.stop()
        gc.unfreeze()
    calls = [c for c in api.calls if first.timestamp <= c.timestamp <= end]
    sent = [c for c in calls if _sent(c)]
    per_chat = Counter(str(c.params.get("chat_id")) for c in api.calls if _sent(c))
    seconds = max(end - first.timestamp, 1e-9)
    # A window's rate counts messages sent in it; a complete run's rate spans first to last.
    rate = len(sent) / (window_s if window_s is not None else seconds)
    return {
        "rate": rate,
        "sent": len(sent),
        "limited": sum(1 for c in calls if c.error_code == 429),
        "served": len(per_chat),
        "duplicates": sum(1 for n in per_chat.values() if n > 1),
        "seconds": seconds,
    }


async def _compose_cost(work: Path, template: Path) -> tuple[float, float]:
    """CPU ms per athlete: composing daily messages the way a delivery tick does (one read
    of athletes, states and plan changes for the batch, then pure planning and rendering),
    and the pure plans.plan_day + render_day alone, for COMPOSE_ATHLETES athletes."""
    path = work / "compose.sqlite3"
    copy_sqlite(template, path)
    db = Database(sqlite_url(path))
    try:
        now = dt.datetime.now(UTC)
        day = now.date()
        async with db.read() as session:
            ids = list(
                (await session.execute(select(Athlete.id).limit(COMPOSE_ATHLETES))).scalars()
            )
        composed: list[object] = []
        spent = 0.0
        for warm_up in (True, False):  # the first pass warms caches (library, SQL compilation)
            started = time.process_time()
            async with Storage(db).read() as unit:
                athletes = await unit.deliveries.athletes_for(ids)
                states = await unit.states.for_many(ids)
                changes = await unit.changes.for_many(ids)
                for athlete in athletes.values():
                    composed.append(
                        compose_daily(athlete, states[athlete.id], changes[athlete.id], day, now)
                    )
            if not warm_up:
                spent = time.process_time() - started
        compose_ms = spent * 1000 / len(ids)
        started = time.process_time()
        for athlete in athletes.values():
            plan = plan_day(profile_of(athlete), {}, day, plan_start=athlete.plan_start or day)
            render_day(plan, athlete.units)
        pure_ms = (time.process_time() - started) * 1000 / len(ids)
        assert composed
        return compose_ms, pure_ms
    finally:
        await db.dispose()


async def run(work: Path, rounds: int = 3) -> list[Result]:
    template = work / "delivery-template.sqlite3"
    windows = []
    for _ in range(rounds):
        # Seeded afresh each round so the messages are due this minute, not minutes ago.
        await _seed_due(template, WINDOW_DUE)
        windows.append(await _run(work, template, WINDOW_DUE, WINDOW_S))
    await _seed_due(template, COMPLETE_DUE)
    complete = await _run(work, template, COMPLETE_DUE, None)
    compose = [await _compose_cost(work, template) for _ in range(rounds)]

    rate = median([w["rate"] for w in windows])
    window_note = (
        f"{WINDOW_DUE:,} due in one minute; messages sent in a {WINDOW_S:.0f} s window from "
        f"the first, median of {rounds} runs; fake API enforcing 30/s + 1/s per chat"
    )
    lost = COMPLETE_DUE - int(complete["served"])
    dupes = int(complete["duplicates"]) + int(max(w["duplicates"] for w in windows))
    compose_ms = median([c[0] for c in compose])
    return [
        Result("delivery_rate", round(rate, 2), "messages/s", ">= 28.5 (95% of 30)",
               rate >= 0.95 * LIMIT_PER_S, note=window_note),
        Result("delivery_rate_share_of_limit", round(rate / LIMIT_PER_S * 100, 1), "%", ">= 95",
               rate >= 0.95 * LIMIT_PER_S, note=window_note),
        Result("delivery_429s_in_window", median([w["limited"] for w in windows]), "responses",
               note="429 Too Many Requests answered by the fake API in the window, median"),
        Result("delivery_window_duplicates", max(w["duplicates"] for w in windows), "chats",
               "0", max(w["duplicates"] for w in windows) == 0,
               note="chats that got more than one message, worst window"),
        Result("delivery_complete_rate", round(complete["rate"], 2), "messages/s",
               note=f"{COMPLETE_DUE} due, run to completion, first to last message"),
        Result("delivery_complete_429s", complete["limited"], "responses",
               note=f"{COMPLETE_DUE} due, run to completion"),
        Result("delivery_lost", lost, "athletes", "0", lost == 0,
               note=f"of {COMPLETE_DUE} due, run to completion: never served"),
        Result("delivery_duplicated", dupes, "athletes", "0", dupes == 0,
               note=f"of {COMPLETE_DUE} run to completion (+ worst window): served twice"),
        Result("compose_cpu_per_athlete", round(compose_ms, 3), "ms CPU", "<= 2",
               compose_ms <= 2, note=f"as a delivery tick composes: batch read + plan + render, "
               f"{COMPOSE_ATHLETES} athletes, process_time, median of {rounds}"),
        Result("plan_render_cpu_per_athlete", round(median([c[1] for c in compose]), 3),
               "ms CPU", note="plans.plan_day + render_day alone (pure)"),
    ]  # fmt: skip
