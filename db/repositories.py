"""Queries the use-cases need, one place per table; sessions are passed in, never global."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import (
    BigInteger,
    String,
    bindparam,
    delete,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Athlete, Base, Conversation, Event


def _with_conversation(for_update: bool) -> Any:
    query = (
        select(Athlete, Conversation)
        .outerjoin(Conversation, Conversation.athlete_id == Athlete.id)
        .where(
            Athlete.platform == bindparam("platform", type_=String),
            Athlete.user_id == bindparam("user_id", type_=BigInteger),
        )
    )
    return query.with_for_update(of=Athlete) if for_update else query


# Built once: `Athletes.with_conversation` runs for most updates.
_WITH_CONVERSATION = {False: _with_conversation(False), True: _with_conversation(True)}


class Athletes:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_user(
        self, platform: str, user_id: int, *, for_update: bool = False
    ) -> Athlete | None:
        query = select(Athlete).where(Athlete.platform == platform, Athlete.user_id == user_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def with_conversation(
        self, platform: str, user_id: int, *, for_update: bool = False
    ) -> tuple[Athlete | None, Conversation | None]:
        """The athlete and its conversation (if any) in one query (a LEFT JOIN); with
        `for_update` only the athlete row is locked."""
        query = _WITH_CONVERSATION[for_update]
        params = {"platform": platform, "user_id": user_id}
        row = (await self.session.execute(query, params)).one_or_none()
        return (None, None) if row is None else (row[0], row[1])

    async def by_id(self, athlete_id: int) -> Athlete | None:
        return await self.session.get(Athlete, athlete_id)

    async def create(
        self,
        *,
        platform: str,
        user_id: int,
        chat_id: int,
        name: str,
        language_code: str | None,
        now: dt.datetime,
    ) -> Athlete:
        athlete = Athlete(
            platform=platform,
            user_id=user_id,
            chat_id=chat_id,
            name=name,
            language_code=language_code,
            status="onboarding",
            timezone="UTC",
            delivery_minute=7 * 60,
            units="kg",
            created_at=now,
            updated_at=now,
        )
        self.session.add(athlete)
        await self.session.flush()
        return athlete

    async def delete(self, athlete_id: int) -> None:
        await self.session.execute(delete(Athlete).where(Athlete.id == athlete_id))

    async def counts(self) -> dict[str, int]:
        """Athletes by status (the operator's /stats)."""
        rows = await self.session.execute(
            select(Athlete.status, func.count()).group_by(Athlete.status)
        )
        return {status: int(n) for status, n in rows.all()}


class Conversations:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, athlete_id: int) -> Conversation | None:
        return await self.session.get(Conversation, athlete_id)

    async def save(
        self,
        athlete_id: int,
        *,
        flow: str,
        step: str,
        answers: dict[str, Any],
        history: list[Any],
        now: dt.datetime,
    ) -> Conversation:
        conversation = await self.get(athlete_id)
        if conversation is None:
            conversation = Conversation(athlete_id=athlete_id)
            self.session.add(conversation)
        conversation.flow = flow
        await self.move(conversation, step=step, answers=answers, history=history, now=now)
        return conversation

    async def move(
        self,
        conversation: Conversation,
        *,
        step: str,
        answers: dict[str, Any],
        history: list[Any],
        now: dt.datetime,
    ) -> None:
        """A loaded conversation at another step of its flow."""
        conversation.step = step
        # New containers so SQLAlchemy sees the JSON change.
        conversation.answers = dict(answers)
        conversation.history = list(history)
        conversation.updated_at = now
        await self.session.flush()

    async def end(self, athlete_id: int) -> None:
        await self.session.execute(
            delete(Conversation).where(Conversation.athlete_id == athlete_id)
        )


@functools.cache
def _record_event(dialect: str) -> Any:
    """INSERT .. ON CONFLICT DO NOTHING RETURNING, built once per dialect (every chat event
    runs it; building it each time cost more than executing it)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Base.metadata.tables["events"]  # the table, not the entity: no ORM bulk path
    return insert(table).on_conflict_do_nothing().returning(table.c.key)


class Events:
    """Applied chat events, for idempotency: see `db.models.Event`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def first(self, platform: str, key: str, now: dt.datetime) -> bool:
        """Record the event; False when it was recorded before (a re-delivery). Call it in
        the transaction that applies the event: a rollback forgets both."""
        statement = _record_event(self.session.get_bind().dialect.name)
        found = await self.session.execute(
            statement, {"platform": platform, "key": key[:128], "created_at": now}
        )
        return found.first() is not None

    async def prune(self, before: dt.datetime) -> int:
        """Forget events older than `before` (platforms re-deliver within hours)."""
        result = await self.session.execute(delete(Event).where(Event.created_at < before))
        return int(getattr(result, "rowcount", 0) or 0)
