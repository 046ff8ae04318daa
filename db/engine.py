"""Async engine and session factory.

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and every
writing session opened with BEGIN IMMEDIATE so two writers queue for the lock instead of
failing with "database is locked" when one upgrades a read to a write mid-transaction.
PostgreSQL: the same code through asyncpg.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
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


def _sqlite_reader(url: str) -> AsyncEngine:
    """Readers through aiosqlite: a long read (an export, a chart) runs on its own thread."""
    engine = create_async_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, pool_size=5, max_overflow=5
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (*sqlite_inline.PRAGMAS, f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def _sqlite_writer(url: str) -> AsyncEngine:
    """The one writing connection, run inline (see `db.sqlite_inline`). Writers queue for it
    in the pool instead of sleeping in SQLite's busy handler (which backs off up to 100 ms a
    try, and made a busy minute's slowest replies take most of a second)."""
    path = make_url(url).database or ":memory:"

    async def connect() -> sqlite_inline.InlineConnection:
        return sqlite_inline.connect(path, SQLITE_BUSY_TIMEOUT_MS)

    engine = create_async_engine(
        url, async_creator=connect, pool_size=1, max_overflow=0, pool_timeout=120
    )

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: no read-then-upgrade deadlock with another process.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """The application's handle on storage: `write()` and `read()` give one session each.

    One session per use-case call, never a global one; `write()` commits on success and rolls
    back on error.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            _ensure_sqlite_dir(url)
            self.write_engine = _sqlite_writer(url)
            self.read_engine = _sqlite_reader(url)
        else:
            self.write_engine = create_async_engine(url, pool_size=10, max_overflow=10)
            self.read_engine = self.write_engine
        self._writer = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._reader = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.write_engine.dialect.name

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        async with self._writer() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._reader() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()
