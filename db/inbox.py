"""The inbox: chat updates stored before the platform is told they arrived. See
`db.models.InboxUpdate` and `bot.inbox`."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Base, InboxUpdate


@functools.cache
def _store_many(dialect: str) -> Any:
    """INSERT .. ON CONFLICT DO NOTHING RETURNING id, key, built once per dialect: every
    update runs it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Base.metadata.tables["inbox"]
    return insert(table).on_conflict_do_nothing().returning(table.c.id, table.c.key)


class Inbox:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def store_many(
        self,
        platform: str,
        updates: Sequence[tuple[str, dict[str, Any]]],
        owner: str,
        now: dt.datetime,
        lease_until: dt.datetime,
    ) -> dict[str, int]:
        """Keep several updates in one statement; the new ones' ids by key (those kept
        already are left out)."""
        if not updates:
            return {}
        rows = [
            {"platform": platform, "key": key[:128], "payload": payload, "owner": owner,
             "received_at": now, "lease_until": lease_until}
            for key, payload in updates
        ]  # fmt: skip
        # One compiled statement for any number of rows (SQLAlchemy sends them as one
        # multi-row INSERT): a statement built from `.values(rows)` compiles anew per size.
        statement = _store_many(self.session.get_bind().dialect.name)
        found = await self.session.execute(statement, rows)
        asked = {key[:128]: key for key, _ in updates}
        return {asked[str(key)]: int(row_id) for row_id, key in found.all()}

    async def remove(self, ids: Collection[int]) -> None:
        """Forget handled updates."""
        if ids:
            await self.session.execute(delete(InboxUpdate).where(InboxUpdate.id.in_(ids)))

    async def owners(self, platform: str) -> list[str]:
        """Who holds the platform's waiting updates."""
        query = select(InboxUpdate.owner).where(InboxUpdate.platform == platform).distinct()
        return list((await self.session.execute(query)).scalars())

    async def claim(
        self,
        platform: str,
        owner: str,
        now: dt.datetime,
        lease_until: dt.datetime,
        *,
        from_owners: Collection[str] = (),
        limit: int = 500,
    ) -> Sequence[InboxUpdate]:
        """Take over waiting updates, oldest first: those whose holder's lease expired, and
        all of `from_owners` (holders known to be gone). PostgreSQL: SKIP LOCKED, so two
        replicas never take the same ones."""
        abandoned = or_(InboxUpdate.lease_until <= now, InboxUpdate.owner.in_(from_owners))
        query = (
            select(InboxUpdate)
            .where(InboxUpdate.platform == platform, abandoned)
            .order_by(InboxUpdate.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list((await self.session.execute(query)).scalars())
        for row in rows:
            row.owner, row.lease_until = owner, lease_until
        return rows

    async def renew(self, ids: Collection[int], lease_until: dt.datetime) -> None:
        """Keep the leases of updates still being handled."""
        if ids:
            await self.session.execute(
                update(InboxUpdate).where(InboxUpdate.id.in_(ids)).values(lease_until=lease_until)
            )
