"""Telegram, as one adapter on the coach's core: every update becomes an intent
(`bot.coach.intents`), the dispatcher answers, and the answer is sent as HTML with inline
keyboards. No routing and no coaching here.

A button press is answered (`answerCallbackQuery`) exactly once, whatever happens; a
failure is logged with the update id and answered with an apology.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from typing import Any

from telegram import Bot, BotCommand, ChatMember, InputFile, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes, JobQueue, TypeHandler

from bot.coach.actions import decode
from bot.coach.commands import listed
from bot.coach.delivery import Blocked, TryLater
from bot.coach.dispatcher import Dispatcher
from bot.coach.intents import (
    Command,
    Edited,
    Intent,
    Left,
    Pressed,
    Said,
    Sent,
    Uploaded,
    Who,
)
from bot.coach.messages import Message as CoachMessage
from bot.inbox import Inbox
from handlers.telegram.render import MAX_CAPTION, markup, pieces, to_html
from handlers.telegram.transport import AiohttpRequest

PLATFORM = "telegram"
log = logging.getLogger("runstrong.telegram")
APOLOGY = "Sorry — something went wrong on my side. Please try that again in a moment."


# --- updates in -------------------------------------------------------------------------


def event_key(update: Update) -> str:
    """The update's key for idempotency and the inbox: Telegram numbers every update."""
    return f"u{update.update_id}"


class DurableUpdates(asyncio.Queue[object]):
    """PTB's update queue, made durable: the poller puts each fetched update here before it
    moves the offset past it (which tells Telegram it arrived), the webhook server before it
    answers 200; so `put` returns only once the update is kept in the inbox (`bot.inbox`).
    A re-delivered update that is kept already is not queued twice."""

    def __init__(self) -> None:
        super().__init__()
        self.inbox: Inbox | None = None
        self.polling = False

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self.inbox is not None:
            key, payload = event_key(item), item.to_dict()
            if self.polling:
                # Kept by `Inbox.save` before the next getUpdates, the call that
                # acknowledges this batch (the getUpdates connection awaits it first).
                new = self.inbox.keep_before_acknowledged(key, payload)
            else:  # a webhook answers 200 once this returns
                new = await self.inbox.keep(key, payload)
            if not new:
                return
        await super().put(item)

    def hand_back(self, updates: list[Update]) -> None:
        """Updates kept already (left by a process that stopped): queued, not kept again."""
        for update in updates:
            self.put_nowait(update)


def who_of(update: Update) -> Who | None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    message = update.effective_message
    return Who(
        platform=PLATFORM,
        user_id=user.id,
        chat_id=chat.id,
        name=user.first_name or "",
        language_code=user.language_code,
        private=chat.type == ChatType.PRIVATE,
        event=event_key(update),
        message_id=message.message_id
        if message is not None and update.callback_query is None
        else None,
    )


def command_of(text: str, bot_username: str) -> tuple[str, str] | None:
    """(`name`, `args`) of "/name@bot args"; None when the command is for another bot."""
    head, _, args = text.partition(" ")
    if "\n" in head:
        head, _, rest = head.partition("\n")
        args = f"{rest} {args}".strip()
    name, _, target = head[1:].partition("@")
    if target and bot_username and target.lower() != bot_username.lower():
        return None
    return name.lower(), args.strip()


def _normalized(text: str, bot_username: str) -> str:
    """An edited message's text with a leading "/cmd@bot" written as "/cmd"."""
    if not text.startswith("/"):
        return text
    found = command_of(text, bot_username)
    return text if found is None else f"/{found[0]} {found[1]}".strip()


def _kind(message: Message) -> str:
    if message.sticker:
        return "sticker"
    if message.photo:
        return "photo"
    if message.voice or message.audio:
        return "voice note"
    if message.video or message.video_note:
        return "video"
    return "message"


def intent_of(update: Update, bot: Bot, transport: AiohttpRequest | None) -> Intent | None:
    """What the update means to the coach; None for updates it doesn't take."""
    who = who_of(update)
    username = bot.username or ""
    if update.my_chat_member is not None:
        change = update.my_chat_member
        gone = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
        if who is not None and change.chat.type == ChatType.PRIVATE and gone:
            return Left(who)
        return None
    if who is None:
        return None
    if update.callback_query is not None:
        return Pressed(who, decode(update.callback_query.data or ""))
    if update.edited_message is not None:
        edited = update.edited_message
        if edited.text is None:
            return None
        return Edited(who, edited.message_id, _normalized(edited.text, username))
    message = update.message
    if message is None:
        return None
    if message.text is not None:
        entities = message.entities or ()
        if message.text.startswith("/") and any(
            e.type == "bot_command" and e.offset == 0 for e in entities
        ):
            found = command_of(message.text, username)
            return None if found is None else Command(who, *found)
        return Said(who, message.text)
    if message.document is not None:
        document = message.document

        async def read(limit: int) -> bytes | None:
            file = await bot.get_file(document.file_id)
            if transport is None or not file.file_path:
                return bytes(await file.download_as_bytearray())
            return await transport.fetch(file.file_path, limit)

        async def progress(note: CoachMessage) -> None:
            await send(bot, message.chat_id, note)

        return Uploaded(who, document.file_name or "", document.file_size, read, progress)
    return Sent(who, _kind(message))


# --- answers out ------------------------------------------------------------------------


async def send(
    bot: Bot, chat_id: int, reply: CoachMessage, *, edit_message: Message | None = None
) -> Message | None:
    """One coach message in the chat: edited in place, a photo or document with its
    caption, or text (split at Telegram's limit). Returns the (last) message sent."""
    keyboard = markup(reply.buttons, bot.username or "")
    if reply.edit and edit_message is not None and reply.attachment is None:
        (body, *rest) = pieces(reply.text) if reply.text else [""]
        if body and not rest:
            try:
                edited = await edit_message.edit_text(
                    body, parse_mode=ParseMode.HTML, reply_markup=keyboard
                )
                return edited if isinstance(edited, Message) else None
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    return edit_message  # pressed twice: it already says this
                # Too old to edit, or gone: the answer comes as a new message instead.
                log.info("could not edit message %s (%s): sending anew", edit_message.id, exc)
    if reply.attachment is not None:
        caption = to_html(reply.text) if reply.text else None
        fits = caption is None or len(caption) <= MAX_CAPTION
        attachment = reply.attachment
        upload = InputFile(attachment.content, filename=attachment.filename)
        method = bot.send_photo if attachment.kind == "photo" else bot.send_document
        sent: Message = await method(
            chat_id,
            upload,
            caption=caption if fits else None,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard if fits else None,
        )
        if fits:
            return sent
    if not reply.text:
        return None
    texts = pieces(reply.text)
    last: Message | None = None
    for index, body in enumerate(texts):
        last = await bot.send_message(
            chat_id,
            body,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard if index == len(texts) - 1 else None,
        )
    return last


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update: to an intent, through the dispatcher, back as messages; then out of
    the inbox: also when it failed (the error handler apologises), but not when it was
    cancelled part-way at shutdown, so the next start hands it back."""
    cancelled = False
    try:
        await _answer(update, context)
    except asyncio.CancelledError:
        cancelled = True
        raise
    finally:
        inbox: Inbox | None = context.bot_data.get("inbox")
        if inbox is not None and not cancelled:
            inbox.handled(event_key(update))


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    dispatcher: Dispatcher = context.bot_data["dispatcher"]
    intent = intent_of(update, context.bot, context.bot_data.get("transport"))
    if intent is None:
        return
    query = update.callback_query
    ack: str | None = None
    try:
        replies = await dispatcher.handle(intent)
        chat = update.effective_chat
        for reply in replies:
            ack = reply.ack or ack
            if chat is None or not (reply.text or reply.attachment):
                continue
            pressed = query.message if query is not None else None
            await send(
                context.bot,
                chat.id,
                reply,
                edit_message=pressed if isinstance(pressed, Message) else None,
            )
    except Exception:
        log.exception("update %s failed", update.update_id)
        ack = "Sorry — something went wrong."
        await _apologize(update, context)
    finally:
        if query is not None:
            try:
                await query.answer(ack)
            except TelegramError:
                log.warning("could not answer the button press of update %s", update.update_id)


async def _apologize(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    try:
        await context.bot.send_message(chat.id, APOLOGY)
    except TelegramError:
        log.warning("could not send the apology for update %s", update.update_id)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Failures outside `on_update` (PTB's own): logged with the update id, never the token."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """One handler for every update: the dispatcher does the routing."""
    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(on_error)


async def set_commands(bot: Bot) -> None:
    """Telegram's command menu, from the coach's command registry."""
    await bot.set_my_commands([BotCommand(c.name, c.menu[:256]) for c in listed()])


# --- scheduled messages -----------------------------------------------------------------


class TelegramSender:
    """Sends scheduled messages through a bot; maps Telegram's errors onto the coach's
    Blocked / TryLater (a 429 with its retry_after, which the delivery service waits out)."""

    platform = PLATFORM

    def __init__(self, bot: Bot, send_rate: float | None = None) -> None:
        self.bot = bot
        self.send_rate = send_rate

    async def send(self, chat_id: int, message: CoachMessage) -> int:
        try:
            sent = await send(self.bot, chat_id, message)
        except Forbidden as exc:
            raise Blocked(str(exc)) from exc
        except RetryAfter as exc:
            raise TryLater(str(exc), retry_after=retry_seconds(exc)) from exc
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                raise Blocked(str(exc)) from exc
            raise
        except (TimedOut, NetworkError) as exc:
            raise TryLater(str(exc)) from exc
        return sent.message_id if sent is not None else 0


PRECISE_WITHIN_S = 60.0


async def delivery_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The scheduler job: send whatever is due on Telegram (the database says what)."""
    core = context.bot_data["core"]
    delivery = core.delivery
    sender: TelegramSender = context.bot_data["sender"]
    result = await delivery.tick(sender)
    await core.tidy()
    await recover_updates(context.application, sweep=True)
    if result.sent or result.missed or result.blocked or result.retried:
        log.info(
            "delivery tick: sent %d (late %d), missed %d, blocked %d, retry %d",
            result.sent,
            result.late,
            result.missed,
            result.blocked,
            result.retried,
        )
    upcoming = await delivery.next_due(PLATFORM)
    if upcoming is not None and context.job_queue is not None:
        wake_at(context.job_queue, upcoming - delivery.clock.now())


def wake_at(queue: JobQueue[Any], wait: dt.timedelta) -> None:
    """Wake the sender exactly when the next message is due instead of waiting for the next
    round (a sooner wake already set stays)."""
    seconds = wait.total_seconds()
    if not 0 < seconds < PRECISE_WITHIN_S:
        return
    jobs = queue.get_jobs_by_name("delivery-at")
    at = dt.datetime.now(dt.UTC) + wait  # the job's data: when it wakes (real time)
    if any(isinstance(j.data, dt.datetime) and j.data <= at for j in jobs):
        return
    for job in jobs:
        job.schedule_removal()
    queue.run_once(delivery_tick, when=seconds + 0.05, name="delivery-at", data=at)


def wake_on_schedule(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Messages scheduled here (a /time a minute ahead) wake the sender when they are due."""
    core = application.bot_data["core"]
    queue = application.job_queue
    if queue is None:
        return

    def rescheduled(platform: str, due: dt.datetime) -> None:
        if platform == PLATFORM:
            wake_at(queue, due - core.delivery.clock.now())

    core.delivery.listeners.append(rescheduled)


async def recover_updates(application: Application, *, sweep: bool) -> int:  # type: ignore[type-arg]
    """Queue the updates a stopped process left in the inbox: at start-up (before new
    updates) those of earlier lives of this process and of dead ones on this host, and
    with `sweep` those whose holder's lease expired (a replica that died), renewing the
    leases of the updates this process is still handling."""
    inbox: Inbox | None = application.bot_data.get("inbox")
    if inbox is None:
        return 0
    found = await (inbox.sweep() if sweep else inbox.recover())
    updates = [u for _, payload in found if (u := Update.de_json(payload, application.bot))]
    queue = application.update_queue
    if isinstance(queue, DurableUpdates):
        queue.hand_back(updates)
    return len(updates)


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 deprecates the int form; accept both
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
