"""The athlete's day-to-day commands: /today, /week, /pause, /resume, /time, and the buttons
under the daily workout (done, skip, move to tomorrow)."""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING, Any

from bot.coach.delivery import day_message, mark_blocked
from bot.coach.inputs import format_minute
from bot.coach.planning import (
    load_changes,
    local_today,
    moves_of,
    plan_for,
    profile_of,
    week_for,
)
from bot.coach.replies import Reply, Who
from bot.coach.zones import label_for, tzinfo_for
from db.models import Athlete, PlanChange
from db.repositories import Athletes
from plans.programs import check_move, day_label
from plans.render import render_week

if TYPE_CHECKING:
    from bot.coach.service import Coach

NOT_SET_UP = Reply("Let's set you up first: send /start.")
MAX_PAUSE_DAYS = 90


class Daily:
    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    @property
    def db(self) -> Any:
        return self.coach.db

    async def _athlete(self, session: Any, who: Who, *, lock: bool = False) -> Athlete | None:
        athlete = await Athletes(session).by_user(who.platform, who.user_id, for_update=lock)
        if athlete is None or athlete.onboarded_at is None or athlete.profile is None:
            return None
        return athlete

    async def _claim(self, session: Any, who: Who) -> Athlete | list[Reply]:
        """The athlete's row, locked for a change, or what to answer instead: the set-up
        hint, or nothing for an update that was already applied."""
        athlete = await self._athlete(session, who, lock=True)
        if athlete is None:
            return [NOT_SET_UP]
        if not self.coach._fresh(athlete, who):
            return []
        return athlete

    async def today(self, who: Who) -> list[Reply]:
        now = self.coach.clock.now()
        async with self.db.read() as session:
            athlete = await self._athlete(session, who)
            if athlete is None:
                return [NOT_SET_UP]
            planned = await plan_for(session, athlete, local_today(athlete, now))
            return [day_message(planned.plan, athlete.units, skipped=planned.skipped)]

    async def week(self, who: Who) -> list[Reply]:
        now = self.coach.clock.now()
        async with self.db.read() as session:
            athlete = await self._athlete(session, who)
            if athlete is None:
                return [NOT_SET_UP]
            today = local_today(athlete, now)
            plans = await week_for(session, athlete, today - dt.timedelta(days=today.weekday()))
            return [Reply(render_week(plans, athlete.units))]

    async def pause(self, who: Who, args: list[str]) -> list[Reply]:
        days: int | None = None
        if args:
            if not args[0].isdigit() or not 1 <= int(args[0]) <= MAX_PAUSE_DAYS:
                return [
                    Reply(
                        "Pause for how many days? Send e.g. <code>/pause 7</code> "
                        f"(1–{MAX_PAUSE_DAYS}), "
                        "or just /pause until you /resume."
                    )
                ]
            days = int(args[0])
        now = self.coach.clock.now()
        async with self.db.write() as session:
            athlete = await self._claim(session, who)
            if not isinstance(athlete, Athlete):
                return athlete
            if days is None:
                athlete.status, athlete.paused_until = "paused", None
                text = "⏸ Paused. No daily messages until you send /resume."
            else:
                back = local_today(athlete, now) + dt.timedelta(days=days)
                athlete.status, athlete.paused_until = "active", back
                plural = "s" if days > 1 else ""
                text = f"⏸ Paused for {days} day{plural}: messages resume {day_label(back)}."
            athlete.updated_at = now
            await self.coach.delivery.schedule(session, athlete)
            return [Reply(text + " Logging still works any time.")]

    async def resume(self, who: Who) -> list[Reply]:
        now = self.coach.clock.now()
        async with self.db.write() as session:
            athlete = await self._claim(session, who)
            if not isinstance(athlete, Athlete):
                return athlete
            athlete.status, athlete.paused_until, athlete.updated_at = "active", None, now
            due = await self.coach.delivery.schedule(session, athlete)
            when = self._when(athlete, due, now)
            return [Reply(f"▶️ Welcome back! Your next workout arrives {when}.")]

    def _when(self, athlete: Athlete, due: dt.datetime | None, now: dt.datetime) -> str:
        if due is None:
            return "soon"
        local = due.astimezone(tzinfo_for(athlete.timezone))
        day = "today" if local.date() == local_today(athlete, now) else day_label(local.date())
        zone = html.escape(label_for(athlete.timezone))
        return f"{day} at {format_minute(local.hour * 60 + local.minute)} ({zone} time)"

    async def time(self, who: Who) -> list[Reply]:
        return await self.coach.settings_field(who, "time")

    async def blocked(self, who: Who) -> None:
        """A my_chat_member update says the bot was blocked or removed."""
        now = self.coach.clock.now()
        async with self.db.write() as session:
            athlete = await Athletes(session).by_user(who.platform, who.user_id, for_update=True)
            if athlete is not None:
                await mark_blocked(session, athlete, now)

    async def button(self, who: Who, data: str) -> list[Reply]:
        action, _, iso = data.partition(":")
        try:
            day = dt.date.fromisoformat(iso)
        except ValueError:
            return [Reply(toast="That button has expired.")]
        if action == "done":
            logbook = getattr(self.coach, "logbook", None)
            if logbook is None:
                return [Reply(toast="Logging isn't available right now.")]
            replies: list[Reply] = await logbook.log_prescription(who, day)
            return replies
        if action not in ("skip", "move"):
            return [Reply(toast="That button has expired.")]
        now = self.coach.clock.now()
        async with self.db.write() as session:
            athlete = await self._claim(session, who)
            if not isinstance(athlete, Athlete):
                return athlete
            existing = await session.get(PlanChange, (athlete.id, day))
            if existing is not None:
                verb = "skipped" if existing.action == "skip" else "moved"
                return [Reply(toast=f"Already {verb}.")]
            if action == "skip":
                session.add(
                    PlanChange(athlete_id=athlete.id, day=day, action="skip", created_at=now)
                )
                return [Reply("⏭ Skipped — rest up. /week shows what's next.", toast="Skipped")]
            target = day + dt.timedelta(days=1)
            moves = moves_of(await load_changes(session, athlete.id))
            reason = check_move(
                profile_of(athlete), day, target, plan_start=athlete.plan_start or day, moves=moves
            )
            if reason is not None:
                return [Reply(f"📅 Can't move it to tomorrow: {html.escape(reason)}")]
            session.add(
                PlanChange(
                    athlete_id=athlete.id, day=day, action="move", to_day=target, created_at=now
                )
            )
            return [
                Reply(
                    f"📅 Moved to {day_label(target)}. It comes with tomorrow's message.",
                    toast="Moved",
                )
            ]
