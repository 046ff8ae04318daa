"""/history, /progress, /summary, /export, /deleteme, CSV imports sent as documents, and the
delete confirmation buttons ("hi:")."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from handlers.common import coach, send, who


def _args(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(context.args or [])


async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).history.history(w, _args(context)))


async def progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).history.progress(w, _args(context)))


async def summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).history.summary(w))


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).history.export(w))


async def deleteme(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).history.delete_request(w))


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Size and type are checked before downloading, so a huge file never reaches us."""
    message = update.message
    if (w := who(update)) is None or message is None or message.document is None:
        return
    doc = message.document
    use_cases = coach(context).history
    name = doc.file_name or ""
    refused = use_cases.precheck_document(w, name, doc.file_size)
    if refused or not w.is_private:
        await send(update, context, refused)
        return
    content = bytes(await (await doc.get_file()).download_as_bytearray())
    await send(update, context, await use_cases.import_document(w, name, content, doc.file_size))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if (w := who(update)) is not None and query is not None:
        data = (query.data or "").removeprefix("hi:")
        await send(update, context, await coach(context).history.delete_confirm(w, data))
    raise ApplicationHandlerStop  # answered: the generic button handler must not see it


def register(application: Application) -> None:  # type: ignore[type-arg]
    # Group -1 runs before the generic CallbackQueryHandler of onboarding (group 0), which
    # matches every button; ApplicationHandlerStop keeps it from answering "hi:" presses too.
    application.add_handler(CallbackQueryHandler(button, pattern="^hi:"), group=-1)
    application.add_handler(CommandHandler("history", history))
    application.add_handler(CommandHandler("progress", progress))
    application.add_handler(CommandHandler("summary", summary))
    application.add_handler(CommandHandler("export", export))
    application.add_handler(CommandHandler("deleteme", deleteme))
    # Before onboarding's catch-all for non-text messages, which would answer "Nice file!".
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.Document.ALL, document)
    )
