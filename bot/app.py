"""The composition root: builds the python-telegram-bot Application with the coach, the
database and the handlers, for Telegram and for the local chat alike."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
from typing import Any

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ExtBot
from telegram.request import BaseRequest

import handlers
from bot.clock import Clock, SystemClock
from bot.coach.service import Coach
from bot.ordering import PerChatUpdateProcessor
from bot.settings import Settings
from bot.transport import AiohttpRequest
from db.engine import Database
from db.migrate import upgrade
from handlers.today import delivery_tick

log = logging.getLogger("runstrong")
DELIVERY_TICK_SECONDS = 10
# Updates handled at once (different chats in parallel, one chat in order).
CONCURRENT_UPDATES = 64
# HTTP connections for replies, and for daily messages; requests beyond these wait for a free
# connection. A handful carry far more than Telegram's ~30 messages/s at its round-trip times.
REPLY_CONNECTIONS = 8
DELIVERY_CONNECTIONS = 16

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Set up, or see your options"),
    ("today", "Today's workout"),
    ("week", "This week at a glance"),
    ("time", "Change the daily message time"),
    ("pause", "Pause daily messages (/pause 7)"),
    ("resume", "Resume daily messages"),
    ("log", "How to log a workout"),
    ("undo", "Remove the last log"),
    ("settings", "Change one answer"),
    ("history", "Recent sessions"),
    ("progress", "Chart of one exercise"),
    ("export", "Download your data"),
    ("deleteme", "Delete all your data"),
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
        .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # Replies answer one person who just wrote: not bulk, so no overall cap (it queued
        # answers behind the daily run); its limiter waits out and retries 429s. Daily
        # messages go through their own bot below, paced by the delivery service.
        limiter: Any = AIORateLimiter(overall_max_rate=0, max_retries=3)
        builder = (
            builder.rate_limiter(limiter)
            .request(AiohttpRequest(REPLY_CONNECTIONS))
            .get_updates_request(AiohttpRequest(1))
        )
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
    coach = Coach(
        database,
        application.bot_data["clock"],
        bot_username=application.bot.username or "",
        catchup_hours=settings.catchup_hours,
    )
    coach.delivery.lease = dt.timedelta(seconds=settings.delivery_lease_seconds)
    coach.delivery.send_rate = settings.send_rate_per_second
    application.bot_data["coach"] = coach
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    if application.bot_data.get("local_chat"):
        await coach.delivery.repair()  # the local chat delivers on its own clock
        return
    application.bot_data["delivery_bot"] = await _delivery_bot(application, settings)
    # Athletes missing their scheduled rows get them in the background, so a large database
    # never delays answering messages.
    application.bot_data["repair_task"] = application.create_task(
        _repair(coach), name="delivery-repair"
    )
    if application.job_queue is not None:
        # The database says what is due; this job only wakes the sender up.
        application.job_queue.run_repeating(
            delivery_tick, interval=DELIVERY_TICK_SECONDS, first=0.2, name="delivery"
        )
    # What start-up built (PTB, SQLAlchemy's mappers, the plans' tables) lives as long as the
    # process: frozen, the collector's full passes (~100 ms each in `make bench`) skip it
    # instead of walking it every time. `shutdown` thaws it.
    gc.freeze()
    log.info(
        "RunStrong ready as @%s (database: %s, event loop: %s, %d start-up objects frozen)",
        application.bot.username,
        database.dialect,
        type(asyncio.get_running_loop()).__module__.split(".")[0],
        gc.get_freeze_count(),
    )


async def _delivery_bot(application: Application, settings: Settings) -> ExtBot:  # type: ignore[type-arg]
    """A second bot handle for daily messages: bulk sends on their own connections. No PTB
    rate limiter: `DeliveryService` paces them to this process's share of Telegram's ~30
    messages/s and handles 429s itself. (AIORateLimiter pauses every request on a 429, then
    lets all that queued meanwhile go at once: a burst that earns the next 429.)"""
    bot: ExtBot = ExtBot(  # type: ignore[type-arg]
        application.bot.token,
        base_url=settings.api_base_url,
        base_file_url=settings.api_file_url,
        request=AiohttpRequest(DELIVERY_CONNECTIONS),
    )
    await bot.initialize()
    return bot


async def _repair(coach: Coach) -> None:
    try:
        repaired = await coach.delivery.repair()
    except Exception:
        log.exception("scheduling missing daily messages failed; retried at the next start")
        return
    if repaired:
        log.info("scheduled daily messages for %d athletes that had none", repaired)


async def shutdown(application: Application) -> None:  # type: ignore[type-arg]
    gc.unfreeze()
    delivery_bot: Any = application.bot_data.get("delivery_bot")
    if delivery_bot is not None:
        await delivery_bot.shutdown()
    database: Any = application.bot_data.get("db")
    if database is not None:
        await database.dispose()
