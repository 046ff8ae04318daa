"""The daily plan in the chat: /today, /week, /pause, /resume, /time, session buttons, blocks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select

from db.models import Athlete, Delivery, PlanChange
from fakes.athletes import PROFILE, make_athlete
from tests import updates
from tests.conftest import BotHarness

# The harness clock: Mon 23 Nov 2026, 06:00 UTC (07:00 in Berlin).
WED = dt.date(2026, 11, 25)


async def seed(bot: BotHarness, user: int = 900, **profile: Any) -> int:
    athlete_id = await make_athlete(
        bot.db, user, now=bot.clock.now(), profile={**PROFILE, **profile} if profile else None
    )
    async with bot.storage.write() as unit:
        athlete = await unit.athletes.by_id(athlete_id)
        assert athlete is not None
        await bot.core.delivery.schedule(unit, athlete)
    return athlete_id


async def test_onboarding_confirm_schedules_the_first_message(bot: BotHarness) -> None:
    from tests.test_onboarding import onboard_by_buttons

    await onboard_by_buttons(bot, 100)
    async with bot.db.read() as session:
        rows = list((await session.execute(select(Delivery).order_by(Delivery.kind))).scalars())
    assert [(r.kind, r.local_date, r.status) for r in rows] == [
        ("daily", dt.date(2026, 11, 23), "pending"),
        ("weekly", dt.date(2026, 11, 29), "pending"),  # the summary, on Sunday
    ]
    assert rows[0].due_at == dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
    assert rows[1].due_at == dt.datetime(2026, 11, 29, 6, 0, tzinfo=dt.UTC)


async def test_today_and_week(bot: BotHarness) -> None:
    await seed(bot)
    (today,) = await bot.say(900, "/today")
    assert "Mon 23 Nov" in today and len(today) < 1500
    (week,) = await bot.say(900, "/week")
    assert "Week of 23 Nov" in week
    for day in ("Mon", "Wed", "Fri", "Sun"):
        assert day in week


async def test_strength_day_has_buttons_skip_and_move(bot: BotHarness) -> None:
    monday, tuesday = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
    await seed(bot, hard_days=[], strength_days=["mon", "thu"])
    await bot.say(900, "/today")
    assert bot.last_buttons(900) == [
        f"dl:done:{monday}",
        f"dl:skip:{monday}",
        f"dl:move:{monday}",
    ]
    replies = await bot.press(900, f"dl:move:{monday}")
    assert "Moved to Tue 24 Nov" in replies[0]
    await bot.press(900, f"dl:skip:{monday}")
    toasts = [c.params.get("text") for c in bot.api.calls if c.method == "answerCallbackQuery"]
    assert toasts[-1] == "Already moved."
    async with bot.db.read() as session:
        change = (await session.execute(select(PlanChange))).scalar_one()
    assert (change.day, change.action, change.to_day) == (monday, "move", tuesday)
    bot.clock.at = dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)
    (moved,) = await bot.say(900, "/today")
    assert "Moved from" in moved


async def test_move_refused_with_a_reason(bot: BotHarness) -> None:
    await seed(bot)
    friday = dt.date(2026, 11, 27)  # Saturday is the day before the long run
    bot.clock.at = dt.datetime(2026, 11, 27, 6, 0, tzinfo=dt.UTC)
    replies = await bot.press(900, f"dl:move:{friday}")
    assert "Can't move it to tomorrow" in replies[0]


async def test_skip(bot: BotHarness) -> None:
    await seed(bot)
    replies = await bot.press(900, f"dl:skip:{WED}")
    assert "Skipped" in replies[0]
    bot.clock.at = dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC)
    (today,) = await bot.say(900, "/today")
    assert "You skipped this one" in today


async def test_pause_and_resume(bot: BotHarness) -> None:
    athlete_id = await seed(bot)
    (reply,) = await bot.say(900, "/pause 3")
    # Monday's message is still to go out (07:00 is due, not sent): it is the first day off.
    assert "Paused for 3 days: no messages Mon 23 – Wed 25 Nov; they resume Thu 26 Nov." in reply
    async with bot.db.read() as session:
        row = (
            await session.execute(
                select(Delivery).where(Delivery.status == "pending", Delivery.kind == "daily")
            )
        ).scalar_one()
    assert row.local_date == dt.date(2026, 11, 26)
    (reply,) = await bot.say(900, "/pause soon")
    assert "/pause 7" in reply
    (reply,) = await bot.say(900, "/pause")
    assert "until you send /resume" in reply
    async with bot.db.read() as session:
        athlete = await session.get(Athlete, athlete_id)
        assert athlete is not None and athlete.status == "paused"
        pending = (
            await session.execute(
                select(Delivery).where(Delivery.status == "pending", Delivery.kind == "daily")
            )
        ).all()
    assert pending == []
    (reply,) = await bot.say(900, "/resume")
    assert "next workout arrives today at 07:00 (Berlin time)" in reply


async def test_pause_says_exactly_which_days_are_quiet(bot: BotHarness) -> None:
    """Issue 18: "/pause 3" on a Wednesday, after that day's message, said messages resume
    Saturday, so only Thursday and Friday were quiet. Three days off are Thu, Fri and Sat."""
    from tests.test_delivery import RecordingSender

    sender = RecordingSender()
    bot.clock.at = dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC)
    await seed(bot)
    bot.clock.at = dt.datetime(2026, 11, 25, 6, 0, 5, tzinfo=dt.UTC)  # Wed, 07:00 in Berlin
    await bot.core.delivery.tick(sender)
    assert len(sender.to(900)) == 1
    bot.clock.at = dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC)
    (reply,) = await bot.say(900, "/pause 3")
    assert "Paused for 3 days: no messages Thu 26 – Sat 28 Nov; they resume Sun 29 Nov." in reply
    for day in (26, 27, 28, 29):
        bot.clock.at = dt.datetime(2026, 11, day, 6, 0, 5, tzinfo=dt.UTC)
        await bot.core.delivery.tick(sender)
        if day < 29:
            assert len(sender.to(900)) == 1, f"a message on {day} Nov"
    assert len(sender.to(900)) > 1  # Sunday's

    (one,) = await bot.say(900, "/pause 1")  # Sunday's message went out: Monday is off
    assert "Paused for 1 day: no messages on Mon 30 Nov; they resume Tue 1 Dec." in one
    (across,) = await bot.say(900, "/pause 3")
    assert "no messages Mon 30 Nov – Wed 2 Dec; they resume Thu 3 Dec." in across


async def test_time_command_changes_delivery(bot: BotHarness) -> None:
    await seed(bot)
    replies = await bot.say(900, "/time")
    assert "When should your daily workout arrive" in replies[-1]
    assert not re.search(r"\d+/\d+ ·", replies[-1])  # no onboarding counter outside setup
    replies = await bot.say(900, "9:15")
    assert replies[-1] == "✅ <b>Daily message at 09:15 (Berlin time) from today</b>."
    async with bot.db.read() as session:
        row = (
            await session.execute(
                select(Delivery).where(Delivery.status == "pending", Delivery.kind == "daily")
            )
        ).scalar_one()
    assert row.due_at == dt.datetime(2026, 11, 23, 8, 15, tzinfo=dt.UTC)  # 09:15 Berlin today


async def test_a_time_moments_away_wakes_the_sender_for_it(bot: BotHarness) -> None:
    """/time for a minute that is seconds away: the sender wakes up for it, not at its next
    10-second round (the daily message arrives on the minute)."""
    await seed(bot)
    queue = bot.application.job_queue
    assert queue is not None
    bot.clock.at = dt.datetime(2026, 11, 23, 6, 0, 30, tzinfo=dt.UTC)  # 07:00:30 in Berlin
    await bot.say(900, "/time")
    assert not queue.get_jobs_by_name("delivery-at")
    await bot.say(900, "7:01")
    (job,) = queue.get_jobs_by_name("delivery-at")
    assert isinstance(job.data, dt.datetime)
    wait = (job.data - dt.datetime.now(dt.UTC)).total_seconds()
    assert 25 < wait <= 30.1, wait  # 06:01:00 is 30 s after the (fixed) clock


async def test_kicked_marks_blocked_and_start_resumes(bot: BotHarness) -> None:
    athlete_id = await seed(bot)
    payload = {
        "update_id": 77_000,
        "my_chat_member": {
            "chat": {"id": 900, "type": "private", "first_name": "Runner"},
            "from": updates.user(900),
            "date": 0,
            "old_chat_member": {
                "status": "member",
                "user": {"id": 1, "is_bot": True, "first_name": "B"},
            },
            "new_chat_member": {
                "status": "kicked",
                "until_date": 0,
                "user": {"id": 1, "is_bot": True, "first_name": "B"},
            },
        },
    }
    await bot.feed(payload)
    async with bot.db.read() as session:
        athlete = await session.get(Athlete, athlete_id)
        assert athlete is not None and athlete.status == "blocked"
        assert (
            await session.execute(
                select(Delivery).where(Delivery.status == "pending", Delivery.kind == "daily")
            )
        ).all() == []
    await bot.say(900, "/start")
    async with bot.db.read() as session:
        athlete = await session.get(Athlete, athlete_id)
        assert athlete is not None and athlete.status == "active"
        assert (
            len(
                (
                    await session.execute(
                        select(Delivery).where(
                            Delivery.status == "pending", Delivery.kind == "daily"
                        )
                    )
                ).all()
            )
            == 1
        )


async def test_today_before_setup(bot: BotHarness) -> None:
    (reply,) = await bot.say(901, "/today")
    assert "/start" in reply


async def test_settings_mobility_switch_and_load_steps(bot: BotHarness) -> None:
    athlete_id = await seed(bot)
    await bot.say(900, "/settings")
    assert "set:mobility" in bot.last_buttons(900) and "set:inc" in bot.last_buttons(900)
    replies = await bot.press(900, "set:mobility")
    assert "off" in replies[0]
    replies = await bot.press(900, "set:inc")
    assert bot.last_buttons(900) == ["set:inc:auto", "set:inc:1", "set:inc:2.5", "set:inc:5"]
    replies = await bot.press(900, "set:inc:5")
    assert "5 kg" in replies[0]
    async with bot.db.read() as session:
        athlete = await session.get(Athlete, athlete_id)
        assert athlete is not None and athlete.profile is not None
        assert athlete.profile["mobility_enabled"] is False
        assert athlete.preferences["increments"] == 5.0
    await bot.press(900, "set:time")
    await bot.say(900, "08:00")  # editing another answer keeps the switch
    async with bot.db.read() as session:
        athlete = await session.get(Athlete, athlete_id)
        assert athlete is not None and athlete.profile is not None
        assert athlete.profile["mobility_enabled"] is False


async def test_no_message_on_rest_days_when_mobility_is_off(bot: BotHarness) -> None:
    from tests.test_delivery import RecordingSender

    await seed(bot, mobility_enabled=False)
    delivery = bot.core.delivery
    sender = RecordingSender()
    for day in range(23, 30):  # Mon 23 .. Sun 29 Nov: strength on Wed and Fri
        bot.clock.at = dt.datetime(2026, 11, day, 6, 0, 5, tzinfo=dt.UTC)
        await delivery.tick(sender)
    sessions = [r.text for r in sender.to(900) if r.text.startswith("Session")]
    others = [r.text for r in sender.to(900) if not r.text.startswith("Session")]
    assert len(sessions) == 2  # Wednesday and Friday
    assert len(others) == 1 and "your week" in others[0].plain.lower()  # only Sunday's summary


async def test_a_refused_delivery_is_explained_at_the_next_message(bot: BotHarness) -> None:
    """A daily message the chat refused (blocked, DMs closed) pauses the athlete; what they
    send next is answered with why, and how to restart, once in a while, until /resume."""
    from tests.test_delivery import RecordingSender

    athlete_id = await seed(bot)
    sender = RecordingSender()
    sender.blocked.add(900)
    bot.clock.at = dt.datetime(2026, 11, 23, 6, 0, 5, tzinfo=dt.UTC)  # Monday's 07:00
    assert (await bot.core.delivery.tick(sender)).blocked == 1
    first, today = await bot.say(900, "/today")
    assert "couldn't deliver your daily workout" in first and "/resume" in first
    assert "Mon 23 Nov" in today
    (again,) = await bot.say(900, "/week")  # said once, not at every message
    assert "couldn't deliver" not in again
    bot.clock.advance(dt.timedelta(hours=7))
    notice, _ = await bot.say(900, "squat 3x5 60kg")
    assert "couldn't deliver" in notice
    (resumed,) = await bot.say(900, "/resume")
    assert "Welcome back" in resumed
    async with bot.db.read() as session:
        athlete = await session.get(Athlete, athlete_id)
        assert athlete is not None and athlete.status == "active"


async def test_time_and_settings_questions_have_no_setup_header(bot: BotHarness) -> None:
    """Outside onboarding a question has no "7/16 · Daily message" counter, and /time
    confirms the new time in the athlete's zone, from the day it takes effect."""
    await seed(bot)
    await bot.say(900, "/time")
    replies = await bot.say(900, "6:45")  # 07:00 in Berlin now: today's 06:45 has passed
    assert replies == ["✅ <b>Daily message at 06:45 (Berlin time) from tomorrow</b>."]
    replies = await bot.say(900, "/settings")
    replies = await bot.press(900, "set:days")
    assert "I suggest" in replies[-1]
    assert "Strength days" not in replies[-1] and not re.search(r"\d+/\d+", replies[-1])
    replies = await bot.press(900, "set:timezone")
    assert "Where are you?" in replies[-1] and not re.search(r"\d+/\d+", replies[-1])
    await bot.say(900, "New York")
    replies = await bot.say(900, "yes")
    # 06:45 in New York is 12:45 in Berlin: still to come today.
    assert replies == ["✅ <b>Daily message at 06:45 (New York time) from today</b>."]


async def test_changing_hard_days_in_settings_resuggests_strength_days(bot: BotHarness) -> None:
    """Strength days Mon, Fri suit a hard run on Thursday; moving it to Tuesday makes Monday
    the day before it, so the days are suggested anew (and the reply says so)."""
    athlete_id = await seed(bot, hard_days=["thu"], strength_days=["mon", "fri"])
    await bot.say(900, "/settings")
    await bot.press(900, "set:running")
    for data in ("ob:running_years:2plus", "ob:running_days:done", "ob:long_run_day:6",
                 "ob:hard_days:t3", "ob:hard_days:t1"):  # fmt: skip
        await bot.press(900, data)
    replies = await bot.press(900, "ob:hard_days:done")
    assert (
        "Your running week changed, so I re-suggest <b>Wed, Fri</b> (was Mon, Fri)" in (replies[-1])
    )
    replies = await bot.press(900, "ob:strength_days:done")
    assert "strength days now Wed, Fri" in replies[-1]
    async with bot.db.read() as session:
        athlete = await session.get(Athlete, athlete_id)
        assert athlete is not None and athlete.profile is not None
        assert athlete.profile["hard_days"] == ["tue"]
        assert athlete.profile["strength_days"] == ["wed", "fri"]
    (week,) = await bot.say(900, "/week")
    assert "Upper body" not in week and "Mon 23</b> 💪" not in week
