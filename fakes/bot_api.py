"""A small fake Telegram Bot API HTTP server for end-to-end tests and benchmarks.

Point a real python-telegram-bot ``Bot``/``Application`` at it::

    async with FakeBotApi(token="123:ABC") as api:
        bot = telegram.Bot("123:ABC", base_url=api.base_url, base_file_url=api.file_base_url)
        api.push_command(42, "start")
        call = await api.wait_for_message(42, contains="hi")

Standalone (for benchmarks): ``python -m fakes.bot_api --port 0 --token 123:ABC`` prints
the base URL and serves ``POST /_control/push`` (raw update JSON) and ``GET /_control/calls``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from types import TracebackType
from typing import Any

from aiohttp import ClientSession, web

JSONDict = dict[str, Any]

# Form/multipart values that must stay strings even when they look like JSON numbers.
_TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "url",
        "secret_token",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "data",
        "query",
        "title",
        "description",
        "short_description",
        "name",
    }
)
_SENT_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument", "editmessagetext"})
_CHAT_PREFIXES = ("send", "edit", "copy", "forward")
_MAX_UPLOAD = 64 * 1024 * 1024


@dataclass
class UploadedFile:
    filename: str
    content: bytes
    content_type: str


Files = dict[str, UploadedFile]


@dataclass
class Call:
    """One answered request. ``timestamp`` is its arrival (``time.monotonic()``);
    ``error_code`` is set when the fake answered ``ok: false``."""

    method: str
    params: JSONDict
    files: Files
    timestamp: float
    error_code: int | None = None
    result: Any = None


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    filename: str | None = None
    mime_type: str | None = None


@dataclass
class _FailRule:
    method: str
    chat_id: int | str | None
    times: int
    error_code: int
    description: str
    retry_after: int | None


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


@dataclass
class _Limits:
    global_per_s: int | None
    per_chat_per_s: int | None
    global_hits: deque[float] = field(default_factory=deque)
    chat_hits: dict[str, deque[float]] = field(default_factory=dict)


def _coerce(key: str, value: str) -> Any:
    """Undo PTB's form encoding: non-string values arrive JSON-encoded."""
    if key in _TEXT_KEYS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _same_chat(a: Any, b: Any) -> bool:
    return a is not None and b is not None and str(a) == str(b)


def _default_description(code: int, retry_after: int | None) -> str:
    return {
        429: f"Too Many Requests: retry after {retry_after}",
        403: "Forbidden: bot was blocked by the user",
        400: "Bad Request: injected failure",
        409: "Conflict: injected failure",
    }.get(code, "Internal Server Error: injected failure")


class FakeBotApi:
    """In-process fake of the Telegram Bot API; see module docstring."""

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "runstrong_test_bot",
        bot_first_name: str = "RunStrong",
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        head = token.split(":", 1)[0]
        self.bot_user: JSONDict = {
            "id": int(head) if head.isdigit() else 123456,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], JSONDict] = {}  # (chat_id, message_id) -> message
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.rate_limited_count = 0
        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(1)
        self._msg_ids: dict[int, itertools.count[int]] = {}
        self._chats: dict[int, JSONDict] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_ids = itertools.count(1)
        self._fail_rules: list[_FailRule] = []
        self._blocked: set[str] = set()
        self._limits: _Limits | None = None
        self._changed = asyncio.Event()
        self._poll_generation = 0
        self._closing = False
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> FakeBotApi:
        app = web.Application(client_max_size=_MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_post("/_control/push", self._handle_control_push)
        app.router.add_get("/_control/calls", self._handle_control_calls)
        self._closing = False
        self._runner = web.AppRunner(app, shutdown_timeout=2.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        self._closing = True
        self._notify()  # release pending long polls so shutdown is quick
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def root_url(self) -> str:
        """Server root, e.g. for ``TELEGRAM_BASE_URL`` (settings add ``/bot`` + ``/file/bot``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)``/``TELEGRAM_BASE_URL``: PTB appends the token."""
        return f"{self.root_url}/bot"

    @property
    def file_base_url(self) -> str:
        """For ``Bot(base_file_url=...)``: PTB appends the token and ``/<file_path>``."""
        return f"{self.root_url}/file/bot"

    # ------------------------------------------------------------------ inspection
    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def sent_messages(self, chat_id: int | str | None = None) -> list[JSONDict]:
        """Params of successful sendMessage/sendPhoto/sendDocument/editMessageText calls."""
        return [
            c.params
            for c in self.calls
            if c.method.lower() in _SENT_METHODS
            and c.error_code is None
            and (chat_id is None or _same_chat(c.params.get("chat_id"), chat_id))
        ]

    async def wait_for(
        self,
        predicate: Callable[[Call], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the public helper API
        *,
        start: int = 0,
    ) -> Call:
        """First call (from index ``start``) matching ``predicate``; TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        index = start
        while True:
            changed = self._changed
            for call in self.calls[index:]:
                if predicate(call):
                    return call
            index = max(index, len(self.calls))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching call within {timeout}s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_for_message(
        self,
        chat_id: int | str,
        contains: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the public helper API
        *,
        start: int = 0,
    ) -> Call:
        def match(call: Call) -> bool:
            if call.method.lower() not in _SENT_METHODS or call.error_code is not None:
                return False
            if not _same_chat(call.params.get("chat_id"), chat_id):
                return False
            body = str(call.params.get("text") or call.params.get("caption") or "")
            return contains is None or contains in body

        return await self.wait_for(match, timeout, start=start)

    # ------------------------------------------------------------------ failure injection
    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = 1,
        chat_id: int | str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (optionally for one chat) with an error.
        ``retry_after`` is only sent for 429s."""
        retry = retry_after if error_code == 429 else None
        desc = description or _default_description(error_code, retry)
        self._fail_rules.append(_FailRule(method.lower(), chat_id, times, error_code, desc, retry))

    def block_chat(self, chat_id: int | str) -> None:
        self._blocked.add(str(chat_id))

    def unblock_chat(self, chat_id: int | str) -> None:
        self._blocked.discard(str(chat_id))

    def enforce_limits(self, global_per_s: int | None = 30, per_chat_per_s: int | None = 1) -> None:
        """Answer 429 beyond these send rates (sliding 1 s window). Both None disables."""
        if global_per_s is None and per_chat_per_s is None:
            self._limits = None
        else:
            self._limits = _Limits(global_per_s, per_chat_per_s)

    def _check_failures(self, method: str, chat_id: Any) -> None:
        lower = method.lower()
        to_chat = chat_id is not None and lower.startswith(_CHAT_PREFIXES)
        if to_chat and str(chat_id) in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        for rule in self._fail_rules:
            if rule.method == lower and (rule.chat_id is None or _same_chat(rule.chat_id, chat_id)):
                rule.times -= 1
                if rule.times <= 0:
                    self._fail_rules.remove(rule)
                raise ApiError(rule.error_code, rule.description, rule.retry_after)
        if self._limits is not None and to_chat and lower != "sendchataction":
            self._check_rate(self._limits, str(chat_id))

    def _check_rate(self, lim: _Limits, chat: str) -> None:
        now = time.monotonic()
        windows: list[tuple[deque[float], int | None]] = [
            (lim.global_hits, lim.global_per_s),
            (lim.chat_hits.setdefault(chat, deque()), lim.per_chat_per_s),
        ]
        for hits, _ in windows:
            while hits and hits[0] <= now - 1.0:
                hits.popleft()
        for hits, cap in windows:
            if cap is not None and len(hits) >= cap:
                self.rate_limited_count += 1
                retry = max(1, math.ceil(hits[0] + 1.0 - now))
                raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)
        for hits, _ in windows:
            hits.append(now)

    # ------------------------------------------------------------------ update injection
    def push_update(self, update: JSONDict) -> int:
        """Queue a raw update (``update_id`` assigned when missing) and return its id."""
        if "update_id" in update:
            uid = int(update["update_id"])
            self._update_ids = itertools.count(max(uid + 1, next(self._update_ids)))
        else:
            uid = next(self._update_ids)
            update = {"update_id": uid, **update}
        self._updates.append(update)
        self._updates.sort(key=lambda u: int(u["update_id"]))
        self._notify()
        return uid

    def _user(self, chat_id: int, user_id: int | None, first_name: str, lang: str) -> JSONDict:
        uid = user_id if user_id is not None else (chat_id if chat_id > 0 else 1000)
        return {"id": uid, "is_bot": False, "first_name": first_name, "language_code": lang}

    def _chat(
        self, chat_id: int, chat_type: str | None = None, first_name: str = "Runner"
    ) -> JSONDict:
        if chat_type is None and chat_id in self._chats:
            return self._chats[chat_id]
        ctype = chat_type or ("private" if chat_id > 0 else "supergroup")
        chat: JSONDict = {"id": chat_id, "type": ctype}
        chat.update({"first_name": first_name} if ctype == "private" else {"title": "Group"})
        self._chats[chat_id] = chat
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._msg_ids.setdefault(chat_id, itertools.count(1)))

    def _user_message(
        self,
        chat_id: int,
        *,
        user_id: int | None = None,
        first_name: str = "Runner",
        language_code: str = "en",
        chat_type: str | None = None,
        message_id: int | None = None,
        **content: Any,
    ) -> JSONDict:
        return {
            "message_id": message_id or self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self._chat(chat_id, chat_type, first_name),
            "from": self._user(chat_id, user_id, first_name, language_code),
            **content,
        }

    def push_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Runner",
        language_code: str = "en",
        chat_type: str | None = None,
    ) -> int:
        msg = self._user_message(
            chat_id,
            user_id=user_id,
            first_name=first_name,
            language_code=language_code,
            chat_type=chat_type,
            text=text,
        )
        return self.push_update({"message": msg})

    def push_command(
        self,
        chat_id: int,
        command: str,
        args: str = "",
        *,
        user_id: int | None = None,
        first_name: str = "Runner",
        language_code: str = "en",
        chat_type: str | None = None,
    ) -> int:
        """``push_command(42, "start", "ref")`` sends ``/start ref`` with a bot_command entity."""
        head = "/" + command.lstrip("/")
        entity = {"type": "bot_command", "offset": 0, "length": len(head)}
        msg = self._user_message(
            chat_id,
            user_id=user_id,
            first_name=first_name,
            language_code=language_code,
            chat_type=chat_type,
            text=f"{head} {args}" if args else head,
            entities=[entity],
        )
        return self.push_update({"message": msg})

    def push_callback(
        self,
        chat_id: int,
        data: str,
        message_id: int | None = None,
        *,
        user_id: int | None = None,
        first_name: str = "Runner",
        language_code: str = "en",
    ) -> int:
        """Callback press on bot message ``message_id`` (default: the bot's latest in chat)."""
        if message_id is None:
            ours = [mid for (cid, mid) in self.messages if cid == chat_id]
            message_id = max(ours) if ours else None
        message = self.messages.get((chat_id, message_id)) if message_id is not None else None
        if message is None:
            message = self._bot_message(chat_id, {"text": "..."}, store=False)
            if message_id is not None:
                message["message_id"] = message_id
        uid = next(self._update_ids)
        query = {
            "id": str(uid * 1000 + 7),
            "chat_instance": str(chat_id),
            "data": data,
            "from": self._user(chat_id, user_id, first_name, language_code),
            "message": message,
        }
        return self.push_update({"update_id": uid, "callback_query": query})

    def _store_file(
        self, kind: str, content: bytes, filename: str | None = None, mime: str | None = None
    ) -> _StoredFile:
        n = next(self._file_ids)
        suffix = PurePosixPath(filename).suffix if filename else ""
        f = _StoredFile(
            f"fake-{kind}-{n}", f"uniq{n}", f"{kind}/file_{n}{suffix}", content, filename, mime
        )
        self._files[f.file_id] = f
        return f

    def push_document(
        self,
        chat_id: int,
        filename: str,
        content: bytes,
        mime: str = "text/csv",
        *,
        caption: str | None = None,
        user_id: int | None = None,
    ) -> int:
        f = self._store_file("documents", content, filename, mime)
        extra: JSONDict = {"caption": caption} if caption is not None else {}
        msg = self._user_message(chat_id, user_id=user_id, document=self._document_obj(f), **extra)
        return self.push_update({"message": msg})

    def push_photo(
        self,
        chat_id: int,
        content: bytes = b"\xff\xd8\xff fake jpeg",
        *,
        caption: str | None = None,
        user_id: int | None = None,
    ) -> int:
        f = self._store_file("photos", content, "photo.jpg", "image/jpeg")
        extra: JSONDict = {"caption": caption} if caption is not None else {}
        msg = self._user_message(chat_id, user_id=user_id, photo=self._photo_obj(f), **extra)
        return self.push_update({"message": msg})

    def push_sticker(self, chat_id: int, *, user_id: int | None = None) -> int:
        f = self._store_file("stickers", b"RIFF fake webp", "sticker.webp", "image/webp")
        sticker = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "emoji": "\U0001f44d",
        }
        return self.push_update(
            {"message": self._user_message(chat_id, user_id=user_id, sticker=sticker)}
        )

    def push_edited_text(
        self, chat_id: int, message_id: int, text: str, *, user_id: int | None = None
    ) -> int:
        msg = self._user_message(
            chat_id, user_id=user_id, message_id=message_id, text=text, edit_date=int(time.time())
        )
        return self.push_update({"edited_message": msg})

    def push_my_chat_member(
        self, chat_id: int, status: str = "kicked", *, user_id: int | None = None
    ) -> int:
        """The user blocked (``kicked``) / unblocked (``member``) the bot, etc."""
        old = "member" if status in ("kicked", "left") else "left"
        new: JSONDict = {"user": self.bot_user, "status": status}
        if status == "kicked":
            new["until_date"] = 0
        member = {
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            "from": self._user(chat_id, user_id, "Runner", "en"),
            "old_chat_member": {"user": self.bot_user, "status": old},
            "new_chat_member": new,
        }
        return self.push_update({"my_chat_member": member})

    # ------------------------------------------------------------------ webhook
    async def deliver_via_webhook(self, update: JSONDict) -> int:
        """POST one update to the webhook URL set by the bot; returns the HTTP status."""
        if not self.webhook_url:
            raise RuntimeError("no webhook set (the bot has not called setWebhook)")
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        async with (
            ClientSession() as session,
            session.post(self.webhook_url, data=json.dumps(update), headers=headers) as resp,
        ):
            return resp.status

    async def flush_webhook(self) -> list[int]:
        """Deliver all queued (pushed) updates via the webhook; 2xx ones are dropped."""
        statuses = []
        for update in list(self._updates):
            status = await self.deliver_via_webhook(update)
            statuses.append(status)
            if 200 <= status < 300:
                self._updates.remove(update)
        return statuses

    # ------------------------------------------------------------------ HTTP plumbing
    async def _read_params(self, request: web.Request) -> tuple[JSONDict, Files]:
        params: JSONDict = {k: _coerce(k, v) for k, v in request.query.items()}
        files: Files = {}
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    params.update(body)
            else:
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        files[key] = UploadedFile(
                            value.filename, value.file.read(), value.content_type
                        )
                    elif isinstance(value, str):
                        params[key] = _coerce(key, value)
        return params, files

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        try:
            params, files = await self._read_params(request)
        except ValueError:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: can't parse"},
                status=400,
            )
        # Recorded once answered, so observers never see a half-finished call.
        call = Call(method, params, files, time.monotonic())
        try:
            self._check_failures(method, params.get("chat_id"))
            handler = getattr(self, f"_m_{method.lower()}", None)
            call.result = True if handler is None else await handler(params, files)
            body: JSONDict = {"ok": True, "result": call.result}
        except ApiError as err:
            call.error_code = err.code
            body = {"ok": False, "error_code": err.code, "description": err.description}
            if err.retry_after is not None:
                body["parameters"] = {"retry_after": err.retry_after}
        self.calls.append(call)
        self._notify()
        return web.json_response(body, status=call.error_code or 200)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        for f in self._files.values():
            if f.file_path == path:
                return web.Response(
                    body=f.content, content_type=f.mime_type or "application/octet-stream"
                )
        return web.Response(status=404, text="Not Found")

    async def _handle_control_push(self, request: web.Request) -> web.Response:
        return web.json_response({"update_id": self.push_update(await request.json())})

    async def _handle_control_calls(self, request: web.Request) -> web.Response:
        return web.json_response(
            [
                {
                    "method": c.method,
                    "params": c.params,
                    "timestamp": c.timestamp,
                    "error_code": c.error_code,
                }
                for c in self.calls
            ]
        )

    # ------------------------------------------------------------------ Bot API methods
    def _chat_id(self, params: JSONDict) -> int:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(raw, int):
            return raw
        text = str(raw)
        if text.lstrip("-").isdigit():
            return int(text)
        return -1000000000000 - (sum(map(ord, text)) % 10**9)  # "@channel" -> stable fake id

    def _bot_message(self, chat_id: int, content: JSONDict, *, store: bool = True) -> JSONDict:
        msg: JSONDict = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self.bot_user,
            **content,
        }
        if store:
            self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    @staticmethod
    def _markup(params: JSONDict) -> JSONDict:
        markup = params.get("reply_markup")
        # Telegram only echoes inline keyboards back on the Message.
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            return {"reply_markup": markup}
        return {}

    def _document_obj(self, f: _StoredFile) -> JSONDict:
        doc: JSONDict = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_size": len(f.content),
        }
        if f.filename:
            doc["file_name"] = f.filename
        if f.mime_type:
            doc["mime_type"] = f.mime_type
        return doc

    def _photo_obj(self, f: _StoredFile) -> list[JSONDict]:
        return [
            {
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "width": w,
                "height": w,
                "file_size": len(f.content),
            }
            for w in (90, 800)
        ]

    def _media(self, kind: str, field_name: str, params: JSONDict, files: Files) -> _StoredFile:
        upload = files.get(field_name)
        ref = params.get(field_name)
        if upload is None and isinstance(ref, str) and ref.startswith("attach://"):
            upload = files.get(ref.removeprefix("attach://"))
        if upload is not None:
            return self._store_file(kind, upload.content, upload.filename, upload.content_type)
        if isinstance(ref, str) and ref:
            return self._files.get(ref) or self._store_file(kind, b"", None, None)
        raise ApiError(400, f"Bad Request: there is no {field_name} in the request")

    def _caption(self, params: JSONDict) -> JSONDict:
        return {"caption": params["caption"]} if params.get("caption") else {}

    async def _m_getme(self, params: JSONDict, files: Files) -> Any:
        return self.bot_user

    async def _m_getupdates(self, params: JSONDict, files: Files) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        self._poll_generation += 1
        generation = self._poll_generation
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        while True:
            changed = self._changed
            if self._updates or self._closing:
                return self._updates[:limit]
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.webhook_url:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def _m_sendmessage(self, params: JSONDict, files: Files) -> Any:
        chat_id = self._chat_id(params)
        if not params.get("text"):
            raise ApiError(400, "Bad Request: message text is empty")
        return self._bot_message(chat_id, {"text": str(params["text"]), **self._markup(params)})

    async def _m_sendphoto(self, params: JSONDict, files: Files) -> Any:
        chat_id = self._chat_id(params)
        f = self._media("photos", "photo", params, files)
        return self._bot_message(
            chat_id, {"photo": self._photo_obj(f), **self._caption(params), **self._markup(params)}
        )

    async def _m_senddocument(self, params: JSONDict, files: Files) -> Any:
        chat_id = self._chat_id(params)
        f = self._media("documents", "document", params, files)
        return self._bot_message(
            chat_id,
            {"document": self._document_obj(f), **self._caption(params), **self._markup(params)},
        )

    def _edit(self, params: JSONDict, changes: JSONDict) -> Any:
        if params.get("inline_message_id"):
            return True
        key = (self._chat_id(params), int(params.get("message_id") or 0))
        msg = self.messages.get(key)
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        new = {k: v for k, v in {**msg, **changes}.items() if v is not None}
        if {k: v for k, v in new.items() if k != "edit_date"} == {
            k: v for k, v in msg.items() if k != "edit_date"
        }:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current "
                "content and reply markup of the message",
            )
        new["edit_date"] = int(time.time())
        self.messages[key] = new
        return new

    async def _m_editmessagetext(self, params: JSONDict, files: Files) -> Any:
        if not params.get("text"):
            raise ApiError(400, "Bad Request: message text is empty")
        markup = self._markup(params).get("reply_markup")
        return self._edit(params, {"text": str(params["text"]), "reply_markup": markup})

    async def _m_editmessagereplymarkup(self, params: JSONDict, files: Files) -> Any:
        return self._edit(params, {"reply_markup": self._markup(params).get("reply_markup")})

    async def _m_sendchataction(self, params: JSONDict, files: Files) -> Any:
        self._chat_id(params)
        return True

    @staticmethod
    def _commands_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _m_setmycommands(self, params: JSONDict, files: Files) -> Any:
        self.commands[self._commands_key(params)] = list(params.get("commands") or [])
        return True

    async def _m_getmycommands(self, params: JSONDict, files: Files) -> Any:
        return self.commands.get(self._commands_key(params), [])

    async def _m_deletemycommands(self, params: JSONDict, files: Files) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _m_setwebhook(self, params: JSONDict, files: Files) -> Any:
        self.webhook_url = str(params.get("url") or "") or None
        self.webhook_secret = str(params["secret_token"]) if params.get("secret_token") else None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._notify()  # pending long polls must notice
        return True

    async def _m_deletewebhook(self, params: JSONDict, files: Files) -> Any:
        self.webhook_url = self.webhook_secret = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_getwebhookinfo(self, params: JSONDict, files: Files) -> Any:
        return {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _m_getfile(self, params: JSONDict, files: Files) -> Any:
        f = self._files.get(str(params.get("file_id")))
        if f is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_size": len(f.content),
            "file_path": f.file_path,
        }


async def _serve(host: str, port: int, token: str) -> None:
    api = FakeBotApi(token, host=host, port=port)
    await api.start()
    print(api.base_url, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await api.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="123:ABC")
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.host, args.port, args.token))


if __name__ == "__main__":
    main()
