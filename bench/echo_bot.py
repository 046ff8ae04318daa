"""The baseline for the update-throughput benchmark: a bare python-telegram-bot echo bot on
the same fake Bot API server. Whatever RunStrong costs on top of PTB shows up as the ratio.

Run as `python -m bench.echo_bot` with TELEGRAM_BOT_TOKEN and TELEGRAM_BASE_URL (the server
root, as for the real bot) in the environment.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


def main() -> None:
    root = os.environ["TELEGRAM_BASE_URL"].rstrip("/")
    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.run_polling(
        allowed_updates=Update.ALL_TYPES, timeout=int(os.environ.get("POLL_TIMEOUT", "1"))
    )


if __name__ == "__main__":
    main()
