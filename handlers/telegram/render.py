"""The coach's messages as Telegram writes them: HTML (<b>, <i>, <code>, <a>; everything
else escaped) and inline keyboards whose callback data is the action codec's."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.coach.actions import encode
from bot.coach.messages import Keyboard
from plans.text import Text, split

MAX_TEXT = 4096  # Telegram's limit for a message
MAX_CAPTION = 1024  # and for a photo's or document's caption
_TAGS = {"bold": "b", "italic": "i", "code": "code"}


def to_html(value: Text) -> str:
    parts: list[str] = []
    for span in value.spans:
        escaped = html.escape(span.text, quote=False)
        if span.style == "link":
            parts.append(f'<a href="{html.escape(span.url, quote=True)}">{escaped}</a>')
        elif span.style in _TAGS:
            tag = _TAGS[span.style]
            parts.append(f"<{tag}>{escaped}</{tag}>")
        else:
            parts.append(escaped)
    return "".join(parts)


def pieces(value: Text, limit: int = MAX_TEXT) -> list[str]:
    """The text as one or more messages within Telegram's limit (markup included)."""
    room = limit
    while True:
        rendered = [to_html(part) for part in split(value, room)]
        if all(len(r) <= limit for r in rendered) or room < 200:
            return rendered
        room -= room // 4


def private_chat_url(bot_username: str) -> str:
    return f"https://t.me/{bot_username}?start=private"


def markup(buttons: Keyboard, bot_username: str = "") -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = []
    for row in buttons:
        cells = []
        for b in row:
            if b.action is not None:
                cells.append(InlineKeyboardButton(b.label, callback_data=encode(b.action)))
            elif b.private_chat and bot_username:
                cells.append(InlineKeyboardButton(b.label, url=private_chat_url(bot_username)))
            elif b.url:
                cells.append(InlineKeyboardButton(b.label, url=b.url))
        if cells:
            rows.append(cells)
    return InlineKeyboardMarkup(rows) if rows else None
