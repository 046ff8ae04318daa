"""Start-up time and peak memory of the real bot process with a large athlete table."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from pathlib import Path

from bench.common import TOKEN, UTC, Result, copy_sqlite, median, runstrong, seed, sqlite_url
from fakes.bot_api import FakeBotApi

ATHLETES = 100_000
# Without their delivery rows the start-up repair schedules every athlete before the bot
# polls; measured on fewer athletes by default to keep `make bench` short.
REPAIR_ATHLETES = ATHLETES if os.environ.get("BENCH_FULL") == "1" else 5_000
IDLE_S = 3.0  # after it polls: the first delivery tick runs, then VmHWM is read


async def _start(work: Path, template: Path, wait_s: float) -> tuple[float, float, float]:
    """Seconds to setMyCommands and to the first getUpdates, and peak RSS in MB."""
    path = work / "startup-run.sqlite3"
    copy_sqlite(template, path)
    api = FakeBotApi(token=TOKEN)
    await api.start()
    bot = runstrong(api, sqlite_url(path), work / "startup.log")
    try:
        await bot.start(wait_s=wait_s)
        await asyncio.sleep(IDLE_S)
        rss = bot.peak_rss_mb() or float("nan")
        commands = bot.first_call("setMyCommands") or float("nan")
        polling = bot.first_call("getUpdates") or float("nan")
    finally:
        await bot.stop()
        await api.stop()
    return commands, polling, rss


async def run(work: Path, rounds: int = 3) -> list[Result]:
    now = dt.datetime.now(UTC)
    tomorrow = now.date() + dt.timedelta(days=1)
    template = work / "startup-template.sqlite3"
    started = time.monotonic()
    # Due tomorrow at minutes spread over the day: nothing is sent during the measurement.
    await seed(template, ATHLETES, now=now, minute_of=lambda i: i % 1440,
               daily_on=lambda i: tomorrow)  # fmt: skip
    seeded_s = time.monotonic() - started
    runs = [await _start(work, template, wait_s=60) for _ in range(rounds)]
    await seed(template, REPAIR_ATHLETES, now=now, minute_of=lambda i: i % 1440)
    repair = await _start(work, template, wait_s=600)

    polling = median([r[1] for r in runs])
    rss = median([r[2] for r in runs])
    note = f"{ATHLETES:,} athletes with their delivery rows (SQLite); median of {rounds}"
    return [
        Result("startup_to_set_my_commands", round(median([r[0] for r in runs]), 2), "s",
               note=note),
        Result("startup_to_first_get_updates", round(polling, 2), "s", "<= 10", polling <= 10,
               note=note),
        Result("startup_peak_rss", round(rss, 1), "MB", "<= 300", rss <= 300,
               note=f"{note}; VmHWM {IDLE_S:.0f} s after the first getUpdates"),
        Result("startup_with_repair_to_first_get_updates", round(repair[1], 2), "s",
               note=f"{REPAIR_ATHLETES:,} athletes WITHOUT delivery rows: the repair that "
               "schedules them runs in the background, after polling starts; one run"),
        Result("startup_with_repair_peak_rss", round(repair[2], 1), "MB",
               note=f"{REPAIR_ATHLETES:,} athletes without delivery rows, one run"),
        Result("seed_100k_athletes_bulk", round(seeded_s, 2), "s",
               note="Core executemany inserts incl. delivery rows and migrations (bench setup)"),
    ]  # fmt: skip
