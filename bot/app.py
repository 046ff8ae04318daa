"""The composition root: builds the python-telegram-bot Application with the coach, the
database and the handlers, for Telegram and for the local chat alike."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest

import handlers
from bot.clock import Clock, SystemClock
from bot.coach.service import Coach
from bot.settings import Settings
from db.engine import Database
from db.migrate import upgrade

log = logging.getLogger("runstrong")

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Set up, or see your options"),
    ("settings", "Change one answer"),
    ("help", "What I can do"),
)


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    token: str | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build (not start) the Application. `request` replaces the HTTP transport (local chat)."""
    builder = (
        ApplicationBuilder()
        .token(token or settings.token or "")
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .post_init(startup)
        .post_shutdown(shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        limiter: Any = AIORateLimiter(
            overall_max_rate=settings.send_rate_per_second, max_retries=3
        )
        builder = builder.rate_limiter(limiter)
    application = builder.build()
    application.bot_data["settings"] = settings
    application.bot_data["clock"] = clock or SystemClock()
    handlers.register(application)
    return application


async def startup(application: Application) -> None:  # type: ignore[type-arg]
    """Runs once the bot is initialised: schema upgrade, the coach, the command menu."""
    settings: Settings = application.bot_data["settings"]
    database = Database(settings.database_url)
    await upgrade(database.write_engine)
    application.bot_data["db"] = database
    application.bot_data["coach"] = Coach(
        database, application.bot_data["clock"], bot_username=application.bot.username or ""
    )
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    log.info("RunStrong ready as @%s (database: %s)", application.bot.username, database.dialect)


async def shutdown(application: Application) -> None:  # type: ignore[type-arg]
    database: Any = application.bot_data.get("db")
    if database is not None:
        await database.dispose()
