"""Onboarding from /start to a stored profile, through the real Application."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import select

from db.models import Athlete, Conversation
from tests import updates
from tests.conftest import BotHarness

# A complete set of typed answers (every question answered by typing, none by button). Typed
# days tick days in a multi-select; only "done" moves on.
TYPED = [
    ("2 years", "Which days do you run"),
    ("mon tue thu sat sun", "Selected: Mon, Tue, Thu, Sat, Sun."),
    ("done", "long run"),
    ("sunday", "hard sessions"),
    ("tue", "Selected: Tue."),
    ("done", "training for a race"),
    ("18 Apr 2027", "What distance"),
    ("marathon", "How much lifting"),
    ("never", "What can you train with"),
    ("home", "How many strength sessions"),
    ("2", "How many minutes"),
    ("30", "Strength days"),
]


async def onboard_by_buttons(bot: BotHarness, chat: int, **kw: Any) -> list[str]:
    """Answer every question with buttons; returns the final replies."""
    await bot.say(chat, "/start", **kw)
    for data in [
        "ob:running_years:2plus",
        *(f"ob:running_days:t{day}" for day in (0, 1, 2, 3, 6)),  # Mon-Thu and Sun
        "ob:running_days:done",
        "ob:long_run_day:6",
        "ob:hard_days:t1",
        "ob:hard_days:done",
        "ob:race:none",
        "ob:experience:some",
        "ob:equipment:gym",
        "ob:sessions:2",
        "ob:minutes:30",
        "ob:strength_days:done",
        "ob:delivery_time:420",
        "ob:timezone:Europe/Berlin",
        "ob:timezone_confirm:yes",
        "ob:units:kg",
        "ob:known_loads:skip",
    ]:
        replies = await bot.press(chat, data, user_id=kw.get("user_id"))
        assert replies, f"no answer to {data}"
    return await bot.press(chat, "ob:summary:confirm", user_id=kw.get("user_id"))


async def athlete(bot: BotHarness, user_id: int) -> Athlete | None:
    async with bot.db.read() as session:
        return (
            await session.execute(select(Athlete).where(Athlete.user_id == user_id))
        ).scalar_one_or_none()


async def conversation(bot: BotHarness, user_id: int) -> Conversation | None:
    found = await athlete(bot, user_id)
    if found is None:
        return None
    async with bot.db.read() as session:
        return await session.get(Conversation, found.id)


async def test_whole_flow_with_buttons(bot: BotHarness) -> None:
    final = await onboard_by_buttons(bot, 100)
    assert "You're all set" in final[0]
    # 06:00 UTC on Mon 23 Nov is 07:00 in Berlin: the first workout is today at 07:00.
    assert "today at 07:00" in final[0] and "Berlin" in final[0]
    stored = await athlete(bot, 100)
    assert stored is not None and stored.status == "active"
    assert stored.timezone == "Europe/Berlin" and stored.delivery_minute == 420
    assert stored.profile is not None
    assert stored.profile["long_run_day"] == "sun" and stored.profile["hard_days"] == ["tue"]
    assert stored.profile["strength_experience"] == "some" and stored.profile["race"] is None
    assert len(stored.profile["strength_days"]) == 2
    assert "sun" not in stored.profile["strength_days"]  # never on the long-run day
    assert "sat" not in stored.profile["strength_days"]  # nor the day before it
    assert "mon" not in stored.profile["strength_days"]  # nor the day before the hard day
    assert stored.plan_start == dt.date(2026, 11, 23)
    assert await conversation(bot, 100) is None


async def test_whole_flow_typed(bot: BotHarness) -> None:
    await bot.say(200, "/start")
    for answer, next_question in TYPED:
        replies = await bot.say(200, answer)
        assert next_question in replies[-1], (answer, replies)
    replies = await bot.say(200, "fri sat")  # the suggestion was Wed, Fri: untick Fri, tick Sat
    assert "Selected: Wed, Sat." in replies[-1]
    replies = await bot.say(200, "done")
    assert "Heads up" in replies[-1] and "Sat" in replies[-1]  # Saturday is before the long run
    replies = await bot.press(200, "ob:strength_days:keep")
    assert "When should your daily workout arrive" in replies[-1]
    replies = await bot.say(200, "6:30 am")
    assert "Where are you" in replies[-1]
    replies = await bot.say(200, "New York")
    assert "01:00" in replies[-1] and "New York" in replies[-1]  # 06:00 UTC = 01:00 EST
    replies = await bot.say(200, "yes")
    assert "Kilograms or pounds" in replies[-1]
    replies = await bot.say(200, "lbs")
    assert "Known weights" in replies[-1]
    replies = await bot.say(200, "goblet squat 35 lb for 10\nromanian deadlift 95 x 8")
    summary = replies[-1]
    assert "Your setup" in summary and "Goblet squat 35 lb×10" in summary
    final = await bot.press(200, "ob:summary:confirm")
    assert "You're all set" in final[0] and "06:30" in final[0]
    stored = await athlete(bot, 200)
    assert stored is not None and stored.units == "lb" and stored.timezone == "America/New_York"
    assert stored.profile is not None
    assert stored.profile["race"] == {"date": "2027-04-18", "distance": "marathon"}
    assert stored.profile["running_days"] == ["mon", "tue", "thu", "sat", "sun"]
    assert stored.profile["strength_days"] == ["wed", "sat"]
    assert stored.profile["known_loads"][0] == ["goblet_squat", 15.88, 10]


@pytest.mark.parametrize(
    ("step_answers", "bad", "expected"),
    [
        ([], "three", "How long have you been running"),
        (["2"], "eight", "I need weekdays like"),
        (["2"], "done", "Tick at least one day"),
        (["2", "tue thu sun done"], "wed", "You don't run on Wed"),
        (["2", "tue thu sun done", "sun"], "sun", "Sun is your long run"),
        (["2", "tue thu sun done", "sun"], "fri", "You don't run on Fri"),
        (["2", "tue thu sun done", "sun", "none"], "2020-05-01", "already passed"),
        (["2", "tue thu sun done", "sun", "none"], "2030-01-01", "more than two years away"),
        (["2", "tue thu sun done", "sun", "none"], "someday", "2027-04-18"),
        (["2", "tue thu sun done", "sun", "none", "none", "never", "none"], "three", "1, 2 or 3"),
    ],
)
async def test_invalid_answers_get_a_hint_and_the_same_question(
    bot: BotHarness, step_answers: list[str], bad: str, expected: str
) -> None:
    await bot.say(300, "/start")
    for answer in step_answers:
        await bot.say(300, answer)
    before = (await conversation(bot, 300)).step  # type: ignore[union-attr]
    replies = await bot.say(300, bad)
    assert expected in replies[0] or expected in replies[-1]
    assert len(replies) == 2  # one short line, then the question again
    assert (await conversation(bot, 300)).step == before  # type: ignore[union-attr]


async def test_a_race_date_without_a_year_is_the_next_one(bot: BotHarness) -> None:
    await bot.say(310, "/start")
    for answer in ["2", "tue thu sun done", "sun", "none"]:
        await bot.say(310, answer)
    replies = await bot.say(310, "april 18th")  # the clock says 23 Nov 2026
    assert "What distance" in replies[-1]
    for answer in ["marathon", "never", "none", "2", "20"]:
        await bot.say(310, answer)
    await bot.press(310, "ob:strength_days:done")
    for answer in ["07:00", "New York", "yes", "kg", "none"]:
        replies = await bot.say(310, answer)
    assert "Your setup" in replies[-1] and "18 Apr 2027" in replies[-1], replies[-1]
    await bot.press(310, "ob:summary:confirm")
    stored = await athlete(bot, 310)
    assert stored is not None and stored.profile is not None
    assert stored.profile["race"] == {"date": "2027-04-18", "distance": "marathon"}


async def _to_step(bot: BotHarness, chat: int, step: str) -> None:
    await bot.say(chat, "/start")
    answers = ["2", "tue thu sat sun done", "sun", "none", "none", "never", "none", "2", "20"]
    for answer in answers:
        if (await conversation(bot, chat)).step == step:  # type: ignore[union-attr]
            return
        await bot.say(chat, answer)
    await bot.press(chat, "ob:strength_days:done")
    if step == "delivery_time":
        return
    await bot.say(chat, "07:00")


async def test_bad_time_and_timezone(bot: BotHarness) -> None:
    await _to_step(bot, 400, "delivery_time")
    replies = await bot.say(400, "25:00")
    assert "isn't a time of day" in replies[0]
    await bot.say(400, "07:15")
    replies = await bot.say(400, "Mars/Olympus")
    assert "I don't know the timezone" in replies[0]
    replies = await bot.say(400, "+05:30")
    assert "daylight saving" in replies[-1] and "11:30" in replies[-1]


async def test_back_and_cancel_keep_answers(bot: BotHarness) -> None:
    await bot.say(500, "/start")
    await bot.say(500, "2")
    await bot.say(500, "tue thu sat sun done")
    replies = await bot.say(500, "/back")
    assert "Which days do you run" in replies[-1] and "Selected: Tue, Thu, Sat, Sun." in replies[-1]
    await bot.say(500, "tue")  # unticks Tuesday
    await bot.say(500, "done")
    replies = await bot.say(500, "/cancel")
    assert "answers are kept" in replies[0]
    replies = await bot.say(500, "sunday")
    assert "paused" in replies[0]
    replies = await bot.say(500, "/start")
    assert "pick up where we left off" in replies[0] and "long run" in replies[-1]
    conv = await conversation(bot, 500)
    assert conv is not None and conv.answers["running_days"] == [3, 5, 6]


async def test_back_on_first_question(bot: BotHarness) -> None:
    await bot.say(510, "/start")
    replies = await bot.say(510, "/back")
    assert "first question" in replies[0]


async def test_two_users_interleaved(bot: BotHarness) -> None:
    await bot.say(601, "/start")
    await bot.say(602, "/start")
    await bot.say(601, "1.5")
    await bot.say(602, "0.5")
    await bot.say(601, "mon tue wed")
    await bot.say(602, "tue thu sat")
    await bot.say(601, "fri sat done")
    replies = await bot.say(602, "done")
    assert "long run" in replies[-1]
    one, two = await conversation(bot, 601), await conversation(bot, 602)
    assert one is not None and two is not None
    assert one.answers["running_years"] == "1to2"
    assert one.answers["running_days"] == [0, 1, 2, 4, 5]
    assert two.answers["running_years"] == "lt1" and two.answers["running_days"] == [1, 3, 5]


async def test_group_chat_points_to_private_chat(bot: BotHarness) -> None:
    sent = await bot.feed(updates.message(-1001, "/start", user_id=77, chat_type="supergroup"))
    assert len(sent) == 1
    assert "private chat" in sent[0]["text"]
    button = sent[0]["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"].startswith("https://t.me/runstrong_test_bot")
    assert await bot.feed(updates.message(-1001, "hello", user_id=77, chat_type="supergroup")) == []


async def test_sticker_and_stray_text_get_hints(bot: BotHarness) -> None:
    sent = await bot.feed(updates.sticker(700))
    assert "/start" in sent[0]["text"]
    await bot.say(700, "/start")
    sent = await bot.feed(updates.sticker(700))
    assert "only read text" in sent[0]["text"]


async def test_stale_button_is_refused_politely(bot: BotHarness) -> None:
    await bot.say(710, "/start")
    await bot.press(710, "ob:running_years:2plus")
    await bot.press(710, "ob:running_years:lt1")
    answers = [c for c in bot.api.calls if c.method == "answerCallbackQuery"]
    assert "/back" in answers[-1].params.get("text", "")
    conv = await conversation(bot, 710)
    assert conv is not None and conv.answers["running_years"] == "2plus"


async def test_hard_day_toggles_redraw_in_place(bot: BotHarness) -> None:
    await bot.say(720, "/start")
    for answer in ("2", "tue thu sat sun done", "sun"):
        await bot.say(720, answer)
    sent = await bot.feed(updates.callback(720, "ob:hard_days:t3"))
    assert sent and "✅ Thu" in str(sent[0]["reply_markup"])
    assert [c.method for c in bot.api.calls[-2:]] == ["editMessageText", "answerCallbackQuery"]


async def test_summary_edit_returns_to_summary(bot: BotHarness) -> None:
    await bot.say(730, "/start")
    for answer in ("2", "tue thu sat sun done", "sun", "none", "none", "never", "none", "2", "20"):
        await bot.say(730, answer)
    await bot.press(730, "ob:strength_days:done")
    for answer in ("07:00", "Berlin", "yes", "kg", "skip"):
        await bot.say(730, answer)
    replies = await bot.press(730, "ob:summary:edit:time")
    assert "When should your daily workout arrive" in replies[-1]
    replies = await bot.say(730, "5:45")
    assert "Your setup" in replies[-1] and "05:45" in replies[-1]


async def test_start_when_onboarded_offers_choices_and_settings_edit(bot: BotHarness) -> None:
    await onboard_by_buttons(bot, 800)
    replies = await bot.say(800, "/start")
    assert "Welcome back" in replies[0]
    assert bot.last_buttons(800) == ["go:today", "go:settings", "st:restart"]
    (today,) = await bot.press(800, "go:today")
    assert "Mon 23 Nov" in today  # the workout itself, not a pointer to /today
    (again,) = await bot.press(800, "st:today")  # a start menu sent by an older version
    assert again == today
    replies = await bot.say(800, "/settings")
    assert "Settings" in replies[0]
    replies = await bot.press(800, "set:time")
    assert "When should your daily workout arrive" in replies[-1]
    replies = await bot.say(800, "18:30")
    assert replies[-1] == "✅ <b>Daily message at 18:30 (Berlin time) from today</b>."
    stored = await athlete(bot, 800)
    assert stored is not None and stored.delivery_minute == 18 * 60 + 30
    assert stored.profile is not None and stored.profile["equipment"] == "gym"  # untouched
    assert await conversation(bot, 800) is None


async def test_start_over_needs_confirmation(bot: BotHarness) -> None:
    await onboard_by_buttons(bot, 810)
    await bot.say(810, "/start")
    replies = await bot.press(810, "st:restart")
    assert "Start over?" in replies[0]
    replies = await bot.press(810, "st:restart-yes")
    assert "How long have you been running" in replies[-1]
    stored = await athlete(bot, 810)
    assert stored is not None and stored.status == "active"  # old plan runs until re-confirmed


# --- issue 18: set-up ------------------------------------------------------------------------

COUNTER = re.compile(r"<b>(\d+)/(\d+) · ")


async def test_onboarding_asks_which_days_and_offers_only_those(bot: BotHarness) -> None:
    await bot.say(740, "/start")
    replies = await bot.press(740, "ob:running_years:2plus")
    assert "Which days do you run?" in replies[-1]
    for day in (1, 3, 5, 6):  # Tue, Thu, Sat, Sun
        await bot.press(740, f"ob:running_days:t{day}")
    replies = await bot.press(740, "ob:running_days:done")
    assert "Which day is your long run?" in replies[-1]
    assert bot.last_buttons(740) == [
        *(f"ob:long_run_day:{day}" for day in (1, 3, 5, 6)),
        "ob:long_run_day:none",
    ]
    replies = await bot.say(740, "monday")
    assert "You don't run on Mon" in replies[0]
    await bot.press(740, "ob:long_run_day:6")
    # Hard days: the running days other than the long run.
    assert bot.last_buttons(740) == [
        *(f"ob:hard_days:t{day}" for day in (1, 3, 5)),
        "ob:hard_days:none",
        "ob:hard_days:done",
    ]
    for data in ("ob:hard_days:t1", "ob:hard_days:done", "ob:race:none", "ob:experience:some",
                 "ob:equipment:gym", "ob:sessions:2", "ob:minutes:30"):  # fmt: skip
        await bot.press(740, data)
    for data in ("ob:strength_days:done", "ob:delivery_time:420", "ob:timezone:Europe/Berlin",
                 "ob:timezone_confirm:yes", "ob:units:kg", "ob:known_loads:skip"):  # fmt: skip
        replies = await bot.press(740, data)
    assert "runs Tue, Thu, Sat, Sun (4 days/week)" in replies[-1]
    await bot.press(740, "ob:summary:confirm")
    stored = await athlete(bot, 740)
    assert stored is not None and stored.profile is not None
    assert stored.profile["running_days"] == ["tue", "thu", "sat", "sun"]


async def test_counter_moves_with_every_question_to_the_summary(bot: BotHarness) -> None:
    questions = [(await bot.say(750, "/start"))[-1]]
    for data in [
        "ob:running_years:2plus", "ob:running_days:t2", "ob:running_days:t6",
        "ob:running_days:done", "ob:long_run_day:6", "ob:hard_days:t2", "ob:hard_days:done",
        "ob:race:none", "ob:experience:some", "ob:equipment:gym", "ob:sessions:2",
        "ob:minutes:30", "ob:strength_days:done", "ob:delivery_time:420",
        "ob:timezone:Europe/Berlin", "ob:timezone_confirm:yes", "ob:units:kg",
        "ob:known_loads:skip",
    ]:  # fmt: skip
        questions.append((await bot.press(750, data))[-1])
    counters = [COUNTER.match(q) for q in questions]
    assert all(counters), questions
    numbers = [(int(m[1]), int(m[2])) for m in counters if m]
    distinct = list(dict.fromkeys(numbers))  # toggles redraw the same question
    total = distinct[0][1]
    assert distinct == [(n, total) for n in range(1, total + 1)]
    assert "Your setup" in questions[-1] and numbers[-1] == (total, total)


async def test_race_distance_shares_the_race_questions_number(bot: BotHarness) -> None:
    await bot.say(751, "/start")
    for answer in ("2", "tue thu sat sun done", "sun"):
        await bot.say(751, answer)
    (race,) = await bot.say(751, "none")
    (distance,) = await bot.say(751, "18 Apr 2027")
    (experience,) = await bot.say(751, "half")
    assert "training for a race" in race and "What distance" in distance
    numbers = [COUNTER.match(question) for question in (race, distance, experience)]
    race_no, distance_no, experience_no = (int(m[1]) if m else 0 for m in numbers)
    assert race_no == distance_no == experience_no - 1 > 0


async def test_typed_days_add_to_taps_and_only_done_moves_on(bot: BotHarness) -> None:
    await bot.say(760, "/start")
    for answer in ("2", "mon tue thu sat sun done", "sun"):
        await bot.say(760, answer)
    await bot.press(760, "ob:hard_days:t1")  # tap Tue
    replies = await bot.say(760, "thursday")  # then type Thursday
    assert "Which days have hard sessions" in replies[-1]
    assert "Selected: Tue, Thu." in replies[-1]
    conv = await conversation(bot, 760)
    assert conv is not None and conv.step == "hard_days"
    assert conv.answers["hard_days_draft"] == [1, 3] and "hard_days" not in conv.answers
    replies = await bot.say(760, "thu")  # typing a ticked day unticks it
    assert "Selected: Tue." in replies[-1]
    replies = await bot.say(760, "done")
    assert "training for a race" in replies[-1]
    conv = await conversation(bot, 760)
    assert conv is not None and conv.answers["hard_days"] == [1]


async def test_changing_hard_days_from_the_summary_resuggests_strength_days(
    bot: BotHarness,
) -> None:
    await bot.say(770, "/start")
    for answer in ("2", "mon tue thu sat sun done", "sun", "thu done", "none", "some", "gym",
                   "2", "30"):  # fmt: skip
        replies = await bot.say(770, answer)
    assert "I suggest" in replies[-1]
    conv = await conversation(bot, 770)
    assert conv is not None
    for day in set(conv.answers["strength_days_draft"]) ^ {0, 4}:  # pick Mon, Fri
        await bot.press(770, f"ob:strength_days:t{day}")
    replies = await bot.press(770, "ob:strength_days:done")
    assert "When should your daily workout arrive" in replies[-1]  # Mon, Fri fit hard Thu
    for answer in ("07:00", "Berlin", "yes", "kg", "skip"):
        replies = await bot.say(770, answer)
    assert "📅 Mon, Fri" in replies[-1]
    await bot.press(770, "ob:summary:edit:running")
    for data in ("ob:running_years:2plus", "ob:running_days:done", "ob:long_run_day:6",
                 "ob:hard_days:t3", "ob:hard_days:t1"):  # fmt: skip
        replies = await bot.press(770, data)
    replies = await bot.press(770, "ob:hard_days:done")  # hard day moved Thu -> Tue
    question = replies[-1]
    assert "Your running week changed, so I re-suggest" in question and "(was Mon, Fri)" in question
    assert not COUNTER.match(question)  # an edit from the summary: no counter
    assert "✅ Mon" not in str(bot.last_buttons(770))
    replies = await bot.press(770, "ob:strength_days:done")
    assert "Your setup" in replies[-1] and "📅 Mon, Fri" not in replies[-1]
    await bot.press(770, "ob:summary:confirm")
    stored = await athlete(bot, 770)
    assert stored is not None and stored.profile is not None
    assert stored.profile["hard_days"] == ["tue"]
    assert "mon" not in stored.profile["strength_days"]  # the day before the hard session
    (week,) = await bot.say(770, "/week")
    assert "Upper body" not in week


async def test_signing_up_on_a_sunday_starts_the_plan_that_day(bot: BotHarness) -> None:
    bot.clock.at = dt.datetime(2026, 11, 29, 6, 0, tzinfo=dt.UTC)  # Sun 29 Nov, 07:00 Berlin
    final = await onboard_by_buttons(bot, 780)
    assert "today at 07:00" in final[0]
    stored = await athlete(bot, 780)
    assert stored is not None and stored.plan_start == dt.date(2026, 11, 29)
    (week,) = await bot.say(780, "/week")
    rows = week.split("\n")
    assert rows[0].startswith("<b>Week of 23 Nov</b>")
    before = rows[1:7]  # Mon 23 .. Sat 28
    assert [r[3:6] for r in before] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert len(before) == 6 and all("Before your plan starts" in r for r in before), rows
    assert "wk 1" in rows[0] and "wk 2" not in rows[0]
    bot.clock.at = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)
    (week,) = await bot.say(780, "/week")
    assert "Week of 30 Nov" in week and "wk 1" in week.split("\n")[0]
    assert "Session A" in week  # the first plan week holds the first template


async def test_a_setup_saved_with_a_count_of_running_days_carries_on(bot: BotHarness) -> None:
    """A conversation saved before the question asked which days holds only how many: it
    carries on (every day offered for the long run) and the count is spread as before."""
    await bot.say(790, "/start")
    found = await athlete(bot, 790)
    assert found is not None
    async with bot.db.write() as session:
        saved = await session.get(Conversation, found.id)
        assert saved is not None
        saved.step, saved.answers = "long_run_day", {"running_years": "2plus", "running_days": 4}
    replies = await bot.say(790, "/start")
    assert "Which day is your long run?" in replies[-1] and len(bot.last_buttons(790)) == 8
    await bot.say(790, "sunday")
    await bot.say(790, "tue done")
    for data in ("ob:race:none", "ob:experience:some", "ob:equipment:gym", "ob:sessions:2",
                 "ob:minutes:30", "ob:strength_days:done", "ob:delivery_time:420",
                 "ob:timezone:Europe/Berlin", "ob:timezone_confirm:yes", "ob:units:kg",
                 "ob:known_loads:skip", "ob:summary:confirm"):  # fmt: skip
        await bot.press(790, data)
    stored = await athlete(bot, 790)
    assert stored is not None and stored.profile is not None
    assert len(stored.profile["running_days"]) == 4
    assert {"tue", "sun"} <= set(stored.profile["running_days"])
