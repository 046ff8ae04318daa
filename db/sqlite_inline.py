"""The SQLite writer: sqlite3 called directly on the event loop's thread, through a plain
(synchronous) SQLAlchemy Session.

aiosqlite runs every call on its own thread and hands the result back through the event loop,
and SQLAlchemy's asyncio layer runs each call in a fresh greenlet around an adapted driver;
for a set log that machinery cost more CPU than the SQL itself. Writes to SQLite are
serialised anyway, so the writer has a single connection: a write statement never waits for
a lock held inside this process; in WAL mode readers never block it either, and commits don't
wait for the disk (`synchronous=NORMAL`). A statement on a local file then takes tens of
microseconds, so running it inline is both cheaper and faster.

Writers take turns for the connection (`Database.write`), so the synchronous pool never
blocks the loop. The one wait left is another process holding the write lock
(`runstrong db upgrade` run by hand during a write): the busy timeout then blocks the loop
for up to its length.

`InlineSession` is an `AsyncSession` whose Session runs on that synchronous engine: the
repositories keep one async API for both databases, and the calls the hot paths make
(`execute`, `get`, `flush`, `delete`) go straight to the Session. Every other AsyncSession
method still works, through its usual greenlet (a synchronous driver never needs it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool
from sqlalchemy.util import immutabledict

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)
# As AsyncSession.execute: rows are read in full before the result is handed back.
_BUFFERED = immutabledict({"prebuffer_rows": True})


def pragmas(dbapi_connection: Any, busy_timeout_ms: int) -> None:
    """Autocommit at the driver (SQLAlchemy decides when transactions begin) and our pragmas."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (*PRAGMAS, f"PRAGMA busy_timeout={busy_timeout_ms}"):
        cursor.execute(pragma)
    cursor.close()


def writer_engine(path: str, busy_timeout_ms: int) -> Engine:
    """One synchronous connection; each transaction takes the write lock as it begins."""
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=0,
        # Writers take turns before they check out, so waiting here means a bug: fail fast
        # rather than block the event loop.
        pool_timeout=1,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        pragmas(dbapi_connection, busy_timeout_ms)
        # Commits never checkpoint here, on the event loop: see db.engine.CHECKPOINT_COMMITS.
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: no read-then-upgrade deadlock with another process.
        # Straight to the driver: a statement through SQLAlchemy costs more than SQLite's.
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE")

    return engine


class InlineSession(AsyncSession):
    """An AsyncSession over a synchronous engine, its hot calls made without a greenlet."""

    async def execute(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        options = kw.pop("execution_options", None)
        options = _BUFFERED.union(options) if options else _BUFFERED
        return self.sync_session.execute(statement, params, execution_options=options, **kw)

    async def get(self, entity: Any, ident: Any, **kw: Any) -> Any:
        return self.sync_session.get(entity, ident, **kw)

    async def flush(self, objects: Any = None) -> None:
        self.sync_session.flush(objects)

    async def delete(self, instance: object) -> None:
        self.sync_session.delete(instance)


def inline_session_class(engine: Engine) -> Any:
    """What `async_sessionmaker(sync_session_class=...)` calls: a Session on `engine`."""

    def make(*, bind: Any = None, binds: Any = None, **kw: Any) -> Session:
        return Session(bind=engine, **kw)

    return make
