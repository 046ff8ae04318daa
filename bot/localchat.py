"""Local chat mode: the same Application, handlers and database, talking to the terminal.

A Bot API transport that never touches the network: what the bot sends is printed as plain
text, inline buttons are numbered (type the number to press one), and typed lines become
messages. `:next-day` moves the coach's clock to the next morning's delivery time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.app import build_application, shutdown, startup
from bot.clock import OffsetClock
from bot.settings import Settings
from handlers.today import TelegramSender

USER_ID = CHAT_ID = 1
BOT_USER = {"id": 999, "is_bot": True, "first_name": "RunStrong", "username": "runstrong_local_bot"}
META_HELP = (
    "Local chat: type messages and /commands as in Telegram; a number presses a button.\n"
    "  :next-day  jump to tomorrow's delivery time    :say TEXT  send TEXT even if it is a number\n"
    "  :quit (or Ctrl-D)  leave"
)


def plain(text: str) -> str:
    """Telegram HTML → terminal text."""
    return html.unescape(re.sub(r"</?(b|i|u|s|code|pre|a)( [^>]*)?>", "", text))


class TerminalTransport(BaseRequest):
    """Answers Bot API calls in-process and prints what a user would see."""

    def __init__(self, out: TextIO, media_dir: Path) -> None:
        self.out = out
        self.media_dir = media_dir
        self.message_id = 0
        self.buttons: list[tuple[str, str, int]] = []  # (label, callback data, message id)
        self.texts: dict[int, str] = {}

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return None

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kw: Any
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        result = self._handle(api_method, params, request_data)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        self.message_id += 1
        return {
            "message_id": self.message_id,
            "date": int(dt.datetime.now(dt.UTC).timestamp()),
            "chat": {"id": CHAT_ID, "type": "private"},
            "from": BOT_USER,
            **extra,
        }

    def _show(self, text: str, markup: Any, message_id: int) -> None:
        self.out.write("\n" + plain(text).strip() + "\n")
        keyboard = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        if keyboard:
            self.buttons = []
            for row in keyboard:
                cells = []
                for button in row:
                    if "callback_data" in button:
                        self.buttons.append((button["text"], button["callback_data"], message_id))
                        cells.append(f"[{len(self.buttons)}] {button['text']}")
                    else:
                        cells.append(f"{button['text']} ({button.get('url', '')})")
                self.out.write("   " + "   ".join(cells) + "\n")
        self.out.flush()

    def _save(self, kind: str, request_data: RequestData | None) -> Path | None:
        files = request_data.multipart_data if request_data else {}
        for _field, value in files.items():
            filename, content = value[0], value[1]
            self.media_dir.mkdir(parents=True, exist_ok=True)
            path = self.media_dir / f"{self.message_id}-{filename or kind}"
            path.write_bytes(content if isinstance(content, bytes) else content.read())
            return path
        return None

    def _handle(self, method: str, params: dict[str, Any], request_data: RequestData | None) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            message = self._message(params, text=params.get("text", ""))
            self._show(params.get("text", ""), params.get("reply_markup"), message["message_id"])
            return message
        if method in ("sendPhoto", "sendDocument"):
            message = self._message(params, caption=params.get("caption"))
            path = self._save(method[4:].lower(), request_data)
            self.out.write(f"\n[{method[4:].lower()} saved to {path}]\n")
            if params.get("caption"):
                self._show(params["caption"], params.get("reply_markup"), message["message_id"])
            return message
        if method == "editMessageText":
            self._show(
                params.get("text", ""), params.get("reply_markup"), int(params["message_id"])
            )
            return {
                "message_id": int(params["message_id"]),
                "date": int(dt.datetime.now(dt.UTC).timestamp()),
                "chat": {"id": CHAT_ID, "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        if method == "answerCallbackQuery":
            if params.get("text"):
                self.out.write(f"  ({params['text']})\n")
            return True
        if method == "getUpdates":
            return []
        return True


class LocalChat:
    def __init__(
        self, settings: Settings, *, out: TextIO = sys.stdout, name: str | None = None
    ) -> None:
        self.out = out
        self.clock = OffsetClock()
        self.transport = TerminalTransport(out, Path("data/local-chat"))
        self.application = build_application(
            settings, clock=self.clock, request=self.transport, token="1:local-chat"
        )
        self.application.bot_data["local_chat"] = True  # delivery runs on our clock, not a job
        self.name = name or os.environ.get("USER", "Runner").title() or "Runner"
        # Increasing across runs, like Telegram's, so a restarted chat is not taken for a
        # re-delivery of updates the coach already applied.
        self.update_id = int(time.time() * 1000)
        self.user_message_id = 10_000_000

    def _update(self, payload: dict[str, Any]) -> Update:
        self.update_id += 1
        update = Update.de_json({"update_id": self.update_id, **payload}, self.application.bot)
        assert update is not None
        return update

    def _user(self) -> dict[str, Any]:
        return {"id": USER_ID, "is_bot": False, "first_name": self.name, "language_code": "en"}

    def message_update(self, text: str) -> Update:
        self.user_message_id += 1
        message: dict[str, Any] = {
            "message_id": self.user_message_id,
            "date": int(self.clock.now().timestamp()),
            "chat": {"id": CHAT_ID, "type": "private"},
            "from": self._user(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._update({"message": message})

    def button_update(self, index: int) -> Update | None:
        if not 1 <= index <= len(self.transport.buttons):
            return None
        _label, data, message_id = self.transport.buttons[index - 1]
        return self._update(
            {
                "callback_query": {
                    "id": str(self.update_id + 1),
                    "from": self._user(),
                    "chat_instance": "local",
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(self.clock.now().timestamp()),
                        "chat": {"id": CHAT_ID, "type": "private"},
                        "from": BOT_USER,
                        "text": "",
                    },
                }
            }
        )

    async def handle_line(self, line: str) -> bool:
        """Process one typed line; False when the user wants to leave."""
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line in (":help", ":?"):
            self.out.write(META_HELP + "\n")
            return True
        if line == ":next-day":
            await self.next_day()
            return True
        if line.startswith(":say "):
            update: Update | None = self.message_update(line[5:])
        elif line.isdigit() and 1 <= int(line) <= len(self.transport.buttons):
            update = self.button_update(int(line))
        else:
            update = self.message_update(line)
        if update is not None:
            await self.application.process_update(update)
        await self.deliver_due()
        return True

    async def next_day(self) -> None:
        """Jump to the next scheduled message (or a day ahead) and deliver what is due."""
        now = self.clock.now()
        due = await self.application.bot_data["coach"].delivery.next_due()
        target = due if due is not None and due > now else now + dt.timedelta(days=1)
        self.clock.advance(target - now + dt.timedelta(seconds=1))
        self.out.write(f"\n⏩ It is now {self.clock.now():%a %d %b %Y, %H:%M} UTC.\n")
        await self.deliver_due()

    async def deliver_due(self) -> None:
        coach = self.application.bot_data["coach"]
        await coach.delivery.tick(TelegramSender(self.application.bot))

    async def run(self, lines: TextIO = sys.stdin) -> None:
        application = self.application
        await application.initialize()
        await startup(application)
        self.out.write(META_HELP + "\n")
        await self.handle_line("/start")
        loop = asyncio.get_running_loop()
        try:
            while True:
                self.out.write("\nyou> ")
                self.out.flush()
                line = await loop.run_in_executor(None, lines.readline)
                if not line:  # Ctrl-D
                    break
                if not await self.handle_line(line):
                    break
        finally:
            self.out.write("\nBye — keep running strong!\n")
            await shutdown(application)
            await application.shutdown()
