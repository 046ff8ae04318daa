"""Async engine and session factory.

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and every
writing session opened with BEGIN IMMEDIATE so two writers queue for the lock instead of
failing with "database is locked" when one upgrades a read to a write mid-transaction.
PostgreSQL: the same code through asyncpg.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db import sqlite_inline

SQLITE_BUSY_TIMEOUT_MS = 30_000
# SQLite copies its write-ahead log back into the database file (a checkpoint, with an fsync)
# inside whichever commit crosses 1000 pages: on the writer, that is on the event loop. The
# writer leaves it to a reader's thread instead, every this many commits (a set log writes a
# handful of pages).
CHECKPOINT_COMMITS = 200

log = logging.getLogger(__name__)


def _ensure_sqlite_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_async(url: str, *, begin: str, pool_size: int, max_overflow: int) -> AsyncEngine:
    """An aiosqlite engine: each connection on its own thread, so a long read (an export, a
    chart) never holds up the event loop."""
    engine = create_async_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=pool_size,
        max_overflow=max_overflow,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        sqlite_inline.pragmas(dbapi_connection, SQLITE_BUSY_TIMEOUT_MS)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


class Database:
    """The application's handle on storage: `write()` and `read()` give one session each.

    One session per use-case call, never a global one; `write()` commits on success and rolls
    back on error. On SQLite, writes take turns for the one writing connection (see
    `db.sqlite_inline`); `write_engine` is then an async engine for schema upgrades.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._inline: Engine | None = None
        self._turn: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self._writing: asyncio.Task[Any] | None = None
        self._commits = 0
        self._checkpointing: asyncio.Task[None] | None = None
        self.checkpoints = 0
        if self.is_sqlite:
            _ensure_sqlite_dir(url)
            self.read_engine = _sqlite_async(url, begin="BEGIN", pool_size=5, max_overflow=5)
            self.write_engine = _sqlite_async(
                url, begin="BEGIN IMMEDIATE", pool_size=1, max_overflow=0
            )
            path = make_url(url).database or ":memory:"
            self._inline = sqlite_inline.writer_engine(path, SQLITE_BUSY_TIMEOUT_MS)
            self._writer: async_sessionmaker[AsyncSession] = async_sessionmaker(
                class_=sqlite_inline.InlineSession,
                sync_session_class=sqlite_inline.inline_session_class(self._inline),
                expire_on_commit=False,
            )
        else:
            self.write_engine = create_async_engine(url, pool_size=10, max_overflow=10)
            self.read_engine = self.write_engine
            self._writer = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._reader = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def session_engine(self) -> Engine:
        """The (synchronous) engine under `write()` sessions: where their events fire."""
        return self._inline if self._inline is not None else self.write_engine.sync_engine

    @property
    def dialect(self) -> str:
        return self.write_engine.dialect.name

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        if self._inline is None:
            async with self._writer() as session, session.begin():
                yield session
            return
        task = asyncio.current_task()
        if task is not None and task is self._writing:
            raise RuntimeError("db.write() inside db.write(): SQLite has one writing connection")
        # Nothing below waits, so a loop of writes (a start-up repair, say) would otherwise
        # keep the event loop to itself: each write lets the others run first.
        await asyncio.sleep(0)
        async with self._turn_lock():
            self._writing = task
            session = self._writer()
            try:
                with session.sync_session.begin():
                    yield session
            finally:
                session.sync_session.close()
                self._writing = None
        self._commits += 1
        if self._commits >= CHECKPOINT_COMMITS and (
            self._checkpointing is None or self._checkpointing.done()
        ):
            self._commits = 0
            self._checkpointing = asyncio.create_task(self._checkpoint())

    async def _checkpoint(self) -> None:
        """A passive checkpoint on a reader's thread: copies what it can without waiting for
        readers or the writer; what is left goes at the next one."""
        try:
            async with self.read_engine.connect() as connection:
                raw = await connection.get_raw_connection()
                reader: Any = raw.driver_connection  # aiosqlite's, on its own thread
                cursor = await reader.execute("PRAGMA wal_checkpoint(PASSIVE)")
                await cursor.close()
            self.checkpoints += 1
        except Exception:
            log.warning("SQLite checkpoint failed; tried again after more writes", exc_info=True)

    def _turn_lock(self) -> asyncio.Lock:
        """Writers queue here, in order, for the one connection (an asyncio.Lock belongs to
        one event loop; tests run each on a new one)."""
        loop = asyncio.get_running_loop()
        if self._turn is None or self._turn[0] is not loop:
            self._turn = (loop, asyncio.Lock())
        return self._turn[1]

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._reader() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        checkpointing = self._checkpointing
        if checkpointing is not None and checkpointing.get_loop() is asyncio.get_running_loop():
            await checkpointing
        if self._inline is not None:
            self._inline.dispose()
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()
