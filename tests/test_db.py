"""Issue 2: the database layer on a real SQLite file and (when reachable) PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from db.engine import Database
from db.migrate import upgrade
from db.models import Athlete, Conversation
from db.repositories import Athletes, Conversations

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


async def test_upgrade_is_idempotent(database: Database) -> None:
    await upgrade(database.write_engine)
    async with database.read() as session:
        version = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    assert version is not None


async def test_sqlite_pragmas(database: Database) -> None:
    if not database.is_sqlite:
        pytest.skip("SQLite only")
    async with database.read() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert ((await session.execute(text("PRAGMA busy_timeout"))).scalar() or 0) > 0


async def test_times_round_trip_as_utc(database: Database) -> None:
    async with database.write() as session:
        athlete = await Athletes(session).create(
            platform="telegram",
            user_id=1,
            chat_id=1,
            name="A",
            language_code="en",
            now=NOW.astimezone(dt.timezone(dt.timedelta(hours=5))),
        )
        athlete_id = athlete.id
    async with database.read() as session:
        stored = await Athletes(session).by_id(athlete_id)
        assert stored is not None
        assert stored.created_at == NOW and stored.created_at.tzinfo is not None


async def test_one_athlete_per_user(database: Database) -> None:
    async with database.write() as session:
        await Athletes(session).create(
            platform="telegram", user_id=5, chat_id=5, name="A", language_code=None, now=NOW
        )
    with pytest.raises(IntegrityError):
        async with database.write() as session:
            await Athletes(session).create(
                platform="telegram", user_id=5, chat_id=5, name="B", language_code=None, now=NOW
            )


async def test_deleting_an_athlete_cascades(database: Database) -> None:
    async with database.write() as session:
        athlete = await Athletes(session).create(
            platform="telegram", user_id=9, chat_id=9, name="A", language_code=None, now=NOW
        )
        await Conversations(session).save(
            athlete.id, flow="onboarding", step="x", answers={}, history=[], now=NOW
        )
    async with database.write() as session:
        await Athletes(session).delete(athlete.id)
    async with database.read() as session:
        assert (await session.execute(select(func.count()).select_from(Conversation))).scalar() == 0


async def test_concurrent_read_modify_write_never_locks(database: Database) -> None:
    """Twenty writers that each read then write the same row: none fails, no update is lost."""
    async with database.write() as session:
        athlete = await Athletes(session).create(
            platform="telegram", user_id=77, chat_id=77, name="", language_code=None, now=NOW
        )
        athlete_id = athlete.id

    async def bump() -> None:
        async with database.write() as session:
            row = (
                await session.execute(
                    select(Athlete).where(Athlete.id == athlete_id).with_for_update()
                )
            ).scalar_one()
            await asyncio.sleep(0.01)  # hold the transaction open while others queue
            row.delivery_minute = row.delivery_minute + 1

    await asyncio.gather(*(bump() for _ in range(20)))
    async with database.read() as session:
        stored = await session.get(Athlete, athlete_id)
        assert stored is not None and stored.delivery_minute == 7 * 60 + 20
