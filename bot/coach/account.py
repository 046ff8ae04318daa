"""The athlete's account: blocking the bot, /deleteme, and the operator's /stats."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection

from bot.clock import Clock
from bot.coach.actions import Action
from bot.coach.delivery import mark_blocked
from bot.coach.intents import Who
from bot.coach.messages import EXPIRED, Button, Message, say
from db.uow import Storage
from plans.text import bold

log = logging.getLogger(__name__)

DELETE_TTL = dt.timedelta(minutes=10)
# The notice about messages that could not be delivered: said at most this often, and who
# was found reachable is not looked up again for a while (one read per person, not per event).
NOTICE_EVERY = dt.timedelta(hours=6)
REACHABLE_FOR = dt.timedelta(minutes=10)
UNREACHABLE = (
    "⚠️ I couldn't deliver your daily workout — this chat refused my message — so I've "
    "paused it. Check that I'm allowed to message you, then send /resume."
)


class Account:
    def __init__(self, storage: Storage, clock: Clock, admins: Collection[int] = ()) -> None:
        self.storage = storage
        self.clock = clock
        self.admins = frozenset(admins)
        self._checked: dict[tuple[str, int], dt.datetime] = {}  # no notice before this

    async def unreachable_notice(self, who: Who) -> Message | None:
        """Tell an athlete whose daily messages stopped because their chat refused one
        (blocked, DMs closed) what happened and how to restart them."""
        key, now = (who.platform, who.user_id), self.clock.now()
        if now < self._checked.get(key, now):
            return None
        async with self.storage.read() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id)
        blocked = athlete is not None and athlete.status == "blocked"
        if len(self._checked) > 100_000:
            self._checked.clear()
        self._checked[key] = now + (NOTICE_EVERY if blocked else REACHABLE_FOR)
        return say(UNREACHABLE) if blocked else None

    async def left(self, who: Who) -> None:
        """The person blocked the bot or left the chat: no messages until /start."""
        now = self.clock.now()
        async with self.storage.write() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id, for_update=True)
            if athlete is not None:
                await mark_blocked(unit, athlete, now)

    async def delete_request(self, who: Who) -> list[Message]:
        async with self.storage.read() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id)
        if athlete is None:
            return [say("I have nothing stored about you.")]
        stamp = int(self.clock.now().timestamp())
        return [
            say(
                "⚠️ ",
                bold("Delete all your data?"),
                "\nYour profile, plan, logged workouts, runs, progress and scheduled messages "
                "will be deleted for good. /export first if you want a copy.",
                buttons=(
                    (Button("🗑 Yes, delete everything", Action("hi", ("del", stamp))),),
                    (Button("No, keep my data", Action("hi", ("keep",))),),
                ),
            )
        ]

    async def delete_confirm(self, who: Who, action: Action) -> list[Message]:
        if action.args == ("keep",):
            return [say("OK, nothing deleted.", edit=True)]
        stamp = action.args[1] if len(action.args) == 2 else None
        if not isinstance(stamp, int):
            return [EXPIRED]
        now = self.clock.now()
        pressed = dt.datetime.fromtimestamp(min(stamp, 2**32), tz=dt.UTC)
        if not dt.timedelta(0) <= now - pressed <= DELETE_TTL:
            return [say("That button expired. Send /deleteme again.", edit=True)]
        async with self.storage.write() as unit:
            athlete = await unit.athletes.by_user(who.platform, who.user_id, for_update=True)
            if athlete is None:
                return [say("Your data is already deleted.", edit=True)]
            await unit.history.delete_athlete(athlete.id)
        log.info("athlete %s deleted their data", athlete.id)
        return [
            say(
                "🗑 Done: everything I stored about you is deleted (profile, plan, workouts, "
                "progress) and your scheduled messages are cancelled. Send /start any time "
                "to begin from scratch.",
                edit=True,
            )
        ]

    async def stats(self, who: Who) -> list[Message]:
        """For the operator (ADMIN_USER_IDS): athletes, active this week, today's deliveries."""
        if who.user_id not in self.admins:
            return [say("I don't know that command. /help lists the ones I do.")]
        now = self.clock.now()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        async with self.storage.read() as unit:
            counts = await unit.athletes.counts()
            active = await unit.history.active_athletes(since=now - dt.timedelta(days=7))
            settled = await unit.deliveries.settled_since(midnight)
        by_status = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none"
        return [
            say(
                bold("RunStrong today"),
                f"\nAthletes: {sum(counts.values())} ({by_status})"
                f"\nActive this week (logged something): {active}"
                f"\nDaily messages since 00:00 UTC: {settled.get('sent', 0)} sent, "
                f"{settled.get('failed', 0)} failed, {settled.get('missed', 0)} missed",
            )
        ]
