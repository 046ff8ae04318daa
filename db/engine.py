"""Async engine and session factory.

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and every
writing session opened with BEGIN IMMEDIATE so two writers queue for the lock instead of
failing with "database is locked" when one upgrades a read to a write mid-transaction. Readers
wait out the busy timeout in SQLite, on their threads; the inline writer, on the event loop,
waits for another process's lock between asyncio sleeps (`db.sqlite_inline`).
PostgreSQL: the same code through asyncpg.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
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
    back on error. On SQLite, writes take turns for the one writing connection
    (`db.sqlite_inline.InlineWriter`); `write_engine` is then an async engine for schema
    upgrades.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._inline: sqlite_inline.InlineWriter | None = None
        if self.is_sqlite:
            _ensure_sqlite_dir(url)
            self.read_engine = _sqlite_async(url, begin="BEGIN", pool_size=5, max_overflow=5)
            self.write_engine = _sqlite_async(
                url, begin="BEGIN IMMEDIATE", pool_size=1, max_overflow=0
            )
            self._inline = sqlite_inline.InlineWriter(
                make_url(url).database or ":memory:", SQLITE_BUSY_TIMEOUT_MS, self.read_engine
            )
        else:
            self.write_engine = create_async_engine(url, pool_size=10, max_overflow=10)
            self.read_engine = self.write_engine
        self._writer = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._reader = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def session_engine(self) -> Engine:
        """The (synchronous) engine under `write()` sessions: where their events fire."""
        return self._inline.engine if self._inline is not None else self.write_engine.sync_engine

    @property
    def checkpoints(self) -> int:
        """SQLite checkpoints run so far (none elsewhere)."""
        return self._inline.checkpoints if self._inline is not None else 0

    @property
    def dialect(self) -> str:
        return self.write_engine.dialect.name

    def write(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self._inline.session() if self._inline is not None else self._write()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncSession]:
        async with self._writer() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._reader() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        if self._inline is not None:
            await self._inline.dispose()
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()
