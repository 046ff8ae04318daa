"""/today, /week, /pause, /resume, /time; the bot being blocked; and the Telegram side of
daily delivery (the Sender and the scheduler job)."""

from __future__ import annotations

import datetime as dt
import logging
import warnings

from telegram import Bot, ChatMember, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ChatMemberHandler, CommandHandler, ContextTypes

from bot.coach.delivery import Blocked, TryLater
from bot.coach.replies import Reply
from handlers.common import coach, markup, send, who

log = logging.getLogger("runstrong.delivery")
PRECISE_WITHIN_S = 60.0


class TelegramSender:
    """Sends a delivery through PTB; maps Telegram's errors onto the coach's Blocked /
    TryLater (a 429 with its retry_after, which the delivery service waits out)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, reply: Reply) -> int:
        try:
            message = await self.bot.send_message(
                chat_id, reply.text, parse_mode=ParseMode.HTML, reply_markup=markup(reply.buttons)
            )
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
        return message.message_id


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 deprecates the int form; accept both
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def delivery_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The scheduler job: send whatever is due (the database says what)."""
    delivery = coach(context).delivery
    bot = context.bot_data.get("delivery_bot", context.bot)
    result = await delivery.tick(TelegramSender(bot))
    if result.sent or result.missed or result.blocked or result.retried:
        log.info(
            "delivery tick: sent %d (late %d), missed %d, blocked %d, retry %d",
            result.sent,
            result.late,
            result.missed,
            result.blocked,
            result.retried,
        )
    # Wake up exactly when the next message is due instead of waiting for the next round.
    upcoming = await delivery.next_due()
    queue = context.job_queue
    if upcoming is not None and queue is not None:
        wait = (upcoming - delivery.clock.now()).total_seconds()
        if 0 < wait < PRECISE_WITHIN_S:
            for job in queue.get_jobs_by_name("delivery-at"):
                job.schedule_removal()
            queue.run_once(delivery_tick, when=wait + 0.05, name="delivery-at")


async def today(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).daily.today(w))


async def week(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).daily.week(w))


async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).daily.pause(w, list(context.args or [])))


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).daily.resume(w))


async def time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (w := who(update)) is not None:
        await send(update, context, await coach(context).daily.time(w))


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    if change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT):
        if (w := who(update)) is not None:
            await coach(context).daily.blocked(w)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("today", today))
    application.add_handler(CommandHandler("week", week))
    application.add_handler(CommandHandler("pause", pause))
    application.add_handler(CommandHandler("resume", resume))
    application.add_handler(CommandHandler("time", time))
    application.add_handler(ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER))
