"""The local chat: the coach's core in a terminal, no token and no network. Typed lines become
intents for the same dispatcher the chat platforms use; messages print as plain text with
numbered buttons (type the number to press one). Its athlete has the platform "terminal", so
it can never get a Telegram or Discord message, and the platforms' athletes never get its.

Meta commands: `:next-day` moves the coach's clock to the next delivery time (kept across
restarts), `:send PATH` sends a file (a Strong or Hevy CSV imports), `:edit TEXT` edits your
last message, `:say TEXT` sends TEXT even if it is a number, `\"\"\"` starts and ends a
multi-line message, `:help`, `:quit` (or Ctrl-D).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TextIO

from bot.clock import OffsetClock
from bot.coach.actions import Action
from bot.coach.commands import listed
from bot.coach.delivery import Sender
from bot.coach.intents import Command, Edited, Intent, Pressed, Said, Uploaded, Who
from bot.coach.messages import Message
from bot.core import Core, open_core
from bot.settings import Settings
from plans.text import Text

PLATFORM = "terminal"
USER_ID = CHAT_ID = 1
log = logging.getLogger("runstrong.terminal")
META_HELP = """\
Local chat: type messages and /commands; a number presses a button.
  :next-day   jump to the next daily message    :send PATH  send a file (CSV import)
  :edit TEXT  edit your last message            \"\"\"         start/end a multi-line message
  :say TEXT   send TEXT even if it is a number  :quit (or Ctrl-D)  leave"""


def plain(value: Text) -> str:
    """Terminal text: the words, links with their address."""
    return "".join(
        f"{s.text} ({s.url})" if s.style == "link" and s.url else s.text for s in value.spans
    )


class TerminalSender:
    """The local chat's scheduled messages: printed like any other message."""

    platform = PLATFORM
    send_rate: float | None = None

    def __init__(self, chat: LocalChat) -> None:
        self.chat = chat

    async def send(self, chat_id: int, message: Message) -> int:
        self.chat.show([message])
        return self.chat.next_message_id()


class LocalChat:
    def __init__(
        self,
        core: Core,
        clock: OffsetClock,
        *,
        out: TextIO = sys.stdout,
        name: str | None = None,
        state: Path = Path("data/local-chat"),
    ) -> None:
        self.core = core
        self.clock = clock
        self.out = out
        self.name = name or os.environ.get("USER", "Runner").title() or "Runner"
        self.state = state
        self.buttons: list[Action] = []
        self.bot_message = 0
        self.user_message = 0
        self.last_sent: int | None = None
        self.sender: Sender = TerminalSender(self)
        self._load()

    # --- the clock and ids kept across restarts --------------------------------------------

    @property
    def _state_file(self) -> Path:
        return self.state / "chat.json"

    def _load(self) -> None:
        try:
            saved = json.loads(self._state_file.read_text())
        except (OSError, ValueError):
            return
        self.clock.offset = dt.timedelta(seconds=float(saved.get("clock_offset_s", 0)))
        self.user_message = int(saved.get("user_message", 0))
        self.last_sent = saved.get("last_sent")

    def _save(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        self._state_file.write_text(
            json.dumps(
                {
                    "clock_offset_s": self.clock.offset.total_seconds(),
                    "user_message": self.user_message,
                    "last_sent": self.last_sent,
                }
            )
        )

    def next_message_id(self) -> int:
        self.bot_message += 1
        return self.bot_message

    def _who(self, message_id: int | None = None) -> Who:
        # Event keys unique across restarts: the core applies each event once.
        return Who(
            PLATFORM,
            USER_ID,
            CHAT_ID,
            name=self.name,
            language_code="en",
            event=f"t{time.time_ns()}",
            message_id=message_id,
        )

    # --- showing messages -----------------------------------------------------------------

    def show(self, messages: list[Message]) -> None:
        for message in messages:
            if message.attachment is not None:
                path = self._save_file(message.attachment.filename, message.attachment.content)
                self.out.write(f"\n[{message.attachment.kind} saved to {path}]\n")
            if message.text:
                self.out.write("\n" + plain(message.text).strip() + "\n")
            elif message.ack and not message.attachment:
                self.out.write(f"  ({message.ack})\n")
            if message.buttons:
                self.buttons = []
                for row in message.buttons:
                    cells = []
                    for button in row:
                        if button.action is not None:
                            self.buttons.append(button.action)
                            cells.append(f"[{len(self.buttons)}] {button.label}")
                    if cells:
                        self.out.write("   " + "   ".join(cells) + "\n")
        self.out.flush()

    def _save_file(self, filename: str, content: bytes) -> Path:
        folder = self.state / "files"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.next_message_id()}-{filename}"
        path.write_bytes(content)
        return path.resolve()

    # --- typed lines ----------------------------------------------------------------------

    def intent(self, line: str) -> Intent | None:
        """What a typed line means; None for a meta command handled here."""
        if line.startswith(":say "):
            return self._said(line[5:])
        if line.startswith(":edit "):
            if self.last_sent is None:
                self.out.write("Nothing to edit yet.\n")
                return None
            return Edited(self._who(self.last_sent), self.last_sent, line[6:])
        if line.startswith(":send "):
            return self._file(Path(line[6:].strip()).expanduser())
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            return Pressed(self._who(), self.buttons[int(line) - 1])
        if line.startswith("/"):
            head, _, args = line[1:].partition(" ")
            return Command(self._who(self._new_message()), head.lower(), args.strip())
        return self._said(line)

    def _said(self, text: str) -> Said:
        message_id = self._new_message()
        self.last_sent = message_id
        return Said(self._who(message_id), text)

    def _new_message(self) -> int:
        self.user_message += 1
        self._save()
        return self.user_message

    def _file(self, path: Path) -> Uploaded | None:
        if not path.is_file():
            self.out.write(f"No file at {path}.\n")
            return None
        size = path.stat().st_size

        def read_file(limit: int) -> bytes | None:
            with path.open("rb") as handle:
                content = handle.read(limit + 1)
            return None if len(content) > limit else content

        async def read(limit: int) -> bytes | None:
            return await asyncio.to_thread(read_file, limit)

        async def progress(note: Message) -> None:
            self.show([note])

        return Uploaded(self._who(self._new_message()), path.name, size, read, progress)

    async def handle_line(self, line: str) -> bool:
        """Process one typed line (or block); False when the user wants to leave."""
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line in (":help", ":?"):
            commands = "\n".join(f"  {c.shown} — {c.menu}" for c in listed())
            self.out.write(META_HELP + "\n\nCommands:\n" + commands + "\n")
            return True
        if line == ":next-day":
            await self.next_day()
            return True
        intent = self.intent(line)
        if intent is not None:
            try:
                self.show(await self.core.dispatcher.handle(intent))
            except Exception:
                log.exception("the local chat's message failed")
                self.out.write("\nSorry — something went wrong on my side.\n")
        await self.deliver_due()
        return True

    async def next_day(self) -> None:
        """Jump to the next scheduled message (or a day ahead) and deliver what is due."""
        now = self.clock.now()
        due = await self.core.delivery.next_due(PLATFORM)
        target = due if due is not None and due > now else now + dt.timedelta(days=1)
        self.clock.advance(target - now + dt.timedelta(seconds=1))
        self._save()
        self.out.write(f"\n⏩ It is now {self.clock.now():%a %d %b %Y, %H:%M} UTC.\n")
        await self.deliver_due()

    async def deliver_due(self) -> None:
        await self.core.delivery.tick(self.sender)

    async def _lines(self, source: TextIO) -> str | None:
        """The next typed line, or a multi-line block between two lines of `\"\"\"` (or
        lines ended with a backslash); None at the end of input."""
        loop = asyncio.get_running_loop()
        line = await loop.run_in_executor(None, source.readline)
        if not line:
            return None
        if line.strip() == '"""':
            block: list[str] = []
            while (more := await loop.run_in_executor(None, source.readline)) and (
                more.strip() != '"""'
            ):
                block.append(more.rstrip("\n"))
            return "\n".join(block)
        rows = [line.rstrip("\n")]
        while rows[-1].endswith("\\"):
            rows[-1] = rows[-1][:-1]
            more = await loop.run_in_executor(None, source.readline)
            if not more:
                break
            rows.append(more.rstrip("\n"))
        return "\n".join(rows)

    async def run(self, lines: TextIO = sys.stdin) -> None:
        await self.core.delivery.repair()
        self.out.write(META_HELP + "\n")
        await self.handle_line("/start")
        try:
            while True:
                self.out.write("\nyou> ")
                self.out.flush()
                line = await self._lines(lines)
                if line is None:  # Ctrl-D
                    break
                if not await self.handle_line(line):
                    break
        finally:
            self._save()
            self.out.write("\nBye — keep running strong!\n")


async def run_local_chat(
    settings: Settings,
    *,
    lines: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    name: str | None = None,
    state: Path = Path("data/local-chat"),
) -> LocalChat:
    """Open the operator's database and chat in the terminal until `:quit` or Ctrl-D."""
    clock = OffsetClock()
    core = await open_core(settings, clock)
    chat = LocalChat(core, clock, out=out, name=name, state=state)
    try:
        await chat.run(lines)
    finally:
        await core.database.dispose()
    return chat
