"""The SQLite writer: sqlite3 called directly on the event loop's thread, through a plain
(synchronous) SQLAlchemy Session.

aiosqlite runs every call on its own thread and hands the result back through the event loop,
and SQLAlchemy's asyncio layer runs each call in a fresh greenlet around an adapted driver;
for a set log that machinery cost more CPU than the SQL itself. Writes to SQLite are
serialised anyway, so the writer has a single connection: a write statement never waits for
a lock held inside this process; in WAL mode readers never block it either, and commits don't
wait for the disk (`synchronous=NORMAL`). A statement on a local file then takes tens of
microseconds, so running it inline is both cheaper and faster.

Writers take turns for the connection (`InlineWriter.session`), so the synchronous pool
never blocks the loop. The one wait left is another process holding the write lock
(`runstrong db upgrade` run by hand during a write): the busy timeout then blocks the loop
for up to its length.

`InlineSession` is an `AsyncSession` whose Session runs on that synchronous engine: the
repositories keep one async API for both databases, and the calls the hot paths make
(`execute`, `get`, `flush`, `delete`) go straight to the Session. Every other AsyncSession
method still works, through its usual greenlet (a synchronous driver never needs it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
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
# SQLite copies its write-ahead log back into the database file (a checkpoint, with an fsync)
# inside whichever commit crosses 1000 pages: on the writer, that is on the event loop. The
# writer leaves it to a reader's thread instead, every this many commits (a set log writes a
# handful of pages).
CHECKPOINT_COMMITS = 200

log = logging.getLogger(__name__)


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
        # Commits never checkpoint here, on the event loop: see CHECKPOINT_COMMITS.
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


class InlineWriter:
    """SQLite's one writing connection: sessions in turn, checkpoints on `readers`' threads."""

    def __init__(self, path: str, busy_timeout_ms: int, readers: AsyncEngine) -> None:
        self.engine = writer_engine(path, busy_timeout_ms)
        self.checkpoints = 0
        self._readers = readers
        self._sessions = async_sessionmaker(
            class_=InlineSession,
            sync_session_class=inline_session_class(self.engine),
            expire_on_commit=False,
        )
        self._turn: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self._writing: asyncio.Task[Any] | None = None
        self._commits = 0
        self._checkpointing: asyncio.Task[None] | None = None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A write session; commits on success, rolls back on error."""
        task = asyncio.current_task()
        if task is not None and task is self._writing:
            raise RuntimeError("db.write() inside db.write(): SQLite has one writing connection")
        # Nothing below waits, so a loop of writes (a start-up repair, say) would otherwise
        # keep the event loop to itself: each write lets the others run first.
        await asyncio.sleep(0)
        async with self._turn_lock():
            self._writing = task
            session = self._sessions()
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

    def _turn_lock(self) -> asyncio.Lock:
        """Writers queue here, in order, for the one connection (an asyncio.Lock belongs to
        one event loop; tests run each on a new one)."""
        loop = asyncio.get_running_loop()
        if self._turn is None or self._turn[0] is not loop:
            self._turn = (loop, asyncio.Lock())
        return self._turn[1]

    async def _checkpoint(self) -> None:
        """A passive checkpoint on a reader's thread: copies what it can without waiting for
        readers or the writer; what is left goes at the next one."""
        try:
            async with self._readers.connect() as connection:
                raw = await connection.get_raw_connection()
                reader: Any = raw.driver_connection  # aiosqlite's, on its own thread
                cursor = await reader.execute("PRAGMA wal_checkpoint(PASSIVE)")
                await cursor.close()
            self.checkpoints += 1
        except Exception:
            log.warning("SQLite checkpoint failed; tried again after more writes", exc_info=True)

    async def dispose(self) -> None:
        """Wait for a checkpoint under way, then close the connection."""
        checkpointing = self._checkpointing
        if checkpointing is not None and checkpointing.get_loop() is asyncio.get_running_loop():
            await checkpointing
        self.engine.dispose()
