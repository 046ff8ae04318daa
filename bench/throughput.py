"""Update throughput and reply latency: set logs from onboarded athletes through the real bot
process (polling the fake Bot API over HTTP), side by side with a bare PTB echo bot."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import defaultdict, deque
from pathlib import Path

from bench.common import (
    TOKEN,
    Result,
    TempPostgres,
    cpu_ms_per,
    echo_bot,
    log_text,
    median,
    postgres_reachable,
    process_cpu_s,
    remove_sqlite,
    runstrong,
    sqlite_url,
)
from bot.clock import SystemClock
from bot.coach.intents import Said, Who
from bot.core import build_core
from db.engine import Database
from db.migrate import upgrade
from fakes.athletes import make_athlete
from fakes.bot_api import Call, FakeBotApi

ATHLETES = 200
BURST = 1000
PACE_PER_S = 50
PACE_SECONDS = 10.0
USE_CASE_LOGS = 1000
FIRST_CHAT = 10_000
# Set logs of the kind athletes send after a session; the warm-up keeps those that get
# exactly one reply (whatever it says), so counting replies counts answered updates.
CORPUS = (
    "squat 3x5 60kg",
    "deadlift 3x5 80kg",
    "bench 3x8 40kg",
    "rdl 8,8,7 @40",
    "split squat 3x8 16kg each",
    "hip thrust 3x10 60kg",
    "row 3x10 30kg",
    "calf raise 3x15 20kg",
    "plank 3x45s",
    "step up 3x8 12kg per leg",
)
REPLY_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})


def _chat(call: Call) -> int | None:
    if call.method not in REPLY_METHODS or call.error_code is not None:
        return None
    try:
        return int(call.params.get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


async def _replies(api: FakeBotApi, expected: dict[int, int], start: int, wait_s: float) -> Call:
    """Wait until every chat got its expected number of replies; returns the last one."""
    missing = dict(expected)
    left = sum(missing.values())

    def counts(call: Call) -> bool:
        nonlocal left
        chat = _chat(call)
        if chat is not None and missing.get(chat, 0) > 0:
            missing[chat] -= 1
            left -= 1
        return left == 0

    return await api.wait_for(counts, wait_s, start=start)


async def _settle(api: FakeBotApi, quiet_s: float = 0.4) -> None:
    """Wait until the bot has been silent for `quiet_s` (stragglers from the last phase)."""
    while True:
        seen = len(api.calls)
        await asyncio.sleep(quiet_s)
        if len(api.calls) == seen:
            return


async def _warm_up(api: FakeBotApi) -> list[str]:
    """Send each corpus line once; keep those answered with exactly one message."""
    chat = FIRST_CHAT + ATHLETES - 1
    keep = []
    for text in CORPUS:
        mark = len(api.calls)
        api.push_text(chat, text)
        try:
            await _replies(api, {chat: 1}, mark, wait_s=15)
        except TimeoutError:
            continue
        await _settle(api)
        if sum(1 for c in api.calls[mark:] if _chat(c) == chat) == 1:
            keep.append(text)
    if not keep:
        raise RuntimeError("no corpus line got exactly one reply")
    return keep


async def _burst(api: FakeBotApi, texts: list[str], pid: int) -> tuple[float, float | None]:
    """Push BURST updates at once: updates/s until the last reply arrived, and the CPU ms per
    update the bot process `pid` spent meanwhile (None where /proc can't tell)."""
    await _settle(api)
    mark = len(api.calls)
    expected: dict[int, int] = defaultdict(int)
    cpu_before = process_cpu_s(pid)
    started = time.monotonic()
    for i in range(BURST):
        chat = FIRST_CHAT + i % ATHLETES
        api.push_text(chat, log_text(texts, i % ATHLETES, i // ATHLETES))
        expected[chat] += 1
    last = await _replies(api, expected, mark, wait_s=300)
    return BURST / (last.timestamp - started), cpu_ms_per(pid, cpu_before, BURST)


async def _paced(api: FakeBotApi, texts: list[str]) -> list[float]:
    """PACE_PER_S updates/s for PACE_SECONDS; latency (ms) of each from push to its reply."""
    await _settle(api)
    mark = len(api.calls)
    pushed: dict[int, deque[float]] = defaultdict(deque)
    expected: dict[int, int] = defaultdict(int)
    total = int(PACE_PER_S * PACE_SECONDS)
    started = time.monotonic()
    for i in range(total):
        wait = started + i / PACE_PER_S - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        chat = FIRST_CHAT + (i * 7) % ATHLETES
        pushed[chat].append(time.monotonic())
        api.push_text(chat, log_text(texts, (i * 7) % ATHLETES, i // ATHLETES))
        expected[chat] += 1
    await _replies(api, expected, mark, wait_s=120)
    latencies = []
    for call in api.calls[mark:]:
        replied = _chat(call)
        if replied is not None and pushed.get(replied):
            latencies.append((call.timestamp - pushed[replied].popleft()) * 1000)
    return latencies


async def _use_case_cpu(url: str, texts: list[str], rounds: int) -> float:
    """CPU per set log of the core alone: the dispatcher straight on the same database, in
    this process, with no PTB and no HTTP; what RunStrong adds per update, apart from the
    framework's share. Median over rounds, in ms."""
    db = Database(url)
    dispatcher = build_core(db, SystemClock()).dispatcher
    samples = []
    update = 10**9  # beyond any update id the bot process applied
    try:
        for _ in range(rounds):
            started = time.process_time()
            for i in range(USE_CASE_LOGS):
                update += 1
                chat = FIRST_CHAT + i % ATHLETES
                who = Who("telegram", chat, chat, event=f"bench{update}", message_id=update)
                text = log_text(texts, i % ATHLETES, i // ATHLETES)
                replies = await dispatcher.handle(Said(who, text))
                if len(replies) != 1:
                    raise RuntimeError(f"expected one reply to a set log, got {replies}")
            samples.append((time.process_time() - started) / USE_CASE_LOGS * 1000)
    finally:
        await db.dispose()
    return median(samples)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(work: Path, rounds: int = 3) -> list[Result]:
    """On SQLite (the default deployment) and, when a server answers, on PostgreSQL."""
    db_path = work / "throughput.sqlite3"
    remove_sqlite(db_path)
    results = await _run(work, rounds, sqlite_url(db_path), "")
    if postgres_reachable():
        temp = TempPostgres("runstrong_bench_throughput")
        try:
            results += await _run(work, rounds, await temp.create(), "_postgresql")
        finally:
            await temp.drop()
    return results


async def _run(work: Path, rounds: int, url: str, suffix: str) -> list[Result]:
    db = Database(url)
    await upgrade(db.write_engine)
    now = dt.datetime.now(dt.UTC)
    far = (now.hour * 60 + now.minute + 12 * 60) % (24 * 60)  # no daily message during the run
    for i in range(ATHLETES):
        await make_athlete(db, FIRST_CHAT + i, now=now, timezone="UTC", minute=far)
    await db.dispose()

    ours_api, echo_api = FakeBotApi(token=TOKEN), FakeBotApi(token=TOKEN)
    await ours_api.start()
    await echo_api.start()
    ours = runstrong(ours_api, url, work / f"throughput-runstrong{suffix}.log")
    echo = echo_bot(echo_api, work / "throughput-echo.log")
    try:
        await ours.start()
        await echo.start()
        texts = await _warm_up(ours_api)
        await _warm_up(echo_api)
        ours_rate, echo_rate, ratios = [], [], []
        ours_cpu: list[float] = []
        echo_cpu: list[float] = []
        ours_lat: list[list[float]] = []
        echo_lat: list[list[float]] = []
        assert ours.process is not None and echo.process is not None
        for _ in range(rounds):
            e, e_cpu = await _burst(echo_api, texts, echo.process.pid)
            o, o_cpu = await _burst(ours_api, texts, ours.process.pid)
            echo_rate.append(e)
            ours_rate.append(o)
            ratios.append(o / e)
            if e_cpu is not None and o_cpu is not None:
                echo_cpu.append(e_cpu)
                ours_cpu.append(o_cpu)
            echo_lat.append(await _paced(echo_api, texts))
            ours_lat.append(await _paced(ours_api, texts))
    finally:
        await ours.stop()
        await echo.stop()
        await ours_api.stop()
        await echo_api.stop()

    use_case = await _use_case_cpu(url, texts, rounds)
    ratio = median(ratios)
    p50 = median([_percentile(run, 0.50) for run in ours_lat])
    p99 = median([_percentile(run, 0.99) for run in ours_lat])
    echo_p50 = median([_percentile(run, 0.50) for run in echo_lat])
    echo_p99 = median([_percentile(run, 0.99) for run in echo_lat])
    where = "PostgreSQL" if suffix else "SQLite"
    burst_note = f"{BURST} set logs pushed at once, {ATHLETES} athletes, polling, {where}"
    paced_note = f"{PACE_PER_S} updates/s for {PACE_SECONDS:.0f} s; reply arrival - push; {where}"
    return [
        Result("updates_per_s_runstrong" + suffix, round(median(ours_rate), 1), "updates/s",
               note=burst_note),
        Result("updates_per_s_echo_bot" + suffix, round(median(echo_rate), 1), "updates/s",
               note="bare PTB echo bot, same burst; its defaults (RunStrong: uvloop, aiohttp)"),
        Result("throughput_ratio_vs_echo" + suffix, round(ratio, 3), "ratio", ">= 0.5",
               ratio >= 0.5, note="median of per-round ratios"),
        Result("cpu_per_update_runstrong" + suffix,
               round(median(ours_cpu), 2) if ours_cpu else None, "ms CPU",
               note=f"bot process, user + system, over each burst, median; {where}"),
        Result("cpu_per_update_echo_bot" + suffix,
               round(median(echo_cpu), 2) if echo_cpu else None, "ms CPU",
               note="echo bot process, user + system, over each burst, median"),
        Result("log_reply_latency_p50" + suffix, round(p50, 1), "ms", note=paced_note),
        Result("log_reply_latency_p99" + suffix, round(p99, 1), "ms", "<= 50", p99 <= 50,
               note=paced_note),
        Result("echo_reply_latency_p50" + suffix, round(echo_p50, 1), "ms", note=paced_note),
        Result("echo_reply_latency_p99" + suffix, round(echo_p99, 1), "ms", note=paced_note),
        Result("set_log_cpu_in_process" + suffix, round(use_case, 2), "ms CPU",
               note=f"dispatcher alone (no PTB or HTTP), {USE_CASE_LOGS} logs, {where}, median"),
    ]  # fmt: skip
