"""The SQLite writer's connection: sqlite3 called directly on the event loop's thread.

aiosqlite runs every call (open a cursor, execute, fetch, close the cursor) on its own thread
and hands the result back through the event loop: about four thread hops per statement, or
some 30 for a set log, which cost more CPU than the SQL itself. The writer has a single
connection (writes to SQLite are serialised anyway), so a write statement never waits for a
lock held inside this process; in WAL mode readers never block it either, and commits don't
wait for the disk (`synchronous=NORMAL`). A statement on a local file then takes tens of
microseconds, less than one hop, so running it inline is both cheaper and faster.

The one wait left is another process holding the write lock (`runstrong db upgrade` run by
hand during a write): the busy timeout then blocks the loop for up to its length.

`connect` is handed to SQLAlchemy as `async_creator`: these classes give SQLAlchemy's
aiosqlite adapter the awaitable connection and cursor interface it drives.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


class InlineCursor:
    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, rows)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """An open sqlite3 connection in autocommit mode: SQLAlchemy issues BEGIN itself.

    `_connection` is the sqlite3 connection, None once closed: the adapter checks it (as it
    does aiosqlite's) before a commit or rollback."""

    __slots__ = ("_connection",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = conn

    @property
    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("Connection closed")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        return self._open.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._open.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._open.create_function(*args, **kwargs)

    async def commit(self) -> None:
        self._open.commit()

    async def rollback(self) -> None:
        self._open.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close; also what SQLAlchemy calls to terminate a connection it gave up on."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def connect(path: str, busy_timeout_ms: int) -> InlineConnection:
    conn = sqlite3.connect(
        path,
        timeout=busy_timeout_ms / 1000,
        isolation_level=None,  # SQLAlchemy, not the driver, decides when transactions begin
        check_same_thread=False,  # opened and closed by whichever thread the pool runs on
    )
    for pragma in (*PRAGMAS, f"PRAGMA busy_timeout={busy_timeout_ms}"):
        conn.execute(pragma)
    return InlineConnection(conn)
