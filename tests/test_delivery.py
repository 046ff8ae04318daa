"""Daily delivery: on time in the athlete's timezone, DST-correct, exactly once, each
platform's messages by that platform's sender in its own budget."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.coach.delivery import MAX_ATTEMPTS, Blocked, DeliveryService, TryLater
from bot.coach.messages import Message
from db.deliveries import Deliveries
from db.engine import Database
from db.models import Athlete, Delivery
from db.uow import Storage
from fakes.athletes import make_athlete
from plans.schedule import catchup_deadline, local_due, next_due

UTC = dt.UTC


class RecordingSender:
    """A Sender that records instead of talking to a chat platform; fails on demand."""

    def __init__(self, platform: str = "telegram", send_rate: float | None = None) -> None:
        self.platform = platform
        self.send_rate = send_rate
        self.sent: list[tuple[int, Message, dt.datetime]] = []
        self.blocked: set[int] = set()
        self.fail_once: dict[int, float | None] = {}
        self.clock: FixedClock | None = None

    async def send(self, chat_id: int, reply: Message) -> int:
        if chat_id in self.blocked:
            raise Blocked("Forbidden: bot was blocked by the user")
        if chat_id in self.fail_once:
            raise TryLater("Too Many Requests", retry_after=self.fail_once.pop(chat_id))
        at = self.clock.now() if self.clock else dt.datetime.now(UTC)
        self.sent.append((chat_id, reply, at))
        return len(self.sent)

    def to(self, chat_id: int) -> list[Message]:
        return [reply for chat, reply, _ in self.sent if chat == chat_id]


# --- the pure due-time computation ---------------------------------------------------------

ZONES_AND_CHANGES = {
    "Europe/Berlin": [dt.date(2026, 3, 29), dt.date(2026, 10, 25)],
    "America/New_York": [dt.date(2026, 3, 8), dt.date(2026, 11, 1)],
    "Australia/Sydney": [dt.date(2026, 4, 5), dt.date(2026, 10, 4)],
    "Asia/Kolkata": [dt.date(2026, 3, 29), dt.date(2026, 10, 25)],
}


@pytest.mark.parametrize("zone", sorted(ZONES_AND_CHANGES))
def test_seven_local_around_every_change(zone: str) -> None:
    tz = ZoneInfo(zone)
    for change in ZONES_AND_CHANGES[zone]:
        for day in (change - dt.timedelta(days=1), change, change + dt.timedelta(days=1)):
            due = local_due(day, 7 * 60, tz)
            local = due.astimezone(tz)
            assert (local.date(), local.hour, local.minute) == (day, 7, 0), (zone, day)


def test_kolkata_is_a_half_hour_offset() -> None:
    due = local_due(dt.date(2026, 6, 1), 7 * 60, ZoneInfo("Asia/Kolkata"))
    assert due == dt.datetime(2026, 6, 1, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "minute", "expected_utc"),
    [
        # 02:30 doesn't exist: sent at the jump, 03:00 CEST = 01:00 UTC.
        ("Europe/Berlin", dt.date(2026, 3, 29), 150, dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        # 02:30 happens twice: sent once, at the first (CEST, 00:30 UTC).
        ("Europe/Berlin", dt.date(2026, 10, 25), 150, dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        # New York springs forward at 02:00 → 03:00 EDT = 07:00 UTC.
        ("America/New_York", dt.date(2026, 3, 8), 150, dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        ("America/New_York", dt.date(2026, 11, 1), 90, dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        # Sydney springs forward in October (02:00 → 03:00 AEDT = 16:00 UTC the day before).
        (
            "Australia/Sydney",
            dt.date(2026, 10, 4),
            150,
            dt.datetime(2026, 10, 3, 16, 0, tzinfo=UTC),
        ),
        ("Australia/Sydney", dt.date(2026, 4, 5), 150, dt.datetime(2026, 4, 4, 15, 30, tzinfo=UTC)),
    ],
)
def test_gap_and_fold(zone: str, day: dt.date, minute: int, expected_utc: dt.datetime) -> None:
    assert local_due(day, minute, ZoneInfo(zone)) == expected_utc


def test_next_due_and_catchup_window() -> None:
    tz = ZoneInfo("Europe/Berlin")
    after = dt.datetime(2026, 11, 23, 6, 30, tzinfo=UTC)  # 07:30 Berlin: today's 07:00 passed
    day, due = next_due(after, 7 * 60, tz)
    assert day == dt.date(2026, 11, 24) and due == dt.datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    late = local_due(dt.date(2026, 11, 24), 21 * 60, tz)
    assert catchup_deadline(dt.date(2026, 11, 24), late, tz, 6) == dt.datetime(
        2026, 11, 24, 23, 0, tzinfo=UTC
    )  # local midnight comes before the 6 h


# --- the machinery, with an injected clock -------------------------------------------------


def service(db: Database, clock: FixedClock, **kw: Any) -> DeliveryService:
    return DeliveryService(Storage(db), clock, **kw)


async def schedule_all(db: Database, svc: DeliveryService) -> None:
    """Every athlete's open rows, as onboarding leaves them."""
    async with svc.storage.write() as unit:
        for athlete in await unit.deliveries.athletes_without_open("daily", limit=10_000):
            await svc.schedule(unit, athlete)


@pytest.mark.parametrize("zone", sorted(ZONES_AND_CHANGES))
async def test_a_week_of_deliveries_across_each_change(database: Database, zone: str) -> None:
    tz = ZoneInfo(zone)
    for change in ZONES_AND_CHANGES[zone]:
        start = change - dt.timedelta(days=2)
        clock = FixedClock(dt.datetime.combine(start, dt.time(12), tz))
        sender = RecordingSender()
        sender.clock = clock
        user = hash((zone, change)) % 10_000_000
        await make_athlete(database, user, now=clock.now(), timezone=zone)
        svc = service(database, clock)
        await schedule_all(database, svc)
        for offset in range(1, 4):
            day = start + dt.timedelta(days=offset)
            due = local_due(day, 7 * 60, tz)
            clock.at = due - dt.timedelta(seconds=30)
            await svc.tick(sender)
            assert len(sender.to(user)) == offset - 1, "sent early"
            clock.at = due
            await svc.tick(sender)
            await svc.tick(sender)  # a second tick sends nothing more
            assert len(sender.to(user)) == offset, (zone, day)
            sent_at = sender.sent[-1][2].astimezone(tz)
            assert (sent_at.date(), sent_at.hour, sent_at.minute) == (day, 7, 0)


async def test_gap_time_sent_once_at_the_jump(database: Database) -> None:
    tz = ZoneInfo("Europe/Berlin")
    clock = FixedClock(dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    await make_athlete(database, 1, now=clock.now(), minute=150)
    svc, sender = service(database, clock), RecordingSender()
    await schedule_all(database, svc)
    for minute in range(0, 24 * 60 * 2, 15):  # two days in 15-minute steps
        clock.at = dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC) + dt.timedelta(minutes=minute)
        await svc.tick(sender)
    days = [reply.text for reply in sender.to(1)]
    assert len(days) == 2  # 29 and 30 March, once each
    async with database.read() as session:
        rows = (await session.execute(select(Delivery).where(Delivery.status == "sent"))).scalars()
        by_day = {r.local_date: r.due_at for r in rows}
    assert by_day[dt.date(2026, 3, 29)] == dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert by_day[dt.date(2026, 3, 29)].astimezone(tz).hour == 3


async def test_fold_time_sent_once(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    await make_athlete(database, 1, now=clock.now(), minute=150)
    svc, sender = service(database, clock), RecordingSender()
    await schedule_all(database, svc)
    for minute in range(0, 24 * 60, 10):
        clock.at = dt.datetime(2026, 10, 24, 12, 0, tzinfo=UTC) + dt.timedelta(minutes=minute)
        await svc.tick(sender)
    assert len(sender.to(1)) == 1


async def test_restart_never_resends(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    await make_athlete(database, 1, now=clock.now())
    first, sender = service(database, clock, owner="a"), RecordingSender()
    await schedule_all(database, first)
    clock.at = dt.datetime(2026, 11, 23, 6, 0, 5, tzinfo=UTC)
    await first.tick(sender)
    restarted = service(database, clock, owner="b")
    assert await restarted.repair() == 0
    await restarted.tick(sender)
    assert len(sender.to(1)) == 1


async def test_catch_up_inside_and_outside_the_window(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))  # 06:00 Berlin
    await make_athlete(database, 1, now=clock.now())
    svc, sender = service(database, clock), RecordingSender()
    await schedule_all(database, svc)
    clock.at = dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 3 h late: inside 6 h
    await svc.tick(sender)
    (late,) = sender.to(1)
    assert "Sent late" in late.text and "07:00" in late.text
    clock.at = dt.datetime(2026, 11, 24, 13, 30, tzinfo=UTC)  # 7.5 h late: outside
    await svc.tick(sender)
    assert len(sender.to(1)) == 1
    async with database.read() as session:
        statuses = {
            r.local_date: r.status for r in (await session.execute(select(Delivery))).scalars()
        }
    assert statuses[dt.date(2026, 11, 24)] == "missed"
    assert statuses[dt.date(2026, 11, 25)] == "pending"  # the plan moves on


async def test_catch_up_never_past_local_midnight(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    await make_athlete(database, 1, now=clock.now(), minute=21 * 60)  # 21:00 Berlin = 20:00 UTC
    svc, sender = service(database, clock), RecordingSender()
    await schedule_all(database, svc)
    clock.at = dt.datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # 00:30 local next day
    await svc.tick(sender)
    assert sender.to(1) == []


async def test_blocked_athlete_paused_others_served(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    for user in (1, 2, 3):
        await make_athlete(database, user, now=clock.now())
    svc, sender = service(database, clock), RecordingSender()
    sender.blocked.add(2)
    await schedule_all(database, svc)
    clock.at = dt.datetime(2026, 11, 23, 6, 0, 1, tzinfo=UTC)
    await svc.tick(sender)
    assert len(sender.to(1)) == 1 and len(sender.to(3)) == 1
    async with database.read() as session:
        blocked = (await session.execute(select(Athlete).where(Athlete.user_id == 2))).scalar_one()
        assert blocked.status == "blocked"
        assert await Deliveries(session).open_row(blocked.id, "daily") is None
    clock.at += dt.timedelta(days=1)
    await svc.tick(sender)
    assert len(sender.to(1)) == 2 and sender.to(2) == []  # never retried


async def test_temporary_failure_retried_after_retry_after(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    await make_athlete(database, 1, now=clock.now())
    svc, sender = service(database, clock), RecordingSender()
    sender.fail_once[1] = 5.0
    await schedule_all(database, svc)
    clock.at = dt.datetime(2026, 11, 23, 6, 0, 1, tzinfo=UTC)
    await svc.tick(sender)
    assert sender.to(1) == []
    clock.at += dt.timedelta(seconds=3)
    await svc.tick(sender)
    assert sender.to(1) == []  # still backing off
    clock.at += dt.timedelta(seconds=3)
    await svc.tick(sender)
    assert len(sender.to(1)) == 1


async def test_429s_never_use_up_the_attempts(database: Database) -> None:
    """A busy minute can answer one message with 429 many times over: it is still sent once
    Telegram lets it through (a failing network, by contrast, gives up after MAX_ATTEMPTS)."""
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    await make_athlete(database, 1, now=clock.now())
    svc, sender = service(database, clock), RecordingSender()
    await schedule_all(database, svc)
    clock.at = dt.datetime(2026, 11, 23, 6, 0, 1, tzinfo=UTC)
    for _ in range(MAX_ATTEMPTS + 4):
        sender.fail_once[1] = 1.0
        result = await svc.tick(sender)
        assert result.retried == 1 and sender.to(1) == []
        clock.at += dt.timedelta(seconds=2)
    result = await svc.tick(sender)
    assert result.sent == 1 and len(sender.to(1)) == 1


class TimedSender:
    """Records when (event-loop time) each send started; answers one chosen chat's first
    send with a 429."""

    platform = "telegram"

    def __init__(self, limited: int, retry_after: float, send_rate: float) -> None:
        self.send_rate = send_rate
        self.starts: list[tuple[int, float]] = []
        self.limited, self.retry_after = limited, retry_after
        self.refused_at: float | None = None

    async def send(self, chat_id: int, reply: Message) -> int:
        now = asyncio.get_running_loop().time()
        if chat_id == self.limited and self.refused_at is None:
            self.refused_at = now
            raise TryLater("Too Many Requests: retry after 1", retry_after=self.retry_after)
        self.starts.append((chat_id, now))
        await asyncio.sleep(0.01)  # a round trip: later sends start while this one is out
        return len(self.starts)


async def test_a_429_holds_paced_sends_then_they_resume_evenly(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    for user in range(1, 13):
        await make_athlete(database, user, now=clock.now())
    rate, hold = 20.0, 0.4
    svc = service(database, clock)
    sender = TimedSender(limited=4, retry_after=hold, send_rate=rate)
    await schedule_all(database, svc)
    clock.at = dt.datetime(2026, 11, 23, 6, 0, 1, tzinfo=UTC)
    result = await svc.tick(sender)
    assert (result.sent, result.retried) == (11, 1)
    assert sender.refused_at is not None
    after = [at for _, at in sender.starts if at > sender.refused_at]
    assert after, "every send went before the 429"
    # Nothing starts while Telegram said to wait, and what waited goes one by one.
    assert after[0] >= sender.refused_at + hold - 0.01
    gaps = [b - a for a, b in itertools.pairwise(after)]
    assert min(gaps) >= 1 / rate - 0.01, gaps
    # The refused message goes out once its retry_after has passed.
    clock.at += dt.timedelta(seconds=hold + 0.1)
    result = await svc.tick(sender)
    assert result.sent == 1
    assert sorted(chat for chat, _ in sender.starts) == list(range(1, 13))


async def test_changing_time_reschedules_without_a_second_message(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    athlete_id = await make_athlete(database, 1, now=clock.now())
    svc, sender = service(database, clock), RecordingSender()
    await schedule_all(database, svc)
    clock.at = dt.datetime(2026, 11, 23, 6, 0, 1, tzinfo=UTC)
    await svc.tick(sender)  # today's 07:00 sent
    async with svc.storage.write() as unit:
        athlete = await unit.athletes.by_id(athlete_id)
        assert athlete is not None
        athlete.delivery_minute = 20 * 60  # later today: must not send again today
        await svc.schedule(unit, athlete)
    clock.at = dt.datetime(2026, 11, 23, 19, 0, 1, tzinfo=UTC)
    await svc.tick(sender)
    assert len(sender.to(1)) == 1
    clock.at = dt.datetime(2026, 11, 24, 19, 0, 1, tzinfo=UTC)
    await svc.tick(sender)
    assert len(sender.to(1)) == 2  # tomorrow at the new time


async def test_paused_then_resumed(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    athlete_id = await make_athlete(database, 1, now=clock.now())
    svc, sender = service(database, clock), RecordingSender()
    async with svc.storage.write() as unit:
        athlete = await unit.athletes.by_id(athlete_id)
        assert athlete is not None
        athlete.paused_until = dt.date(2026, 11, 25)
        await svc.schedule(unit, athlete)
    for day in (23, 24, 25):
        clock.at = dt.datetime(2026, 11, day, 6, 0, 1, tzinfo=UTC)
        await svc.tick(sender)
    assert len(sender.to(1)) == 1  # only the 25th


async def test_expired_lease_is_taken_over(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    await make_athlete(database, 1, now=clock.now())
    svc = service(database, clock, owner="survivor")
    await schedule_all(database, svc)
    clock.at = dt.datetime(2026, 11, 23, 6, 0, 1, tzinfo=UTC)
    async with database.write() as session:  # a process claims it, then dies
        claimed = await Deliveries(session).claim_due(
            "telegram", clock.now(), "dead", dt.timedelta(minutes=2), 10
        )
        assert len(claimed) == 1
    sender = RecordingSender()
    await svc.tick(sender)
    assert sender.to(1) == []  # the lease still holds
    clock.at += dt.timedelta(minutes=3)
    await svc.tick(sender)
    assert len(sender.to(1)) == 1


async def test_many_due_at_once_found_in_batches(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    for user in range(1, 121):
        await make_athlete(database, user, now=clock.now())
    svc, sender = service(database, clock, batch_size=50), RecordingSender()
    await schedule_all(database, svc)
    clock.at = dt.datetime(2026, 11, 23, 6, 0, 1, tzinfo=UTC)
    result = await svc.tick(sender)
    assert result.sent == 120
    assert sorted(chat for chat, _, _ in sender.sent) == list(range(1, 121))


@pytest.mark.postgresql
async def test_two_senders_on_postgresql_deliver_each_once(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("the SKIP LOCKED claim is PostgreSQL's")
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    for user in range(1, 201):
        await make_athlete(database, user, now=clock.now())
    one = service(database, clock, owner="one", batch_size=20)
    two = service(database, clock, owner="two", batch_size=20)
    await schedule_all(database, one)
    clock.at = dt.datetime(2026, 11, 23, 6, 0, 1, tzinfo=UTC)

    class SlowSender(RecordingSender):
        async def send(self, chat_id: int, reply: Message) -> int:
            await asyncio.sleep(0.002)
            return await super().send(chat_id, reply)

    sender = SlowSender()
    first, second = await asyncio.gather(one.tick(sender), two.tick(sender))
    chats = [chat for chat, _, _ in sender.sent]
    assert sorted(chats) == list(range(1, 201))  # every athlete exactly once
    assert first.sent > 0 and second.sent > 0  # and both processes took a share


@pytest.mark.postgresql
async def test_concurrent_scheduling_never_fails(database: Database) -> None:
    """Two replicas' start-up repairs and an athlete's own rescheduling, all at once."""
    if database.is_sqlite:
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    ids = [await make_athlete(database, user, now=clock.now()) for user in range(1, 31)]
    one, two = service(database, clock, owner="one"), service(database, clock, owner="two")

    async def reschedule(athlete_id: int) -> None:
        async with one.storage.write() as unit:
            athlete = await unit.athletes.by_id(athlete_id)
            assert athlete is not None
            await one.schedule(unit, athlete)

    await asyncio.gather(one.repair(), two.repair(), *(reschedule(i) for i in ids))
    async with database.read() as session:
        rows = (await session.execute(select(Delivery).where(Delivery.status == "pending"))).all()
    assert len(rows) == 30


# --- one database, several chat platforms ---------------------------------------------------


async def test_a_sender_claims_only_its_own_platforms_rows(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    await make_athlete(database, 1, now=clock.now(), platform="telegram")
    await make_athlete(database, 2, now=clock.now(), platform="discord")
    await make_athlete(database, 3, now=clock.now(), platform="terminal")
    svc = service(database, clock)
    await schedule_all(database, svc)
    clock.at = dt.datetime(2026, 11, 23, 6, 0, 1, tzinfo=UTC)
    telegram = RecordingSender("telegram")
    result = await svc.tick(telegram)
    assert result.sent == 1 and [chat for chat, _, _ in telegram.sent] == [1]
    async with database.read() as session:
        others = (
            await session.execute(
                select(Athlete.status, Delivery.status)
                .join(Delivery, Delivery.athlete_id == Athlete.id)
                .where(Athlete.platform != "telegram", Delivery.kind == "daily")
            )
        ).all()
    # The other platforms' messages wait for their own senders: not sent, nobody blocked.
    assert sorted(others) == [("active", "pending"), ("active", "pending")]
    discord = RecordingSender("discord")
    assert (await svc.tick(discord)).sent == 1 and discord.to(2)


class PacedSender:
    """Records the loop time of each send, for one platform with its own budget."""

    def __init__(self, platform: str, send_rate: float) -> None:
        self.platform, self.send_rate = platform, send_rate
        self.starts: list[float] = []
        self.chats: list[int] = []

    async def send(self, chat_id: int, message: Message) -> int:
        self.starts.append(asyncio.get_running_loop().time())
        self.chats.append(chat_id)
        await asyncio.sleep(0.005)
        return len(self.starts)


async def test_one_process_delivers_two_platforms_each_in_its_own_budget(
    database: Database,
) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    for user in range(1, 9):
        await make_athlete(database, user, now=clock.now(), platform="telegram")
    for user in range(101, 109):
        await make_athlete(database, user, now=clock.now(), platform="discord")
    svc = service(database, clock)
    await schedule_all(database, svc)
    clock.at = dt.datetime(2026, 11, 23, 6, 0, 1, tzinfo=UTC)
    telegram, discord = PacedSender("telegram", 40.0), PacedSender("discord", 10.0)
    first, second = await asyncio.gather(svc.tick(telegram), svc.tick(discord))
    assert (first.sent, second.sent) == (8, 8)
    assert sorted(telegram.chats) == list(range(1, 9))
    assert sorted(discord.chats) == list(range(101, 109))
    for sender in (telegram, discord):
        gaps = [b - a for a, b in itertools.pairwise(sender.starts)]
        assert min(gaps) >= 1 / sender.send_rate - 0.01, (sender.platform, gaps)
    # Telegram's faster budget is not held back by Discord's slower one: its 8 sends take
    # 7/40 s paced on their own, 7/10 s if they waited for Discord's; the bound between
    # leaves room for a loaded machine's composing and claiming.
    assert telegram.starts[-1] < discord.starts[-1]
    assert telegram.starts[-1] - telegram.starts[0] < 0.8 * 7 / discord.send_rate
