"""Shared by the handler modules: who an update is from, and sending the coach's replies."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.coach.replies import Keyboard, Reply, Who
from bot.coach.service import Coach


def coach(context: ContextTypes.DEFAULT_TYPE) -> Coach:
    result: Coach = context.application.bot_data["coach"]
    return result


def who(update: Update) -> Who | None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    return Who(
        user_id=user.id,
        chat_id=chat.id,
        name=user.first_name or "",
        language_code=user.language_code,
        chat_type=chat.type,
        update_id=update.update_id,
        message_id=update.effective_message.message_id
        if update.effective_message is not None and update.callback_query is None
        else None,
    )


def markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.data)
                for b in row
            ]
            for row in buttons
        ]
    )


async def send(update: Update, context: ContextTypes.DEFAULT_TYPE, replies: list[Reply]) -> None:
    """Deliver replies in order: edits replace the pressed message, toasts answer the press."""
    query = update.callback_query
    chat = update.effective_chat
    toast: str | None = None
    for reply in replies:
        if reply.toast:
            toast = reply.toast
        kwargs: dict[str, Any] = {
            "parse_mode": ParseMode.HTML,
            "reply_markup": markup(reply.buttons),
        }
        if reply.edit and query is not None and query.message is not None:
            await query.edit_message_text(reply.text, **kwargs)
        elif reply.photo is not None and chat is not None:
            await context.bot.send_photo(chat.id, reply.photo, caption=reply.text or None, **kwargs)
        elif reply.document is not None and chat is not None:
            name, content = reply.document
            await context.bot.send_document(
                chat.id, InputFile(content, filename=name), caption=reply.text or None, **kwargs
            )
        elif reply.text and chat is not None:
            await context.bot.send_message(chat.id, reply.text, **kwargs)
    if query is not None:
        await query.answer(toast)
