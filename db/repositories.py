"""Queries the use-cases need, one place per table; sessions are passed in, never global."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Athlete, Conversation


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
        conversation.step = step
        # New containers so SQLAlchemy sees the JSON change.
        conversation.answers = dict(answers)
        conversation.history = list(history)
        conversation.updated_at = now
        await self.session.flush()
        return conversation

    async def end(self, athlete_id: int) -> None:
        await self.session.execute(
            delete(Conversation).where(Conversation.athlete_id == athlete_id)
        )
