"""`runstrong run`: every chat platform that has a token, in one process, on one core and one
database. Telegram runs python-telegram-bot's Application (long polling or webhook, its job
queue for the daily messages); Discord runs the gateway (when this replica holds it), the
signed-interactions endpoint and its own delivery loop. SIGINT or SIGTERM stops them all,
each finishing what it is doing."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from urllib.parse import urlparse

from bot.clock import Clock, OffsetClock, SystemClock
from bot.coach.delivery import Sender
from bot.core import Core, freeze_start_up, open_core
from bot.settings import Settings

log = logging.getLogger("runstrong")
DELIVERY_TICK_S = 10.0
Stopper = Callable[[], Awaitable[None]]


# End-to-end tests only: the coach's clock runs this many seconds ahead of the system's, so
# a test can put a delivery minute a few seconds away instead of waiting for the next whole
# minute. Everything times itself from this clock, so the process behaves exactly as at that
# instant; a warning says so, as no deployment should set it.
CLOCK_OFFSET_ENV = "RUNSTRONG_CLOCK_OFFSET_S"


def process_clock() -> Clock:
    offset = os.environ.get(CLOCK_OFFSET_ENV)
    if not offset:
        return SystemClock()
    log.warning("%s=%s: the coach's clock is shifted (tests only)", CLOCK_OFFSET_ENV, offset)
    return OffsetClock(dt.timedelta(seconds=float(offset)))


async def serve(settings: Settings, clock: Clock | None = None) -> None:
    clock = clock or process_clock()
    core = await open_core(settings, clock)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    stoppers: list[Stopper] = []
    repair = asyncio.ensure_future(_repair(core))
    try:
        if settings.token:
            stoppers.append(await start_telegram(settings, core))
        if settings.discord_token:
            stoppers.append(await start_discord(settings, core, stop))
        log.info("RunStrong is running on %s", " and ".join(settings.platforms))
        await stop.wait()
    finally:
        log.info("stopping")
        for stopper in reversed(stoppers):
            try:
                await stopper()
            except Exception:
                log.exception("stopping a platform failed")
        repair.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await repair
        await core.database.dispose()


async def _repair(core: Core) -> None:
    """Athletes missing their scheduled rows get them, in the background: a large database
    never delays answering messages."""
    try:
        repaired = await core.delivery.repair()
    except Exception:
        log.exception("scheduling missing daily messages failed; retried at the next start")
        return
    if repaired:
        log.info("scheduled daily messages for %d athletes that had none", repaired)


async def start_telegram(settings: Settings, core: Core) -> Stopper:
    from telegram import Update

    from bot.app import build_application, shutdown, startup

    application = build_application(settings, clock=core.clock, core=core)
    await application.initialize()
    await startup(application)
    updater = application.updater
    assert updater is not None
    if settings.webhook_url:
        log.info("Telegram: webhook %s", urlparse(settings.webhook_url).netloc)
        await updater.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value()
            if settings.webhook_secret
            else None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("Telegram: long polling")
        await updater.start_polling(allowed_updates=Update.ALL_TYPES, timeout=settings.poll_timeout)
    await application.start()

    async def stop() -> None:
        if updater.running:
            await updater.stop()
        await application.stop()
        await shutdown(application)
        await application.shutdown()

    return stop


async def start_discord(settings: Settings, core: Core, stop: asyncio.Event) -> Stopper:
    from handlers.discord.adapter import DiscordAdapter, DiscordSender
    from handlers.discord.gateway import hold_gateway
    from handlers.discord.interactions import InteractionServer

    token, app_id = settings.discord_token, settings.discord_app_id
    assert token is not None and app_id is not None
    adapter = DiscordAdapter(
        core, token=token, api_url=settings.discord_api_url, application_id=app_id
    )
    await adapter.start()
    if await adapter.sync_commands():
        log.info("Discord: slash commands updated")
    recovered = await adapter.recover()
    if recovered:
        log.info("Discord: handling %d DM events kept before the last stop", recovered)
    server: InteractionServer | None = None
    if settings.discord_interactions_port is not None and settings.discord_public_key:
        server = InteractionServer(
            adapter,
            settings.discord_public_key,
            settings.discord_interactions_listen,
            settings.discord_interactions_port,
        )
        await server.start()

    async def hold(lost: asyncio.Event) -> None:
        gateway = adapter.gateway()
        await gateway.start(check_for_updates=False)
        log.info("Discord: gateway connected")
        try:
            await lost.wait()
        finally:
            await gateway.close()

    sender = DiscordSender(adapter, settings.discord_send_rate_per_second)
    tasks = [
        asyncio.ensure_future(hold_gateway(core.database, hold, stop)),
        asyncio.ensure_future(delivery_loop(core, sender, stop, adapter.sweep)),
    ]
    log.info("Discord: ready (%d start-up objects frozen)", freeze_start_up())

    async def stop_discord() -> None:
        gc.unfreeze()
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        if server is not None:
            await server.stop()
        await adapter.close()

    return stop_discord


async def delivery_loop(
    core: Core,
    sender: Sender,
    stop: asyncio.Event,
    housekeeping: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Send what is due on the sender's platform every few seconds (the database says
    what), waking exactly when the next message is due if that is sooner, including one
    scheduled meanwhile (a /time a minute ahead)."""
    scheduled: list[dt.datetime] = []  # due times scheduled here since the last round
    woken = asyncio.Event()

    def rescheduled(platform: str, due: dt.datetime) -> None:
        if platform == sender.platform:
            scheduled.append(due)
            woken.set()

    core.delivery.listeners.append(rescheduled)
    try:
        while not stop.is_set():
            upcoming = await _delivery_round(core, sender, housekeeping)
            woken.clear()
            next_round = core.clock.now() + dt.timedelta(seconds=DELIVERY_TICK_S)
            while not stop.is_set():
                soonest = min([next_round, *scheduled, *([upcoming] if upcoming else [])])
                wait = max(0.05, (soonest - core.clock.now()).total_seconds() + 0.05)
                stopping = asyncio.ensure_future(stop.wait())
                waking = asyncio.ensure_future(woken.wait())
                done, pending = await asyncio.wait(
                    {stopping, waking}, timeout=wait, return_when=asyncio.FIRST_COMPLETED
                )
                for task in pending:
                    task.cancel()
                if waking not in done:
                    break  # time for a round (or stopping)
                woken.clear()  # a new due time: wait again, for the sooner of them
            scheduled.clear()
    finally:
        core.delivery.listeners.remove(rescheduled)


async def _delivery_round(
    core: Core, sender: Sender, housekeeping: Callable[[], Awaitable[None]] | None
) -> dt.datetime | None:
    """One tick and the housekeeping after it; when the next message is due."""
    try:
        result = await core.delivery.tick(sender)
        if result.sent or result.missed or result.blocked or result.retried:
            log.info(
                "%s delivery: sent %d (late %d), missed %d, blocked %d, retry %d",
                sender.platform, result.sent, result.late, result.missed, result.blocked,
                result.retried,
            )  # fmt: skip
        await core.tidy()
        if housekeeping is not None:
            await housekeeping()
        return await core.delivery.next_due(sender.platform)
    except Exception:
        log.exception("%s delivery tick failed", sender.platform)
        return None
