"""The last line of defence: log the failure with the update id, apologise to the runner."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

log = logging.getLogger("runstrong.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            "Sorry — something went wrong on my side. Please try that again in a moment.",
        )
    except TelegramError:
        log.warning("could not send the apology for update %s", update_id)
