"""The database layer on a real SQLite file and (when reachable) PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import SQLITE_BUSY_TIMEOUT_MS, Database
from db.migrate import upgrade
from db.models import Athlete, Base, Conversation, LogBatch, PendingLog
from db.repositories import Athletes, Conversations
from db.sqlite_inline import CHECKPOINT_COMMITS
from tests.conftest import TempDatabase

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


async def test_upgrade_is_idempotent(database: Database) -> None:
    await upgrade(database.write_engine)
    async with database.read() as session:
        version = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    assert version is not None


async def test_sqlite_pragmas(database: Database) -> None:
    """Readers (aiosqlite) and the writer (sqlite3 inline: a plain Session, no thread, no
    greenlet) have the same pragmas but the busy timeout: readers wait in SQLite, on their
    threads; the writer, on the event loop, never does (it waits for another process's lock
    with asyncio: test_sqlite_contention). It takes the write lock as its transaction
    begins."""
    if not database.is_sqlite:
        pytest.skip("SQLite only")
    for opened, busy_timeout in ((database.read, SQLITE_BUSY_TIMEOUT_MS), (database.write, 0)):
        async with opened() as session:
            assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await session.execute(text("PRAGMA busy_timeout"))).scalar() == busy_timeout
    async with database.write() as session:
        raw = session.sync_session.connection().connection.driver_connection
        assert isinstance(raw, sqlite3.Connection) and raw.in_transaction
        # BEGIN IMMEDIATE: another connection can't start writing until this one commits.
        other = sqlite3.connect(database.write_engine.url.database or "", timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


async def _create(session: AsyncSession, user_id: int) -> Athlete:
    return await Athletes(session).create(
        platform="telegram",
        user_id=user_id,
        chat_id=user_id,
        name="R",
        language_code=None,
        now=NOW,
    )


async def test_sqlite_writers_queue_for_one_connection(database: Database) -> None:
    """Many concurrent write transactions, each yielding mid-way: none fails with "database
    is locked", none waits in SQLite's busy handler, and all of them commit."""

    async def write(user_id: int) -> None:
        async with database.write() as session:
            athlete = await _create(session, user_id)
            await asyncio.sleep(0)
            athlete.name = f"Runner {user_id}"

    await asyncio.gather(*(write(user) for user in range(1, 41)))
    async with database.read() as session:
        names = (await session.execute(select(Athlete.name).order_by(Athlete.user_id))).scalars()
        assert list(names) == [f"Runner {user}" for user in range(1, 41)]


async def test_failed_write_rolls_back_and_the_writer_recovers(database: Database) -> None:
    with pytest.raises(IntegrityError):
        async with database.write() as session:
            for _ in range(2):  # the same (platform, user_id) twice
                await _create(session, 7)
    async with database.write() as session:
        await _create(session, 8)
    async with database.read() as session:
        users = (await session.execute(select(Athlete.user_id))).scalars()
        assert list(users) == [8]


async def test_a_cancelled_writer_rolls_back_and_hands_on_its_turn(database: Database) -> None:
    holding = asyncio.Event()

    async def interrupted() -> None:
        async with database.write() as session:
            await _create(session, 5)
            holding.set()
            await asyncio.sleep(60)  # cancelled here, mid-transaction

    task = asyncio.create_task(interrupted())
    await holding.wait()
    waiting = asyncio.create_task(_write_one(database, 6))
    await asyncio.sleep(0.05)
    if database.is_sqlite:
        assert not waiting.done()  # queued behind the open transaction
    task.cancel()
    await asyncio.wait_for(waiting, 5)
    async with database.read() as session:
        users = (await session.execute(select(Athlete.user_id))).scalars()
        assert list(users) == [6]


async def _write_one(database: Database, user_id: int) -> None:
    async with database.write() as session:
        await _create(session, user_id)


async def test_a_write_inside_a_write_fails_instead_of_hanging(database: Database) -> None:
    if not database.is_sqlite:
        pytest.skip("SQLite's one writing connection")
    with pytest.raises(RuntimeError, match=r"inside db\.write"):
        async with database.write():
            async with database.write():
                pass
    await _write_one(database, 9)  # the writer is free again


async def test_checkpoints_run_on_a_reader_thread_not_in_commits(database: Database) -> None:
    """The writer's commits never copy the WAL back (that would block the event loop on an
    fsync); every CHECKPOINT_COMMITS commits a reader's thread does it."""
    if not database.is_sqlite:
        pytest.skip("SQLite's write-ahead log")
    async with database.write() as session:
        assert (await session.execute(text("PRAGMA wal_autocheckpoint"))).scalar() == 0
    for user in range(1, CHECKPOINT_COMMITS):  # with the PRAGMA's: CHECKPOINT_COMMITS
        await _write_one(database, user)
    for _ in range(500):
        if database.checkpoints:
            break
        await asyncio.sleep(0.01)
    assert database.checkpoints == 1
    for user in range(CHECKPOINT_COMMITS, 2 * CHECKPOINT_COMMITS + 1):
        await _write_one(database, user)
    await database.dispose()  # waits for the checkpoint under way
    assert database.checkpoints == 2
    probe = sqlite3.connect(database.url.split("///", 1)[1])
    try:
        (stored,) = probe.execute("SELECT count(*) FROM athletes").fetchone()
        assert stored == 2 * CHECKPOINT_COMMITS
    finally:
        probe.close()


async def test_a_loop_of_writes_lets_other_tasks_run(database: Database) -> None:
    """SQLite's writes never wait, so a long loop of them (the start-up repair) must still
    let polling and replies run in between."""
    ticks = 0

    async def other() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticking = asyncio.create_task(other())
    await asyncio.sleep(0)
    seen = []
    for user in range(1, 21):
        await _write_one(database, user)
        seen.append(ticks)
    ticking.cancel()
    assert seen[-1] - seen[0] >= 19  # at least once between each two writes


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


async def test_a_batch_goes_in_with_its_sets_and_states(database: Database) -> None:
    """`LogBatches.insert` with sets and states (on PostgreSQL one statement over arrays):
    every field of every set as given, NULLs and flags included; states inserted or
    updated; a state row already loaded in the session reads the new values."""
    from db.logs import SET_FIELDS, ExerciseStates, LogBatches, SetLogs
    from fakes.athletes import make_athlete

    athlete_id = await make_athlete(database, 7, now=NOW)
    day = dt.date(2026, 11, 21)
    sets = [
        {"performed_on": day, "exercise": "Back squat", "set_index": 1, "reps": 5,
         "seconds": None, "load_kg": 60.0, "rpe": 8.5, "per_side": False, "failed": False,
         "notes": "felt quick"},
        {"performed_on": day, "exercise": "Back squat", "set_index": 2, "reps": 4,
         "seconds": None, "load_kg": 60.0, "rpe": None, "per_side": False, "failed": True,
         "notes": ""},
        {"performed_on": day - dt.timedelta(days=1), "exercise": "Side plank",
         "set_index": 1, "reps": None, "seconds": 45, "load_kg": None, "rpe": None,
         "per_side": True, "failed": False, "notes": ""},
    ]  # fmt: skip
    squat = {"working_load_kg": 62.5, "target_reps": 5, "e1rm_kg": 70.0, "failures": 1,
             "sessions": 3, "best_e1rm_kg": 71.0, "e1rm_on": "2026-11-20", "reps_low": 3,
             "reps_high": 5}  # fmt: skip
    plank = {"working_load_kg": None, "target_reps": None, "e1rm_kg": None, "failures": 0,
             "sessions": 1, "best_e1rm_kg": None, "e1rm_on": None, "reps_low": None,
             "reps_high": None}  # fmt: skip
    async with database.write() as session:
        earlier = {"Back squat": {**squat, "sessions": 2}}
        await ExerciseStates(session).put_many(athlete_id, earlier, NOW)
    later = NOW + dt.timedelta(hours=1)
    async with database.write() as session:
        loaded = await ExerciseStates(session).get(athlete_id, "Back squat")
        assert loaded is not None and loaded.sessions == 2
        batch_id = await LogBatches(session).insert(
            athlete_id, source="chat", source_key="k1", chat_message_id=11, text="squat …",
            performed_on=day, states_before={"Back squat": None}, now=later, sets=sets,
            states={"Back squat": squat, "Side plank": plank},
        )  # fmt: skip
        assert (await ExerciseStates(session).get(athlete_id, "Back squat")) is loaded
        assert loaded.sessions == 3 and loaded.working_load_kg == 62.5
    async with database.read() as session:
        batch = await LogBatches(session).get(athlete_id, batch_id)
        assert batch is not None
        assert (batch.source_key, batch.states_before, batch.created_at) == (
            "k1",
            {"Back squat": None},
            later,
        )
        stored = await SetLogs(session).of_batch(batch_id)
        assert [{name: getattr(row, name) for name in SET_FIELDS} for row in stored] == sets
        assert {(row.athlete_id, row.created_at) for row in stored} == {(athlete_id, later)}
        states = ExerciseStates(session)
        assert ExerciseStates.values(await states.get(athlete_id, "Back squat")) == squat
        assert ExerciseStates.values(await states.get(athlete_id, "Side plank")) == plank
        side_plank = await states.get(athlete_id, "Side plank")
        assert side_plank is not None and side_plank.updated_at == later


async def test_the_migrations_build_what_the_models_describe(database: Database) -> None:
    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection)
        return list(compare_metadata(context, Base.metadata))

    async with database.write_engine.connect() as connection:
        found = await connection.run_sync(differences)
    assert found == []


async def test_waiting_logs_move_to_their_own_table(temp_db: TempDatabase) -> None:
    """Migration 0004: a log waiting for an answer lived in log_batches (source "pending",
    its parsed lines in the undo column); it moves to pending_logs, nothing else does."""
    db = Database(temp_db.url)
    try:
        await upgrade(db.write_engine, "0003")
        now = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
        async with db.write_engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO athletes (id, platform, user_id, chat_id, name, status, "
                    "timezone, delivery_minute, units, preferences, created_at, updated_at) "
                    "VALUES (1, 'telegram', 5, 5, 'Ana', 'active', 'UTC', 420, 'kg', '{}', "
                    ":now, :now)"
                ),
                {"now": now},
            )
            for source, states in (("pending", '{"pending": {"lines": ["zottman"]}}'),
                                   ("message", "{}")):  # fmt: skip
                await connection.execute(
                    text(
                        "INSERT INTO log_batches (athlete_id, source, source_key, text, "
                        "performed_on, states_before, created_at) VALUES (1, :source, :key, "
                        ":text, :day, :states, :now)"
                    ),
                    {"source": source, "key": f"5:{source}", "text": f"{source} 3x5",
                     "states": states, "now": now, "day": now.date()},
                )  # fmt: skip
        await upgrade(db.write_engine)
        async with db.read() as session:
            waiting = (await session.execute(select(PendingLog))).scalars().all()
            batches = (await session.execute(select(LogBatch.source))).scalars().all()
        assert [(w.source_key, w.text, w.parsed) for w in waiting] == [
            ("5:pending", "pending 3x5", {"lines": ["zottman"]})
        ]
        assert batches == ["message"]
    finally:
        await db.dispose()
