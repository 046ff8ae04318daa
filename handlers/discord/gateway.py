"""Who holds the Discord gateway. Discord sends DM text to one gateway connection per bot
(one shard), so with several replicas exactly one holds it: the one holding a PostgreSQL
advisory lock, on a connection of its own. If that replica dies, its connection closes, the
lock is released, and another replica takes it within `RETRY_S`. On SQLite there is one
process, and it holds the gateway."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.engine import Database

log = logging.getLogger("runstrong.discord")
LOCK_KEY = 727_275
RETRY_S = 3.0
CHECK_S = 2.0

Holder = Callable[[asyncio.Event], Awaitable[None]]


async def _until(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


async def _watch(connection: AsyncConnection, lost: asyncio.Event, stop: asyncio.Event) -> None:
    """Set `lost` when the lock's connection stops answering (or the process stops)."""
    while not stop.is_set():
        try:
            await connection.scalar(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            break
        await _until(stop, CHECK_S)
    lost.set()


async def hold_gateway(database: Database, hold: Holder, stop: asyncio.Event) -> None:
    """Run `hold(lost)` whenever this process may hold the gateway; `lost` is set when it
    may no longer (the lock's connection broke, or the process stops)."""
    if database.is_sqlite:
        await hold(stop)
        return
    while not stop.is_set():
        try:
            async with database.write_engine.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                held = await autocommit.scalar(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
                )
                if held:
                    log.info("this replica holds the Discord gateway")
                    lost = asyncio.Event()
                    watcher = asyncio.ensure_future(_watch(autocommit, lost, stop))
                    try:
                        await hold(lost)
                    finally:
                        watcher.cancel()
                        with contextlib.suppress(SQLAlchemyError, OSError):
                            await autocommit.scalar(
                                text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY}
                            )
        except (SQLAlchemyError, OSError):
            log.exception("the gateway lock's connection failed; trying again")
        await _until(stop, RETRY_S)
