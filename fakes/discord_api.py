"""A fake Discord of our own for end-to-end tests and benchmarks: REST API v10 over real HTTP and
the gateway over a real websocket, both on 127.0.0.1, no network.

Point hikari at it::

    async with FakeDiscord() as fake:
        bot = hikari.GatewayBot(fake.token, rest_url=fake.api_url, banner=None)
        await bot.start(check_for_updates=False)
        fake.dm_message(42, "hello")                  # MESSAGE_CREATE in the user's DM channel
        message = await fake.wait_for_message(fake.dm_channel_of(42), contains="hi")

What it checks, like the real API: ``Authorization: Bot <token>`` on REST (webhook and interaction
routes use their interaction token instead), message limits (content, embeds, action rows,
buttons, selects, custom ids: a 400 with Discord's error codes, each one kept in ``violations``),
interaction tokens, the 3 s deadline of the initial interaction response and double
acknowledgements. Any other route answers 404 and lands in ``unknown_calls``.

Gateway: HELLO, IDENTIFY (token and intents checked, close codes 4004/4013/4014), READY,
heartbeat ACKs, RESUME with replay of the events after the client's ``seq`` then RESUMED,
``send_reconnect()`` (op 7), ``drop_connection()``, ``invalidate_session()`` (op 9); JSON
encoding, uncompressed (text frames) or ``compress=zlib-stream`` (hikari's default when zstd is
missing). Events are filtered by the identified intents (DM messages need DIRECT_MESSAGES) and the
bot's own non-ephemeral messages come back as MESSAGE_CREATE/UPDATE, as on Discord.

Standalone (for benchmarks): ``python -m fakes.discord_api --port 0`` prints one JSON line (api
url, gateway url, token, application id, public key) and serves ``POST /_control/dm_message``
(``{"user_id", "content"}``), ``POST /_control/command`` (``{"user_id", "name", "options"}``),
``POST /_control/dispatch`` (``{"t", "d"}``), ``GET /_control/calls`` and ``GET /_control/sent``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import copy
import datetime as dt
import fnmatch
import hashlib
import itertools
import json
import math
import re
import secrets
import signal
import time
import zlib
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import nacl.signing
from aiohttp import BodyPartReader, ClientSession, ClientTimeout, MultipartReader, WSMsgType, web

JSONDict = dict[str, Any]

API_VERSION = 10
DISCORD_EPOCH_MS = 1_420_070_400_000
DEFAULT_BOT_ID = 1_234_567_890_123_456_789
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
_MAX_BODY = 128 * 1024 * 1024

# Gateway intents (only those the fake filters on are named).
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10
INTENT_GUILD_MESSAGE_TYPING = 1 << 11
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_DIRECT_MESSAGE_REACTIONS = 1 << 13
INTENT_DIRECT_MESSAGE_TYPING = 1 << 14
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT
VALID_INTENTS = ((1 << 17) - 1) | (1 << 20) | (1 << 21) | (1 << 24) | (1 << 25)

# Message flags.
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_IS_VOICE_MESSAGE = 1 << 13
FLAG_IS_COMPONENTS_V2 = 1 << 15
_SENDABLE_FLAGS = (
    FLAG_SUPPRESS_EMBEDS
    | FLAG_SUPPRESS_NOTIFICATIONS
    | FLAG_IS_VOICE_MESSAGE
    | FLAG_IS_COMPONENTS_V2
)

# Component types.
ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT = 5, 6, 7, 8
SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER, LABEL = (
    9,
    10,
    11,
    12,
    13,
    14,
    17,
    18,
)
_SELECTS = frozenset({STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT})
_ROW_CHILDREN = frozenset({BUTTON}) | _SELECTS
_V2_TOP = frozenset({ACTION_ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER})
_CONTAINER_CHILDREN = _V2_TOP - {CONTAINER}

# Interaction types and the callback types Discord accepts for each.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
_ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    PING: frozenset({1}),
    APPLICATION_COMMAND: frozenset({4, 5, 9}),
    MESSAGE_COMPONENT: frozenset({4, 5, 6, 7, 9}),
    AUTOCOMPLETE: frozenset({8}),
    MODAL_SUBMIT: frozenset({4, 5, 6, 7}),
}

_ERROR_MESSAGES = {
    10003: "Unknown Channel",
    10008: "Unknown Message",
    10013: "Unknown User",
    10015: "Unknown Webhook",
    10062: "Unknown interaction",
    10063: "Unknown application command",
    30015: "Maximum number of attachments in a message reached (10)",
    40005: "Request entity too large",
    40060: "Interaction has already been acknowledged.",
    50001: "Missing Access",
    50005: "Cannot edit a message authored by another user",
    50006: "Cannot send an empty message",
    50007: "Cannot send messages to this user",
    50013: "Missing Permissions",
    50027: "Invalid Webhook Token",
    50035: "Invalid Form Body",
    50109: "The request body contains invalid JSON.",
}
_STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}

# Bot permissions reported in DMs (VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES,
# READ_MESSAGE_HISTORY, MENTION_EVERYONE, USE_EXTERNAL_EMOJIS, ADD_REACTIONS) and in guilds.
_DM_APP_PERMISSIONS = str(
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 17) | (1 << 18) | (1 << 6)
)
_GUILD_APP_PERMISSIONS = str(int(_DM_APP_PERMISSIONS) | (1 << 31) | (1 << 38))
_MEMBER_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 16) | (1 << 31) | (1 << 6))


# ---------------------------------------------------------------------------------- helpers
def make_token(user_id: int, secret: str = "runstrong-fake") -> str:
    """A token shaped like a real bot token: ``base64(user id)`` . 6 chars . 38 chars.
    hikari reads the bot's id from the first part (``hikari.applications.get_token_id``)."""
    head = base64.b64encode(str(user_id).encode()).decode().rstrip("=")
    digest = hashlib.sha256(f"{secret}:{user_id}".encode()).digest()
    middle = base64.urlsafe_b64encode(digest[:4]).decode().rstrip("=")
    tail = base64.urlsafe_b64encode(digest[4:32]).decode().rstrip("=")
    return f"{head}.{middle}.{tail}"


def token_user_id(token: str) -> int | None:
    """The user id encoded in a bot token, or None when the token is not shaped like one."""
    head = token.split(".", 1)[0]
    try:
        raw = base64.b64decode(head + "=" * (-len(head) % 4), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return int(raw) if raw.isdigit() else None


def _iso(moment: float | None = None) -> str:
    stamp = time.time() if moment is None else moment
    return dt.datetime.fromtimestamp(stamp, dt.UTC).isoformat(timespec="microseconds")


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


class _Snowflakes:
    """Increasing snowflakes whose timestamp part is the current time, like Discord's."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (millis << 22) | (1 << 17) | (1 << 12)
        self._last = max(candidate, self._last + 1)
        return self._last


# ---------------------------------------------------------------------------------- records
@dataclass
class UploadedFile:
    """One ``files[n]`` part of a multipart request (or a file a fake user attached)."""

    field: str
    filename: str
    content: bytes
    content_type: str


@dataclass
class Call:
    """One answered REST request. ``path`` is relative to ``/api/v10``; ``route`` is the matched
    template (``"POST /channels/{channel_id}/messages"``) or None for an unknown route;
    ``params`` the query string; ``body`` the JSON body (or multipart ``payload_json``);
    ``timestamp`` its arrival (``time.monotonic()``). ``error_code`` is None on success, else
    Discord's JSON error code when it has one (50007, 50035, 10062...) and the HTTP status
    otherwise (401, 404, 429, 500)."""

    method: str
    path: str
    route: str | None
    params: dict[str, str]
    body: Any
    files: list[UploadedFile]
    timestamp: float
    status: int = 200
    error_code: int | None = None
    response: Any = None
    interaction_id: int | None = None
    channel_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status < 400


@dataclass
class Violation:
    """A request Discord would have refused for breaking its limits (400 + error code)."""

    route: str
    path: str
    code: int
    message: str
    errors: JSONDict
    timestamp: float


@dataclass
class GatewayConnection:
    """One websocket connection to the fake gateway."""

    id: int
    path: str
    query: dict[str, str]
    compress: str | None
    opened_at: float
    closed_at: float | None = None
    close_code: int | None = None
    closed_by: str | None = None  # "client" | "server" | "dropped"
    identified: bool = False
    resumed: bool = False
    heartbeats: int = 0
    received: list[JSONDict] = field(default_factory=list)
    sent: list[JSONDict] = field(default_factory=list)


@dataclass
class DispatchedEvent:
    seq: int
    name: str
    data: JSONDict
    session_id: str
    timestamp: float


@dataclass
class _FailRule:
    pattern: str
    status: int
    retry_after: float
    global_: bool
    code: int | None
    message: str | None
    count: int
    channel_id: int | None
    scope: str | None
    limit: int


@dataclass
class _Block:
    rule: _FailRule
    until: float
    channel_id: int | None  # a route limit's bucket is per channel, like Discord's


@dataclass
class _Limits:
    global_per_s: int | None
    per_channel: tuple[int, float] | None
    global_hits: deque[float] = field(default_factory=deque)
    channel_windows: dict[int, tuple[float, int]] = field(default_factory=dict)  # start, used


@dataclass
class _Interaction:
    id: int
    token: str
    type: int
    channel_id: int
    guild_id: int | None
    user_id: int
    payload: JSONDict
    created_at: float
    sent_at: float | None = None
    response_type: int | None = None
    response: JSONDict | None = None
    original: tuple[int, int] | None = None
    message_key: tuple[int, int] | None = None
    followups: list[int] = field(default_factory=list)


@dataclass
class _Session:
    session_id: str
    intents: int
    seq: int = 0
    events: list[tuple[int, str, JSONDict]] = field(default_factory=list)
    delivered_seq: int = 0
    conn: _Conn | None = None
    invalid: bool = False


@dataclass
class _CloseFrame:
    code: int
    reason: str


class _Conn:
    def __init__(
        self, record: GatewayConnection, ws: web.WebSocketResponse, request: web.Request
    ) -> None:
        self.record = record
        self.ws = ws
        self.request = request
        self.queue: asyncio.Queue[JSONDict | _CloseFrame] = asyncio.Queue()
        self.compressor = zlib.compressobj() if record.compress == "zlib-stream" else None
        self.session: _Session | None = None
        self.live = False
        self.closing = False

    def send(self, payload: JSONDict) -> None:
        if not self.closing:
            self.record.sent.append(payload)
            self.queue.put_nowait(payload)

    def close(self, code: int, reason: str) -> None:
        if not self.closing:
            self.live = False
            self.queue.put_nowait(_CloseFrame(code, reason))
            self.closing = True


class DiscordError(Exception):
    """An error answer in Discord's format: ``{"code": ..., "message": ..., "errors": ...}``."""

    def __init__(
        self,
        status: int,
        code: int = 0,
        message: str | None = None,
        *,
        errors: JSONDict | None = None,
        headers: Mapping[str, str] | None = None,
        body: JSONDict | None = None,
        violation: bool = False,
    ) -> None:
        text = message or _ERROR_MESSAGES.get(code) or ""
        if not text or code == 0:
            text = message or f"{status}: {_STATUS_TEXT.get(status, 'Error')}"
        super().__init__(text)
        self.status = status
        self.code = code
        self.message = text
        self.errors = errors
        self.headers = dict(headers or {})
        self.violation = violation
        if body is None:
            body = {"message": text, "code": code}
            if errors:
                body["errors"] = errors
        self.body = body


class _FormErrors:
    """Builds Discord's nested ``errors`` object of a 50035 Invalid Form Body."""

    def __init__(self) -> None:
        self.tree: JSONDict = {}

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def text(
        self, path: Sequence[str | int], value: Any, low: int, high: int, *, required: bool = False
    ) -> None:
        if value is None:
            if required:
                self.add(path, *_REQUIRED)
            return
        if not isinstance(value, str):
            self.add(path, "BASE_TYPE_STRING", "Could not interpret value as string.")
        elif len(value) > high and low == 0:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")
        elif not low <= len(value) <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def count(self, path: Sequence[str | int], items: Sequence[Any], low: int, high: int) -> None:
        if low == 0 and len(items) > high:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")
        elif not low <= len(items) <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def raise_if_any(self) -> None:
        if self.tree:
            raise DiscordError(400, 50035, errors=self.tree, violation=True)


_NOT_OBJECT = ("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
_NOT_LIST = ("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
_REQUIRED = ("BASE_TYPE_REQUIRED", "This field is required")


def _form_error(path: Sequence[str | int], problem: tuple[str, str]) -> DiscordError:
    errs = _FormErrors()
    errs.add(path, *problem)
    return DiscordError(400, 50035, errors=errs.tree, violation=True)


@dataclass
class _ComponentContext:
    modal: bool
    custom_ids: set[str] = field(default_factory=set)
    ids: set[int] = field(default_factory=set)
    total: int = 0


def _check_components(errs: _FormErrors, components: Any, *, v2: bool, modal: bool) -> None:
    path: tuple[str | int, ...] = ("components",)
    if not isinstance(components, list):
        errs.add(path, *_NOT_LIST)
        return
    ctx = _ComponentContext(modal=modal)
    if modal:
        errs.count(path, components, 1, 5)
        top = frozenset({ACTION_ROW, TEXT_DISPLAY, LABEL})
    elif v2:
        top = _V2_TOP
    else:
        errs.count(path, components, 0, 5)
        top = frozenset({ACTION_ROW})
    for i, component in enumerate(components):
        _check_component(errs, (*path, i), component, top, ctx)
    if v2 and ctx.total > 40:
        errs.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length.")


def _check_children(
    errs: _FormErrors,
    path: tuple[str | int, ...],
    children: Any,
    allowed: frozenset[int],
    low: int,
    high: int,
    ctx: _ComponentContext,
) -> list[Any]:
    if not isinstance(children, list):
        errs.add(path, *_REQUIRED)
        return []
    errs.count(path, children, low, high)
    for j, child in enumerate(children):
        _check_component(errs, (*path, j), child, allowed, ctx)
    return children


def _check_custom_id(
    errs: _FormErrors, path: tuple[str | int, ...], comp: JSONDict, ctx: _ComponentContext
) -> None:
    custom_id = comp.get("custom_id")
    errs.text((*path, "custom_id"), custom_id, 1, 100, required=True)
    if isinstance(custom_id, str):
        if custom_id in ctx.custom_ids:
            errs.add(
                (*path, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        ctx.custom_ids.add(custom_id)


def _check_component(
    errs: _FormErrors,
    path: tuple[str | int, ...],
    comp: Any,
    allowed: frozenset[int],
    ctx: _ComponentContext,
) -> None:
    if not isinstance(comp, dict):
        errs.add(path, *_NOT_OBJECT)
        return
    ctx.total += 1
    ctype = comp.get("type")
    if isinstance(ctype, bool) or not isinstance(ctype, int) or ctype not in allowed:
        errs.add((*path, "type"), "BASE_TYPE_CHOICES", f"Value must be one of {sorted(allowed)}.")
        return
    unique = comp.get("id")
    if unique is not None:
        if isinstance(unique, bool) or not isinstance(unique, int) or unique < 1:
            errs.add((*path, "id"), "NUMBER_TYPE_COERCE", "Value is not int.")
        elif unique in ctx.ids:
            errs.add((*path, "id"), "COMPONENT_ID_DUPLICATED", "Component id cannot be duplicated")
        else:
            ctx.ids.add(unique)
    if ctype == ACTION_ROW:
        child_types = frozenset({TEXT_INPUT}) if ctx.modal else _ROW_CHILDREN
        children = _check_children(
            errs, (*path, "components"), comp.get("components"), child_types, 1, 5, ctx
        )
        wide = [c for c in children if isinstance(c, dict) and c.get("type") != BUTTON]
        if wide and len(children) > 1:
            errs.add(
                (*path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
    elif ctype == BUTTON:
        style = comp.get("style")
        if style not in (1, 2, 3, 4, 5, 6):
            errs.add(
                (*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6)."
            )
        errs.text((*path, "label"), comp.get("label"), 0, 80)
        if style == 5:
            errs.text((*path, "url"), comp.get("url"), 1, 512, required=True)
            if comp.get("custom_id") is not None:
                errs.add(
                    (*path, "custom_id"),
                    "BUTTON_COMPONENT_URL_INVALID_FIELDS",
                    "A link button cannot have a custom_id",
                )
        elif style == 6:
            if comp.get("sku_id") is None:
                errs.add((*path, "sku_id"), *_REQUIRED)
        else:
            _check_custom_id(errs, path, comp, ctx)
    elif ctype in _SELECTS:
        _check_custom_id(errs, path, comp, ctx)
        errs.text((*path, "placeholder"), comp.get("placeholder"), 0, 150)
        low, high = comp.get("min_values", 1), comp.get("max_values", 1)
        if not isinstance(low, int) or not 0 <= low <= 25:
            errs.add(
                (*path, "min_values"), "NUMBER_TYPE_MAX", "int value should be <= 25 and >= 0."
            )
        if not isinstance(high, int) or not 1 <= high <= 25:
            errs.add(
                (*path, "max_values"), "NUMBER_TYPE_MAX", "int value should be <= 25 and >= 1."
            )
        if ctype == STRING_SELECT:
            options = comp.get("options")
            if not isinstance(options, list):
                errs.add((*path, "options"), *_REQUIRED)
                return
            errs.count((*path, "options"), options, 1, 25)
            values: set[str] = set()
            for k, option in enumerate(options):
                opath = (*path, "options", k)
                if not isinstance(option, dict):
                    errs.add(opath, *_NOT_OBJECT)
                    continue
                errs.text((*opath, "label"), option.get("label"), 1, 100, required=True)
                errs.text((*opath, "value"), option.get("value"), 1, 100, required=True)
                errs.text((*opath, "description"), option.get("description"), 0, 100)
                if option.get("value") in values:
                    errs.add(
                        (*opath, "value"),
                        "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                        "Component option value cannot be duplicated",
                    )
                values.add(str(option.get("value")))
            if isinstance(high, int) and high > len(options):
                errs.add(
                    (*path, "max_values"),
                    "SELECT_COMPONENT_MAX_VALUES_TOO_HIGH",
                    f"max_values must be less than or equal to {len(options)}",
                )
    elif ctype == TEXT_INPUT:
        _check_custom_id(errs, path, comp, ctx)
        if comp.get("style") not in (1, 2):
            errs.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
        errs.text((*path, "label"), comp.get("label"), 1, 45, required=path[-1] != "component")
        errs.text((*path, "placeholder"), comp.get("placeholder"), 0, 100)
        errs.text((*path, "value"), comp.get("value"), 0, 4000)
        min_length, max_length = comp.get("min_length", 0), comp.get("max_length", 4000)
        if not isinstance(min_length, int) or not 0 <= min_length <= 4000:
            errs.add((*path, "min_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000.")
        if not isinstance(max_length, int) or not 1 <= max_length <= 4000:
            errs.add((*path, "max_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000.")
    elif ctype == SECTION:
        _check_children(
            errs,
            (*path, "components"),
            comp.get("components"),
            frozenset({TEXT_DISPLAY}),
            1,
            3,
            ctx,
        )
        if "accessory" not in comp:
            errs.add((*path, "accessory"), *_REQUIRED)
        else:
            accessory = frozenset({BUTTON, THUMBNAIL})
            _check_component(errs, (*path, "accessory"), comp["accessory"], accessory, ctx)
    elif ctype == TEXT_DISPLAY:
        errs.text((*path, "content"), comp.get("content"), 1, 4000, required=True)
    elif ctype == THUMBNAIL:
        if not isinstance(comp.get("media"), dict) or not comp["media"].get("url"):
            errs.add((*path, "media"), *_REQUIRED)
    elif ctype == MEDIA_GALLERY:
        items = comp.get("items")
        if not isinstance(items, list):
            errs.add((*path, "items"), *_REQUIRED)
        else:
            errs.count((*path, "items"), items, 1, 10)
    elif ctype == FILE:
        if not isinstance(comp.get("file"), dict) or not comp["file"].get("url"):
            errs.add((*path, "file"), *_REQUIRED)
    elif ctype == CONTAINER:
        _check_children(
            errs, (*path, "components"), comp.get("components"), _CONTAINER_CHILDREN, 1, 40, ctx
        )
    elif ctype == LABEL:
        errs.text((*path, "label"), comp.get("label"), 1, 45, required=True)
        if "component" not in comp:
            errs.add((*path, "component"), *_REQUIRED)
        else:
            inner = frozenset({TEXT_INPUT, STRING_SELECT})
            _check_component(errs, (*path, "component"), comp["component"], inner, ctx)


def _check_embeds(errs: _FormErrors, embeds: Any) -> None:
    if not isinstance(embeds, list):
        errs.add(("embeds",), *_NOT_LIST)
        return
    errs.count(("embeds",), embeds, 0, 10)
    total = 0
    for i, embed in enumerate(embeds):
        path: tuple[str | int, ...] = ("embeds", i)
        if not isinstance(embed, dict):
            errs.add(path, *_NOT_OBJECT)
            continue
        for key, limit in (("title", 256), ("description", 4096)):
            errs.text((*path, key), embed.get(key), 0, limit)
            total += len(str(embed.get(key) or ""))
        footer, author = embed.get("footer") or {}, embed.get("author") or {}
        errs.text((*path, "footer", "text"), footer.get("text"), 0, 2048)
        errs.text((*path, "author", "name"), author.get("name"), 0, 256)
        total += len(str(footer.get("text") or "")) + len(str(author.get("name") or ""))
        fields = embed.get("fields") or []
        if isinstance(fields, list):
            errs.count((*path, "fields"), fields, 0, 25)
            for k, item in enumerate(fields):
                if isinstance(item, dict):
                    errs.text((*path, "fields", k, "name"), item.get("name"), 1, 256, required=True)
                    errs.text(
                        (*path, "fields", k, "value"), item.get("value"), 1, 1024, required=True
                    )
                    total += len(str(item.get("name") or "")) + len(str(item.get("value") or ""))
    if total > 6000:
        errs.add(("embeds",), "BASE_TYPE_MAX_LENGTH", "Embed size exceeds maximum size of 6000")


def _assign_component_ids(components: list[Any]) -> list[Any]:
    """Deep copy with Discord's numeric ``id`` filled in (depth first, from 1, skipping ids the
    sender chose): hikari requires ``id`` on every component it reads back."""
    result = copy.deepcopy(components)
    used: set[int] = set()

    def walk(nodes: Iterable[Any], visit: Callable[[JSONDict], None]) -> None:
        for node in nodes:
            if isinstance(node, dict):
                visit(node)
                walk(node.get("components") or [], visit)
                for key in ("accessory", "component"):
                    if isinstance(node.get(key), dict):
                        walk([node[key]], visit)

    def collect(node: JSONDict) -> None:
        if isinstance(node.get("id"), int):
            used.add(node["id"])

    counter = itertools.count(1)

    def assign(node: JSONDict) -> None:
        if not isinstance(node.get("id"), int):
            node["id"] = next(n for n in counter if n not in used)

    walk(result, collect)
    walk(result, assign)
    return result


def _find_component(components: Iterable[Any], custom_id: str) -> JSONDict | None:
    for node in components:
        if not isinstance(node, dict):
            continue
        if node.get("custom_id") == custom_id:
            return node
        nested = list(node.get("components") or [])
        nested += [node[k] for k in ("accessory", "component") if isinstance(node.get(k), dict)]
        found = _find_component(nested, custom_id)
        if found is not None:
            return found
    return None


def _option_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    return 3


def _options(options: Mapping[str, Any] | Sequence[JSONDict] | None) -> list[JSONDict]:
    if options is None:
        return []
    if isinstance(options, Mapping):
        return [{"name": k, "type": _option_type(v), "value": v} for k, v in options.items()]
    return [dict(o) for o in options]


# ---------------------------------------------------------------------------------- the fake
_Handler = Callable[["_Request"], Awaitable["_Reply"]]


@dataclass
class _Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: _Handler
    bot_auth: bool

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


@dataclass
class _Request:
    method: str
    path: str
    params: dict[str, str]
    query: Mapping[str, str]
    body: Any
    files: list[UploadedFile]
    call: Call


@dataclass
class _Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeDiscord:
    """In-process fake of Discord's REST API v10 and gateway; see the module docstring."""

    make_token = staticmethod(make_token)

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_id: int = DEFAULT_BOT_ID,
        application_id: int | None = None,
        token: str | None = None,
        bot_username: str = "RunStrong",
        heartbeat_interval_ms: float = 41250,
        callback_deadline: float | None = 3.0,
        allowed_privileged_intents: int = PRIVILEGED_INTENTS,
        echo_own_messages: bool = True,
        signing_seed: bytes | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.token = token or make_token(bot_id)
        self.application_id = application_id or bot_id
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.callback_deadline = callback_deadline
        self.token_lifetime = 15 * 60.0
        self.allowed_privileged_intents = allowed_privileged_intents
        self.echo_own_messages = echo_own_messages
        self.upload_limit = ATTACHMENT_SIZE_LIMIT
        self.signing_key = nacl.signing.SigningKey(signing_seed or secrets.token_bytes(32))
        self.public_key_hex = self.signing_key.verify_key.encode().hex()
        self.bot_user: JSONDict = {
            "id": str(bot_id),
            "username": bot_username,
            "global_name": None,
            "discriminator": "0",
            "avatar": None,
            "bot": True,
            "system": False,
            "mfa_enabled": False,
            "banner": None,
            "accent_color": None,
            "locale": "en-US",
            "verified": True,
            "email": None,
            "flags": 0,
            "premium_type": 0,
            "public_flags": 0,
        }
        self.application: JSONDict = {
            "id": str(self.application_id),
            "name": bot_username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": self.public_key_hex,
            "flags": 0,
            "owner": {
                "id": "100000000000000001",
                "username": "owner",
                "global_name": "Owner",
                "discriminator": "0",
                "avatar": None,
                "public_flags": 0,
            },
            "team": None,
            "bot": self._public_user(self.bot_user),
            "approximate_guild_count": 0,
            "approximate_user_install_count": 0,
            "integration_types_config": {"0": {}},
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
        }
        # Recorded traffic.
        self.calls: list[Call] = []
        self.unknown_calls: list[Call] = []
        self.violations: list[Violation] = []
        self.connections: list[GatewayConnection] = []
        self.identifies: list[JSONDict] = []
        self.resumes: list[JSONDict] = []
        self.dispatched: list[DispatchedEvent] = []
        self.filtered_events: list[tuple[str, JSONDict]] = []
        self.rate_limited_count = 0
        # State.
        self.users: dict[int, JSONDict] = {}
        self.channels: dict[int, JSONDict] = {}
        self.messages: dict[tuple[int, int], JSONDict] = {}
        self.deleted_messages: list[JSONDict] = []
        self.commands: dict[int | None, list[JSONDict]] = {}
        self.files: dict[int, UploadedFile] = {}
        self._sent: list[JSONDict] = []
        self._dm_by_user: dict[int, int] = {}
        self._guild_channels: dict[int, int] = {}
        self._interactions: dict[int, _Interaction] = {}
        self._by_token: dict[str, _Interaction] = {}
        self._blocked: set[int] = set()
        self._fail_rules: list[_FailRule] = []
        self._blocks: list[_Block] = []
        self._latency: list[tuple[str, float]] = []
        self._limits: _Limits | None = None
        self._session: _Session | None = None
        self._pending: list[tuple[str, JSONDict]] = []
        self._conns: list[_Conn] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._snowflake = _Snowflakes()
        self._conn_ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._routes = self._build_routes()

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/api/{tail:.*}", self._handle_rest)
        app.router.add_get("/gateway", self._handle_gateway)
        app.router.add_get("/gateway/resume", self._handle_gateway)
        app.router.add_get("/attachments/{channel}/{attachment}/{filename}", self._handle_file)
        app.router.add_post("/_control/dm_message", self._control_dm_message)
        app.router.add_post("/_control/command", self._control_command)
        app.router.add_post("/_control/dispatch", self._control_dispatch)
        app.router.add_get("/_control/calls", self._control_calls)
        app.router.add_get("/_control/sent", self._control_sent)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for conn in list(self._conns):
            conn.live = False
            conn.record.closed_by, conn.record.close_code = "server", 1001
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.ws.close(code=1001, message=b"fake shutting down"), 1)
        for task in list(self._tasks):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """For ``rest_url=`` (hikari appends the route, e.g. ``/users/@me``)."""
        return f"{self.root_url}/api/v{API_VERSION}"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway/resume"

    @property
    def verify_key(self) -> nacl.signing.VerifyKey:
        return self.signing_key.verify_key

    # ------------------------------------------------------------------ waiting
    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(
        self,
        condition: Callable[[], Any],
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the public helper API
    ) -> Any:
        """Wait until ``condition()`` is truthy (re-checked on every change) and return it."""
        deadline = time.monotonic() + timeout
        while True:
            changed = self._changed
            result = condition()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_for(
        self,
        predicate: Callable[[Call], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the public helper API
        *,
        start: int = 0,
    ) -> Call:
        """First call (from index ``start``) matching ``predicate``; TimeoutError otherwise."""

        def find() -> Call | None:
            return next((c for c in self.calls[start:] if predicate(c)), None)

        result: Call = await self.wait_until(find, timeout)
        return result

    async def wait_for_message(
        self,
        channel_id: int | None = None,
        *,
        contains: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the public helper API
        start: int = 0,
    ) -> JSONDict:
        """First message the bot created or edited (from index ``start`` of ``sent_messages()``)
        in ``channel_id`` whose content contains ``contains``."""

        def find() -> JSONDict | None:
            for message in self._sent[start:]:
                if channel_id is not None and int(message["channel_id"]) != channel_id:
                    continue
                if contains is None or contains in str(message.get("content") or ""):
                    return message
            return None

        result: JSONDict = await self.wait_until(find, timeout)
        return result

    # ------------------------------------------------------------------ inspection
    def sent_messages(self, channel_id: int | None = None) -> list[JSONDict]:
        """Snapshots of every message the bot created or edited (channel messages, interaction
        responses, follow-ups), oldest first; each is the message object Discord returned."""
        return [m for m in self._sent if channel_id is None or int(m["channel_id"]) == channel_id]

    def message(self, channel_id: int, message_id: int | str) -> JSONDict:
        """The current state of a stored message (the bot's or a fake user's)."""
        return self.messages[(channel_id, int(message_id))]

    def attachment_bytes(self, attachment: JSONDict | int | str) -> bytes:
        key = attachment["id"] if isinstance(attachment, dict) else attachment
        return self.files[int(key)].content

    def dm_channel_of(self, user_id: int) -> int:
        """The id of the bot's DM channel with this user (created on first use, then stable)."""
        return int(self._dm_channel(user_id)["id"])

    def interaction_responses(self, interaction_id: int | str) -> list[Call]:
        """Every REST call (and HTTP-endpoint answer) about this interaction: the callback,
        ``@original`` reads/edits/deletes, follow-ups and their edits, in order."""
        wanted = int(interaction_id)
        return [c for c in self.calls if c.interaction_id == wanted]

    def interaction_token(self, interaction_id: int | str) -> str:
        return self._interactions[int(interaction_id)].token

    @property
    def global_commands(self) -> list[JSONDict]:
        return self.commands.get(None, [])

    @property
    def heartbeats(self) -> int:
        return sum(c.heartbeats for c in self.connections)

    @property
    def session_id(self) -> str | None:
        return self._session.session_id if self._session else None

    @property
    def intents(self) -> int | None:
        """Intents of the current gateway session (None before any IDENTIFY)."""
        return self._session.intents if self._session else None

    # ------------------------------------------------------------------ users and channels
    @staticmethod
    def _public_user(user: JSONDict) -> JSONDict:
        keys = ("id", "username", "global_name", "discriminator", "avatar", "bot", "public_flags")
        return {k: user[k] for k in keys if k in user}

    def user(
        self, user_id: int, *, username: str | None = None, global_name: str | None = None
    ) -> JSONDict:
        """The fake user with this id (created on first use; names can be set)."""
        user = self.users.get(user_id)
        if user is None:
            user = {
                "id": str(user_id),
                "username": f"runner{user_id}",
                "global_name": f"Runner {user_id}",
                "discriminator": "0",
                "avatar": None,
                "bot": False,
                "public_flags": 0,
            }
            self.users[user_id] = user
        if username is not None:
            user["username"] = username
        if global_name is not None:
            user["global_name"] = global_name
        return user

    def block_user(self, user_id: int) -> None:
        """Sending to this user's DM channel answers 403 50007 from now on."""
        self._blocked.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def _dm_channel(self, user_id: int) -> JSONDict:
        channel_id = self._dm_by_user.get(user_id)
        if channel_id is None:
            channel_id = self._snowflake()
            self._dm_by_user[user_id] = channel_id
            self.channels[channel_id] = {
                "id": str(channel_id),
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [self.user(user_id)],
            }
        return self.channels[channel_id]

    def guild_channel(self, guild_id: int, channel_id: int | None = None) -> JSONDict:
        """A text channel (type 0) in a guild (the guild's first one unless an id is given)."""
        if channel_id is None:
            channel_id = self._guild_channels.get(guild_id) or self._snowflake()
            self._guild_channels.setdefault(guild_id, channel_id)
        if channel_id not in self.channels:
            self.channels[channel_id] = {
                "id": str(channel_id),
                "type": 0,
                "guild_id": str(guild_id),
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
                "topic": None,
                "last_message_id": None,
                "rate_limit_per_user": 0,
                "flags": 0,
            }
        return self.channels[channel_id]

    # ------------------------------------------------------------------ fault injection
    def fail_next(
        self,
        route_or_method_pattern: str,
        status: int = 429,
        *,
        retry_after: float = 1.0,
        global_: bool = False,
        code: int | None = None,
        message: str | None = None,
        count: int = 1,
        channel_id: int | None = None,
        scope: str | None = None,
        limit: int = 5,
    ) -> None:
        """Answer the next ``count`` matching REST calls with ``status``.

        The pattern is a route (``"POST /channels/{channel_id}/messages"``), a template matching
        any method (``"/channels/{channel_id}/messages"``) or a glob on ``"METHOD /path"`` or the
        path (``"POST /channels/*/messages"``). ``channel_id`` restricts it to one channel (for
        interaction and webhook routes: the interaction's channel). 403 defaults to code 50007.

        A 429 carries Discord's headers (``X-RateLimit-Limit: limit``, ``Remaining: 0``,
        ``Reset-After: retry_after``, ``Scope``, ``X-RateLimit-Global`` when ``global_``) and
        body, and stays in force for ``retry_after`` seconds like a real limit: matching calls
        in the same channel (any bot call, for a global one) that come back sooner get 429
        again; other channels have buckets of their own."""
        if code is None:
            code = {403: 50007}.get(status, 0)
        self._fail_rules.append(
            _FailRule(
                route_or_method_pattern,
                status,
                retry_after,
                global_,
                code,
                message,
                count,
                channel_id,
                scope,
                limit,
            )
        )

    def set_latency(self, route_or_method_pattern: str, seconds: float) -> None:
        """Delay answers of matching calls (pattern as in ``fail_next``); 0 removes it."""
        self._latency = [(p, s) for p, s in self._latency if p != route_or_method_pattern]
        if seconds > 0:
            self._latency.append((route_or_method_pattern, seconds))

    def enforce_limits(
        self, global_per_s: int | None = 50, *, per_channel: tuple[int, float] | None = None
    ) -> None:
        """Answer 429 beyond ``global_per_s`` bot-authenticated requests per second (interaction
        routes are exempt, as on Discord) and, if given, beyond ``per_channel=(count, seconds)``
        messages created per channel, with ``X-RateLimit-*`` headers on those routes so clients
        can pace themselves. Both None disables."""
        if global_per_s is None and per_channel is None:
            self._limits = None
        else:
            self._limits = _Limits(global_per_s, per_channel)

    @staticmethod
    def _pattern_matches(pattern: str, method: str, template: str | None, path: str) -> bool:
        if template is not None and pattern in (f"{method} {template}", template):
            return True
        return fnmatch.fnmatchcase(f"{method} {path}", pattern) or fnmatch.fnmatchcase(
            path, pattern
        )

    def _check_faults(self, req: _Request, route: _Route) -> None:
        now = time.monotonic()
        self._blocks = [b for b in self._blocks if b.until > now]
        for block in self._blocks:
            if block.rule.global_:
                hit = route.bot_auth
            else:
                hit = self._rule_matches(block.rule, req, route)
                hit = hit and req.call.channel_id == block.channel_id
            if hit:  # the limit is still in force: early retries get 429 again
                raise self._injected_429(block.until - now, block.rule, route)
        for rule in self._fail_rules:
            if not self._rule_matches(rule, req, route):
                continue
            rule.count -= 1
            if rule.count <= 0:
                self._fail_rules.remove(rule)
            if rule.status == 429:
                self._blocks.append(_Block(rule, now + rule.retry_after, req.call.channel_id))
                raise self._injected_429(rule.retry_after, rule, route)
            raise DiscordError(rule.status, rule.code or 0, rule.message)

    def _rule_matches(self, rule: _FailRule, req: _Request, route: _Route) -> bool:
        if not self._pattern_matches(rule.pattern, req.method, route.template, req.path):
            return False
        return rule.channel_id is None or req.call.channel_id == rule.channel_id

    def _injected_429(self, retry_after: float, rule: _FailRule, route: _Route) -> DiscordError:
        scope = rule.scope or ("global" if rule.global_ else "user")
        return self._rate_limited(retry_after, rule.global_, route.name, scope, rule.limit)

    def _rate_limited(
        self, retry_after: float, global_: bool, bucket_key: str, scope: str, limit: int
    ) -> DiscordError:
        self.rate_limited_count += 1
        headers = {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": hashlib.md5(bucket_key.encode()).hexdigest(),
            "X-RateLimit-Scope": scope,
        }
        if global_:
            headers["X-RateLimit-Global"] = "true"
        body: JSONDict = {
            "message": "You are being rate limited.",
            "retry_after": round(retry_after, 3),
            "global": global_,
        }
        if global_:
            body["code"] = 0
        return DiscordError(429, 0, body["message"], headers=headers, body=body)

    def _check_limits(self, req: _Request, route: _Route) -> dict[str, str]:
        lim = self._limits
        if lim is None or not route.bot_auth:
            return {}
        now = time.monotonic()
        if lim.global_per_s is not None:
            hits = lim.global_hits
            while hits and hits[0] <= now - 1.0:
                hits.popleft()
            if len(hits) >= lim.global_per_s:
                raise self._rate_limited(
                    hits[0] + 1.0 - now, True, "global", "global", lim.global_per_s
                )
            hits.append(now)
        if lim.per_channel is None or route.name != "POST /channels/{channel_id}/messages":
            return {}
        # A fixed window per channel, like Discord's buckets: ``count`` messages, then all
        # slots come back ``window`` seconds after the window opened.
        count, window = lim.per_channel
        channel = req.call.channel_id or 0
        start, used = lim.channel_windows.get(channel, (now, 0))
        if now >= start + window:
            start, used = now, 0
        reset_after = start + window - now
        if used >= count:
            raise self._rate_limited(reset_after, False, route.name, "user", count)
        lim.channel_windows[channel] = (start, used + 1)
        return {
            "X-RateLimit-Limit": str(count),
            "X-RateLimit-Remaining": str(count - used - 1),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": hashlib.md5(route.name.encode()).hexdigest(),
            "X-RateLimit-Scope": "user",
        }

    # ------------------------------------------------------------------ REST plumbing
    def _build_routes(self) -> list[_Route]:
        table: list[tuple[str, str, _Handler, bool]] = [
            ("GET", "/gateway", self._r_gateway, False),
            ("GET", "/gateway/bot", self._r_gateway_bot, True),
            ("GET", "/users/@me", self._r_my_user, True),
            ("POST", "/users/@me/channels", self._r_create_dm, True),
            ("GET", "/users/{user_id}", self._r_user, True),
            ("GET", "/applications/@me", self._r_application, True),
            ("GET", "/oauth2/applications/@me", self._r_application, True),
            ("GET", "/applications/{application_id}/commands", self._r_get_commands, True),
            ("PUT", "/applications/{application_id}/commands", self._r_put_commands, True),
            ("POST", "/applications/{application_id}/commands", self._r_post_command, True),
            (
                "DELETE",
                "/applications/{application_id}/commands/{command_id}",
                self._r_delete_command,
                True,
            ),
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._r_get_commands,
                True,
            ),
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._r_put_commands,
                True,
            ),
            (
                "POST",
                "/interactions/{interaction_id}/{token}/callback",
                self._r_callback,
                False,
            ),
            (
                "GET",
                "/webhooks/{application_id}/{token}/messages/@original",
                self._r_get_webhook_message,
                False,
            ),
            (
                "PATCH",
                "/webhooks/{application_id}/{token}/messages/@original",
                self._r_edit_webhook_message,
                False,
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/@original",
                self._r_delete_webhook_message,
                False,
            ),
            (
                "GET",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._r_get_webhook_message,
                False,
            ),
            (
                "PATCH",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._r_edit_webhook_message,
                False,
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._r_delete_webhook_message,
                False,
            ),
            ("POST", "/webhooks/{application_id}/{token}", self._r_followup, False),
            ("GET", "/channels/{channel_id}", self._r_get_channel, True),
            ("POST", "/channels/{channel_id}/messages", self._r_create_message, True),
            ("POST", "/channels/{channel_id}/typing", self._r_typing, True),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._r_get_message, True),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._r_edit_message, True),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}",
                self._r_delete_message,
                True,
            ),
        ]
        routes = []
        for method, template, handler, bot_auth in table:
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            routes.append(_Route(method, template, re.compile(f"^{pattern}$"), handler, bot_auth))
        return routes

    def _match(self, method: str, path: str) -> tuple[_Route | None, dict[str, str], bool]:
        """(route, params, path_known): path_known tells a 405 from a 404."""
        known = False
        for route in self._routes:
            found = route.regex.match(path)
            if found is None:
                continue
            if route.method == method:
                return route, found.groupdict(), True
            known = True
        return None, {}, known

    async def _read_body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        if not request.can_read_body:
            return None, []
        if request.content_type.startswith("multipart/"):
            body: Any = None
            files: list[UploadedFile] = []
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader):
                    continue
                data = bytes(await part.read(decode=True))
                if part.name == "payload_json":
                    body = json.loads(data)
                elif part.filename is not None:
                    ctype = part.headers.get("Content-Type", "application/octet-stream")
                    files.append(UploadedFile(part.name or "", part.filename, data, ctype))
            return body, files
        raw = await request.read()
        if not raw:
            return None, []
        return json.loads(raw), []

    async def _handle_rest(self, request: web.Request) -> web.Response:
        arrival = time.monotonic()
        method = request.method.upper()
        tail = request.match_info["tail"]
        prefix = f"v{API_VERSION}/"
        path = "/" + tail[len(prefix) :] if tail.startswith(prefix) else "/" + tail
        route, params, path_known = (
            self._match(method, path) if tail.startswith(prefix) else (None, {}, False)
        )
        call = Call(
            method, path, route.name if route else None, dict(request.query), None, [], arrival
        )
        headers: dict[str, str] = {}
        try:
            try:
                call.body, call.files = await self._read_body(request)
            except (ValueError, UnicodeDecodeError) as exc:
                raise DiscordError(400, 50109) from exc
            req = _Request(method, path, params, request.query, call.body, call.files, call)
            self._resolve_context(req)
            for pattern, seconds in self._latency:
                if self._pattern_matches(pattern, method, route.template if route else None, path):
                    await asyncio.sleep(seconds)
            if route is None:
                raise DiscordError(405 if path_known else 404)
            if route.bot_auth and request.headers.get("Authorization") != f"Bot {self.token}":
                raise DiscordError(401)
            self._check_faults(req, route)
            headers = self._check_limits(req, route)
            reply = await route.handler(req)
        except DiscordError as err:
            reply = _Reply(err.status, err.body, {**headers, **err.headers})
            call.error_code = err.code or err.status
            if err.violation:
                self.violations.append(
                    Violation(
                        call.route or path, path, err.code, err.message, err.errors or {}, arrival
                    )
                )
        call.status = reply.status
        call.response = reply.body
        if route is None:
            self.unknown_calls.append(call)
        self.calls.append(call)
        self._notify()
        out_headers = {**headers, **reply.headers}
        if reply.status == 204 or reply.body is None:
            return web.Response(
                status=reply.status if reply.body is not None else 204, headers=out_headers
            )
        return web.json_response(reply.body, status=reply.status, headers=out_headers, dumps=_dumps)

    def _resolve_context(self, req: _Request) -> None:
        """Fill the call's channel and interaction (for fault rules, ``interaction_responses``)."""
        params = req.params
        if "channel_id" in params:
            req.call.channel_id = _as_int(params["channel_id"])
        inter: _Interaction | None = None
        if "interaction_id" in params:
            inter = self._interactions.get(_as_int(params["interaction_id"]) or -1)
        elif "token" in params:
            inter = self._by_token.get(params["token"])
        if inter is not None:
            req.call.interaction_id = inter.id
            req.call.channel_id = inter.channel_id

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self.files.get(_as_int(request.match_info["attachment"]) or -1)
        if stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.content, headers={"Content-Type": stored.content_type})

    # ------------------------------------------------------------------ REST: basics
    async def _r_gateway(self, req: _Request) -> _Reply:
        return _Reply(body={"url": self.gateway_url})

    async def _r_gateway_bot(self, req: _Request) -> _Reply:
        return _Reply(
            body={
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": max(0, 1000 - len(self.identifies)),
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def _r_my_user(self, req: _Request) -> _Reply:
        return _Reply(body=self.bot_user)

    async def _r_user(self, req: _Request) -> _Reply:
        user_id = _as_int(req.params["user_id"])
        if user_id is not None and str(user_id) == self.bot_user["id"]:
            return _Reply(body=self._public_user(self.bot_user))
        if user_id is None or user_id not in self.users:
            raise DiscordError(404, 10013)
        return _Reply(body=self.users[user_id])

    async def _r_application(self, req: _Request) -> _Reply:
        return _Reply(body=self.application)

    async def _r_create_dm(self, req: _Request) -> _Reply:
        body = req.body if isinstance(req.body, dict) else {}
        user_id = _as_int(body.get("recipient_id"))
        if user_id is None:
            raise _form_error(("recipient_id",), _REQUIRED)
        return _Reply(body=self._dm_channel(user_id))

    async def _r_get_channel(self, req: _Request) -> _Reply:
        return _Reply(body=self._channel(req))

    def _channel(self, req: _Request) -> JSONDict:
        channel = self.channels.get(req.call.channel_id or -1)
        if channel is None:
            raise DiscordError(404, 10003)
        return channel

    async def _r_typing(self, req: _Request) -> _Reply:
        self._channel(req)
        return _Reply(204)

    # ------------------------------------------------------------------ REST: commands
    def _check_app(self, req: _Request) -> None:
        if _as_int(req.params.get("application_id")) != self.application_id:
            raise DiscordError(403, 50001)

    def _command_key(self, req: _Request) -> int | None:
        return _as_int(req.params["guild_id"]) if "guild_id" in req.params else None

    async def _r_get_commands(self, req: _Request) -> _Reply:
        self._check_app(req)
        return _Reply(body=self.commands.get(self._command_key(req), []))

    def _normalize_command(
        self, raw: Any, index: int, errs: _FormErrors, guild_id: int | None, old: list[JSONDict]
    ) -> JSONDict:
        path: tuple[str | int, ...] = (index,) if index >= 0 else ()
        if not isinstance(raw, dict):
            errs.add(path, *_NOT_OBJECT)
            return {}
        ctype = raw.get("type", 1)
        name = raw.get("name")
        if ctype == 1:
            if (
                not isinstance(name, str)
                or not re.fullmatch(r"[-_\w]{1,32}", name)
                or name != name.lower()
            ):
                errs.add(
                    (*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
                )
            errs.text((*path, "description"), raw.get("description"), 1, 100, required=True)
        else:
            errs.text((*path, "name"), name, 1, 32, required=True)
        options = raw.get("options") or []
        if isinstance(options, list):
            errs.count((*path, "options"), options, 0, 25)
        previous = next((c for c in old if c["name"] == name and c["type"] == ctype), None)
        command: JSONDict = {
            "id": previous["id"] if previous else str(self._snowflake()),
            "application_id": str(self.application_id),
            "version": str(self._snowflake()),
            "type": ctype,
            "name": name,
            "description": raw.get("description", "" if ctype != 1 else None),
            "default_member_permissions": raw.get("default_member_permissions"),
            "nsfw": bool(raw.get("nsfw", False)),
            "integration_types": raw.get("integration_types") or [0],
            "contexts": raw.get("contexts"),
            "name_localizations": raw.get("name_localizations"),
            "description_localizations": raw.get("description_localizations"),
            "guild_id": str(guild_id) if guild_id is not None else None,
        }
        if options:
            command["options"] = options
        if guild_id is None:
            del command["guild_id"]
        return command

    async def _r_put_commands(self, req: _Request) -> _Reply:
        self._check_app(req)
        key = self._command_key(req)
        if not isinstance(req.body, list):
            raise _form_error((), _NOT_LIST)
        errs = _FormErrors()
        errs.count((), req.body, 0, 100)
        old = self.commands.get(key, [])
        commands = [
            self._normalize_command(raw, i, errs, key, old) for i, raw in enumerate(req.body)
        ]
        names = [(c.get("type"), c.get("name")) for c in commands]
        for i, entry in enumerate(names):
            if entry in names[:i]:
                errs.add(
                    (i, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Application command names must be unique",
                )
        errs.raise_if_any()
        self.commands[key] = commands
        return _Reply(body=commands)

    async def _r_post_command(self, req: _Request) -> _Reply:
        self._check_app(req)
        errs = _FormErrors()
        old = self.commands.get(None, [])
        command = self._normalize_command(req.body, -1, errs, None, old)
        errs.raise_if_any()
        rest = [c for c in old if c["id"] != command["id"]]
        self.commands[None] = [*rest, command]
        return _Reply(201 if len(rest) == len(old) else 200, command)

    async def _r_delete_command(self, req: _Request) -> _Reply:
        self._check_app(req)
        old = self.commands.get(None, [])
        new = [c for c in old if c["id"] != req.params["command_id"]]
        if len(new) == len(old):
            raise DiscordError(404, 10063)
        self.commands[None] = new
        return _Reply(204)

    # ------------------------------------------------------------------ messages
    def _validate_message(
        self, body: JSONDict, files: list[UploadedFile], *, existing: JSONDict | None
    ) -> None:
        errs = _FormErrors()
        flags = body.get("flags")
        if flags is not None and (isinstance(flags, bool) or not isinstance(flags, int)):
            errs.add(("flags",), "NUMBER_TYPE_COERCE", "Value is not int.")
            flags = 0
        current = int(existing.get("flags") or 0) if existing else 0
        v2 = bool((flags or 0) & FLAG_IS_COMPONENTS_V2 or current & FLAG_IS_COMPONENTS_V2)
        content = body.get("content")
        if content is not None:
            errs.text(("content",), content, 0, 2000)
            if v2 and content:
                errs.add(
                    ("content",),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                )
        if body.get("embeds") is not None:
            _check_embeds(errs, body["embeds"])
            if v2 and body["embeds"]:
                errs.add(
                    ("embeds",),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'embeds' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                )
        if body.get("components") is not None:
            _check_components(errs, body["components"], v2=v2, modal=False)
        errs.raise_if_any()
        if len(files) > 10:
            raise DiscordError(400, 30015, violation=True)
        if any(len(f.content) > self.upload_limit for f in files):
            raise DiscordError(413, 40005, violation=True)

    def _attachment(
        self, channel_id: int, upload: UploadedFile, meta: JSONDict, *, ephemeral: bool
    ) -> JSONDict:
        attachment_id = self._snowflake()
        filename = str(meta.get("filename") or upload.filename)
        self.files[attachment_id] = UploadedFile(
            upload.field, filename, upload.content, upload.content_type
        )
        url = f"{self.root_url}/attachments/{channel_id}/{attachment_id}/{filename}"
        attachment: JSONDict = {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(upload.content),
            "url": url,
            "proxy_url": url,
            "content_type": upload.content_type,
        }
        if meta.get("description") is not None:
            attachment["description"] = meta["description"]
        if ephemeral:
            attachment["ephemeral"] = True
        return attachment

    def _attachments(
        self,
        channel_id: int,
        body: JSONDict,
        files: list[UploadedFile],
        existing: list[JSONDict],
        *,
        ephemeral: bool,
    ) -> list[JSONDict]:
        """Attachments after a create/edit: kept existing ones (listed by id in ``attachments``,
        or all of them when the field is absent) plus the uploaded ``files[n]``."""
        listed = body.get("attachments")
        metas: dict[str, JSONDict] = {}
        kept: list[JSONDict] = list(existing)
        if isinstance(listed, list):
            wanted = {str(a.get("id")) for a in listed if isinstance(a, dict)}
            kept = [a for a in existing if a["id"] in wanted]
            metas = {str(a.get("id")): a for a in listed if isinstance(a, dict)}
        new = []
        for upload in files:
            index = upload.field.removeprefix("files[").removesuffix("]")
            new.append(
                self._attachment(channel_id, upload, metas.get(index, {}), ephemeral=ephemeral)
            )
        return kept + new

    def _new_message(
        self,
        channel_id: int,
        body: JSONDict,
        files: list[UploadedFile],
        *,
        inter: _Interaction | None = None,
        allow_ephemeral: bool = False,
        loading: bool = False,
        msg_type: int = 0,
    ) -> JSONDict:
        if not loading:
            self._validate_message(body, files, existing=None)
        mask = _SENDABLE_FLAGS | (FLAG_EPHEMERAL if allow_ephemeral else 0)
        flags = int(body.get("flags") or 0) & mask
        if loading:
            flags |= FLAG_LOADING
        ephemeral = bool(flags & FLAG_EPHEMERAL)
        channel = self.channels[channel_id]
        message: JSONDict = {
            "id": str(self._snowflake()),
            "type": msg_type,
            "channel_id": str(channel_id),
            "author": self._public_user(self.bot_user),
            "content": "" if loading else str(body.get("content") or ""),
            "timestamp": _iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(channel_id, body, files, [], ephemeral=ephemeral),
            "embeds": [self._embed(e) for e in body.get("embeds") or []],
            "pinned": False,
            "flags": flags,
            "components": _assign_component_ids(body.get("components") or []),
        }
        if "guild_id" in channel:
            message["guild_id"] = channel["guild_id"]
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        if isinstance(body.get("message_reference"), dict):
            message["type"] = 19
            message["message_reference"] = body["message_reference"]
        if inter is not None:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
            metadata = self._interaction_metadata(inter)
            if metadata is not None:
                message["interaction_metadata"] = metadata
        if not loading and not self._has_payload(message, body):
            raise DiscordError(400, 50006, violation=True)
        key = (channel_id, int(message["id"]))
        self.messages[key] = message
        channel["last_message_id"] = message["id"]
        self._record_sent(message)
        if self.echo_own_messages and not ephemeral:
            self.dispatch("MESSAGE_CREATE", copy.deepcopy(message))
        return message

    @staticmethod
    def _has_payload(message: JSONDict, body: JSONDict) -> bool:
        return bool(
            message["content"]
            or message["embeds"]
            or message["components"]
            or message["attachments"]
            or body.get("sticker_ids")
            or body.get("poll")
        )

    @staticmethod
    def _embed(embed: Any) -> Any:
        if isinstance(embed, dict):
            return {"type": "rich", **embed, "content_scan_version": 0}
        return embed

    def _interaction_metadata(self, inter: _Interaction) -> JSONDict | None:
        if inter.type not in (APPLICATION_COMMAND, MESSAGE_COMPONENT):
            return None
        metadata: JSONDict = {
            "id": str(inter.id),
            "type": inter.type,
            "user": self.user(inter.user_id),
            "authorizing_integration_owners": inter.payload["authorizing_integration_owners"],
        }
        if inter.original is not None:
            metadata["original_response_message_id"] = str(inter.original[1])
        if inter.type == APPLICATION_COMMAND:
            metadata["name"] = inter.payload["data"]["name"]
        elif inter.message_key is not None:
            metadata["interacted_message_id"] = str(inter.message_key[1])
        return metadata

    def _edit_stored(
        self, key: tuple[int, int], body: JSONDict, files: list[UploadedFile]
    ) -> JSONDict:
        message = self.messages.get(key)
        if message is None:
            raise DiscordError(404, 10008)
        if message["author"]["id"] != self.bot_user["id"]:
            raise DiscordError(403, 50005)
        self._validate_message(body, files, existing=message)
        new = copy.deepcopy(message)
        if "content" in body:
            new["content"] = str(body["content"] or "")
        if "embeds" in body:
            new["embeds"] = [self._embed(e) for e in body["embeds"] or []]
        if "components" in body:
            new["components"] = _assign_component_ids(body["components"] or [])
        if body.get("flags") is not None:
            editable = FLAG_SUPPRESS_EMBEDS | FLAG_IS_COMPONENTS_V2
            new["flags"] = (new["flags"] & ~editable) | (int(body["flags"]) & editable)
        ephemeral = bool(new["flags"] & FLAG_EPHEMERAL)
        if "attachments" in body or files:
            new["attachments"] = self._attachments(
                key[0], body, files, message["attachments"], ephemeral=ephemeral
            )
        if new["flags"] & FLAG_LOADING:
            new["flags"] &= ~FLAG_LOADING  # the deferred response's first edit fills it in
        else:
            new["edited_timestamp"] = _iso()
        if not self._has_payload(new, body):
            raise DiscordError(400, 50006, violation=True)
        self.messages[key] = new
        self._record_sent(new)
        if self.echo_own_messages and not ephemeral:
            self.dispatch("MESSAGE_UPDATE", copy.deepcopy(new))
        return new

    def _delete_stored(self, key: tuple[int, int]) -> None:
        message = self.messages.pop(key, None)
        if message is None:
            raise DiscordError(404, 10008)
        self.deleted_messages.append(message)
        if self.echo_own_messages and not message["flags"] & FLAG_EPHEMERAL:
            event = {"id": message["id"], "channel_id": message["channel_id"]}
            if "guild_id" in message:
                event["guild_id"] = message["guild_id"]
            self.dispatch("MESSAGE_DELETE", event)

    def _record_sent(self, message: JSONDict) -> None:
        self._sent.append(copy.deepcopy(message))
        self._notify()

    @staticmethod
    def _body(req: _Request) -> JSONDict:
        if req.body is None:
            return {}
        if not isinstance(req.body, dict):
            raise _form_error((), _NOT_OBJECT)
        return req.body

    async def _r_create_message(self, req: _Request) -> _Reply:
        channel = self._channel(req)
        if channel["type"] == 1 and int(channel["recipients"][0]["id"]) in self._blocked:
            raise DiscordError(403, 50007)
        message = self._new_message(int(channel["id"]), self._body(req), req.files)
        return _Reply(body=message)

    def _message_key(self, req: _Request) -> tuple[int, int]:
        channel = self._channel(req)
        message_id = _as_int(req.params["message_id"])
        if message_id is None:
            raise DiscordError(404, 10008)
        return int(channel["id"]), message_id

    async def _r_get_message(self, req: _Request) -> _Reply:
        key = self._message_key(req)
        if key not in self.messages:
            raise DiscordError(404, 10008)
        return _Reply(body=self.messages[key])

    async def _r_edit_message(self, req: _Request) -> _Reply:
        return _Reply(body=self._edit_stored(self._message_key(req), self._body(req), req.files))

    async def _r_delete_message(self, req: _Request) -> _Reply:
        self._delete_stored(self._message_key(req))
        return _Reply(204)

    # ------------------------------------------------------------------ interactions (REST)
    def _interaction_for_callback(self, req: _Request) -> _Interaction:
        inter = self._interactions.get(_as_int(req.params["interaction_id"]) or -1)
        if inter is None or inter.token != req.params["token"]:
            raise DiscordError(404, 10062)
        return inter

    def _apply_callback(
        self, inter: _Interaction, body: Any, files: list[UploadedFile]
    ) -> JSONDict | None:
        """Handle an initial response (REST callback or an HTTP endpoint's answer); returns the
        message it created or updated, if any."""
        now = time.monotonic()
        sent_at = inter.sent_at if inter.sent_at is not None else inter.created_at
        if self.callback_deadline is not None and now - sent_at > self.callback_deadline:
            raise DiscordError(404, 10062)
        if inter.response_type is not None:
            raise DiscordError(400, 40060)
        if not isinstance(body, dict):
            raise _form_error((), _NOT_OBJECT)
        allowed = _ALLOWED_CALLBACKS[inter.type]
        rtype = body.get("type")
        errs = _FormErrors()
        if rtype not in allowed:
            errs.add(("type",), "BASE_TYPE_CHOICES", f"Value must be one of {sorted(allowed)}.")
            errs.raise_if_any()
        data = body.get("data") or {}
        if not isinstance(data, dict):
            errs.add(("data",), *_NOT_OBJECT)
            errs.raise_if_any()
        message: JSONDict | None = None
        if rtype == 4:
            msg_type = 20 if inter.type == APPLICATION_COMMAND else 0
            message = self._new_message(
                inter.channel_id, data, files, inter=inter, allow_ephemeral=True, msg_type=msg_type
            )
            inter.original = (inter.channel_id, int(message["id"]))
        elif rtype == 5:
            msg_type = 20 if inter.type == APPLICATION_COMMAND else 0
            flags = {"flags": int(data.get("flags") or 0) & FLAG_EPHEMERAL}
            message = self._new_message(
                inter.channel_id,
                flags,
                [],
                inter=inter,
                allow_ephemeral=True,
                loading=True,
                msg_type=msg_type,
            )
            inter.original = (inter.channel_id, int(message["id"]))
        elif rtype in (6, 7):
            if inter.message_key is None:
                errs.add(
                    ("type",), "INTERACTION_NO_MESSAGE", "This interaction has no message to update"
                )
                errs.raise_if_any()
            assert inter.message_key is not None
            if rtype == 7:
                message = self._edit_stored(inter.message_key, data, files)
            inter.original = inter.message_key
        elif rtype == 8:
            choices = data.get("choices")
            if not isinstance(choices, list):
                errs.add(("data", "choices"), *_REQUIRED)
            else:
                errs.count(("data", "choices"), choices, 0, 25)
                for i, choice in enumerate(choices):
                    if isinstance(choice, dict):
                        errs.text(
                            ("data", "choices", i, "name"),
                            choice.get("name"),
                            1,
                            100,
                            required=True,
                        )
                        if isinstance(choice.get("value"), str):
                            errs.text(("data", "choices", i, "value"), choice["value"], 1, 100)
                    else:
                        errs.add(
                            ("data", "choices", i),
                            *_NOT_OBJECT,
                        )
            errs.raise_if_any()
        elif rtype == 9:
            errs.text(("data", "custom_id"), data.get("custom_id"), 1, 100, required=True)
            errs.text(("data", "title"), data.get("title"), 1, 45, required=True)
            nested = _FormErrors()
            _check_components(nested, data.get("components"), v2=False, modal=True)
            if nested.tree:
                errs.tree.setdefault("data", {}).update(nested.tree)
            errs.raise_if_any()
        inter.response_type = int(body["type"])
        inter.response = body
        self._notify()
        return message

    def _callback_result(
        self, inter: _Interaction, rtype: int, message: JSONDict | None
    ) -> JSONDict:
        callback: JSONDict = {"id": str(inter.id), "type": inter.type}
        if message is not None:
            callback["response_message_id"] = message["id"]
            callback["response_message_loading"] = bool(message["flags"] & FLAG_LOADING)
            callback["response_message_ephemeral"] = bool(message["flags"] & FLAG_EPHEMERAL)
        resource: JSONDict = {"type": rtype}
        if message is not None:
            resource["message"] = message
        return {"interaction": callback, "resource": resource}

    async def _r_callback(self, req: _Request) -> _Reply:
        inter = self._interaction_for_callback(req)
        message = self._apply_callback(inter, req.body, req.files)
        if req.query.get("with_response", "").lower() != "true":
            return _Reply(204)
        return _Reply(body=self._callback_result(inter, int(req.body["type"]), message))

    def _webhook_interaction(self, req: _Request) -> _Interaction:
        inter = self._by_token.get(req.params["token"])
        if _as_int(req.params["application_id"]) != self.application_id or inter is None:
            raise DiscordError(401, 50027)
        if time.monotonic() - inter.created_at > self.token_lifetime:
            raise DiscordError(401, 50027)
        return inter

    def _webhook_message_key(self, req: _Request, inter: _Interaction) -> tuple[int, int]:
        raw = req.params.get("message_id")
        if raw is None:  # @original
            if inter.original is None or inter.original not in self.messages:
                raise DiscordError(404, 10008)
            return inter.original
        message_id = _as_int(raw)
        allowed = set(inter.followups)
        if inter.original is not None:
            allowed.add(inter.original[1])
        if message_id is None or message_id not in allowed:
            raise DiscordError(404, 10008)
        key = (inter.channel_id, message_id)
        if key not in self.messages:
            raise DiscordError(404, 10008)
        return key

    async def _r_get_webhook_message(self, req: _Request) -> _Reply:
        inter = self._webhook_interaction(req)
        return _Reply(body=self.messages[self._webhook_message_key(req, inter)])

    async def _r_edit_webhook_message(self, req: _Request) -> _Reply:
        inter = self._webhook_interaction(req)
        key = self._webhook_message_key(req, inter)
        return _Reply(body=self._edit_stored(key, self._body(req), req.files))

    async def _r_delete_webhook_message(self, req: _Request) -> _Reply:
        inter = self._webhook_interaction(req)
        self._delete_stored(self._webhook_message_key(req, inter))
        return _Reply(204)

    async def _r_followup(self, req: _Request) -> _Reply:
        inter = self._webhook_interaction(req)
        if inter.response_type is None:
            raise DiscordError(404, 10015)
        message = self._new_message(
            inter.channel_id, self._body(req), req.files, inter=inter, allow_ephemeral=True
        )
        inter.followups.append(int(message["id"]))
        if req.query.get("wait", "").lower() != "true":
            return _Reply(204)
        return _Reply(body=message)

    # ------------------------------------------------------------------ user-side events
    def _user_attachments(
        self,
        channel_id: int,
        attachments: Sequence[UploadedFile | tuple[str, bytes] | tuple[str, bytes, str]] | None,
    ) -> list[JSONDict]:
        result = []
        for item in attachments or ():
            if isinstance(item, UploadedFile):
                upload = item
            else:
                ctype = str(item[2]) if len(item) > 2 else "application/octet-stream"
                upload = UploadedFile("file", item[0], item[1], ctype)
            result.append(self._attachment(channel_id, upload, {}, ephemeral=False))
        return result

    def dm_message(
        self,
        user_id: int,
        content: str,
        *,
        attachments: Sequence[UploadedFile | tuple[str, bytes] | tuple[str, bytes, str]]
        | None = None,
    ) -> JSONDict:
        """A user writes to the bot in their DM channel: dispatches MESSAGE_CREATE (no
        ``guild_id``) and returns the message. Attachments are ``(filename, bytes[, type])``;
        their ``url`` is served by the fake."""
        channel = self._dm_channel(user_id)
        channel_id = int(channel["id"])
        message: JSONDict = {
            "id": str(self._snowflake()),
            "type": 0,
            "channel_id": str(channel_id),
            "author": copy.deepcopy(self.user(user_id)),
            "content": content,
            "timestamp": _iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._user_attachments(channel_id, attachments),
            "embeds": [],
            "pinned": False,
            "flags": 0,
            "components": [],
            "nonce": str(self._snowflake()),
        }
        self.messages[(channel_id, int(message["id"]))] = message
        channel["last_message_id"] = message["id"]
        self.dispatch("MESSAGE_CREATE", copy.deepcopy(message))
        return message

    def _user_message(self, message_id: int | str) -> tuple[tuple[int, int], JSONDict]:
        for key, message in self.messages.items():
            if key[1] == int(message_id) and message["author"]["id"] != self.bot_user["id"]:
                return key, message
        raise KeyError(f"no user message {message_id}")

    def edit_dm_message(self, message_id: int | str, content: str) -> JSONDict:
        """The user edits their message: MESSAGE_UPDATE with the full message and a new
        ``edited_timestamp``."""
        key, message = self._user_message(message_id)
        message = {**message, "content": content, "edited_timestamp": _iso()}
        self.messages[key] = message
        self.dispatch("MESSAGE_UPDATE", copy.deepcopy(message))
        return message

    def delete_dm_message(self, message_id: int | str) -> None:
        key, message = self._user_message(message_id)
        del self.messages[key]
        self.dispatch("MESSAGE_DELETE", {"id": message["id"], "channel_id": message["channel_id"]})

    # ------------------------------------------------------------------ interaction builders
    def _interaction(
        self,
        itype: int,
        user_id: int,
        data: JSONDict | None,
        *,
        guild_id: int | None,
        channel_id: int | None,
        locale: str,
        message_key: tuple[int, int] | None = None,
    ) -> JSONDict:
        interaction_id = self._snowflake()
        token = (
            base64.urlsafe_b64encode(f"interaction:{interaction_id}:".encode()).decode().rstrip("=")
        )
        token += secrets.token_urlsafe(96)
        user = copy.deepcopy(self.user(user_id))
        payload: JSONDict = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": itype,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if data is not None:
            payload["data"] = data
        if itype != PING:
            if guild_id is None:
                channel = self._dm_channel(user_id)
                payload["channel"] = {
                    "id": channel["id"],
                    "type": 1,
                    "flags": 0,
                    "last_message_id": channel["last_message_id"],
                    "recipients": [user],
                }
                payload["user"] = user
                payload["context"] = 1
                payload["authorizing_integration_owners"] = {"0": "0"}
                payload["app_permissions"] = _DM_APP_PERMISSIONS
            else:
                channel = self.guild_channel(guild_id, channel_id)
                payload["guild_id"] = str(guild_id)
                payload["guild"] = {"id": str(guild_id), "locale": "en-US", "features": []}
                payload["guild_locale"] = "en-US"
                payload["member"] = {
                    "user": user,
                    "roles": [],
                    "joined_at": _iso(time.time() - 86400),
                    "premium_since": None,
                    "nick": None,
                    "avatar": None,
                    "deaf": False,
                    "mute": False,
                    "pending": False,
                    "flags": 0,
                    "permissions": _MEMBER_PERMISSIONS,
                    "communication_disabled_until": None,
                }
                payload["channel"] = {
                    k: channel[k]
                    for k in (
                        "id",
                        "type",
                        "guild_id",
                        "name",
                        "position",
                        "nsfw",
                        "parent_id",
                        "flags",
                    )
                } | {"permissions": _MEMBER_PERMISSIONS}
                payload["context"] = 0
                payload["authorizing_integration_owners"] = {"0": str(guild_id)}
                payload["app_permissions"] = _GUILD_APP_PERMISSIONS
            payload["channel_id"] = payload["channel"]["id"]
        if message_key is not None:
            payload["message"] = copy.deepcopy(self.messages[message_key])
        inter = _Interaction(
            id=interaction_id,
            token=token,
            type=itype,
            channel_id=_as_int(payload.get("channel_id")) or 0,
            guild_id=guild_id,
            user_id=user_id,
            payload=payload,
            created_at=time.monotonic(),
            message_key=message_key,
        )
        self._interactions[interaction_id] = inter
        self._by_token[token] = inter
        return payload

    def _command_id(self, name: str, ctype: int, guild_id: int | None) -> str:
        for key in (guild_id, None):
            for command in self.commands.get(key, []):
                if command["name"] == name and command["type"] == ctype:
                    return str(command["id"])
        return str(self._snowflake())

    def command_interaction(
        self,
        user_id: int,
        name: str,
        options: Mapping[str, Any] | Sequence[JSONDict] | None = None,
        *,
        guild_id: int | None = None,
        channel_id: int | None = None,
        command_type: int = 1,
        locale: str = "en-US",
        resolved: JSONDict | None = None,
    ) -> JSONDict:
        """An APPLICATION_COMMAND interaction (type 2): in the user's DM with the bot unless
        ``guild_id`` is given. ``options`` is ``{name: value}`` (types inferred) or raw option
        dicts (e.g. a subcommand). The command id is the registered one when it exists."""
        data: JSONDict = {
            "id": self._command_id(name, command_type, guild_id),
            "name": name,
            "type": command_type,
        }
        if options:
            data["options"] = _options(options)
        if resolved is not None:
            data["resolved"] = resolved
        return self._interaction(
            APPLICATION_COMMAND,
            user_id,
            data,
            guild_id=guild_id,
            channel_id=channel_id,
            locale=locale,
        )

    def autocomplete_interaction(
        self,
        user_id: int,
        name: str,
        options: Mapping[str, Any] | Sequence[JSONDict],
        *,
        focused: str,
        guild_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
    ) -> JSONDict:
        """An APPLICATION_COMMAND_AUTOCOMPLETE interaction (type 4); the option named
        ``focused`` carries ``focused: true`` (its value is what the user typed so far)."""
        opts = _options(options)
        for option in opts:
            if option["name"] == focused:
                option["focused"] = True
                option["type"] = option.get("type", 3)
        if not any(o.get("focused") for o in opts):
            raise ValueError(f"no option named {focused!r}")
        data = {"id": self._command_id(name, 1, guild_id), "name": name, "type": 1, "options": opts}
        return self._interaction(
            AUTOCOMPLETE, user_id, data, guild_id=guild_id, channel_id=channel_id, locale=locale
        )

    def component_interaction(
        self,
        user_id: int,
        message: JSONDict | tuple[int, int | str],
        custom_id: str,
        *,
        values: Sequence[str] | None = None,
        component_type: int | None = None,
        locale: str = "en-US",
        check: bool = True,
    ) -> JSONDict:
        """The user presses a button (or picks ``values`` in a select) on a stored bot message
        (its dict or ``(channel_id, message_id)``): a MESSAGE_COMPONENT interaction (type 3).
        With ``check`` (default) the component must exist in the message's current state, be
        enabled, and the values must be valid options, as only those can be clicked."""
        if isinstance(message, dict):
            key = (int(message["channel_id"]), int(message["id"]))
        else:
            key = (int(message[0]), int(message[1]))
        stored = self.messages.get(key)
        if stored is None:
            raise KeyError(f"no stored message {key}")
        component = _find_component(stored.get("components") or [], custom_id)
        channel = self.channels[key[0]]
        if check:
            recipients = [int(u["id"]) for u in channel.get("recipients", [])]
            if channel["type"] == 1 and user_id not in recipients:
                raise ValueError(f"message {key[1]} is in another user's DM channel")
            if component is None:
                raise ValueError(f"message {key[1]} has no component {custom_id!r}")
            if component.get("disabled"):
                raise ValueError(f"component {custom_id!r} is disabled")
            if component.get("type") == STRING_SELECT:
                options = {o.get("value") for o in component.get("options") or []}
                chosen = list(values or [])
                if not set(chosen) <= options:
                    raise ValueError(f"values {chosen} are not options of {custom_id!r}")
                low, high = component.get("min_values", 1), component.get("max_values", 1)
                if not low <= len(chosen) <= high:
                    raise ValueError(f"{len(chosen)} values, {custom_id!r} takes {low}..{high}")
        ctype = component_type or (int(component["type"]) if component else BUTTON)
        data: JSONDict = {"custom_id": custom_id, "component_type": ctype}
        if ctype in _SELECTS:
            data["values"] = list(values or [])
        guild_id = _as_int(channel.get("guild_id"))
        return self._interaction(
            MESSAGE_COMPONENT,
            user_id,
            data,
            guild_id=guild_id,
            channel_id=key[0] if guild_id is not None else None,
            locale=locale,
            message_key=key,
        )

    def modal_interaction(
        self,
        user_id: int,
        values: Mapping[str, str],
        *,
        opened_by: JSONDict | None = None,
        custom_id: str | None = None,
        locale: str = "en-US",
    ) -> JSONDict:
        """The user submits a modal (type 5). With ``opened_by`` (the interaction the bot
        answered with a MODAL response) the custom id comes from that modal and every submitted
        field must be one of its text inputs."""
        message_key: tuple[int, int] | None = None
        guild_id: int | None = None
        channel_id: int | None = None
        if opened_by is not None:
            opener = self._interactions[int(opened_by["id"])]
            if opener.response_type != 9 or opener.response is None:
                raise ValueError(f"interaction {opener.id} was not answered with a modal")
            modal = opener.response["data"]
            custom_id = str(modal["custom_id"])
            for field_id in values:
                if _find_component(modal.get("components") or [], field_id) is None:
                    raise ValueError(f"the modal has no field {field_id!r}")
            message_key = opener.message_key
            guild_id, channel_id = opener.guild_id, opener.channel_id if opener.guild_id else None
        if custom_id is None:
            raise ValueError("custom_id or opened_by is required")
        ids = itertools.count(1)
        rows = []
        for field_id, value in values.items():
            row_id = next(ids)
            text = {"type": TEXT_INPUT, "id": next(ids), "custom_id": field_id, "value": value}
            rows.append({"type": ACTION_ROW, "id": row_id, "components": [text]})
        data = {"custom_id": custom_id, "components": rows}
        return self._interaction(
            MODAL_SUBMIT,
            user_id,
            data,
            guild_id=guild_id,
            channel_id=channel_id,
            locale=locale,
            message_key=message_key,
        )

    def ping_interaction(self) -> JSONDict:
        """A PING (type 1), as Discord sends to check an interactions endpoint URL."""
        return self._interaction(PING, 0, None, guild_id=None, channel_id=None, locale="en-US")

    def send_interaction_gateway(self, payload: JSONDict) -> int | None:
        """Dispatch INTERACTION_CREATE; the 3 s response deadline starts now."""
        inter = self._interactions.get(int(payload["id"]))
        if inter is not None:
            inter.sent_at = time.monotonic()
        return self.dispatch("INTERACTION_CREATE", payload)

    def sign(self, body: bytes, timestamp: str) -> str:
        """Ed25519 signature (hex) over ``timestamp + body``, as in ``X-Signature-Ed25519``."""
        return self.signing_key.sign(timestamp.encode() + body).signature.hex()

    async def post_interaction_http(
        self,
        url: str,
        payload: JSONDict,
        *,
        bad_signature: bool = False,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the public helper API
    ) -> tuple[int, Any]:
        """POST a signed interaction to a bot's interactions endpoint like Discord does and
        return ``(status, json)`` (``json`` is None when the answer is not JSON). A 200 answer
        counts as the initial response (a message it creates is stored, an invalid one is a
        violation), recorded as a call with route ``"HTTP interaction response"``."""
        body = _dumps(payload).encode()
        timestamp = str(int(time.time()))
        signature = self.sign(body, timestamp)
        if bad_signature:
            signature = ("0" if signature[0] != "0" else "1") + signature[1:]
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Discord-Interactions/1.0 (+https://discord.com)",
            "X-Signature-Ed25519": signature,
            "X-Signature-Timestamp": timestamp,
        }
        inter = self._interactions.get(int(payload["id"]))
        if inter is not None:
            inter.sent_at = time.monotonic()
        started = time.monotonic()
        async with (
            ClientSession(timeout=ClientTimeout(total=timeout)) as session,
            session.post(url, data=body, headers=headers) as resp,
        ):
            status = resp.status
            answer: Any = None
            files: list[UploadedFile] = []
            if resp.content_type == "application/json":
                answer = json.loads(await resp.read())
            elif resp.content_type.startswith("multipart/"):
                reader = MultipartReader.from_response(resp)
                while (part := await reader.next()) is not None:
                    if not isinstance(part, BodyPartReader):
                        continue
                    data = bytes(await part.read(decode=True))
                    if part.name == "payload_json":
                        answer = json.loads(data)
                    elif part.filename is not None:
                        ctype = part.headers.get("Content-Type", "application/octet-stream")
                        files.append(UploadedFile(part.name or "", part.filename, data, ctype))
            # Applied as soon as it is read, as Discord does: the bot's webhook calls that
            # follow it must find its message.
            if status == 200 and inter is not None and not bad_signature:
                self._record_http_answer(inter, url, answer, files, started)
        return status, answer

    def _record_http_answer(
        self, inter: _Interaction, url: str, answer: Any, files: list[UploadedFile], started: float
    ) -> None:
        route = "HTTP interaction response"
        call = Call("POST", url, route, {}, answer, files, started, interaction_id=inter.id)
        call.channel_id = inter.channel_id
        try:
            if inter.type != PING:
                message = self._apply_callback(inter, answer, files)
                rtype = int(answer["type"])
                call.response = self._callback_result(inter, rtype, message)
        except DiscordError as err:
            call.status, call.error_code, call.response = (
                err.status,
                err.code or err.status,
                err.body,
            )
            if err.violation:
                self.violations.append(
                    Violation(route, url, err.code, err.message, err.errors or {}, started)
                )
        self.calls.append(call)
        self._notify()

    # ------------------------------------------------------------------ gateway: events
    @staticmethod
    def _intent_for(name: str, data: JSONDict) -> int | None:
        guild = "guild_id" in data
        if name.startswith("MESSAGE_REACTION"):
            return INTENT_GUILD_MESSAGE_REACTIONS if guild else INTENT_DIRECT_MESSAGE_REACTIONS
        if name.startswith("MESSAGE_") and name != "MESSAGE_POLL_VOTE_ADD":
            return INTENT_GUILD_MESSAGES if guild else INTENT_DIRECT_MESSAGES
        if name == "TYPING_START":
            return INTENT_GUILD_MESSAGE_TYPING if guild else INTENT_DIRECT_MESSAGE_TYPING
        if name.startswith("GUILD_MEMBER_") and name != "GUILD_MEMBERS_CHUNK":
            return INTENT_GUILD_MEMBERS
        if name == "PRESENCE_UPDATE":
            return INTENT_GUILD_PRESENCES
        if name.startswith(("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE", "CHANNEL_", "THREAD_")):
            return INTENT_GUILDS
        return None

    def dispatch(self, name: str, data: JSONDict) -> int | None:
        """Send a DISPATCH (op 0) to the session; returns its ``s``. Events the session's intents
        do not cover are dropped (kept in ``filtered_events``). Without a session the event waits
        for the next READY; while the session is disconnected it waits for its RESUME."""
        session = self._session
        if session is None or session.invalid:
            self._pending.append((name, data))
            self._notify()
            return None
        return self._sequence(session, name, data)

    def _sequence(self, session: _Session, name: str, data: JSONDict) -> int | None:
        needed = self._intent_for(name, data)
        if needed is not None and not session.intents & needed:
            self.filtered_events.append((name, data))
            self._notify()
            return None
        session.seq += 1
        session.events.append((session.seq, name, data))
        self.dispatched.append(
            DispatchedEvent(session.seq, name, data, session.session_id, time.monotonic())
        )
        conn = session.conn
        if conn is not None and conn.live:
            conn.send({"op": 0, "t": name, "s": session.seq, "d": data})
            session.delivered_seq = session.seq
        self._notify()
        return session.seq

    def _live_conn(self) -> _Conn:
        session = self._session
        if session is None or session.conn is None:
            raise RuntimeError("no gateway session is connected")
        return session.conn

    async def send_reconnect(self) -> None:
        """Send RECONNECT (op 7): the client should close and RESUME; events dispatched from now
        on wait for that RESUME."""
        conn = self._live_conn()
        conn.send({"op": 7, "d": None, "s": None, "t": None})
        conn.live = False

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Send INVALID_SESSION (op 9). Not resumable: the client must IDENTIFY again; events
        that were never delivered are carried over to the new session."""
        conn = self._live_conn()
        conn.send({"op": 9, "d": resumable, "s": None, "t": None})
        conn.live = False
        if not resumable and self._session is not None:
            self._session.invalid = True

    async def request_heartbeat(self) -> None:
        """Send HEARTBEAT (op 1): the client must answer with a heartbeat right away."""
        conn = self._live_conn()
        seq = self._session.seq if self._session else None
        conn.send({"op": 1, "d": seq, "s": None, "t": None})

    async def drop_connection(
        self,
        code: int | None = None,
        reason: str = "",
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """End the current connection without invalidating the session: abruptly (TCP abort)
        by default, or with a close frame ``code`` (4000 is resumable). Returns when closed."""
        conn = self._live_conn()
        conn.live = False
        if self._session is not None and self._session.conn is conn:
            self._session.conn = None
        if code is None:
            conn.closing = True
            transport = conn.request.transport
            if transport is not None:
                transport.abort()
            conn.record.closed_by = "dropped"
        else:
            conn.close(code, reason)
        await self.wait_until(lambda: conn.record.closed_at is not None, timeout)

    # ------------------------------------------------------------------ gateway: websocket
    async def _handle_gateway(self, request: web.Request) -> web.StreamResponse:
        query = dict(request.query)
        compress = query.get("compress")
        if query.get("encoding", "json") != "json":
            return web.Response(status=400, text="this fake gateway speaks encoding=json only")
        if compress not in (None, "zlib-stream"):
            return web.Response(
                status=400, text=f"compress={compress} is not supported (zlib-stream or none)"
            )
        ws = web.WebSocketResponse(autoping=True, compress=False, max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        record = GatewayConnection(
            next(self._conn_ids), request.path, query, compress, time.monotonic()
        )
        self.connections.append(record)
        conn = _Conn(record, ws, request)
        self._conns.append(conn)
        writer = asyncio.create_task(self._write_loop(conn))
        self._tasks.add(writer)
        writer.add_done_callback(self._tasks.discard)
        self._notify()
        if query.get("v", str(API_VERSION)) != str(API_VERSION):
            conn.close(4012, "Invalid API version")
        else:
            hello = {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["fake-discord"]}
            conn.send({"op": 10, "d": hello, "s": None, "t": None})
        try:
            async for msg in ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                try:
                    payload = json.loads(msg.data)
                    if not isinstance(payload, dict):
                        raise ValueError("not an object")
                except ValueError:
                    conn.close(4002, "Error while decoding payload.")
                    continue
                record.received.append(payload)
                self._on_payload(conn, payload)
                self._notify()
        finally:
            await self._connection_closed(conn, writer)
        return ws

    async def _write_loop(self, conn: _Conn) -> None:
        try:
            while True:
                item = await conn.queue.get()
                if isinstance(item, _CloseFrame):
                    conn.record.close_code = item.code
                    conn.record.closed_by = conn.record.closed_by or "server"
                    await conn.ws.close(code=item.code, message=item.reason.encode())
                    return
                text = _dumps(item)
                if conn.compressor is not None:
                    data = conn.compressor.compress(text.encode()) + conn.compressor.flush(
                        zlib.Z_SYNC_FLUSH
                    )
                    await conn.ws.send_bytes(data)
                else:
                    await conn.ws.send_str(text)
        except (ConnectionError, RuntimeError):
            return

    async def _connection_closed(self, conn: _Conn, writer: asyncio.Task[None]) -> None:
        record = conn.record
        conn.live = False
        if record.closed_by is None:
            record.closed_by = "client"
            record.close_code = conn.ws.close_code
        record.closed_at = time.monotonic()
        session = conn.session
        if session is not None and session.conn is conn:
            session.conn = None
            if record.closed_by == "client" and record.close_code in (1000, 1001):
                session.invalid = True  # a normal closure ends the session on Discord too
        if not writer.done():
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer
        if conn in self._conns:
            self._conns.remove(conn)
        self._notify()

    def _on_payload(self, conn: _Conn, payload: JSONDict) -> None:
        op = payload.get("op")
        data = payload.get("d")
        if op == 1:
            conn.record.heartbeats += 1
            conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            self._on_identify(conn, data if isinstance(data, dict) else {})
        elif op == 6:
            self._on_resume(conn, data if isinstance(data, dict) else {})
        elif op in (3, 4, 8, 31, 43):
            if conn.session is None:
                conn.close(4003, "Not authenticated.")
        else:
            conn.close(4001, "Unknown opcode.")

    def _on_identify(self, conn: _Conn, data: JSONDict) -> None:
        if conn.session is not None:
            conn.close(4005, "Already authenticated.")
            return
        if data.get("token") != self.token:
            conn.close(4004, "Authentication failed.")
            return
        intents = data.get("intents")
        if isinstance(intents, bool) or not isinstance(intents, int) or intents & ~VALID_INTENTS:
            conn.close(4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.allowed_privileged_intents:
            conn.close(4014, "Disallowed intent(s).")
            return
        shard = data.get("shard", [0, 1])
        if not (isinstance(shard, list) and len(shard) == 2 and 0 <= shard[0] < shard[1]):
            conn.close(4010, "Invalid shard.")
            return
        self.identifies.append(data)
        carried: list[tuple[str, JSONDict]] = []
        old = self._session
        if old is not None:
            carried = [(n, d) for s, n, d in old.events if s > old.delivered_seq]
            if old.conn is not None and old.conn is not conn:
                old.conn.close(4000, "Session replaced.")
        session = _Session(session_id=secrets.token_hex(16), intents=intents)
        session.conn = conn
        conn.session = session
        conn.live = True
        conn.record.identified = True
        self._session = session
        ready: JSONDict = {
            "v": API_VERSION,
            "user": self.bot_user,
            "guilds": [],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "shard": shard,
            "application": {"id": str(self.application_id), "flags": self.application["flags"]},
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "user_settings": {},
            "_trace": ["fake-discord"],
        }
        self._sequence(session, "READY", ready)
        pending, self._pending = carried + self._pending, []
        for name, event in pending:
            self._sequence(session, name, event)

    def _on_resume(self, conn: _Conn, data: JSONDict) -> None:
        if conn.session is not None:
            conn.close(4005, "Already authenticated.")
            return
        if data.get("token") != self.token:
            conn.close(4004, "Authentication failed.")
            return
        self.resumes.append(data)
        session = self._session
        if session is None or session.invalid or data.get("session_id") != session.session_id:
            conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        seq = data.get("seq")
        seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else 0
        if seq > session.seq:
            conn.close(4007, "Invalid seq.")
            return
        if session.conn is not None and session.conn is not conn:
            session.conn.close(4000, "Session resumed elsewhere.")
        session.conn = conn
        conn.session = session
        conn.record.resumed = True
        for event_seq, name, event in session.events:
            if event_seq > seq:
                conn.send({"op": 0, "t": name, "s": event_seq, "d": event})
        conn.send({"op": 0, "t": "RESUMED", "s": session.seq, "d": {"_trace": ["fake-discord"]}})
        session.delivered_seq = session.seq
        conn.live = True

    # ------------------------------------------------------------------ standalone control
    async def _control_dm_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response(self.dm_message(int(body["user_id"]), str(body["content"])))

    async def _control_command(self, request: web.Request) -> web.Response:
        body = await request.json()
        payload = self.command_interaction(
            int(body["user_id"]), str(body["name"]), body.get("options")
        )
        self.send_interaction_gateway(payload)
        return web.json_response(payload)

    async def _control_dispatch(self, request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response({"seq": self.dispatch(str(body["t"]), dict(body["d"]))})

    async def _control_calls(self, request: web.Request) -> web.Response:
        return web.json_response(
            [
                {
                    "method": c.method,
                    "path": c.path,
                    "route": c.route,
                    "status": c.status,
                    "error_code": c.error_code,
                    "timestamp": c.timestamp,
                }
                for c in self.calls
            ]
        )

    async def _control_sent(self, request: web.Request) -> web.Response:
        channel = _as_int(request.query.get("channel_id"))
        return web.json_response(self.sent_messages(channel))


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeDiscord(
        host=args.host,
        port=args.port,
        bot_id=args.bot_id,
        heartbeat_interval_ms=args.heartbeat_ms,
        signing_seed=bytes.fromhex(args.signing_seed) if args.signing_seed else None,
    )
    await fake.start()
    info = {
        "api_url": fake.api_url,
        "gateway_url": fake.gateway_url,
        "token": fake.token,
        "application_id": fake.application_id,
        "public_key": fake.public_key_hex,
    }
    print(json.dumps(info), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await fake.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Discord REST API + gateway")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--bot-id", type=int, default=DEFAULT_BOT_ID)
    parser.add_argument("--heartbeat-ms", type=float, default=41250)
    parser.add_argument("--signing-seed", help="64 hex chars: a fixed Ed25519 key pair")
    args = parser.parse_args(argv)
    asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
