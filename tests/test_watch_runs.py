"""The real running week in the chat: runs from watch files (stored once, classified, one
tap to correct), the plan reacting to an unplanned hard run, weekly running in /summary,
/history and /progress running, a running jump holding progression, and niggles.

The application over the fake Bot API, fed updates in-process with a fixed clock: Friday
27 Nov 2026, 07:00 in Berlin (a strength day of the test athlete: Wed and Fri; runs Mon,
Tue (hard), Thu, Sat, Sun (long)).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from db.models import Niggle, RunLog, SetLog
from fakes.activity_files import fit_run, gpx_run, gz, strava_zip, tcx_run
from fakes.athletes import make_athlete
from tests import updates
from tests.conftest import BotHarness

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = dt.datetime(2026, 11, 27, 6, 0, tzinfo=dt.UTC)


def at(day: int, hour: int = 7, month: int = 11) -> dt.datetime:
    """A local Berlin time in 2026 (the file stores it in UTC)."""
    return dt.datetime(2026, month, day, hour, 0, tzinfo=BERLIN)


async def send_file(bot: BotHarness, chat: int, filename: str, content: bytes) -> list[str]:
    """The athlete sends a document; the texts the bot sent because of it."""
    update_id = bot.api.push_document(chat, filename, content, "application/octet-stream")
    queued = bot.api._updates
    update = next(u for u in queued if u["update_id"] == update_id)
    queued.remove(update)
    sent = await bot.feed({**update, "update_id": updates.next_update_id()})
    return [html.unescape(m.get("text") or m.get("caption") or "") for m in sent]


async def say(bot: BotHarness, chat: int, text: str) -> list[str]:
    return [html.unescape(t) for t in await bot.say(chat, text)]


async def runs(bot: BotHarness) -> list[tuple[str, float | None]]:
    async with bot.db.read() as session:
        found = await session.execute(
            select(RunLog.kind, RunLog.distance_km).order_by(RunLog.performed_on, RunLog.id)
        )
        return [(kind, None if km is None else round(km, 1)) for kind, km in found.all()]


async def count(bot: BotHarness, model: Any) -> int:
    async with bot.db.read() as session:
        return int((await session.scalar(select(func.count()).select_from(model))) or 0)


@pytest.fixture
async def friday(bot: BotHarness) -> BotHarness:
    bot.clock.at = FRIDAY
    return bot


async def easy_history(bot: BotHarness, chat: int) -> None:
    """Three easy 10 km runs at 5:30 /km in the fortnight before."""
    for day in (16, 19, 23):
        (said,) = await send_file(bot, chat, f"easy-{day}.fit", fit_run(at(day), 10, 55, hr=138))
        assert "Easy run" in said, said


async def test_a_watch_run_is_classified_changes_today_and_is_corrected_with_a_tap(
    friday: BotHarness,
) -> None:
    bot = friday
    await make_athlete(bot.db, 901, now=bot.clock.now())
    await easy_history(bot, 901)
    hard = fit_run(at(26, 18), 12, 50, hr=168)  # Thursday evening: 4:10 /km, not planned
    (said,) = await send_file(bot, 901, "thursday.fit", hard)
    assert "Hard run" in said and "12.0 km" in said and "4:10 /km" in said and "♥168" in said
    assert "easy pace" in said  # the reason, in plain words
    assert "Today: upper body & core instead of heavy leg work." in said
    buttons = bot.last_buttons(901)
    assert [b.rsplit(":", 1)[1] for b in buttons] == ["easy", "hard", "long"]

    (today,) = await say(bot, 901, "/today")
    assert "Upper body" in today and "not in your plan" in today

    # The same activity again (re-exported as GPX, same start): stored once.
    (again,) = await send_file(bot, 901, "thursday.gpx", gpx_run(at(26, 18), 12, 50, hr=168))
    assert "already had" in again
    assert await runs(bot) == [("easy", 10.0)] * 3 + [("hard", 12.0)]

    # "It was an easy run, really": one tap, the message updated, the plan back.
    shown = next(
        c.result["message_id"] for c in reversed(bot.api.calls)
        if c.method == "sendMessage" and "Hard run" in str(c.params.get("text"))
    )  # fmt: skip
    (fixed,) = await bot.press(901, buttons[0], message_id=shown)
    edit = next(c for c in reversed(bot.api.calls) if c.method == "editMessageText")
    assert edit.method == "editMessageText" and "✓ Easy" in str(edit.params["reply_markup"])
    assert "Easy run" in fixed
    assert await runs(bot) == [("easy", 10.0)] * 3 + [("easy", 12.0)]
    (today,) = await say(bot, 901, "/today")
    assert "Session" in today and "not in your plan" not in today


async def test_long_run_tcx_and_a_strava_export(friday: BotHarness) -> None:
    bot = friday
    await make_athlete(bot.db, 902, now=bot.clock.now())
    (long_run,) = await send_file(bot, 902, "sunday.tcx", tcx_run(at(24, 9), 24, 130, hr=145))
    assert "Long run" in long_run and "24.0 km" in long_run

    export = strava_zip(
        {
            "activities/101.fit.gz": gz(fit_run(at(10), 8, 45)),
            "activities/102.gpx": gpx_run(at(12), 9, 50),
            "activities/103.tcx.gz": gz(tcx_run(at(14), 10, 56)),
            "activities/104.fit": fit_run(at(15), 40, 90, sport="cycling"),
            "activities/105.fit": b"\x0e\x10garbage",
        },
        extras=True,
    )
    *progress, said = await send_file(bot, 902, "export_12345.zip", export)
    assert progress == ["📦 Reading your runs…"]
    assert "3 runs" not in said or "Not stored" in said
    assert "104.fit" in said and "105.fit" in said  # the ride and the damaged one, named
    assert len(await runs(bot)) == 4

    (summary,) = await say(bot, 902, "/summary")
    assert "🏃 Running:" in summary
    (history,) = await say(bot, 902, "/history")
    assert "Running by week" in history and "24 km" in history


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("empty.fit", b"", "empty"),
        ("photo.fit", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "FIT"),
        ("ride.gpx", gpx_run(at(20), 30, 60, sport="cycling"), "ride"),
        ("notes.gpx", b"<gpx></gpx>", "notes.gpx"),
    ],
)
async def test_bad_watch_files_get_a_clear_answer_and_store_nothing(
    friday: BotHarness, filename: str, content: bytes, expected: str
) -> None:
    bot = friday
    await make_athlete(bot.db, 903, now=bot.clock.now())
    (said,) = await send_file(bot, 903, filename, content)
    assert expected.lower() in said.lower(), said
    assert "Traceback" not in said and "Sorry" not in said
    assert await count(bot, RunLog) == 0


async def test_a_file_over_20_mb_is_refused_before_it_is_downloaded(friday: BotHarness) -> None:
    bot = friday
    await make_athlete(bot.db, 904, now=bot.clock.now())
    mark = len(bot.api.calls)
    (said,) = await send_file(bot, 904, "huge.fit", b"\x00" * (20 * 1024 * 1024 + 1))
    assert "20 MB" in said and "Nothing was stored" in said
    assert not [c for c in bot.api.calls[mark:] if c.method == "getFile"]


async def test_a_running_jump_holds_progression_and_progress_charts_running(
    friday: BotHarness,
) -> None:
    bot = friday
    athlete = await make_athlete(bot.db, 905, now=bot.clock.now())
    # Four weeks of 20 km, then 45 km this week (Mon 23 to Fri 27 Nov).
    days = [dt.date(2026, 10, 27) + dt.timedelta(weeks=w, days=d) for w in range(4) for d in (0, 2)]
    async with bot.db.write() as session:
        for day, km in [
            *((d, 10.0) for d in days),
            *((dt.date(2026, 11, n), 15.0) for n in (23, 25, 26)),
        ]:
            session.add(
                RunLog(
                    athlete_id=athlete, performed_on=day, kind="easy", distance_km=km,
                    planned=False, created_at=bot.clock.now(),
                )
            )  # fmt: skip
    (reply,) = await say(bot, 905, "squat 3x5 60kg")
    assert "running jumped" in reply, reply

    mark = len(bot.api.calls)
    await say(bot, 905, "/progress running")
    photos = [c for c in bot.api.calls[mark:] if c.method.lower() == "sendphoto"]
    assert len(photos) == 1
    assert "Running and strength" in str(photos[0].params.get("caption"))


async def test_a_niggle_swaps_the_session_asks_again_and_shows_its_trend(
    friday: BotHarness,
) -> None:
    bot = friday
    await make_athlete(bot.db, 906, now=bot.clock.now())
    (noted,) = await say(bot, 906, "knee 3/10")
    assert "Noted" in noted and "3/10" in noted and "physio" not in noted
    (today,) = await say(bot, 906, "/today")
    assert "niggle" in today.lower()
    for banned in ("Back squat", "Lunge", "jump", "Jump"):
        assert banned not in today, today

    # "done" logs the session as adapted: the holds, not the squats.
    await say(bot, 906, "done")
    async with bot.db.read() as session:
        done = set((await session.execute(select(SetLog.exercise))).scalars())
    assert done and not done & {"back_squat", "reverse_lunge", "box_jump"}, done
    assert done & {"spanish_squat", "wall_sit"}, done

    (worse,) = await say(bot, 906, "my knee hurts after squats, 6/10")  # its own clause
    assert "physio" in worse
    (better,) = await say(bot, 906, "knee fine")
    assert "fine" in better
    assert await count(bot, Niggle) == 3
    (history,) = await say(bot, 906, "/history")
    assert "Niggles" in history and "3/10" in history and "fine" in history

    # /undo takes the last report back.
    (undone,) = await say(bot, 906, "/undo")
    assert "Removed" in undone
    assert await count(bot, Niggle) == 2


async def test_sets_and_a_niggle_in_one_message_are_both_kept(friday: BotHarness) -> None:
    """A niggle reported with the sets keeps the sets: a note, a clause or a line of its
    own. A region read as an exercise ("left knee, 2/10") logs nothing."""
    bot = friday
    await make_athlete(bot.db, 912, now=bot.clock.now())

    async def squats() -> int:
        async with bot.db.read() as session:
            query = select(func.count()).select_from(SetLog).where(SetLog.exercise == "back_squat")
            return int((await session.execute(query)).scalar_one())

    logged, noted = await say(bot, 912, "squat 3x5 60kg, knee 4/10")
    assert "Logged" in logged and "Back squat 3×5 @ 60 kg" in logged, logged
    assert "Noted" in noted and "4/10" in noted, noted
    assert await squats() == 3 and await count(bot, Niggle) == 1

    logged, noted = await say(bot, 912, "rdl 8,8,7 @40\nknee a bit sore 3/10")
    assert "Romanian deadlift 8, 8, 7 @ 40 kg" in logged and "3/10" in noted
    logged, noted = await say(bot, 912, "squat 3x5 62.5kg (knee sore 3/10)")
    assert "62.5 kg" in logged and "Noted" in noted
    assert await squats() == 6 and await count(bot, Niggle) == 3
    # /undo takes the sets back first (the niggle was stored before them).
    (undone,) = await say(bot, 912, "/undo")
    assert "Removed" in undone and "Back squat" in undone, undone
    assert await squats() == 3 and await count(bot, Niggle) == 3

    (noted,) = await say(bot, 912, "left knee, 2/10")
    assert "Noted" in noted
    async with bot.db.read() as session:
        customs = (await session.execute(select(func.count()).select_from(SetLog).where(
            SetLog.exercise.like("custom:%")))).scalar_one()  # fmt: skip
    assert customs == 0


async def test_calf_2_answers_the_check_in_while_the_calf_niggles(friday: BotHarness) -> None:
    """ "calf" also names calf raises: "calf 2" is a score only while the calf niggles."""
    bot = friday
    await make_athlete(bot.db, 914, now=bot.clock.now())
    (logged,) = await say(bot, 914, "calf 12")
    assert "Calf raise" in logged and await count(bot, Niggle) == 0
    await say(bot, 914, "calf tight 3/10")
    before = await count(bot, SetLog)
    (noted,) = await say(bot, 914, "calf 2")
    assert "Noted" in noted and "calf, 2/10" in noted, noted
    assert await count(bot, SetLog) == before and await count(bot, Niggle) == 2


async def test_pain_with_no_body_part_asks_where_so_the_plan_can_adapt(
    friday: BotHarness,
) -> None:
    bot = friday
    await make_athlete(bot.db, 907, now=bot.clock.now())
    (care,) = await say(bot, 907, "it really hurts today")
    assert "physio" in care and "knee 4/10" in care
    assert await count(bot, Niggle) == 0
    (noted,) = await say(bot, 907, "knee 4/10")
    assert "Noted" in noted and "4/10" in noted
    assert await count(bot, Niggle) == 1


async def test_a_watch_file_of_a_typed_run_fills_it_in_instead_of_counting_twice(
    friday: BotHarness,
) -> None:
    bot = friday
    await make_athlete(bot.db, 907, now=bot.clock.now())
    (typed,) = await say(bot, 907, "/run 12k hard yesterday")
    assert "hard run of 12 km" in typed
    (said,) = await send_file(bot, 907, "thursday.fit", fit_run(at(26, 18), 12.3, 52, hr=166))
    assert "Hard run" in said and "As you logged it" in said and "♥166" in said
    assert await runs(bot) == [("hard", 12.0)]  # one run: the typed one, with the file's facts
    async with bot.db.read() as session:
        (started,) = (await session.execute(select(RunLog.started_at))).scalars()
    assert started == at(26, 18)


async def test_the_daily_message_asks_about_a_niggle_two_days_on(friday: BotHarness) -> None:
    bot = friday
    await make_athlete(bot.db, 908, now=bot.clock.now())
    await say(bot, 908, "achilles sore")
    (today,) = await say(bot, 908, "/today")
    assert "How's the Achilles" not in today
    bot.clock.at = FRIDAY + dt.timedelta(days=2)
    (later,) = await say(bot, 908, "/today")
    assert "How's the Achilles today?" in later and "“Achilles fine”" in later


async def test_a_stale_run_button_says_so(friday: BotHarness) -> None:
    bot = friday
    await make_athlete(bot.db, 909, now=bot.clock.now())
    assert await bot.press(909, "rk:99999:hard") == ["That run isn't stored any more."]
