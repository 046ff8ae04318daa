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
(`runstrong db upgrade` run by hand during a write, a second bot on the same file). SQLite's
busy handler would sleep on the loop's thread and stall every chat, so the writer's busy
timeout is 0: its `BEGIN IMMEDIATE`, run as the session opens, fails at once with "database
is locked", and the writer tries again after an `asyncio.sleep` (2 ms, doubling up to
100 ms) for up to the busy timeout in all, then raises that error. Meanwhile reads and
handlers that don't write carry on; other writes queue for their turn behind the waiting
one. Once `BEGIN IMMEDIATE` holds the lock nothing else in the transaction can be busy: in
WAL mode a commit only appends to the log (it never needs a lock another process can hold,
and it skips restarting the log rather than wait), and this connection never checkpoints
(`wal_autocheckpoint=0`).

`InlineSession` is an `AsyncSession` whose Session runs on that synchronous engine: the
repositories keep one async API for both databases, and the calls the hot paths make
(`execute`, `get`, `flush`, `delete`) go straight to the Session. Every other AsyncSession
method still works, through its usual greenlet (a synchronous driver never needs it).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
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
# While another process holds the write lock, the writer tries again after this long,
# doubling up to LOCK_RETRY_MAX_S: a lock held for a moment costs a write a few ms, one held
# for long costs the loop a try every 100 ms.
LOCK_RETRY_FIRST_S = 0.002
LOCK_RETRY_MAX_S = 0.1

log = logging.getLogger(__name__)


def pragmas(dbapi_connection: Any, busy_timeout_ms: int) -> None:
    """Autocommit at the driver (SQLAlchemy decides when transactions begin) and our pragmas."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (*PRAGMAS, f"PRAGMA busy_timeout={busy_timeout_ms}"):
        cursor.execute(pragma)
    cursor.close()


def is_busy(error: BaseException) -> bool:
    """SQLITE_BUSY ("database is locked"): another connection holds a lock this one needs.
    As sqlite3 raises it, or wrapped by SQLAlchemy (a connection opened at that moment)."""
    cause = getattr(error, "orig", error)
    return (
        isinstance(cause, sqlite3.OperationalError)
        and cause.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
    )


def writer_engine(path: str) -> Engine:
    """One synchronous connection; each transaction takes the write lock as it begins, or
    fails at once if another process holds it (busy timeout 0: never a wait on the loop)."""
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=0,
        # Writers take turns before they check out, so waiting here means a bug: fail fast
        # rather than block the event loop.
        pool_timeout=1,
        connect_args={"timeout": 0, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        pragmas(dbapi_connection, 0)  # InlineWriter waits for the lock, off the loop
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
    """SQLite's one writing connection: sessions in turn, checkpoints on `readers`' threads.

    `lock_timeout_ms`: how long a write waits for another process to release the write lock
    (without blocking the loop) before it fails with "database is locked"."""

    def __init__(self, path: str, lock_timeout_ms: int, readers: AsyncEngine) -> None:
        self.engine = writer_engine(path)
        self.lock_timeout_s = lock_timeout_ms / 1000
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
        # Nothing below waits (unless another process holds the write lock), so a loop of
        # writes (a start-up repair, say) would otherwise keep the event loop to itself: each
        # write lets the others run first.
        await asyncio.sleep(0)
        async with self._turn_lock():
            self._writing = task
            session = self._sessions()
            try:
                with session.sync_session.begin():
                    await self._lock(session.sync_session)
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

    async def _lock(self, session: Session) -> None:
        """Begin the session's transaction: its connection's `BEGIN IMMEDIATE` takes the
        write lock. While another process holds it, wait on the loop (not in SQLite's busy
        handler, which would stall it) and try again, for up to `lock_timeout_s`."""
        deadline: float | None = None
        delay = LOCK_RETRY_FIRST_S
        while True:
            try:
                session.connection()
                return
            except (sqlite3.OperationalError, exc.OperationalError) as error:
                if not is_busy(error):
                    raise
                now = asyncio.get_running_loop().time()
                if deadline is None:
                    deadline = now + self.lock_timeout_s
                elif now >= deadline:
                    raise
            await asyncio.sleep(min(delay, deadline - now))
            delay = min(2 * delay, LOCK_RETRY_MAX_S)

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
