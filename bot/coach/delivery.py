"""The daily message (and the weekly summary), on time in each athlete's timezone, once.

The `deliveries` table is the source of truth: each athlete has one open row per kind for
the next local day it is due, on their chat platform. A tick claims one platform's due rows
with one indexed query, sends them concurrently through that platform's `Sender`, paced to
its own budget, and records each result together with the next day's row. A restart finds
the same rows; a second process claims different ones (SKIP LOCKED); a claimer that dies
leaves a lease that expires, so a message in flight at a crash is sent at most once more.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import NamedTuple, Protocol

from bot.clock import Clock
from bot.coach.actions import Action
from bot.coach.inputs import format_minute
from bot.coach.messages import Button, Message
from bot.coach.planning import local_today, plan_from, profile_of
from bot.coach.zones import tzinfo_for
from db.models import Athlete, PlanChange
from db.uow import Conflict, Storage, Unit
from plans.programs import DayPlan
from plans.readiness import NOTHING, Readiness
from plans.reentry import ease_back, returning
from plans.render import render_day
from plans.schedule import catchup_deadline, local_due
from plans.state import ExerciseState
from plans.text import Text, italic, text

log = logging.getLogger("runstrong.delivery")

DAILY, WEEKLY = "daily", "weekly"
LATE_AFTER = dt.timedelta(minutes=2)  # later than this is "late" and says so
MAX_ATTEMPTS = 8
REPAIR_BATCH = 100  # athletes per write transaction: short, so replies never wait long
REPAIR_RETRIES = 5
PACE_MARGIN_S = 0.03  # the sender's clock and Telegram's window differ by network jitter


class Blocked(Exception):
    """The athlete blocked the bot (403) or the chat is gone: stop sending until /start."""


class TryLater(Exception):
    """A temporary failure: the network, or Telegram's 429 with its `retry_after`."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Sender(Protocol):
    """One chat platform's way to send a scheduled message: its adapter maps the platform's
    errors onto Blocked and TryLater. `send_rate`: this process's share of the platform's
    budget for bulk sends (messages/s), None for unpaced."""

    @property
    def platform(self) -> str: ...

    @property
    def send_rate(self) -> float | None: ...

    async def send(self, chat_id: int, message: Message) -> int:
        """Send and return the message id; raise Blocked or TryLater."""
        ...


WeeklyComposer = Callable[[Unit, Athlete, dt.date], Awaitable[Text]]


@dataclass
class TickResult:
    sent: int = 0
    late: int = 0
    missed: int = 0
    skipped: int = 0
    blocked: int = 0
    retried: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: TickResult) -> None:
        for name in ("sent", "late", "missed", "skipped", "blocked", "retried"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def session_buttons(day: dt.date) -> tuple[tuple[Button, ...], ...]:
    return (
        (Button("✅ Done as prescribed", Action("dl", ("done", day))),),
        (
            Button("⏭ Skip today", Action("dl", ("skip", day))),
            Button("📅 Move to tomorrow", Action("dl", ("move", day))),
        ),
    )


def day_message(
    plan: DayPlan, units: str, *, skipped: bool = False, late_note: str | None = None
) -> Message:
    """The day's message with the buttons that fit it."""
    body = render_day(plan, units, late_note=late_note)
    if skipped:
        return Message(text(body, "\n\n", italic("You skipped this one. Rest up.")))
    if plan.kind == "strength":
        return Message(body, session_buttons(plan.date))
    return Message(body)


class Claim(NamedTuple):
    delivery_id: int
    athlete_id: int
    kind: str
    day: dt.date
    due: dt.datetime


@dataclass
class Prepared:
    """A claimed message, composed and ready to send (or settled without sending)."""

    claim: Claim
    outcome: str  # send | cancelled | skipped | missed | error
    chat_id: int | None = None
    message: Message | None = None
    error: str | None = None


def comeback(athlete: Athlete, plan: DayPlan, last_logged: dt.date | None) -> DayPlan:
    """The day's plan, lighter when it comes after a summary week with nothing logged and
    nothing since (`plans.reentry`)."""
    summary_day = int((athlete.preferences or {}).get("summary_day", 6)) % 7
    if not returning(plan.date, last_logged, summary_day):
        return plan
    return ease_back(plan, equipment=profile_of(athlete).equipment, units=athlete.units)


def compose_daily(
    athlete: Athlete,
    states: dict[str, ExerciseState],
    changes: list[PlanChange],
    day: dt.date,
    due: dt.datetime,
    *,
    late: bool = False,
    last_logged: dt.date | None = None,
    readiness: Readiness = NOTHING,
) -> Message | None:
    """The daily message from already-loaded state: pure, no queries. None when there is
    nothing to say: an ordinary rest day for an athlete who switched mobility days off.
    `last_logged`: the athlete's latest day with a logged set (a comeback is lighter)."""
    planned = plan_from(athlete, states, changes, day, readiness)
    planned = replace(planned, plan=comeback(athlete, planned.plan, last_logged))
    if planned.plan.kind == "rest" and not (athlete.profile or {}).get("mobility_enabled", True):
        race = (athlete.profile or {}).get("race") or {}
        race_day = dt.date.fromisoformat(race["date"]) if race.get("date") else None
        if race_day is None or not 0 <= (race_day - day).days <= 1:
            return None
    note = None
    if late:
        local = due.astimezone(tzinfo_for(athlete.timezone))
        note = f"Sent late: I was offline at {format_minute(local.hour * 60 + local.minute)}."
    return day_message(planned.plan, athlete.units, skipped=planned.skipped, late_note=note)


class Pacer:
    """One sender's budget: sends evenly spaced at `rate` a second, and never more than
    `rate` in any window of a second plus PACE_MARGIN_S, measured on when the sends really
    started (a stalled event loop must not release a burst); after a 429, none before its
    retry_after has passed, then evenly spaced again (never a burst that earns the next)."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self._sends: deque[float] = deque()
        self._held_until = 0.0  # loop time before which no paced send starts (a 429)
        self._lock = asyncio.Lock()

    def hold(self, seconds: float) -> None:
        if self.rate:
            until = asyncio.get_running_loop().time() + seconds
            self._held_until = max(self._held_until, until)

    async def wait(self) -> None:
        if not self.rate:
            return
        loop = asyncio.get_running_loop()
        cap = max(1, int(self.rate))
        async with self._lock:
            turn = self._sends[-1] + 1.0 / self.rate if self._sends else 0.0
            turn = max(turn, self._held_until)
            if len(self._sends) >= cap:
                turn = max(turn, self._sends[-cap] + 1.0 + PACE_MARGIN_S)
            if turn > loop.time():
                await asyncio.sleep(turn - loop.time())
            self._sends.append(loop.time())
            while len(self._sends) > cap:
                self._sends.popleft()


class DeliveryService:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        *,
        catchup_hours: float = 6.0,
        lease: dt.timedelta = dt.timedelta(minutes=2),
        batch_size: int = 200,
        concurrency: int = 32,
        owner: str | None = None,
        weekly: WeeklyComposer | None = None,
    ) -> None:
        self.storage = storage
        self.clock = clock
        self.catchup_hours = catchup_hours
        self.lease = lease
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.weekly = weekly
        self._pacers: dict[str, Pacer] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        # Called with (platform, due) when a message is (re)scheduled, e.g. by /time: each
        # platform's sender loop wakes up for it instead of finding it on its next round.
        self.listeners: list[Callable[[str, dt.datetime], None]] = []

    def pacer(self, sender: Sender) -> Pacer:
        """The sender's platform budget (one per platform per process)."""
        pacer = self._pacers.get(sender.platform)
        if pacer is None or pacer.rate != sender.send_rate:
            pacer = self._pacers[sender.platform] = Pacer(sender.send_rate)
        return pacer

    # --- scheduling -----------------------------------------------------------------------

    def kinds(self) -> tuple[str, ...]:
        return (DAILY, WEEKLY) if self.weekly is not None else (DAILY,)

    async def _next_slot(
        self,
        unit: Unit,
        athlete: Athlete,
        kind: str,
        earliest: dt.date,
        now: dt.datetime,
        *,
        allow_late: bool,
    ) -> tuple[dt.date, dt.datetime]:
        """The first local day from `earliest` that is still to be delivered: not already
        delivered, and due in the future (or, after downtime, still inside the catch-up
        window). Paused athletes resume on `paused_until`."""
        tz = tzinfo_for(athlete.timezone)
        summary_day = int((athlete.preferences or {}).get("summary_day", 6))
        day = max(earliest, local_today(athlete, now))
        if athlete.paused_until is not None:
            day = max(day, athlete.paused_until)
        repo = unit.deliveries
        for _ in range(15):
            if kind == WEEKLY and day.weekday() != summary_day:
                day += dt.timedelta(days=1)
                continue
            due = local_due(day, athlete.delivery_minute, tz)
            in_time = due >= now or (
                allow_late and catchup_deadline(day, due, tz, self.catchup_hours) > now
            )
            if in_time and not await repo.done_for(athlete.id, kind, day):
                return day, due
            day += dt.timedelta(days=1)
        raise RuntimeError(f"no delivery slot found for athlete {athlete.id}")

    async def _open_slot(
        self, unit: Unit, athlete: Athlete, kind: str, day: dt.date, due: dt.datetime
    ) -> None:
        await unit.deliveries.ensure_open(athlete.id, athlete.platform, kind, day, due)

    async def schedule(
        self, unit: Unit, athlete: Athlete, kinds: tuple[str, ...] | None = None
    ) -> dt.datetime | None:
        """(Re)compute the athlete's open rows from their current settings; returns when the
        next daily message is due. Used after onboarding, settings changes, /pause, /resume
        and /start after a block. Never schedules a second message for a day already sent."""
        now = self.clock.now()
        repo = unit.deliveries
        if athlete.status != "active" or athlete.onboarded_at is None:
            await repo.cancel_open(athlete.id)
            return None
        next_daily: dt.datetime | None = None
        for kind in kinds or self.kinds():
            row = await repo.open_row(athlete.id, kind)
            if row is not None and row.status == "sending":
                continue  # in flight right now; its successor is scheduled when it finishes
            day, due = await self._next_slot(
                unit, athlete, kind, local_today(athlete, now), now, allow_late=False
            )
            if row is not None and row.local_date == day:
                row.due_at, row.lease_until = due, None
            else:
                if row is not None:
                    row.status = "cancelled"
                    await unit.flush()
                await self._open_slot(unit, athlete, kind, day, due)
            if kind == DAILY:
                next_daily = due
            for listener in self.listeners:
                listener(athlete.platform, due)
        return next_daily

    async def _schedule_after(self, unit: Unit, athlete: Athlete, kind: str, day: dt.date) -> None:
        if athlete.status != "active":
            return
        now = self.clock.now()
        step = dt.timedelta(days=7 if kind == WEEKLY else 1)
        next_day, due = await self._next_slot(unit, athlete, kind, day + step, now, allow_late=True)
        await self._open_slot(unit, athlete, kind, next_day, due)

    async def repair(self) -> int:
        """Give every active athlete their open rows (after a crash mid-transition, or when a
        new kind of message is introduced). Returns how many athletes were fixed."""
        fixed = 0
        for kind in self.kinds():
            after_id = 0
            clashes = 0
            while True:
                try:
                    async with self.storage.write() as unit:
                        missing = await unit.deliveries.athletes_without_open(
                            kind, limit=REPAIR_BATCH, after_id=after_id
                        )
                        for athlete in missing:  # only the missing kind: others may catch up
                            await self.schedule(unit, athlete, (kind,))
                except Conflict:
                    # Another replica starting at the same time scheduled some of these
                    # athletes first; look again (its rows are committed now).
                    clashes += 1
                    if clashes > REPAIR_RETRIES:
                        raise
                    continue
                fixed += len(missing) if kind == DAILY else 0
                if len(missing) < REPAIR_BATCH:
                    break
                after_id = missing[-1].id
        return fixed

    # --- sending --------------------------------------------------------------------------

    async def tick(self, sender: Sender) -> TickResult:
        """Send everything of the sender's platform that is due now; one tick at a time per
        platform per process."""
        total = TickResult()
        lock = self._locks.setdefault(sender.platform, asyncio.Lock())
        if lock.locked():
            return total
        async with lock:
            while True:
                now = self.clock.now()
                async with self.storage.write() as unit:
                    claimed = await unit.deliveries.claim_due(
                        sender.platform, now, self.owner, self.lease, self.batch_size
                    )
                    claims = [
                        Claim(d.id, d.athlete_id, d.kind, d.local_date, d.due_at) for d in claimed
                    ]
                if not claims:
                    return total
                prepared = await self.prepare(claims, now)
                gate = asyncio.Semaphore(self.concurrency)
                results = await asyncio.gather(*(self._gated(gate, sender, p) for p in prepared))
                for result in results:
                    total.add(result)
                if len(claims) < self.batch_size:
                    return total

    async def prepare(self, claims: list[Claim], now: dt.datetime) -> list[Prepared]:
        """Compose every claimed message from one read: the athletes, their progression
        states, plan changes and last logged days in four queries for the whole batch, then
        pure planning."""
        ids = {c.athlete_id for c in claims}
        prepared: list[Prepared] = []
        async with self.storage.read() as unit:
            athletes = await unit.deliveries.athletes_for(list(ids))
            states = await unit.states.for_many(ids)
            changes = await unit.changes.for_many(ids)
            last_logged = await unit.history.last_logged(ids)
            days = [c.day for c in claims]
            readiness = await unit.readiness.for_many(ids, min(days), max(days))
            for claim in claims:
                athlete = athletes.get(claim.athlete_id)
                if athlete is None:
                    prepared.append(Prepared(claim, "cancelled"))
                    continue
                outcome = self._precheck(athlete, claim.day, claim.due, now)
                if outcome != "send":
                    prepared.append(Prepared(claim, outcome))
                    continue
                try:
                    late = now - claim.due > LATE_AFTER
                    message: Message | None
                    if claim.kind == WEEKLY and self.weekly is not None:
                        message = Message(await self.weekly(unit, athlete, claim.day))
                    else:
                        message = compose_daily(
                            athlete,
                            states[athlete.id],
                            changes[athlete.id],
                            claim.day,
                            claim.due,
                            late=late,
                            last_logged=last_logged.get(athlete.id),
                            readiness=readiness.get(athlete.id, NOTHING),
                        )
                except Exception as exc:  # one athlete's bad data never stops the others
                    log.exception("composing delivery %s failed", claim.delivery_id)
                    prepared.append(Prepared(claim, "error", error=str(exc)))
                    continue
                if message is None:
                    prepared.append(Prepared(claim, "skipped"))
                    continue
                prepared.append(Prepared(claim, "send", athlete.chat_id, message))
        return prepared

    async def _gated(self, gate: asyncio.Semaphore, sender: Sender, item: Prepared) -> TickResult:
        async with gate:
            return await self._deliver(sender, item)

    async def _deliver(self, sender: Sender, item: Prepared) -> TickResult:
        result = TickResult()
        now = self.clock.now()
        delivery_id, athlete_id, kind, day, due = item.claim
        if item.outcome == "error":
            await self._retry(delivery_id, now, item.error or "composing failed")
            result.retried += 1
            result.errors.append(item.error or "")
            return result
        if item.outcome != "send" or item.message is None or item.chat_id is None:
            await self._close(delivery_id, athlete_id, kind, day, item.outcome)
            if item.outcome == "missed":
                result.missed += 1
            else:
                result.skipped += 1
            return result
        chat_id, message = item.chat_id, item.message
        pacer = self.pacer(sender)
        try:
            await pacer.wait()
            message_id = await sender.send(chat_id, message)
        except Blocked as exc:
            await self._blocked(delivery_id, athlete_id, str(exc))
            result.blocked += 1
            return result
        except TryLater as exc:
            if exc.retry_after is not None:
                pacer.hold(exc.retry_after)
            await self._retry(delivery_id, now, str(exc), retry_after=exc.retry_after)
            result.retried += 1
            return result
        except Exception as exc:
            log.exception("sending delivery %s failed", delivery_id)
            await self._retry(delivery_id, now, str(exc))
            result.retried += 1
            result.errors.append(str(exc))
            return result
        late = now - due > LATE_AFTER
        await self._close(
            delivery_id, athlete_id, kind, day, "sent", message_id=message_id, late=late
        )
        result.sent += 1
        result.late += int(late)
        return result

    def _precheck(self, athlete: Athlete, day: dt.date, due: dt.datetime, now: dt.datetime) -> str:
        if athlete.status != "active":
            return "cancelled"
        if athlete.paused_until is not None and day < athlete.paused_until:
            return "skipped"
        tz = tzinfo_for(athlete.timezone)
        if now > catchup_deadline(day, due, tz, self.catchup_hours):
            return "missed"
        return "send"

    async def _close(
        self,
        delivery_id: int,
        athlete_id: int,
        kind: str,
        day: dt.date,
        status: str,
        *,
        message_id: int | None = None,
        late: bool = False,
    ) -> None:
        """Record the outcome and open the next day's row in one short transaction."""
        now = self.clock.now()
        async with self.storage.write() as unit:
            if not await unit.deliveries.finish(
                delivery_id, self.owner, status, now=now, message_id=message_id, late=late
            ):
                log.warning("delivery %s was taken over before it was recorded", delivery_id)
                return
            athlete = await unit.athletes.by_id(athlete_id)
            if athlete is not None:
                await self._schedule_after(unit, athlete, kind, day)

    async def _retry(
        self,
        delivery_id: int,
        now: dt.datetime,
        error: str,
        *,
        retry_after: float | None = None,
    ) -> None:
        async with self.storage.write() as unit:
            row = await unit.deliveries.get(delivery_id)
            if row is None or row.lease_owner != self.owner:
                return
            if retry_after is not None:
                # Telegram's "later" (429) is not a failed attempt: however many there are in a
                # busy minute, the message is kept until its catch-up window closes.
                row.attempts -= 1
            if row.attempts >= MAX_ATTEMPTS:
                await unit.deliveries.finish(
                    delivery_id, self.owner, "failed", now=now, error=error
                )
                athlete = await unit.athletes.by_id(row.athlete_id)
                if athlete is not None:
                    await self._schedule_after(unit, athlete, row.kind, row.local_date)
                return
            backoff = retry_after if retry_after is not None else min(2**row.attempts, 300)
            await unit.deliveries.release(
                delivery_id, self.owner, retry_at=now + dt.timedelta(seconds=backoff), error=error
            )

    async def _blocked(self, delivery_id: int, athlete_id: int, error: str) -> None:
        now = self.clock.now()
        async with self.storage.write() as unit:
            await unit.deliveries.finish(delivery_id, self.owner, "failed", now=now, error=error)
            athlete = await unit.athletes.by_id(athlete_id)
            if athlete is not None:
                await mark_blocked(unit, athlete, now)
        log.info("athlete %s blocked the bot; paused until they /start again", athlete_id)

    async def next_due(self, platform: str) -> dt.datetime | None:
        """When the platform's next open row is due."""
        async with self.storage.read() as unit:
            return await unit.deliveries.next_due(platform)


async def mark_blocked(unit: Unit, athlete: Athlete, now: dt.datetime) -> None:
    """The athlete blocked or removed the bot: no messages until they /start again."""
    athlete.status = "blocked"
    athlete.updated_at = now
    await unit.deliveries.cancel_open(athlete.id)
