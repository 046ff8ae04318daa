"""The composition root for Telegram: the python-telegram-bot Application around the coach's
core, its one update handler, the delivery job and the command menu."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ExtBot

from bot.clock import Clock, SystemClock
from bot.core import Core, freeze_start_up, open_core
from bot.inbox import Inbox
from bot.settings import Settings
from handlers.telegram import adapter
from handlers.telegram.adapter import (
    PLATFORM,
    DurableUpdates,
    TelegramSender,
    delivery_tick,
    recover_updates,
    set_commands,
    wake_on_schedule,
)
from handlers.telegram.ordering import PerChatUpdateProcessor
from handlers.telegram.transport import AiohttpRequest

log = logging.getLogger("runstrong")
DELIVERY_TICK_SECONDS = 10
# Updates handled at once (different chats in parallel, one chat in order).
CONCURRENT_UPDATES = 64
# HTTP connections for replies, and for daily messages; requests beyond these wait for a free
# connection. A handful carry far more than Telegram's ~30 messages/s at its round-trip times.
REPLY_CONNECTIONS = 8
DELIVERY_CONNECTIONS = 16


def build_application(
    settings: Settings, *, clock: Clock | None = None, core: Core | None = None
) -> Application:  # type: ignore[type-arg]
    """Build (not start) the Telegram Application. `core`: share one built elsewhere (with
    Discord in the same process); otherwise `startup` builds it."""
    transport = AiohttpRequest(REPLY_CONNECTIONS)
    # Replies answer one person who just wrote: not bulk, so no overall cap (it queued
    # answers behind the daily run); its limiter waits out and retries 429s. Daily messages
    # go through their own bot below, paced by the delivery service.
    limiter: Any = AIORateLimiter(overall_max_rate=0, max_retries=3)
    polling = AiohttpRequest(1)  # getUpdates only: each call acknowledges the last batch
    application = (
        ApplicationBuilder()
        .token(settings.token or "")
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .post_init(startup)
        .post_shutdown(shutdown)
        .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
        .update_queue(DurableUpdates())
        .rate_limiter(limiter)
        .request(transport)
        .get_updates_request(polling)
        .build()
    )
    application.bot_data["settings"] = settings
    application.bot_data["clock"] = clock or SystemClock()
    application.bot_data["transport"] = transport
    application.bot_data["polling_transport"] = polling
    if core is not None:
        application.bot_data["core"] = core
    adapter.register(application)
    return application


async def startup(application: Application) -> None:  # type: ignore[type-arg]
    """Runs once the bot is initialised: schema upgrade, the core, the command menu, the
    delivery job."""
    settings: Settings = application.bot_data["settings"]
    core: Core | None = application.bot_data.get("core")
    owned = core is None
    if core is None:
        core = await open_core(settings, application.bot_data["clock"])
        application.bot_data["core"] = core
    application.bot_data["owns_core"] = owned
    application.bot_data["dispatcher"] = core.dispatcher
    application.bot_data["db"] = core.database
    # Nothing fetched is acknowledged before it is kept; what a stopped process left is
    # handled first.
    inbox = Inbox(core.storage, core.clock, PLATFORM)
    application.bot_data["inbox"] = inbox
    if isinstance(application.update_queue, DurableUpdates):
        application.update_queue.inbox = inbox
        application.update_queue.polling = not settings.webhook_url
        polling = application.bot_data.get("polling_transport")
        if isinstance(polling, AiohttpRequest):
            polling.before_request = inbox.save
    recovered = await recover_updates(application, sweep=False)
    if recovered:
        log.info("handling %d updates kept before the last stop", recovered)
    await set_commands(application.bot)
    delivery_bot = await _delivery_bot(application, settings)
    application.bot_data["delivery_bot"] = delivery_bot
    application.bot_data["sender"] = TelegramSender(delivery_bot, settings.send_rate_per_second)
    if owned:
        # Athletes missing their scheduled rows get them in the background, so a large
        # database never delays answering messages.
        application.bot_data["repair_task"] = application.create_task(
            repair(core), name="delivery-repair"
        )
    if application.job_queue is not None:
        # The database says what is due; this job only wakes the sender up.
        application.job_queue.run_repeating(
            delivery_tick, interval=DELIVERY_TICK_SECONDS, first=0.2, name="delivery"
        )
        wake_on_schedule(application)
    frozen = freeze_start_up()
    log.info(
        "RunStrong ready on Telegram as @%s (database: %s, event loop: %s, %d start-up objects "
        "frozen)",
        application.bot.username,
        core.database.dialect,
        type(asyncio.get_running_loop()).__module__.split(".")[0],
        frozen,
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


async def repair(core: Core) -> None:
    try:
        repaired = await core.delivery.repair()
    except Exception:
        log.exception("scheduling missing daily messages failed; retried at the next start")
        return
    if repaired:
        log.info("scheduled daily messages for %d athletes that had none", repaired)


async def shutdown(application: Application) -> None:  # type: ignore[type-arg]
    gc.unfreeze()
    inbox: Inbox | None = application.bot_data.get("inbox")
    if inbox is not None:
        await inbox.close()
    delivery_bot: Any = application.bot_data.get("delivery_bot")
    if delivery_bot is not None:
        await delivery_bot.shutdown()
    core: Core | None = application.bot_data.get("core")
    if core is not None and application.bot_data.get("owns_core"):
        await core.database.dispose()
