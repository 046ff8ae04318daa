"""Shared by the benchmarks: results, bot processes against the fake Bot API, bulk seeding."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bot.clock import FixedClock
from bot.core import build_core
from db.engine import Database
from db.migrate import upgrade
from db.models import Athlete, Delivery
from fakes.athletes import PROFILE
from fakes.bot_api import FakeBotApi
from fakes.processes import Spawned, fake_api_env
from plans.schedule import local_due

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-token-for-the-fake-bot-api-server"
UTC = dt.UTC
SEED_CHUNK = 5000
ATHLETES = Athlete.metadata.tables["athletes"]
DELIVERIES = Delivery.metadata.tables["deliveries"]


@dataclass
class Result:
    """One figure of the table and of results.json."""

    name: str
    value: float | None
    unit: str
    target: str | None = None
    met: bool | None = None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "unit": self.unit,
            "target": self.target,
            "met": self.met,
            "note": self.note,
        }


def log_text(texts: Sequence[str], athlete: int, nth: int) -> str:
    """An athlete's `nth` set log of a run. Each athlete's consecutive logs differ: the coach
    asks before storing the same message twice, and that question must not stand in for the
    log being measured."""
    return texts[(athlete + nth) % len(texts)]


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def process_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far; None where /proc can't tell
    (not Linux, or the process is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_ms_per(pid: int, before: float | None, count: int) -> float | None:
    """CPU ms per message process `pid` spent on `count` messages since `before` (its
    `process_cpu_s` then); None where /proc can't tell."""
    after = process_cpu_s(pid)
    return None if before is None or after is None else (after - before) / count * 1000


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


POSTGRES_URL = os.environ.get(
    "BENCH_DATABASE_URL",
    os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@localhost:5432/test"),
)


def postgres_reachable() -> bool:
    """Whether a PostgreSQL server answers where the PostgreSQL variants would run."""
    import socket

    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    try:
        socket.create_connection((url.host or "localhost", url.port or 5432), 1).close()
    except OSError:
        return False
    return True


class TempPostgres:
    """A fresh database on the PostgreSQL server, dropped afterwards."""

    def __init__(self, name: str) -> None:
        from sqlalchemy.engine import make_url

        self.name = name
        self.admin = make_url(POSTGRES_URL)
        self.url = self.admin.set(database=name).render_as_string(hide_password=False)

    async def _admin(self, sql: str) -> None:
        import asyncpg

        connection = await asyncpg.connect(
            user=self.admin.username,
            password=self.admin.password,
            host=self.admin.host,
            port=self.admin.port,
            database=self.admin.database,
        )
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    async def create(self) -> str:
        await self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        await self._admin(f'CREATE DATABASE "{self.name}"')
        return self.url

    async def drop(self) -> None:
        await self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a (WAL-mode) SQLite database, for a fresh run from one seed."""
    remove_sqlite(target)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


class Process(Spawned):
    """A bot (RunStrong or the echo baseline) as a real process against the fake server."""

    def __init__(self, api: FakeBotApi, argv: list[str], log_path: Path, **env: str) -> None:
        super().__init__(log_path)
        self.api = api
        self.argv = argv
        self.env = fake_api_env(
            api, LOG_LEVEL="WARNING", POLL_TIMEOUT="1", PYTHONPATH=str(ROOT), **env
        )
        self.spawned_at = 0.0  # time.monotonic(), comparable with Call.timestamp

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, wait_s: float = 60.0) -> Process:
        """Spawn and wait until it polls (or, in webhook mode, has set its webhook)."""
        mark = len(self.api.calls)
        self.spawned_at = time.monotonic()
        self.spawn(self.argv, cwd=ROOT, env=self.env)
        assert self.process is not None
        deadline = time.monotonic() + wait_s
        while True:
            try:
                await self.api.wait_for(
                    lambda c: c.method in ("getUpdates", "setWebhook"), timeout=0.5, start=mark
                )
                return self
            except TimeoutError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.argv} exited early:\n{self.log()}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.argv} not ready:\n{self.log()}") from None

    def first_call(self, method: str) -> float | None:
        """Seconds from spawn to the first `method` call the fake server saw after it."""
        for call in self.api.calls:
            if call.method == method and call.timestamp >= self.spawned_at:
                return call.timestamp - self.spawned_at
        return None

    def peak_rss_mb(self) -> float | None:
        """VmHWM: the peak resident set size of the process so far."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def log(self) -> str:
        return super().log()[-4000:]


def runstrong(api: FakeBotApi, database_url: str, log_path: Path, **env: str) -> Process:
    return Process(api, [sys.executable, "-m", "bot"], log_path, DATABASE_URL=database_url, **env)


def echo_bot(api: FakeBotApi, log_path: Path) -> Process:
    return Process(api, [sys.executable, "-m", "bench.echo_bot"], log_path)


def athlete_row(user_id: int, now: dt.datetime, minute: int) -> dict[str, Any]:
    return {
        "platform": "telegram",
        "user_id": user_id,
        "chat_id": user_id,
        "name": f"Runner {user_id}",
        "language_code": "en",
        "status": "active",
        "timezone": "UTC",
        "delivery_minute": minute,
        "units": "kg",
        "profile": {**PROFILE, "units": "kg", "known_loads": []},
        "answers": {},
        "plan_start": now.date(),
        "preferences": {},
        "onboarded_at": now,
        "created_at": now,
        "updated_at": now,
    }


async def seed(
    path: Path,
    count: int,
    *,
    now: dt.datetime,
    minute_of: Callable[[int], int],
    daily_on: Callable[[int], dt.date] | None = None,
    first_user: int = 100_000,
) -> None:
    """A fresh, migrated SQLite database with `count` onboarded athletes (UTC), inserted in
    bulk. With `daily_on` each gets its open delivery rows (the daily one on that day at
    their minute, plus the weekly one when the coach sends weeklies) as the coach would have
    made them; without it the bot's start-up repair has to create them."""
    remove_sqlite(path)
    db = Database(sqlite_url(path))
    try:
        await upgrade(db.write_engine)
        kinds = build_core(db, FixedClock(now)).delivery.kinds()
        for start in range(0, count, SEED_CHUNK):
            rows = [
                athlete_row(first_user + i, now, minute_of(i))
                for i in range(start, min(count, start + SEED_CHUNK))
            ]
            async with db.write() as session:
                await session.execute(insert(ATHLETES), rows)
        if daily_on is None:
            return
        async with db.read() as session:
            ids = [
                (a, u, m)
                for a, u, m in await session.execute(
                    select(Athlete.id, Athlete.user_id, Athlete.delivery_minute).order_by(
                        Athlete.id
                    )
                )
            ]
        rows = []
        for athlete_id, user_id, minute in ids:
            day = daily_on(user_id - first_user)
            rows.append(_delivery(athlete_id, "daily", day, minute))
            if "weekly" in kinds:
                # Never on the daily message's day: one message per athlete per run.
                sunday = day + dt.timedelta(days=(6 - day.weekday()) % 7 or 7)
                rows.append(_delivery(athlete_id, "weekly", sunday, minute))
        for start in range(0, len(rows), SEED_CHUNK):
            async with db.write() as session:
                await session.execute(insert(DELIVERIES), rows[start : start + SEED_CHUNK])
    finally:
        await db.dispose()


def _delivery(athlete_id: int, kind: str, day: dt.date, minute: int) -> dict[str, Any]:
    return {
        "athlete_id": athlete_id,
        "kind": kind,
        "local_date": day,
        "due_at": local_due(day, minute, UTC),
        "status": "pending",
        "attempts": 0,
        "late": False,
    }
