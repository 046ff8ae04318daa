"""Discord, as one adapter on the coach's core. DMs are the private chat: their text comes over
the gateway (MESSAGE_CREATE / MESSAGE_UPDATE); slash commands, buttons and select menus are
interactions, over the gateway or as signed HTTP POSTs (`handlers.discord.interactions`).
Everything arrives as Discord's JSON and becomes an intent for the dispatcher; the answer goes
back as Markdown and components (`handlers.discord.render`). No routing and no coaching here.

hikari holds the gateway connection (heartbeats, resumes, reconnects) and makes the bot's
REST calls (DM channels, messages, slash commands) with Discord's rate limits. Answers to an
interaction go to its webhook, authenticated by the interaction's own token.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
import hikari
from hikari.api import special_endpoints

from bot.coach.actions import decode
from bot.coach.commands import BY_NAME, complete, listed
from bot.coach.delivery import Blocked, TryLater
from bot.coach.intents import Command, Edited, Intent, Pressed, Said, Sent, Uploaded, Who
from bot.coach.messages import Message
from bot.core import Core
from bot.inbox import Inbox
from handlers.discord.render import JSON, components, pieces

PLATFORM = "discord"
log = logging.getLogger("runstrong.discord")

INTENTS = hikari.Intents.GUILDS | hikari.Intents.DM_MESSAGES  # none privileged
EPHEMERAL = 64
QUICK_S = 2.0  # an answer ready this soon goes in the interaction's response; else defer
ALWAYS_DEFER = frozenset({"progress", "export", "summary"})  # charts and files take time
UNREACHABLE_CODES = frozenset({50007, 50278})  # cannot send messages to this user
NO_MENTIONS: JSON = {"parse": []}
APOLOGY = "Sorry — something went wrong on my side. Please try that again in a moment."
DOWNLOAD_CHUNK = 64 * 1024
MAX_FILES = 10  # attachments read from one DM (Discord allows 10)

Initial = Callable[[JSON], Awaitable[None]]


@dataclass(frozen=True)
class _Raw(special_endpoints.ComponentBuilder):
    """A component as Discord's JSON, for hikari's REST calls."""

    payload: JSON = field(default_factory=dict)

    @property
    def type(self) -> hikari.ComponentType:
        return hikari.ComponentType(int(self.payload["type"]))

    @property
    def id(self) -> int | hikari.UndefinedType:
        return hikari.UNDEFINED

    def build(self) -> tuple[JSON, Sequence[hikari.files.Resource[hikari.files.AsyncReader]]]:
        return dict(self.payload), ()


def _user_of(payload: JSON) -> JSON:
    user = payload.get("user") or (payload.get("member") or {}).get("user") or {}
    return payload.get("author") or user


def _name(user: JSON) -> str:
    return str(user.get("global_name") or user.get("username") or "")


def event_key(name: str, data: JSON) -> str:
    """The event's key for idempotency: a message's id (an edit's with its time, so each
    correction applies and a replay does not), an interaction's id."""
    if name == "MESSAGE_UPDATE":
        return f"e{data['id']}:{data.get('edited_timestamp') or ''}"[:128]
    if name == "INTERACTION_CREATE":
        return f"i{data['id']}"
    return f"m{data['id']}"


def command_of(text: str) -> tuple[str, str] | None:
    """ "/name args" typed in a DM, for the commands the coach knows; None otherwise."""
    head, _, args = text[1:].partition(" ")
    name = head.strip().lower()
    return (name, args.strip()) if name in BY_NAME else None


class DiscordAdapter:
    """The coach on Discord: events in, intents through the dispatcher, answers out."""

    def __init__(self, core: Core, *, token: str, api_url: str, application_id: int) -> None:
        self.core = core
        self.token = token
        self.api_url = api_url.rstrip("/")
        self.application_id = application_id
        self.inbox = Inbox(core.storage, core.clock, PLATFORM)
        # Keep-alive: hikari closes each REST connection after its request by default (a
        # workaround for Windows); here a DM answer reuses a pooled connection instead of a
        # new TCP (on Discord, TLS) handshake per message.
        self._rest_app = hikari.RESTApp(
            url=self.api_url,
            max_rate_limit=120.0,
            http_settings=hikari.impl.HTTPSettings(force_close_transports=False),
        )
        self._rest: Any = None  # hikari's REST client, once started
        self._http: aiohttp.ClientSession | None = None
        self._dm: dict[int, int] = {}  # user id -> DM channel id
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}  # DM events holding or waiting for a chat's lock
        self._tasks: set[asyncio.Task[None]] = set()

    # --- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        await self._rest_app.start()
        self._rest = self._rest_app.acquire(self.token, hikari.TokenType.BOT)
        self._rest.start()
        self._http = aiohttp.ClientSession()

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.inbox.close()
        if self._rest is not None:
            await self._rest.close()
        await self._rest_app.close()
        if self._http is not None:
            await self._http.close()

    @property
    def rest(self) -> Any:
        if self._rest is None:
            raise RuntimeError("the Discord adapter is not started")
        return self._rest

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None:
            raise RuntimeError("the Discord adapter is not started")
        return self._http

    def gateway(self) -> hikari.GatewayBot:
        """A gateway client for DM text and gateway interactions (not started)."""
        bot = hikari.GatewayBot(
            self.token,
            rest_url=self.api_url,
            intents=INTENTS,
            banner=None,
            logs=None,
            # Everything is read from the raw payloads and the database: no entity cache, so
            # hikari doesn't build and keep a Message for every DM either.
            cache_settings=hikari.impl.CacheSettings(components=hikari.api.CacheComponents.NONE),
        )
        bot.subscribe(hikari.ShardPayloadEvent, self._on_payload)
        return bot

    def _spawn(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- slash commands ------------------------------------------------------------------

    def command_builders(self) -> list[special_endpoints.SlashCommandBuilder]:
        """The registry's listed commands as slash commands, usable in DMs and servers and
        installable by a user as well as a server."""
        builders = []
        for spec in listed():
            builder = self.rest.slash_command_builder(spec.name, spec.menu[:100])
            builder.set_integration_types(
                [hikari.ApplicationIntegrationType.GUILD_INSTALL,
                 hikari.ApplicationIntegrationType.USER_INSTALL]
            )  # fmt: skip
            builder.set_context_types(
                [hikari.ApplicationContextType.GUILD, hikari.ApplicationContextType.BOT_DM,
                 hikari.ApplicationContextType.PRIVATE_CHANNEL]
            )  # fmt: skip
            if spec.option is not None:
                option = spec.option
                kind = (
                    hikari.OptionType.INTEGER
                    if option.kind == "integer"
                    else hikari.OptionType.STRING
                )
                builder.add_option(
                    hikari.CommandOption(
                        type=kind,
                        name=option.name,
                        description=option.description[:100],
                        is_required=option.required,
                        autocomplete=bool(option.autocomplete),
                    )
                )
            builders.append(builder)
        return builders

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Bulk-overwrite the slash commands when they differ from the registry (or when
        `force`); True when they were written."""
        wanted = self.command_builders()
        if not force:
            existing = await self.rest.fetch_application_commands(self.application_id)
            if _command_shapes(existing) == _builder_shapes(wanted):
                return False
        await self.rest.set_application_commands(self.application_id, wanted)
        log.info("slash commands written (%d)", len(wanted))
        return True

    # --- the gateway ---------------------------------------------------------------------

    async def _on_payload(self, event: hikari.ShardPayloadEvent) -> None:
        name, data = event.name, dict(event.payload)
        if name == "INTERACTION_CREATE":
            await self.interaction(data, self._callback(data))
        elif name in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
            if data.get("guild_id") is not None or _user_of(data).get("bot"):
                return  # server text is never read; nor our own messages
            await self.dm_event(name, data, arrived=True)

    async def recover(self) -> int:
        """DM events a stopped process kept but had not handled, handled now."""
        found = await self.inbox.recover()
        for _key, payload in found:
            self._spawn(self.dm_event(str(payload["t"]), dict(payload["d"])))
        return len(found)

    async def sweep(self) -> None:
        for _key, payload in await self.inbox.sweep():
            self._spawn(self.dm_event(str(payload["t"]), dict(payload["d"])))

    async def dm_event(self, name: str, data: JSON, *, arrived: bool = False) -> None:
        """A DM message or edit, in order per chat, then out of the inbox. One that just
        `arrived` is kept in the inbox at once, together with the others arriving (one
        transaction for a burst), while it waits for its turn: hikari runs each event in a
        task of its own, so the chat's lock is queued on before anything is awaited, in the
        order Discord sent them (an answer never overtakes the message before it)."""
        key = event_key(name, data)
        channel = int(data["channel_id"])
        keeping = (
            asyncio.ensure_future(self.inbox.keep(key, {"t": name, "d": data})) if arrived else None
        )  # kept even if this task is cancelled while it waits: handled at the next start
        lock = self._chat_locks.setdefault(channel, asyncio.Lock())
        self._queued[channel] = self._queued.get(channel, 0) + 1
        try:
            async with lock:
                if keeping is not None and not await keeping:
                    return  # a re-delivery of one kept already
                await self._dm_event(name, data, channel)
                # Not in `finally`: an event cancelled at shutdown stays in the inbox for
                # the next start (failures are answered with an apology and count as handled).
                self.inbox.handled(key)
        finally:
            self._queued[channel] -= 1
            if not self._queued[channel]:  # the lock is free and nobody waits for it
                del self._queued[channel], self._chat_locks[channel]

    async def _dm_event(self, name: str, data: JSON, channel: int) -> None:
        user = _user_of(data)
        if not user.get("id"):
            return
        self._dm[int(user["id"])] = channel
        who = Who(
            PLATFORM,
            int(user["id"]),
            channel,
            name=_name(user),
            private=True,
            event=event_key(name, data),
            message_id=int(data["id"]),
        )
        try:
            for intent in self._message_intents(name, data, who):
                replies = await self.core.dispatcher.handle(intent)
                for reply in replies:
                    await self.post(channel, reply)
        except Exception:
            log.exception("Discord %s %s failed", name, data.get("id"))
            try:
                await self.rest.create_message(channel, APOLOGY)
            except hikari.HikariError:
                log.warning("could not send the apology for message %s", data.get("id"))

    def _message_intents(self, name: str, data: JSON, who: Who) -> list[Intent]:
        """What a DM says: an edit, its files (each one applied once, by its own key), a
        command, text, or something else (a sticker)."""
        content = str(data.get("content") or "")
        if name == "MESSAGE_UPDATE":
            if not data.get("edited_timestamp") or "content" not in data:
                return []  # an embed unfurled, not an edit by the person
            return [Edited(who, int(data["id"]), content)]
        attachments = data.get("attachments") or []
        if attachments:
            return [
                self._upload(replace(who, event=f"{who.event}:{n}" if n else who.event), file)
                for n, file in enumerate(attachments[:MAX_FILES])
            ]
        if not content.strip():
            return [Sent(who, "sticker" if data.get("sticker_items") else "message")]
        if content.startswith("/"):
            found = command_of(content)
            if found is not None:
                return [Command(who, *found)]
        return [Said(who, content)]

    def _upload(self, who: Who, file: JSON) -> Uploaded:
        url, size = str(file.get("url") or ""), file.get("size")

        async def read(limit: int) -> bytes | None:
            return await self.download(url, limit)

        async def progress(note: Message) -> None:
            await self.post(who.chat_id, note)

        filename = str(file.get("filename") or "")
        return Uploaded(who, filename, int(size) if size is not None else None, read, progress)

    async def download(self, url: str, limit: int) -> bytes | None:
        """An attachment in chunks; None as soon as it passes `limit` bytes."""
        received = bytearray()
        async with self.http.get(url) as response:
            if response.status != 200:
                raise TryLater(f"attachment download answered {response.status}")
            async for chunk in response.content.iter_chunked(DOWNLOAD_CHUNK):
                received += chunk
                if len(received) > limit:
                    return None
        return bytes(received)

    # --- sending to a channel ------------------------------------------------------------

    async def post(self, channel: int, message: Message) -> int:
        """A coach message in a channel (split at 2000 characters, its components on the
        last piece, its file on the first); the last message's id."""
        texts = pieces(message.text) if message.text else []
        rows = [_Raw(c) for c in components(message.buttons, private_chat_url=_dm_url(channel))]
        attachment: Any = hikari.UNDEFINED
        if message.attachment is not None:
            attachment = hikari.Bytes(message.attachment.content, message.attachment.filename)
        if not texts and attachment is hikari.UNDEFINED:
            return 0  # a bare acknowledgement: nothing to show outside an interaction
        sent_id = 0
        for index, body in enumerate(texts or [""]):
            last = index == len(texts or [""]) - 1
            sent = await self.rest.create_message(
                channel,
                body or hikari.UNDEFINED,
                attachment=attachment if index == 0 else hikari.UNDEFINED,
                components=rows if last and rows else hikari.UNDEFINED,
                mentions_everyone=False,
                user_mentions=False,
                role_mentions=False,
            )
            sent_id = int(sent.id)
        return sent_id

    async def dm_channel(self, user_id: int) -> int:
        """The user's DM channel with the bot (created once, then remembered)."""
        channel = self._dm.get(user_id)
        if channel is None:
            found = await self.rest.create_dm_channel(user_id)
            channel = self._dm[user_id] = int(found.id)
        return channel

    # --- interactions --------------------------------------------------------------------

    def _callback(self, payload: JSON) -> Initial:
        """The initial response of a gateway interaction: POSTed to its callback URL."""
        url = f"{self.api_url}/interactions/{payload['id']}/{payload['token']}/callback"

        async def send(body: JSON) -> None:
            async with self.http.post(url, json=body) as response:
                if response.status >= 400:
                    log.warning("interaction callback answered %s", response.status)

        return send

    async def interaction(self, payload: JSON, initial: Initial) -> None:
        """One interaction: a ping, an autocomplete, a slash command or a component."""
        kind = int(payload.get("type") or 0)
        if kind == 1:
            await initial({"type": 1})
            return
        data = payload.get("data") or {}
        if kind == 4:
            await initial({"type": 8, "data": {"choices": _choices(data)}})
            return
        if kind not in (2, 3):
            return
        user = _user_of(payload)
        in_server = payload.get("guild_id") is not None
        try:
            channel = (
                await self.dm_channel(int(user["id"]))
                if in_server
                else int(payload.get("channel_id") or (payload.get("channel") or {})["id"])
            )
        except (hikari.HikariError, KeyError, ValueError, TypeError):
            log.exception("no DM channel for interaction %s", payload.get("id"))
            await initial(_body(4, APOLOGY, ephemeral=True))
            return
        self._dm[int(user["id"])] = channel
        who = Who(
            PLATFORM,
            int(user["id"]),
            channel,
            name=_name(user),
            language_code=str(payload.get("locale") or "") or None,
            private=not in_server,
            event=event_key("INTERACTION_CREATE", payload),
        )
        pressed = kind == 3
        intent: Intent
        if pressed:
            values = data.get("values") or []
            custom_id = str(values[0] if values else data.get("custom_id") or "")
            intent = Pressed(who, decode(custom_id))
        else:
            name = str(data.get("name") or "")
            options = data.get("options") or []
            args = " ".join(str(o.get("value", "")) for o in options).strip()
            intent = Command(who, name, args)
        answer = _Answer(
            self, payload, initial, pressed=pressed, ephemeral=in_server, dm_channel=channel
        )
        defer_now = isinstance(intent, Command) and intent.name in ALWAYS_DEFER
        work = asyncio.ensure_future(self.core.dispatcher.handle(intent))
        if defer_now:
            await answer.defer()
        else:
            await asyncio.wait({work}, timeout=QUICK_S)
            if not work.done():
                await answer.defer()
        try:
            replies = await work
        except Exception:
            log.exception("Discord interaction %s failed", payload.get("id"))
            replies = [Message(ack=APOLOGY)]
        try:
            await answer.send(replies)
        except (aiohttp.ClientError, hikari.HikariError):
            log.exception("could not answer interaction %s", payload.get("id"))

    async def webhook(
        self, method: str, path: str, body: JSON, message: Message | None = None
    ) -> None:
        """A call to the interaction's webhook (follow-ups, edits of the original), with the
        message's file as multipart."""
        url = f"{self.api_url}/webhooks/{self.application_id}/{path}"
        attachment = message.attachment if message is not None else None
        if attachment is None:
            request = self.http.request(method, url, json=body)
        else:
            form = aiohttp.FormData()
            body = {**body, "attachments": [{"id": 0, "filename": attachment.filename}]}
            form.add_field("payload_json", json.dumps(body), content_type="application/json")
            form.add_field("files[0]", attachment.content, filename=attachment.filename)
            request = self.http.request(method, url, data=form)
        async with request as response:
            if response.status >= 400:
                text = await response.text()
                raise hikari.HTTPError(f"{method} {path} answered {response.status}: {text}")


def _dm_url(channel: int) -> str:
    return f"https://discord.com/channels/@me/{channel}"


def _body(
    kind: int, content: str, *, ephemeral: bool = False, rows: list[JSON] | None = None
) -> JSON:
    data: JSON = {"content": content, "allowed_mentions": NO_MENTIONS}
    if rows is not None:
        data["components"] = rows
    if ephemeral:
        data["flags"] = EPHEMERAL
    return {"type": kind, "data": data}


def _choices(data: JSON) -> list[JSON]:
    """Autocomplete: the focused option's choices from the coach's lists."""
    focused = next((o for o in data.get("options") or [] if o.get("focused")), None)
    spec = BY_NAME.get(str(data.get("name") or ""))
    if focused is None or spec is None or spec.option is None:
        return []
    names = complete(spec.option.autocomplete, str(focused.get("value") or ""))
    return [{"name": n[:100], "value": n[:100]} for n in names[:25]]


class _Answer:
    """How one interaction's messages go back: in its response when quick, else after a
    deferral (type 5, or 6 for a pressed component) by editing the original response and
    sending follow-ups. A pressed button's message is updated in place (type 7)."""

    def __init__(
        self,
        adapter: DiscordAdapter,
        payload: JSON,
        initial: Initial,
        *,
        pressed: bool,
        ephemeral: bool,
        dm_channel: int,
    ) -> None:
        self.adapter = adapter
        self.token = str(payload["token"])
        self.initial = initial
        self.pressed = pressed
        self.ephemeral = ephemeral
        self.dm_url = _dm_url(dm_channel)  # where "let's talk in private" points
        self.answered = False

    async def defer(self) -> None:
        if self.answered:
            return
        data = {"flags": EPHEMERAL} if self.ephemeral and not self.pressed else {}
        await self.initial({"type": 6 if self.pressed else 5, "data": data})
        self.answered = True

    async def send(self, replies: list[Message]) -> None:
        shown = [m for m in replies if m.text or m.attachment is not None]
        if not shown:
            note = next((m.ack for m in replies if m.ack), None)
            if note is not None:
                shown = [Message(ack=note)]
        if not shown:
            if not self.answered:
                await self.initial({"type": 6} if self.pressed else _body(4, "👍", ephemeral=True))
            return
        for index, message in enumerate(shown):
            await self._one(message, first=index == 0)

    async def _one(self, message: Message, *, first: bool) -> None:
        texts = pieces(message.text) if message.text else []
        if not texts and message.attachment is None and message.ack:
            texts = [message.ack]
        rows = components(message.buttons, private_chat_url=self.dm_url)
        bodies = texts or [""]
        for index, content in enumerate(bodies):
            last = index == len(bodies) - 1
            data: JSON = {"content": content, "allowed_mentions": NO_MENTIONS}
            if last:
                data["components"] = rows
            if self.ephemeral and not (self.pressed and message.edit):
                data["flags"] = EPHEMERAL
            with_file = message if index == 0 else None
            replace_pressed = self.pressed and message.edit and first and index == 0
            if not self.answered:
                if with_file is not None and with_file.attachment is not None:
                    await self.defer()
                else:
                    kind = 7 if replace_pressed else 4
                    await self.initial({"type": kind, "data": data})
                    self.answered = True
                    continue
            if (first and index == 0 and not self.pressed) or replace_pressed:
                data.pop("flags", None)
                await self.adapter.webhook(
                    "PATCH", f"{self.token}/messages/@original", data, with_file
                )
            else:
                await self.adapter.webhook("POST", self.token, data, with_file)


# --- shapes of slash commands, to write them only when they changed ------------------------


def _option_shape(option: Any) -> tuple[str, int, bool, bool]:
    return (
        str(option.name),
        int(option.type),
        bool(option.is_required),
        bool(getattr(option, "autocomplete", False)),
    )


def _command_shapes(commands: Sequence[Any]) -> set[tuple[Any, ...]]:
    return {
        (
            str(c.name),
            str(getattr(c, "description", "")),
            tuple(_option_shape(o) for o in (getattr(c, "options", None) or ())),
        )
        for c in commands
    }


def _builder_shapes(
    builders: Sequence[special_endpoints.SlashCommandBuilder],
) -> set[tuple[Any, ...]]:
    return {(b.name, b.description, tuple(_option_shape(o) for o in b.options)) for b in builders}


class DiscordSender:
    """Daily messages to DM channels; Discord's errors mapped onto the coach's: a user who
    can't be messaged (403 50007 / 50278) or a channel gone is Blocked (paused until they
    /resume), anything passing is TryLater. hikari waits out 429s itself."""

    platform = PLATFORM

    def __init__(self, adapter: DiscordAdapter, send_rate: float | None) -> None:
        self.adapter = adapter
        self.send_rate = send_rate

    async def send(self, chat_id: int, message: Message) -> int:
        try:
            return await self.adapter.post(chat_id, message)
        except hikari.ForbiddenError as exc:
            if int(exc.code) in UNREACHABLE_CODES or not exc.code:
                raise Blocked(f"{exc.code}: {exc.message}") from exc
            raise TryLater(str(exc)) from exc
        except hikari.NotFoundError as exc:
            raise Blocked(f"{exc.code}: {exc.message}") from exc
        except hikari.RateLimitTooLongError as exc:
            raise TryLater(str(exc), retry_after=exc.retry_after) from exc
        except (hikari.HTTPError, hikari.ComponentStateConflictError, aiohttp.ClientError) as exc:
            raise TryLater(str(exc)) from exc
