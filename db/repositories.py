"""Queries the use-cases need, one place per table; sessions are passed in, never global."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    String,
    Table,
    bindparam,
    column,
    delete,
    exists,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Athlete, Conversation


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
_UPDATE_ID = bindparam("b_update_id", type_=BigInteger)
_ATHLETE_TABLE = cast(Table, Athlete.__table__)
_ATHLETES = _ATHLETE_TABLE.c
# A Core UPDATE .. RETURNING read into the ORM through `from_statement`: the ORM's own UPDATE
# .. RETURNING annotates the statement anew on every run and recomputes its cache key.
_MARK_UPDATE = select(Athlete, column("talking", Boolean)).from_statement(
    update(_ATHLETE_TABLE)
    .where(
        _ATHLETES.platform == bindparam("b_platform", type_=String),
        _ATHLETES.user_id == bindparam("b_user_id", type_=BigInteger),
        or_(_ATHLETES.last_update_id.is_(None), _ATHLETES.last_update_id < _UPDATE_ID),
    )
    .values(last_update_id=_UPDATE_ID)
    .returning(
        *_ATHLETES,
        exists().where(Conversation.athlete_id == _ATHLETES.id).label("talking"),
    )
)


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

    async def mark_update(
        self, platform: str, user_id: int, update_id: int
    ) -> tuple[Athlete, bool] | None:
        """Record `update_id` as the athlete's newest applied update and load the athlete (row
        locked) and whether it has a conversation, in one UPDATE .. RETURNING; None when
        there is no such athlete or the update is not newer than the last one applied (see
        `bot.coach.idempotency.mark_applied`, which this does in SQL)."""
        params = {"b_platform": platform, "b_user_id": user_id, "b_update_id": update_id}
        row = (await self.session.execute(_MARK_UPDATE, params)).one_or_none()
        return None if row is None else (row[0], bool(row[1]))

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
