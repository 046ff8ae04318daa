"""The athlete's day-to-day: /today, /week, /pause, /resume, and the buttons under the daily
workout (done, skip, move to tomorrow)."""

from __future__ import annotations

import datetime as dt
import re

from bot.clock import Clock
from bot.coach.actions import Action
from bot.coach.delivery import DAILY, DeliveryService, comeback, day_message
from bot.coach.inputs import format_minute
from bot.coach.intents import Who
from bot.coach.logbook import Logbook
from bot.coach.messages import EXPIRED, Message, acknowledge, say
from bot.coach.planning import local_today, moves_of, plan_for, profile_of, week_for
from bot.coach.zones import label_for, tzinfo_for
from db.models import Athlete
from db.uow import Storage, Unit
from plans.exercises import LIBRARY
from plans.programs import DayPlan, check_move, day_label
from plans.render import render_week
from plans.text import code
from plans.units import format_weight
from plans.words import plural

NOT_SET_UP = say("Let's set you up first: send /start.")
MAX_PAUSE_DAYS = 90


# Skip and move act on a session a week either side of today at most: a daily message is
# older than that only as a forged or long-stale button.
BUTTON_DAYS = dt.timedelta(days=7)


class Daily:
    def __init__(
        self, storage: Storage, clock: Clock, delivery: DeliveryService, logbook: Logbook
    ) -> None:
        self.storage = storage
        self.clock = clock
        self.delivery = delivery
        self.logbook = logbook

    async def _athlete(self, unit: Unit, who: Who, *, lock: bool = False) -> Athlete | None:
        athlete = await unit.athletes.by_user(who.platform, who.user_id, for_update=lock)
        if athlete is None or athlete.onboarded_at is None or athlete.profile is None:
            return None
        return athlete

    async def _claim(self, unit: Unit, who: Who) -> Athlete | list[Message]:
        """The athlete's row, locked for a change, or what to answer instead: the set-up
        hint, or nothing for an event that was already applied."""
        athlete = await self._athlete(unit, who, lock=True)
        if athlete is None:
            return [NOT_SET_UP]
        if not await unit.first(who.platform, who.event, self.clock.now()):
            return []
        return athlete

    async def today(self, who: Who) -> list[Message]:
        now = self.clock.now()
        async with self.storage.read() as unit:
            athlete = await self._athlete(unit, who)
            if athlete is None:
                return [NOT_SET_UP]
            planned = await plan_for(unit, athlete, local_today(athlete, now))
            last = await _last_logged(unit, athlete)
            plan = comeback(athlete, planned.plan, last)
            return [day_message(plan, athlete.units, skipped=planned.skipped)]

    async def week(self, who: Who) -> list[Message]:
        now = self.clock.now()
        async with self.storage.read() as unit:
            athlete = await self._athlete(unit, who)
            if athlete is None:
                return [NOT_SET_UP]
            today = local_today(athlete, now)
            plans = await week_for(unit, athlete, today - dt.timedelta(days=today.weekday()))
            last = await _last_logged(unit, athlete)
            # Only the next session is the comeback: logging it ends the break.
            upcoming = [i for i, p in enumerate(plans) if p.date >= today and p.kind == "strength"]
            if upcoming:
                plans[upcoming[0]] = comeback(athlete, plans[upcoming[0]], last)
            return [Message(render_week(plans, athlete.units))]

    async def pause(self, who: Who, args: str) -> list[Message]:
        days: int | None = None
        raw = args.strip()
        if raw:
            if re.fullmatch(r"[0-9]{1,3}", raw) is None or not 1 <= int(raw) <= MAX_PAUSE_DAYS:
                return [
                    say(
                        "Pause for how many days? Send e.g. ",
                        code("/pause 7"),
                        f" (1–{MAX_PAUSE_DAYS}), or just /pause until you /resume.",
                    )
                ]
            days = int(raw)
        now = self.clock.now()
        async with self.storage.write() as unit:
            athlete = await self._claim(unit, who)
            if not isinstance(athlete, Athlete):
                return athlete
            if days is None:
                athlete.status, athlete.paused_until = "paused", None
                text = "⏸ Paused. No daily messages until you send /resume."
            else:
                # N days without a message: from today if today's is still to come, else
                # from tomorrow (a /pause after the morning's message keeps today's).
                today = local_today(athlete, now)
                sent = await unit.deliveries.done_for(athlete.id, DAILY, today)
                first = today + dt.timedelta(days=1 if sent else 0)
                back = first + dt.timedelta(days=days)
                athlete.status, athlete.paused_until = "active", back
                text = f"⏸ Paused for {plural(days, 'day')}: {_quiet(first, back)}"
            athlete.updated_at = now
            await self.delivery.schedule(unit, athlete)
            return [say(text + " Logging still works any time.")]

    async def resume(self, who: Who) -> list[Message]:
        now = self.clock.now()
        async with self.storage.write() as unit:
            athlete = await self._claim(unit, who)
            if not isinstance(athlete, Athlete):
                return athlete
            athlete.status, athlete.paused_until, athlete.updated_at = "active", None, now
            due = await self.delivery.schedule(unit, athlete)
            when = self._when(athlete, due, now)
            return [say(f"▶️ Welcome back! Your next workout arrives {when}.")]

    async def _comeback_on(self, who: Who, day: dt.date) -> Message | None:
        """The "Done" button under a comeback session would log the full prescription, not
        the lighter one shown: what to reply instead (None on any other day)."""
        async with self.storage.read() as unit:
            athlete = await self._athlete(unit, who)
            if athlete is None:
                return None
            planned = await plan_for(unit, athlete, day)
            lighter = comeback(athlete, planned.plan, await _last_logged(unit, athlete))
        if lighter == planned.plan:
            return None
        example = _log_example(lighter, athlete.units)
        return say(
            "This one was lighter than the plan, so tell me what you did and I'll log exactly "
            "that: reply e.g. ", code(example), ".",
            ack="Reply with what you did",
        )  # fmt: skip

    def _when(self, athlete: Athlete, due: dt.datetime | None, now: dt.datetime) -> str:
        if due is None:
            return "soon"
        local = due.astimezone(tzinfo_for(athlete.timezone))
        day = "today" if local.date() == local_today(athlete, now) else day_label(local.date())
        zone = label_for(athlete.timezone)
        return f"{day} at {format_minute(local.hour * 60 + local.minute)} ({zone} time)"

    async def button(self, who: Who, action: Action) -> list[Message]:
        """The daily message's buttons: `dl:<done|skip|move>:<day>`."""
        choice, day = action.args
        if not isinstance(day, dt.date) or not isinstance(choice, str):
            return [EXPIRED]
        if choice == "done":
            lighter = await self._comeback_on(who, day)
            if lighter is not None:
                return [lighter]
            return await self.logbook.log_prescription(who, day)
        now = self.clock.now()
        async with self.storage.write() as unit:
            athlete = await self._claim(unit, who)
            if not isinstance(athlete, Athlete):
                return athlete
            today = local_today(athlete, now)
            if not today - BUTTON_DAYS <= day <= today + BUTTON_DAYS:
                return [EXPIRED]  # no daily message carries a day this far off
            existing = await unit.changes.on(athlete.id, day)
            if existing is not None:
                verb = "skipped" if existing.action == "skip" else "moved"
                return [acknowledge(f"Already {verb}.")]
            if choice == "skip":
                unit.changes.add(athlete.id, day, "skip", now)
                return [say("⏭ Skipped — rest up. /week shows what's next.", ack="Skipped")]
            target = day + dt.timedelta(days=1)
            moves = moves_of(await unit.changes.of(athlete.id))
            reason = check_move(
                profile_of(athlete), day, target, plan_start=athlete.plan_start or day, moves=moves
            )
            if reason is not None:
                return [say(f"📅 Can't move it to tomorrow: {reason}")]
            unit.changes.add(athlete.id, day, "move", now, to_day=target)
            moved = f"📅 Moved to {day_label(target)}. It comes with tomorrow's message."
            return [say(moved, ack="Moved")]


async def _last_logged(unit: Unit, athlete: Athlete) -> dt.date | None:
    return (await unit.history.last_logged([athlete.id])).get(athlete.id)


def _quiet(first: dt.date, back: dt.date) -> str:
    """'no messages Thu 26 – Sat 28 Nov; they resume Sun 29 Nov.'"""
    last = back - dt.timedelta(days=1)
    if first == last:
        days = f"on {day_label(first)}"
    elif (first.year, first.month) == (last.year, last.month):
        days = f"{day_label(first).rsplit(' ', 1)[0]} – {day_label(last)}"
    else:
        days = f"{day_label(first)} – {day_label(last)}"
    return f"no messages {days}; they resume {day_label(back)}."


def _log_example(plan: DayPlan, units: str) -> str:
    """A log of the plan's first rep exercise, as the athlete would type it."""
    for p in plan.exercises:
        if p.reps_low is not None:
            example = f"{LIBRARY[p.exercise].name.lower()} {p.sets}x{p.target}"
            if p.load_kg is not None:
                example += " " + format_weight(p.load_kg, units).replace(" ", "")
            return example
    return "squat 2x5 50kg"
