"""What reaches the coach from any chat: who is talking, and what they did. Each adapter in
`handlers/` turns its platform's events into these; `bot.coach.dispatcher` routes them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.coach.actions import Action

if TYPE_CHECKING:
    from bot.coach.messages import Message


@dataclass(frozen=True)
class Who:
    """The person and the chat an event comes from.

    `event`: the platform's key for this event (an update, a message, an interaction, an
    edit at a given time), recorded with its effect so a re-delivered event applies once;
    None for events that change nothing. `message_id`: the person's message it carries.
    """

    platform: str
    user_id: int
    chat_id: int
    name: str = ""
    language_code: str | None = None
    private: bool = True
    event: str | None = None
    message_id: int | None = None

    @property
    def is_private(self) -> bool:
        return self.private


@dataclass(frozen=True)
class Command:
    """`/name args`."""

    who: Who
    name: str
    args: str = ""


@dataclass(frozen=True)
class Said:
    """A text message."""

    who: Who
    text: str


@dataclass(frozen=True)
class Edited:
    """The person edited an earlier message (`message_id`)."""

    who: Who
    message_id: int
    text: str


@dataclass(frozen=True)
class Pressed:
    """A button press; `action` None when its data doesn't decode (forged or stale)."""

    who: Who
    action: Action | None


Reader = Callable[[int], Awaitable[bytes | None]]
Progress = Callable[["Message"], Awaitable[None]]


@dataclass(frozen=True)
class Uploaded:
    """A file. `size` as the platform reports it (None when it doesn't); `read(limit)`
    downloads it, and gives None as soon as it passes `limit` bytes; `progress` sends a
    message right away, before the answer (long work says it is working)."""

    who: Who
    filename: str
    size: int | None
    read: Reader
    progress: Progress | None = None


@dataclass(frozen=True)
class Sent:
    """Something that isn't text or a file: a sticker, a photo, a voice note."""

    who: Who
    kind: str


@dataclass(frozen=True)
class Left:
    """The person blocked the bot or left the chat."""

    who: Who


Intent = Command | Said | Edited | Pressed | Uploaded | Sent | Left
