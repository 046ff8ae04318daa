"""Fixtures: a real SQLite file always, a real PostgreSQL database when TEST_DATABASE_URL is
set, the fake Bot API server, and the real Application wired to both."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from telegram import Update
from telegram.ext import Application

from bot.app import build_application, shutdown, startup
from bot.clock import FixedClock
from bot.core import Core
from bot.settings import Settings
from db.engine import Database
from db.migrate import upgrade
from db.uow import Storage
from fakes.bot_api import FakeBotApi
from tests import updates

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
NO_PG_REASON = (
    "PostgreSQL tests need TEST_DATABASE_URL (make test sets it when a server answers on "
    "localhost:5432)"
)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
TOKEN = "123456:TEST-token-for-the-fake-bot-api-server"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if TEST_DATABASE_URL:
        return
    skip = pytest.mark.skip(reason=NO_PG_REASON)
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "postgresql: needs a PostgreSQL server")


async def _pg_admin(sql: str) -> None:
    import asyncpg

    url = make_url(TEST_DATABASE_URL)
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port,
        database=url.database,
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


class TempDatabase:
    """A fresh, empty database: a SQLite file in tmp_path or a new PostgreSQL database."""

    def __init__(self, backend: str, tmp_path: Path) -> None:
        self.backend = backend
        self.name = f"rs_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            self.url = f"sqlite+aiosqlite:///{tmp_path / 'runstrong.sqlite3'}"
        else:
            self.url = (
                make_url(TEST_DATABASE_URL)
                .set(database=self.name)
                .render_as_string(hide_password=False)
            )

    async def create(self) -> None:
        if self.backend == "postgresql":
            await _pg_admin(f'CREATE DATABASE "{self.name}"')

    async def drop(self) -> None:
        if self.backend == "postgresql":
            await _pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
async def temp_db(request: Any, tmp_path: Path) -> AsyncIterator[TempDatabase]:
    temp = TempDatabase(request.param, tmp_path)
    await temp.create()
    yield temp
    await temp.drop()


@pytest.fixture
async def database(temp_db: TempDatabase) -> AsyncIterator[Database]:
    db = Database(temp_db.url)
    await upgrade(db.write_engine)
    yield db
    await db.dispose()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN) as server:
        yield server


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC))


class BotHarness:
    """The real Application over the fake Bot API; feeds updates through process_update."""

    def __init__(self, application: Application, api: FakeBotApi, clock: FixedClock) -> None:  # type: ignore[type-arg]
        self.application = application
        self.api = api
        self.clock = clock

    @property
    def core(self) -> Core:
        core: Core = self.application.bot_data["core"]
        return core

    @property
    def db(self) -> Database:
        return self.core.database

    @property
    def storage(self) -> Storage:
        return self.core.storage

    async def feed(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        """Process one update; return what the bot sent (messages and edits) because of it."""
        before = len(self.api.calls)
        update = Update.de_json(payload, self.application.bot)
        await self.application.process_update(update)
        sent = []
        for call in self.api.calls[before:]:
            if call.method.lower() in (
                "sendmessage",
                "editmessagetext",
                "sendphoto",
                "senddocument",
            ):
                sent.append(call.params)
        return sent

    async def say(self, chat_id: int, text: str, **kwargs: Any) -> list[str]:
        return [
            m.get("text") or m.get("caption") or ""
            for m in await self.feed(updates.message(chat_id, text, **kwargs))
        ]

    async def press(self, chat_id: int, data: str, **kwargs: Any) -> list[str]:
        return [
            m.get("text") or "" for m in await self.feed(updates.callback(chat_id, data, **kwargs))
        ]

    def last_buttons(self, chat_id: int) -> list[str]:
        """Callback data of the newest keyboard sent to the chat."""
        for params in reversed(self.api.sent_messages(chat_id)):
            markup = params.get("reply_markup")
            if isinstance(markup, dict) and markup.get("inline_keyboard"):
                return [
                    b.get("callback_data", "") for row in markup["inline_keyboard"] for b in row
                ]
        return []


@pytest.fixture
async def bot(
    api: FakeBotApi, temp_db: TempDatabase, clock: FixedClock
) -> AsyncIterator[BotHarness]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr(TOKEN),
        telegram_base_url=api.root_url,
        database_url=temp_db.url,
    )
    application = build_application(settings, clock=clock)
    await application.initialize()
    await startup(application)
    await application.bot_data["repair_task"]  # tests start from a settled schedule
    try:
        yield BotHarness(application, api, clock)
    finally:
        await shutdown(application)
        await application.shutdown()
