"""What the coach says, whichever chat it goes to: rich text, buttons carrying typed actions,
an attachment, and what to do with the pressed message. The adapters in `handlers/` render
it (Telegram HTML and inline keyboards, Discord Markdown and components, terminal text)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.coach.actions import Action
from plans.text import Text, TextLike, text


@dataclass(frozen=True)
class Button:
    """A button: it carries an `action` back to the coach, opens a `url`, or opens the
    private chat with the coach (`private_chat`: each adapter knows how on its platform)."""

    label: str
    action: Action | None = None
    url: str | None = None
    private_chat: bool = False


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Attachment:
    """A file sent with the message: a chart (`photo`) or an export (`document`)."""

    kind: Literal["photo", "document"]
    filename: str
    content: bytes


@dataclass(frozen=True)
class Message:
    """One message from the coach.

    `edit`: replaces the message whose button was pressed instead of arriving anew;
    `ack`: the short acknowledgement of a button press (a toast); a message with only an
    `ack` sends nothing else.
    """

    text: Text = field(default_factory=Text)
    buttons: Keyboard = ()
    edit: bool = False
    attachment: Attachment | None = None
    ack: str | None = None


def say(
    *parts: TextLike, buttons: Keyboard = (), edit: bool = False, ack: str | None = None
) -> Message:
    """A message of `parts` (strings, spans, texts)."""
    return Message(text(*parts), buttons, edit, ack=ack)


def acknowledge(note: str) -> Message:
    """Only a short acknowledgement of the pressed button."""
    return Message(ack=note)


def row(*buttons: Button) -> tuple[Button, ...]:
    return tuple(buttons)


def grid(buttons: list[Button], width: int) -> Keyboard:
    """Buttons `width` to a row."""
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


EXPIRED = acknowledge("That button has expired.")
