"""Nothing is acknowledged before it is durable.

A chat platform forgets an update once it is acknowledged: Telegram when the polling offset
moves past it or the webhook answers 200. A process killed while fetched updates still wait
in memory would lose them for good. So every update is kept in the inbox table (the same
database) before it is acknowledged, and removed once handled. A crash at any point leaves
it there: the next start hands it back before new updates, and on several replicas another
one takes it over once its holder's lease has expired.

Handling an update twice changes nothing: each use-case records the update's event key in
the same transaction as its effect (`db.uow.Unit.first`), so an update handed back after a
crash that had already been applied is recognised and skipped.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import os
import socket
from typing import Any

from bot.clock import Clock
from db.uow import Storage

log = logging.getLogger("runstrong.inbox")

LEASE = dt.timedelta(seconds=60)  # a holder renews its updates' leases while it runs
REMOVE_AFTER_S = 0.2  # handled updates are removed in small batches, this often
STORE_RETRY_MAX_S = 5.0
RECENT_KEYS = 10_000
KEEP_BATCH = 500  # updates per INSERT: well within either database's bound parameters


def owner_name() -> str:
    """This process, as the holder of its updates: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(owner: str, me: str) -> bool:
    """Whether a holder is known to be gone: a dead process on this host, or this very
    name from an earlier life (a restarted container keeps its host name and pid)."""
    if owner == me:
        return True
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isascii() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


class Inbox:
    """One platform's updates, durable before acknowledged and handled at least once."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        platform: str,
        *,
        owner: str | None = None,
        lease: dt.timedelta = LEASE,
    ) -> None:
        self.storage = storage
        self.clock = clock
        self.platform = platform
        self.owner = owner or owner_name()
        self.lease = lease
        self._handling: dict[str, int] = {}  # event key -> inbox row, being handled here
        self._handled: list[int] = []  # rows to remove
        self._remover: asyncio.Task[None] | None = None
        # Polling: updates to keep before the next fetch acknowledges them (key -> payload).
        self._unsaved: dict[str, dict[str, Any]] = {}
        # Pushed updates waiting for the writer that keeps them (`keep`).
        self._to_keep: list[tuple[str, dict[str, Any], asyncio.Future[bool]]] = []
        self._keeper: asyncio.Task[None] | None = None
        # Keys handled lately: a re-delivery of one is not handled again.
        self._recent: collections.OrderedDict[str, None] = collections.OrderedDict()

    async def keep(self, key: str, payload: dict[str, Any]) -> bool:
        """Store an update before it is acknowledged; True when it is new (handle it now),
        False when it is kept already (a re-delivery). Waits, retrying, while the database
        is unreachable: the update stays unacknowledged meanwhile, so nothing is lost.

        Updates that arrive together are kept together: the first call starts a writer,
        and every update that arrives before that writer's turn goes into the same
        transaction (a burst of DMs costs one commit per burst, not per message)."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[bool] = loop.create_future()
        self._to_keep.append((key, payload, waiter))
        if self._keeper is None or self._keeper.done():
            self._keeper = loop.create_task(self._keep_waiting())
        return await waiter

    async def _keep_waiting(self) -> None:
        while self._to_keep:
            waiting, self._to_keep = self._to_keep[:KEEP_BATCH], self._to_keep[KEEP_BATCH:]
            rows = await self._store_retrying([(key, payload) for key, payload, _ in waiting])
            for key, _payload, waiter in waiting:
                row = rows.pop(key, None)  # a key twice in one batch: the second is a re-delivery
                if row is not None:
                    self._handling[key] = row
                if not waiter.done():
                    waiter.set_result(row is not None)

    async def _store_retrying(self, updates: list[tuple[str, dict[str, Any]]]) -> dict[str, int]:
        delay = 0.05
        while True:
            try:
                now = self.clock.now()
                async with self.storage.write() as unit:
                    return await unit.inbox.store_many(
                        self.platform, updates, self.owner, now, now + self.lease
                    )
            except Exception:
                log.exception("could not store %d updates; retrying in %.2f s", len(updates), delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, STORE_RETRY_MAX_S)

    def keep_before_acknowledged(self, key: str, payload: dict[str, Any]) -> bool:
        """Polling: the update is kept by `save` before the next fetch acknowledges it (one
        statement per fetched batch instead of one per update); True when it is new."""
        if key in self._handling or key in self._unsaved or key in self._recent:
            return False
        self._unsaved[key] = payload
        return True

    async def save(self) -> None:
        """Keep the updates fetched since the last call, unless handled meanwhile: called
        before each fetch, which acknowledges them. Raises (and so stops the fetch) while
        the database is unreachable."""
        if not self._unsaved:
            return
        waiting = list(self._unsaved.items())
        now = self.clock.now()
        async with self.storage.write() as unit:
            rows = await unit.inbox.store_many(
                self.platform, waiting, self.owner, now, now + self.lease
            )
        for key, _ in waiting:
            self._unsaved.pop(key, None)
        for key, row in rows.items():
            if key in self._recent:  # handled while being stored: remove it again
                self._handled.append(row)
            else:
                self._handling[key] = row
        self._schedule_removal()

    def handled(self, key: str) -> None:
        """The update is handled (answered, or failed and apologised for): remove it soon."""
        self._recent[key] = None
        if len(self._recent) > RECENT_KEYS:
            self._recent.popitem(last=False)
        if self._unsaved.pop(key, None) is not None:
            return  # handled before it needed keeping
        row = self._handling.pop(key, None)
        if row is None:
            return
        self._handled.append(row)
        self._schedule_removal()

    def _schedule_removal(self) -> None:
        if not self._handled:
            return
        if self._remover is None or self._remover.done():
            self._remover = asyncio.get_running_loop().create_task(self._remove_soon())

    async def _remove_soon(self) -> None:
        await asyncio.sleep(REMOVE_AFTER_S)
        await self.flush()

    async def close(self) -> None:
        """At shutdown: remove what is handled, and stop waiting to."""
        if self._remover is not None and not self._remover.done():
            self._remover.cancel()
        await self.flush()

    async def flush(self) -> None:
        """Remove the handled updates now."""
        rows, self._handled = self._handled, []  # taken at once: flushes may overlap
        if not rows:
            return
        try:
            async with self.storage.write() as unit:
                await unit.inbox.remove(rows)
        except Exception:
            log.exception("could not remove %d handled updates; trying again later", len(rows))
            self._handled.extend(rows)

    async def recover(self) -> list[tuple[str, dict[str, Any]]]:
        """At start-up: the updates a process that is gone left unhandled (an earlier life
        of this one, a dead process on this host, or any holder whose lease expired), now
        held here, oldest first. Handle them before new updates."""
        async with self.storage.read() as unit:
            owners = await unit.inbox.owners(self.platform)
        gone = [owner for owner in owners if _gone(owner, self.owner)]
        return await self._claim(gone)

    async def sweep(self) -> list[tuple[str, dict[str, Any]]]:
        """Periodically: renew the leases of the updates being handled here, remove handled
        ones, and take over those of holders whose lease expired (a replica that died)."""
        now = self.clock.now()
        if self._handling:
            async with self.storage.write() as unit:
                await unit.inbox.renew(list(self._handling.values()), now + self.lease)
        await self.flush()
        return await self._claim([])

    async def _claim(self, gone: list[str]) -> list[tuple[str, dict[str, Any]]]:
        now = self.clock.now()
        async with self.storage.write() as unit:
            rows = await unit.inbox.claim(
                self.platform, self.owner, now, now + self.lease, from_owners=gone
            )
            found = [(row.id, row.key, dict(row.payload)) for row in rows]
        taken = []
        for row_id, key, payload in found:
            if key in self._handling:  # already being handled here
                continue
            self._handling[key] = row_id
            taken.append((key, payload))
        if taken:
            log.info("handling %d updates left by a process that stopped", len(taken))
        return taken
