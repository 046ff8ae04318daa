"""Workout logging: /log (how to), /undo, /run, and edits of a sent log. Typed logs arrive
through the text fallback (Coach.text), answers to log questions through the `lg:` buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from handlers.common import coach, send, who


async def log_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if who(update) is not None:
        await send(update, context, coach(context).logbook.grammar())


async def undo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).logbook.undo(w))


async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    if (w := who(update)) is not None and message is not None and message.text is not None:
        await send(update, context, await coach(context).logbook.run(w, message.text))


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.edited_message
    if (w := who(update)) is not None and message is not None and message.text is not None:
        replies = await coach(context).logbook.edited(w, message.message_id, message.text)
        await send(update, context, replies)


def register(application: Application) -> None:  # type: ignore[type-arg]
    # New messages only: an edited "/undo" must not undo a second time.
    new = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("log", log_help, filters=new))
    application.add_handler(CommandHandler("undo", undo, filters=new))
    application.add_handler(CommandHandler("run", run, filters=new))
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, edited)
    )
