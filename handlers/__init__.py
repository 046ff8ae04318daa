"""python-telegram-bot handlers, one module per feature; thin: read the update, call the coach,
send its replies."""

from __future__ import annotations

from telegram.ext import Application

from handlers import errors, history, logging, onboarding, today


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Register every handler. Order matters: commands and buttons first, feature text
    handlers next, catch-alls last (PTB stops at the first matching handler in a group)."""
    onboarding.register(application)
    history.register(application)  # before the fallbacks: its document handler wins
    today.register(application)
    logging.register(application)  # before the text fallback: /undo, /run, edited logs
    onboarding.register_fallbacks(application)
    application.add_error_handler(errors.on_error)
