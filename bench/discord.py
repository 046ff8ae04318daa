"""Discord: DM set-log throughput and reply latency of the real bot process (hikari over the
fake Discord's gateway and REST) side by side with a bare hikari echo bot, and daily DMs at
scale against the fake enforcing Discord's global limit of 50 requests a second."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import os
import sys
import time
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench.common import (
    DELIVERIES,
    ROOT,
    SEED_CHUNK,
    UTC,
    Result,
    athlete_row,
    cpu_ms_per,
    log_text,
    median,
    process_cpu_s,
    remove_sqlite,
    sqlite_url,
)
from bench.throughput import CORPUS
from bot.clock import FixedClock
from bot.core import build_core
from db.engine import Database
from db.migrate import upgrade
from db.models import Athlete
from fakes.discord_api import Call, FakeDiscord
from fakes.processes import DiscordBot, Spawned, discord_env
from plans.schedule import local_due

PLATFORM = "discord"
ATHLETES = 200
BURST = 1000
PACE_PER_S = 50
PACE_SECONDS = 10.0
FIRST_USER = 412_000_000_000_000_000  # user ids shaped like Discord's snowflakes
MESSAGES = "POST /channels/{channel_id}/messages"
LIMIT_PER_S = 50  # Discord's global limit per bot
SEND_RATE = 40  # DISCORD_SEND_RATE_PER_SECOND: the budget the daily DMs are paced to
WINDOW_DUE = 10_000
WINDOW_S = float(os.environ.get("BENCH_DISCORD_WINDOW_S", "20"))
COMPLETE_DUE = 600
ATHLETE_TABLE = Athlete.metadata.tables["athletes"]


# --- the fake's record ------------------------------------------------------------------


def _channel(call: Call) -> int | None:
    """The DM channel of a message the bot created, None for anything else."""
    if call.route != MESSAGES or call.error_code is not None:
        return None
    return call.channel_id


async def _replies(fake: FakeDiscord, expected: dict[int, int], start: int, wait_s: float) -> Call:
    """Wait until every channel got its expected number of messages; the last of them. The
    fake's record is read once, from `start`, however often it changes."""
    missing = dict(expected)
    left = sum(missing.values())
    cursor = start
    last: Call | None = None

    def done() -> Call | None:
        nonlocal left, cursor, last
        calls = fake.calls
        while cursor < len(calls):
            call = calls[cursor]
            cursor += 1
            channel = _channel(call)
            if channel is not None and missing.get(channel, 0) > 0:
                missing[channel] -= 1
                left -= 1
                last = call
        return last if left == 0 else None

    found: Call = await fake.wait_until(done, wait_s)
    return found


async def _settle(fake: FakeDiscord, quiet_s: float = 0.4) -> None:
    """Wait until the bot has made no REST call for `quiet_s`."""
    while True:
        seen = len(fake.calls)
        await asyncio.sleep(quiet_s)
        if len(fake.calls) == seen:
            return


# --- processes and seeding --------------------------------------------------------------


class EchoDiscord(Spawned):
    """`python -m bench.echo_discord` against a fake Discord."""

    def __init__(self, fake: FakeDiscord, log_path: Path) -> None:
        super().__init__(log_path)
        self.fake = fake
        self.env = discord_env(fake, "", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))

    async def start(self, wait_s: float = 60.0) -> EchoDiscord:
        """Spawn; ready once it has IDENTIFYed on the gateway."""
        seen = len(self.fake.identifies)
        self.spawn([sys.executable, "-m", "bench.echo_discord"], cwd=ROOT, env=self.env)
        assert self.process is not None
        deadline = time.monotonic() + wait_s
        while len(self.fake.identifies) <= seen:
            if self.process.poll() is not None:
                raise RuntimeError(f"the echo bot exited during start-up:\n{self.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the echo bot not ready after {wait_s}s:\n{self.log()}")
            await asyncio.sleep(0.05)
        return self


def _runstrong(fake: FakeDiscord, path: Path, work: Path, **env: str) -> DiscordBot:
    return DiscordBot(
        fake,
        sqlite_url(path),
        work,
        interactions=False,
        **{"LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT), **env},
    )


def _users(fake: FakeDiscord, count: int) -> list[tuple[int, int]]:
    """`count` Discord users, each with their DM channel in the fake: (user id, channel id)."""
    return [(FIRST_USER + i, fake.dm_channel_of(FIRST_USER + i)) for i in range(count)]


def _delivery_row(athlete_id: int, kind: str, day: dt.date, minute: int) -> dict[str, Any]:
    return {
        "athlete_id": athlete_id,
        "platform": PLATFORM,
        "kind": kind,
        "local_date": day,
        "due_at": local_due(day, minute, UTC),
        "status": "pending",
        "attempts": 0,
        "late": False,
    }


async def _seed(
    path: Path, users: Sequence[tuple[int, int]], *, now: dt.datetime, minute: int, due: bool
) -> None:
    """A fresh, migrated SQLite database with onboarded Discord athletes (UTC), inserted in
    bulk, whose chat is their DM channel. With `due`, each has their open delivery rows (the
    daily one today at `minute`, the weekly one on a later Sunday) as the coach makes them."""
    remove_sqlite(path)
    db = Database(sqlite_url(path))
    try:
        await upgrade(db.write_engine)
        kinds = build_core(db, FixedClock(now)).delivery.kinds()
        for start in range(0, len(users), SEED_CHUNK):
            rows = [
                {**athlete_row(user, now, minute), "platform": PLATFORM, "chat_id": channel}
                for user, channel in users[start : start + SEED_CHUNK]
            ]
            async with db.write() as session:
                await session.execute(insert(ATHLETE_TABLE), rows)
        if not due:
            return
        async with db.read() as session:
            ids = list((await session.execute(select(Athlete.id).order_by(Athlete.id))).scalars())
        day = now.date()
        sunday = day + dt.timedelta(days=(6 - day.weekday()) % 7 or 7)
        deliveries = []
        for athlete_id in ids:
            deliveries.append(_delivery_row(athlete_id, "daily", day, minute))
            if "weekly" in kinds:  # never on the daily message's day: one message each
                deliveries.append(_delivery_row(athlete_id, "weekly", sunday, minute))
        for start in range(0, len(deliveries), SEED_CHUNK):
            async with db.write() as session:
                await session.execute(insert(DELIVERIES), deliveries[start : start + SEED_CHUNK])
    finally:
        await db.dispose()


# --- throughput and latency -------------------------------------------------------------


class _Side:
    """One bot on its own fake Discord, with the user ids it is written to by."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def channel(self, index: int) -> int:
        return self.fake.dm_channel_of(FIRST_USER + index)

    def push(self, index: int, text: str) -> int:
        """A DM from athlete `index`; its channel."""
        self.fake.dm_message(FIRST_USER + index, text)
        return self.channel(index)


async def _warm_up(side: _Side) -> list[str]:
    """Send each corpus line once; keep those answered with exactly one message."""
    index = ATHLETES - 1
    channel = side.channel(index)
    keep = []
    for text in CORPUS:
        mark = len(side.fake.calls)
        side.push(index, text)
        try:
            await _replies(side.fake, {channel: 1}, mark, wait_s=15)
        except TimeoutError:
            continue
        await _settle(side.fake)
        if sum(1 for c in side.fake.calls[mark:] if _channel(c) == channel) == 1:
            keep.append(text)
    if not keep:
        raise RuntimeError("no corpus line got exactly one reply")
    return keep


async def _burst(side: _Side, texts: list[str], pid: int) -> tuple[float, float | None]:
    """BURST DMs at once from ATHLETES athletes: DMs/s until the last reply arrived, and the
    CPU ms per DM the bot process `pid` spent meanwhile (None where /proc can't tell)."""
    await _settle(side.fake)
    mark = len(side.fake.calls)
    expected: dict[int, int] = defaultdict(int)
    cpu_before = process_cpu_s(pid)
    started = time.monotonic()
    for i in range(BURST):
        athlete = i % ATHLETES
        expected[side.push(athlete, log_text(texts, athlete, i // ATHLETES))] += 1
    last = await _replies(side.fake, expected, mark, wait_s=300)
    return BURST / (last.timestamp - started), cpu_ms_per(pid, cpu_before, BURST)


async def _paced(side: _Side, texts: list[str]) -> list[float]:
    """PACE_PER_S DMs/s for PACE_SECONDS; latency (ms) of each from dispatch to its reply."""
    await _settle(side.fake)
    mark = len(side.fake.calls)
    pushed: dict[int, deque[float]] = defaultdict(deque)
    expected: dict[int, int] = defaultdict(int)
    total = int(PACE_PER_S * PACE_SECONDS)
    started = time.monotonic()
    for i in range(total):
        wait = started + i / PACE_PER_S - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        index = (i * 7) % ATHLETES
        channel = side.channel(index)
        pushed[channel].append(time.monotonic())
        side.push(index, log_text(texts, index, i // ATHLETES))
        expected[channel] += 1
    await _replies(side.fake, expected, mark, wait_s=120)
    latencies = []
    for call in side.fake.calls[mark:]:
        replied = _channel(call)
        if replied is not None and pushed.get(replied):
            latencies.append((call.timestamp - pushed[replied].popleft()) * 1000)
    return latencies


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _throughput(work: Path, rounds: int) -> list[Result]:
    ours_fake, echo_fake = FakeDiscord(), FakeDiscord()
    await ours_fake.start()
    await echo_fake.start()
    db_path = work / "discord-throughput.sqlite3"
    now = dt.datetime.now(UTC)
    far = (now.hour * 60 + now.minute + 12 * 60) % (24 * 60)  # no daily message during the run
    await _seed(db_path, _users(ours_fake, ATHLETES), now=now, minute=far, due=False)
    ours_side, echo_side = _Side(ours_fake), _Side(echo_fake)
    ours = _runstrong(ours_fake, db_path, work)
    echo = EchoDiscord(echo_fake, work / "discord-echo.log")
    # The fakes run in this process and stand in for Discord: a full collection over this
    # process's heap would hold their events back and show up as the bots' latency.
    gc.collect()
    gc.freeze()
    try:
        await ours.start(60.0)
        await echo.start()
        texts = await _warm_up(ours_side)
        await _warm_up(echo_side)
        ours_rate, echo_rate, ratios = [], [], []
        ours_cpu: list[float] = []
        echo_cpu: list[float] = []
        ours_lat: list[list[float]] = []
        echo_lat: list[list[float]] = []
        assert ours.process is not None and echo.process is not None
        for _ in range(rounds):
            e, e_cpu = await _burst(echo_side, texts, echo.process.pid)
            o, o_cpu = await _burst(ours_side, texts, ours.process.pid)
            echo_rate.append(e)
            ours_rate.append(o)
            ratios.append(o / e)
            if e_cpu is not None and o_cpu is not None:
                echo_cpu.append(e_cpu)
                ours_cpu.append(o_cpu)
            echo_lat.append(await _paced(echo_side, texts))
            ours_lat.append(await _paced(ours_side, texts))
    finally:
        await ours.stop()
        await echo.stop()
        await ours_fake.stop()
        await echo_fake.stop()
        gc.unfreeze()
        remove_sqlite(db_path)

    ratio = median(ratios)
    p50 = median([_percentile(run, 0.50) for run in ours_lat])
    p99 = median([_percentile(run, 0.99) for run in ours_lat])
    echo_p50 = median([_percentile(run, 0.50) for run in echo_lat])
    echo_p99 = median([_percentile(run, 0.99) for run in echo_lat])
    burst_note = (
        f"{BURST} DM set logs dispatched at once, {ATHLETES} athletes, gateway + REST, SQLite, "
        f"median of {rounds}"
    )
    paced_note = (
        f"{PACE_PER_S} DMs/s for {PACE_SECONDS:.0f} s; reply at the fake - dispatch, "
        f"median of {rounds}"
    )
    return [
        Result("discord_dms_per_s_runstrong", round(median(ours_rate), 1), "DMs/s",
               note=burst_note),
        Result("discord_dms_per_s_echo_bot", round(median(echo_rate), 1), "DMs/s",
               note="bare hikari echo bot, same burst, its own fake; hikari defaults "
               "(RunStrong: uvloop)"),
        Result("discord_throughput_ratio_vs_echo", round(ratio, 3), "ratio", ">= 0.5",
               ratio >= 0.5, note=f"median of {rounds} per-round ratios"),
        # CPU per DM of each process over the same bursts: the echo bot does not keep a
        # core busy (its rate is bound by the round trips to the fake), RunStrong does.
        Result("discord_cpu_per_dm_runstrong",
               round(median(ours_cpu), 2) if ours_cpu else None, "ms CPU",
               note="bot process, user + system, over each burst, median"),
        Result("discord_cpu_per_dm_echo_bot",
               round(median(echo_cpu), 2) if echo_cpu else None, "ms CPU",
               note="echo bot process, user + system, over each burst, median"),
        Result("discord_log_reply_latency_p50", round(p50, 1), "ms", note=paced_note),
        Result("discord_log_reply_latency_p99", round(p99, 1), "ms", "<= 50", p99 <= 50,
               note=paced_note),
        Result("discord_echo_reply_latency_p50", round(echo_p50, 1), "ms", note=paced_note),
        Result("discord_echo_reply_latency_p99", round(echo_p99, 1), "ms", note=paced_note),
    ]  # fmt: skip


# --- daily DMs --------------------------------------------------------------------------


async def _delivery_run(work: Path, count: int, window_s: float | None) -> dict[str, float]:
    """One bot run with `count` Discord athletes due this minute: for `window_s` from the
    first message (a steady window), or until all are served (window_s None)."""
    fake = FakeDiscord()
    await fake.start()
    fake.enforce_limits(global_per_s=LIMIT_PER_S)
    path = work / "discord-delivery.sqlite3"
    now = dt.datetime.now(UTC)
    minute = now.hour * 60 + now.minute
    await _seed(path, _users(fake, count), now=now, minute=minute, due=True)
    bot = _runstrong(fake, path, work, DISCORD_SEND_RATE_PER_SECOND=str(SEND_RATE))
    gc.collect()
    gc.freeze()  # as in bench/delivery.py: no collection holds the fake's requests back
    served: Counter[int] = Counter()
    cursor = 0

    def count_sent() -> None:
        nonlocal cursor
        calls = fake.calls
        while cursor < len(calls):
            channel = _channel(calls[cursor])
            cursor += 1
            if channel is not None:
                served[channel] += 1

    try:
        await bot.start(60.0)
        first = await fake.wait_for(lambda c: _channel(c) is not None, 60)
        if window_s is not None:
            await asyncio.sleep(first.timestamp + window_s - time.monotonic())
            end = first.timestamp + window_s
        else:

            def all_served() -> bool:
                count_sent()
                return len(served) >= count

            await fake.wait_until(all_served, count / SEND_RATE * 4 + 30)
            end = time.monotonic()
            await asyncio.sleep(3.0)  # anything sent twice would show up by now
    finally:
        # After a window thousands are still due: the bot gets SIGTERM, then SIGKILL, as
        # whatever it does with the rest is not measured here.
        await bot.stop(2.0 if window_s is not None else 15.0)
        await fake.stop()
        gc.unfreeze()
        remove_sqlite(path)
    count_sent()
    calls = [c for c in fake.calls if first.timestamp <= c.timestamp <= end]
    sent = [c for c in calls if _channel(c) is not None]
    if window_s is None:
        end = sent[-1].timestamp
    seconds = max(end - first.timestamp, 1e-9)
    return {
        "rate": len(sent) / (window_s if window_s is not None else seconds),
        "sent": len(sent),
        "limited": sum(1 for c in calls if c.status == 429),
        "served": len(served),
        "duplicates": sum(1 for n in served.values() if n > 1),
        "seconds": seconds,
    }


async def _delivery(work: Path, rounds: int) -> list[Result]:
    windows = [await _delivery_run(work, WINDOW_DUE, WINDOW_S) for _ in range(rounds)]
    complete = await _delivery_run(work, COMPLETE_DUE, None)
    rate = median([w["rate"] for w in windows])
    met = rate >= 0.95 * SEND_RATE
    window_note = (
        f"{WINDOW_DUE:,} due in one minute; DMs sent in a {WINDOW_S:.0f} s window from the "
        f"first, median of {rounds}; DISCORD_SEND_RATE_PER_SECOND={SEND_RATE}, fake enforcing "
        f"{LIMIT_PER_S}/s global"
    )
    lost = COMPLETE_DUE - int(complete["served"])
    window_dupes = int(max(w["duplicates"] for w in windows))
    dupes = int(complete["duplicates"]) + window_dupes
    return [
        Result("discord_delivery_rate", round(rate, 2), "messages/s",
               f">= {0.95 * SEND_RATE:g} (95% of {SEND_RATE})", met, note=window_note),
        Result("discord_delivery_rate_share_of_budget", round(rate / SEND_RATE * 100, 1), "%",
               ">= 95", met, note=f"of the configured {SEND_RATE}/s; {window_note}"),
        Result("discord_delivery_429s_in_window", median([w["limited"] for w in windows]),
               "responses", note="429 Too Many Requests answered by the fake in the window, "
               "median"),
        Result("discord_delivery_window_duplicates", window_dupes, "chats", "0",
               window_dupes == 0, note="DM channels that got more than one message, worst window"),
        Result("discord_delivery_complete_rate", round(complete["rate"], 2), "messages/s",
               note=f"{COMPLETE_DUE} due, run to completion, first to last message"),
        Result("discord_delivery_complete_429s", complete["limited"], "responses",
               note=f"{COMPLETE_DUE} due, run to completion"),
        Result("discord_delivery_lost", lost, "athletes", "0", lost == 0,
               note=f"of {COMPLETE_DUE} due, run to completion: never served"),
        Result("discord_delivery_duplicated", dupes, "athletes", "0", dupes == 0,
               note=f"of {COMPLETE_DUE} run to completion (+ worst window): served twice"),
    ]  # fmt: skip


async def run(work: Path, rounds: int = 3) -> list[Result]:
    return [*await _throughput(work, rounds), *await _delivery(work, rounds)]
