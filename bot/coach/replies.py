"""Transport-agnostic answers: what the coach says, with which buttons.

Telegram handlers (and later a Discord adapter) turn these into platform messages.
Text is Telegram-style HTML limited to <b>, <i> and <code>.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    label: str
    data: str = ""  # callback data, ≤ 64 bytes
    url: str | None = None  # a link button instead of a callback


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    text: str = ""
    buttons: Keyboard = ()
    edit: bool = False  # replace the message whose button was pressed instead of sending anew
    photo: bytes | None = None
    document: tuple[str, bytes] | None = None  # (filename, content)
    toast: str | None = None  # short pop-up answer to a button press


@dataclass(frozen=True)
class Who:
    """The person and chat an update comes from."""

    user_id: int
    chat_id: int
    name: str = ""
    language_code: str | None = None
    chat_type: str = "private"
    platform: str = "telegram"
    update_id: int | None = None  # for skipping re-delivered updates
    message_id: int | None = None  # the user's message this update carries, if any

    @property
    def is_private(self) -> bool:
        return self.chat_type == "private"


def keyboard(*rows: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> Keyboard:
    """Build a keyboard from rows of (label, data) pairs."""
    return tuple(tuple(Button(label, data) for label, data in row) for row in rows)


def columns(items: list[tuple[str, str]], width: int) -> Keyboard:
    """Lay (label, data) pairs out `width` to a row."""
    return tuple(
        tuple(Button(label, data) for label, data in items[i : i + width])
        for i in range(0, len(items), width)
    )
