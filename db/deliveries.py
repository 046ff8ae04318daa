"""Scheduled messages as rows: what is due, who is sending it, what was sent.

Every athlete who gets messages has one open row per kind (daily, weekly) for the next local
day it is due. A sender claims due rows (status `sending` with a lease), sends, and records
the result together with the next day's row, so the table alone says what to do after a
restart and which process may do it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Athlete, Delivery

OPEN = ("pending", "sending")


class Deliveries:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_row(self, athlete_id: int, kind: str) -> Delivery | None:
        query = select(Delivery).where(
            Delivery.athlete_id == athlete_id, Delivery.kind == kind, Delivery.status.in_(OPEN)
        )
        return (await self.session.execute(query.order_by(Delivery.local_date))).scalars().first()

    async def done_for(self, athlete_id: int, kind: str, day: dt.date) -> bool:
        """Whether that day's message is settled (sent, missed, failed or skipped)."""
        query = select(Delivery.id).where(
            Delivery.athlete_id == athlete_id,
            Delivery.kind == kind,
            Delivery.local_date == day,
            Delivery.status.not_in((*OPEN, "cancelled")),
        )
        return (await self.session.execute(query)).first() is not None

    async def add(
        self, athlete_id: int, platform: str, kind: str, day: dt.date, due_at: dt.datetime
    ) -> Delivery:
        row = Delivery(
            athlete_id=athlete_id,
            platform=platform,
            kind=kind,
            local_date=day,
            due_at=due_at,
            status="pending",
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def get(self, delivery_id: int) -> Delivery | None:
        return await self.session.get(Delivery, delivery_id)

    async def ensure_open(
        self, athlete_id: int, platform: str, kind: str, day: dt.date, due: dt.datetime
    ) -> None:
        """An open row for that day: a new one, or the existing one (a cancelled slot comes
        back). A savepoint covers the race with another transaction creating it first (a
        second replica, the start-up repair): then that row is taken."""
        find = select(Delivery).where(
            Delivery.athlete_id == athlete_id, Delivery.kind == kind, Delivery.local_date == day
        )
        existing = (await self.session.execute(find)).scalar_one_or_none()
        if existing is None:
            try:
                async with self.session.begin_nested():
                    await self.add(athlete_id, platform, kind, day, due)
                return
            except IntegrityError:
                existing = (await self.session.execute(find)).scalar_one()
        if existing.status in ("cancelled", "pending"):
            existing.status, existing.due_at, existing.lease_until = "pending", due, None
            existing.lease_owner, existing.error = None, None
            existing.platform = platform

    async def claim_due(
        self, platform: str, now: dt.datetime, owner: str, lease: dt.timedelta, limit: int
    ) -> list[Delivery]:
        """Claim up to `limit` due rows of one chat platform in one indexed query: pending
        ones whose back-off has passed, and `sending` ones whose claimer's lease expired (it
        died mid-send). A process claims only the platforms it has a sender for.

        PostgreSQL: FOR UPDATE SKIP LOCKED lets several processes claim side by side without
        waiting for or double-taking each other's rows. SQLite: the writer lock serialises.
        """
        ready = or_(
            and_(
                Delivery.status == "pending",
                or_(Delivery.lease_until.is_(None), Delivery.lease_until <= now),
            ),
            and_(Delivery.status == "sending", Delivery.lease_until <= now),
        )
        query = (
            select(Delivery)
            .where(
                Delivery.platform == platform,
                Delivery.status.in_(OPEN),
                Delivery.due_at <= now,
                ready,
            )
            .order_by(Delivery.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list((await self.session.execute(query)).scalars())
        for row in rows:
            row.status = "sending"
            row.lease_owner = owner
            row.lease_until = now + lease
            row.attempts += 1
        await self.session.flush()
        return rows

    async def athletes_for(self, ids: Sequence[int]) -> dict[int, Athlete]:
        if not ids:
            return {}
        rows = await self.session.execute(select(Athlete).where(Athlete.id.in_(ids)))
        return {a.id: a for a in rows.scalars()}

    async def finish(
        self,
        delivery_id: int,
        owner: str,
        status: str,
        *,
        now: dt.datetime,
        message_id: int | None = None,
        late: bool = False,
        error: str | None = None,
    ) -> bool:
        """Record the outcome if this process still holds the claim; False if it lost it."""
        result = await self.session.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status == "sending",
                Delivery.lease_owner == owner,
            )
            .values(
                status=status,
                sent_at=now if status == "sent" else None,
                message_id=message_id,
                late=late,
                error=error[:200] if error else None,
                lease_until=None,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def release(
        self, delivery_id: int, owner: str, *, retry_at: dt.datetime, error: str
    ) -> None:
        """Give a claimed row back for a later attempt (network trouble, rate limits)."""
        await self.session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.lease_owner == owner)
            .values(status="pending", lease_until=retry_at, error=error[:200])
        )

    async def cancel_open(self, athlete_id: int, kind: str | None = None) -> None:
        query = update(Delivery).where(Delivery.athlete_id == athlete_id, Delivery.status.in_(OPEN))
        if kind is not None:
            query = query.where(Delivery.kind == kind)
        await self.session.execute(query.values(status="cancelled", lease_until=None))

    async def athletes_without_open(
        self, kind: str, limit: int = 1000, after_id: int = 0
    ) -> list[Athlete]:
        """Active athletes missing their open row (repair after a crash or an upgrade)."""
        has_open = (
            select(Delivery.id)
            .where(
                Delivery.athlete_id == Athlete.id,
                Delivery.kind == kind,
                Delivery.status.in_(OPEN),
            )
            .exists()
        )
        query = (
            select(Athlete)
            .where(Athlete.status == "active", Athlete.onboarded_at.is_not(None))
            .where(Athlete.id > after_id, ~has_open)
            .order_by(Athlete.id)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())

    async def count(self, status: str | None = None) -> int:
        query = select(func.count()).select_from(Delivery)
        if status is not None:
            query = query.where(Delivery.status == status)
        return int((await self.session.execute(query)).scalar() or 0)

    async def settled_since(self, since: dt.datetime) -> dict[str, int]:
        """Daily messages sent and failed since `since`, by status (the operator's /stats)."""
        query = (
            select(Delivery.status, func.count())
            .where(Delivery.kind == "daily", Delivery.due_at >= since)
            .where(Delivery.status.in_(("sent", "failed", "missed")))
            .group_by(Delivery.status)
        )
        return {status: int(n) for status, n in (await self.session.execute(query)).all()}

    async def next_due(self, platform: str) -> dt.datetime | None:
        """When the platform's next open row is due."""
        query = select(func.min(Delivery.due_at)).where(
            Delivery.platform == platform, Delivery.status == "pending"
        )
        value = (await self.session.execute(query)).scalar()
        if value is None:
            return None
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
