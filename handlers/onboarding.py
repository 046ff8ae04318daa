"""/start, setup questions, /back, /cancel, /help, /settings and the buttons they show."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from handlers.common import coach, send, who


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).start(w))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).help(w))


async def back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).back(w))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).cancel(w))


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).settings(w))


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    if (w := who(update)) is not None and message is not None and message.text is not None:
        await send(update, context, await coach(context).text(w, message.text))


async def other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    if (w := who(update)) is None or message is None:
        return
    kind = (
        "sticker"
        if message.sticker
        else "photo"
        if message.photo
        else "voice note"
        if message.voice or message.audio
        else "video"
        if message.video or message.video_note
        else "file"
        if message.document
        else "message"
    )
    await send(update, context, await coach(context).non_text(w, kind))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if (w := who(update)) is not None and query is not None:
        await send(update, context, await coach(context).button(w, query.data or ""))


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("back", back))
    application.add_handler(CommandHandler("cancel", cancel))
    application.add_handler(CommandHandler("settings", settings))
    application.add_handler(CallbackQueryHandler(button))


def register_fallbacks(application: Application) -> None:  # type: ignore[type-arg]
    """Catch-alls: registered last so feature handlers see messages first."""
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, text)
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, unknown_command)
    )
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, other))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None and update.effective_chat.type == "private":
        await context.bot.send_message(
            update.effective_chat.id, "I don't know that command. /help lists the ones I do."
        )
