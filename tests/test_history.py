"""History in the chat: /history, /progress, /summary, /export, CSV imports, /deleteme."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
from typing import Any

import matplotlib.image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.charts import PhaseBand, Point, progress_figure, render_progress
from bot.coach.intents import Command, Who
from bot.coach.planning import profile_of
from bot.coach.summary import compose_weekly
from db.history import athlete_tables
from db.models import (
    Athlete,
    Base,
    Conversation,
    Delivery,
    ExerciseStateRow,
    LogBatch,
    Niggle,
    PendingLog,
    PlanChange,
    RunLog,
    SetLog,
)
from fakes.athletes import PROFILE, make_athlete
from plans.periodization import phase_for
from tests import updates
from tests.conftest import BotHarness
from tests.plans.markup import markup

# The harness clock: Mon 23 Nov 2026, 06:00 UTC (07:00 in Berlin).
NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# (day, exercise, reps, seconds, load_kg, rpe, per_side, failed, notes)
Row = tuple[dt.date, str, int | None, int | None, float | None, float | None, bool, bool, str]


def _day(n: int) -> dt.date:
    return dt.date(2026, 11, 23) - dt.timedelta(days=n)


SESSIONS: list[Row] = [
    (_day(12), "back_squat", 5, None, 60.0, None, False, False, ""),
    (_day(12), "back_squat", 5, None, 60.0, None, False, False, ""),
    (_day(12), "back_squat", 5, None, 60.0, 8.0, False, False, ""),
    (_day(12), "plank", None, 45, None, None, False, False, ""),
    (_day(9), "back_squat", 5, None, 62.5, None, False, False, "knees, ok"),
    (_day(9), "back_squat", 5, None, 62.5, None, False, False, ""),
    (_day(9), "back_squat", 4, None, 62.5, 9.5, False, True, "=1+1"),
    (_day(9), "split_squat", 8, None, 16.0, None, True, False, ""),
    (_day(9), "custom:landmine press", 10, None, 20.0, None, False, False, "-slow"),
    (_day(5), "back_squat", 5, None, 65.0, None, False, False, ""),
    (_day(5), "back_squat", 5, None, 65.0, None, False, False, ""),
    (_day(5), "pull_up", 8, None, None, None, False, False, ""),
    (_day(5), "romanian_deadlift", 8, None, 45.359237, 7.5, False, False, "100 lb"),
    (_day(5), "plank", None, 60, None, None, False, False, ""),
]


async def seed_logs(bot: BotHarness, athlete_id: int, rows: list[Row]) -> None:
    """Sets straight into the database, one chat batch per day."""
    async with bot.db.write() as session:
        batches: dict[dt.date, LogBatch] = {}
        counters: dict[tuple[dt.date, str], int] = {}
        for day, exercise, reps, seconds, load, rpe, per_side, failed, notes in rows:
            if day not in batches:
                batches[day] = LogBatch(
                    athlete_id=athlete_id,
                    source="chat",
                    text="logged in chat",
                    performed_on=day,
                    created_at=dt.datetime.combine(day, dt.time(17, 30), tzinfo=dt.UTC),
                )
                session.add(batches[day])
                await session.flush()
            index = counters.get((day, exercise), 0) + 1
            counters[(day, exercise)] = index
            session.add(
                SetLog(
                    athlete_id=athlete_id,
                    batch_id=batches[day].id,
                    performed_on=day,
                    exercise=exercise,
                    set_index=index,
                    reps=reps,
                    seconds=seconds,
                    load_kg=load,
                    rpe=rpe,
                    per_side=per_side,
                    failed=failed,
                    notes=notes,
                    created_at=NOW,
                )
            )


async def stored_sets(bot: BotHarness, athlete_id: int) -> list[tuple[Any, ...]]:
    async with bot.db.read() as session:
        rows = (
            await session.execute(select(SetLog).where(SetLog.athlete_id == athlete_id))
        ).scalars()
        return sorted(
            (
                s.performed_on,
                s.exercise,
                s.set_index,
                s.reps,
                s.seconds,
                None if s.load_kg is None else round(s.load_kg, 3),
                s.rpe,
                s.per_side,
                s.failed,
                s.notes,
            )
            for s in rows
        )


async def count(bot: BotHarness, model: Any, athlete_id: int) -> int:
    async with bot.db.read() as session:
        query = select(func.count()).select_from(model).where(model.athlete_id == athlete_id)
        return int((await session.execute(query)).scalar_one())


async def send_file(
    bot: BotHarness, chat: int, filename: str, content: bytes
) -> list[dict[str, Any]]:
    """The athlete sends a document: stored in the fake Bot API, fed to the application."""
    update_id = bot.api.push_document(chat, filename, content)
    queued = bot.api._updates
    update = next(u for u in queued if u["update_id"] == update_id)
    queued.remove(update)
    # Numbered after the messages `bot.say` sent, as Telegram would: not a stale re-delivery.
    return await bot.feed({**update, "update_id": updates.next_update_id()})


def _texts(sent: list[dict[str, Any]]) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in sent]


def _document(bot: BotHarness, start: int, suffix: str) -> bytes:
    for call in bot.api.calls[start:]:
        upload = call.files.get("document")
        if call.method.lower() == "senddocument" and upload and upload.filename.endswith(suffix):
            return upload.content
    raise AssertionError(f"no {suffix} document sent")


async def test_export_import_round_trip_preserves_every_set(bot: BotHarness) -> None:
    first = await make_athlete(bot.db, 701, now=NOW)
    await seed_logs(bot, first, SESSIONS)
    mark = len(bot.api.calls)
    replies = await bot.say(701, "/export")
    assert "14 sets in 3 workouts over 3 days" in replies[0]
    content = _document(bot, mark, ".csv")
    profile = json.loads(_document(bot, mark, ".json"))
    assert profile["athlete"]["timezone"] == "Europe/Berlin"
    assert profile["profile"]["equipment"] == "gym"
    table = list(csv.reader(io.StringIO(content.decode())))
    assert table[0][:5] == ["title", "start_time", "end_time", "description", "exercise_title"]
    notes = {row[6] for row in table[1:]}
    assert "'=1+1" in notes and "'-slow" in notes  # formula-looking cells escaped
    assert "per side" in notes

    second = await make_athlete(bot.db, 702, now=NOW)
    (reply,) = _texts(await send_file(bot, 702, "workouts.csv", content))
    assert "Imported 3 workouts (14 sets) from Hevy" in reply, reply
    assert "Landmine press" in reply  # kept as a custom exercise
    assert await stored_sets(bot, second) == await stored_sets(bot, first)

    async with bot.db.read() as session:
        state = await session.get(ExerciseStateRow, (second, "back_squat"))
        assert state is not None
        assert (state.working_load_kg, state.target_reps) == (65.0, 5)
        assert state.e1rm_kg is not None and abs(state.e1rm_kg - 65 * (1 + 5 / 30)) < 0.01
        assert state.best_e1rm_kg == state.e1rm_kg and state.sessions == 3
        batches = list(
            (await session.execute(select(LogBatch).where(LogBatch.athlete_id == second))).scalars()
        )
    assert len(batches) == 3
    assert all(b.source == "import" and (b.source_key or "").startswith("import:") for b in batches)

    # The same file again adds nothing.
    (again,) = _texts(await send_file(bot, 702, "workouts.csv", content))
    assert "Already imported" in again
    assert await count(bot, SetLog, second) == 14
    assert await count(bot, LogBatch, second) == 3


async def _export_and_send_back(
    bot: BotHarness, chat: int, athlete_id: int, *, batches: int
) -> tuple[bytes, list[tuple[Any, ...]]]:
    """/export, then the file sent straight back: nothing is added. The file and the sets."""
    mark = len(bot.api.calls)
    await bot.say(chat, "/export")
    content = _document(bot, mark, ".csv")
    before = await stored_sets(bot, athlete_id)
    (again,) = _texts(await send_file(bot, chat, "workouts.csv", content))
    assert "Already imported" in again, again
    assert await stored_sets(bot, athlete_id) == before
    assert await count(bot, LogBatch, athlete_id) == batches
    return content, before


async def test_reimporting_your_own_export_adds_only_what_is_new(bot: BotHarness) -> None:
    """Sets logged here, exported and sent back have no import key: their content (day and
    sets) shows they are stored already. A workout that is new in the file is imported."""
    athlete = await make_athlete(bot.db, 704, now=NOW)
    await seed_logs(bot, athlete, SESSIONS)
    content, before = await _export_and_send_back(bot, 704, athlete, batches=3)

    table = list(csv.reader(io.StringIO(content.decode())))
    extra = list(table[1])  # one more workout, on a day with nothing logged yet
    extra[1] = extra[2] = "02 Nov 2026, 07:30"
    extra[0], extra[9], extra[10] = "Extra squats", "70", "3"
    out = io.StringIO()
    csv.writer(out).writerows([*table, extra])
    (mixed,) = _texts(await send_file(bot, 704, "more.csv", out.getvalue().encode()))
    assert "Imported 1 workout (1 set)" in mixed, mixed
    assert "3 were already in your history" in mixed
    after = await stored_sets(bot, athlete)
    assert len(after) == len(before) + 1
    assert (dt.date(2026, 11, 2), "back_squat", 1, 3, None, 70.0) == after[0][:6]


async def test_two_logs_of_one_session_export_as_one_workout(bot: BotHarness) -> None:
    """Two logs sent during one session are one workout in the file, so sending the export
    back adds nothing and another athlete gets the session as it was."""
    athlete = await make_athlete(bot.db, 705, now=NOW)
    for text in ("squat 3x5 60kg", "bench 3x8 40kg"):
        (reply,) = await bot.say(705, text)
        assert "Logged" in reply, reply
    content, before = await _export_and_send_back(bot, 705, athlete, batches=2)

    other = await make_athlete(bot.db, 706, now=NOW)
    (imported,) = _texts(await send_file(bot, 706, "workouts.csv", content))
    assert "Imported 1 workout (6 sets)" in imported, imported
    assert await stored_sets(bot, other) == before


async def test_import_does_not_overwrite_a_newer_state(bot: BotHarness) -> None:
    athlete = await make_athlete(bot.db, 703, now=NOW)
    async with bot.db.write() as session:
        session.add(
            ExerciseStateRow(
                athlete_id=athlete, exercise="back_squat", working_load_kg=80.0, target_reps=5,
                e1rm_kg=93.0, best_e1rm_kg=93.0, failures=1, sessions=9, updated_at=NOW,
            )
        )  # fmt: skip
    strong = (
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
        "Workout Notes,RPE\n"
        "2024-05-01 08:00:00,Old,1h,Squat (Barbell),1,100,5,0,0,,,\n"
        "2024-05-01 08:00:00,Old,1h,Deadlift (Barbell),1,120,5,0,0,,,\n"
    )
    (reply,) = _texts(await send_file(bot, 703, "strong.csv", strong.encode()))
    assert "Imported 1 workout (2 sets) from Strong" in reply
    async with bot.db.read() as session:
        squat = await session.get(ExerciseStateRow, (athlete, "back_squat"))
        deadlift = await session.get(ExerciseStateRow, (athlete, "deadlift"))
    assert squat is not None and deadlift is not None
    assert (squat.working_load_kg, squat.failures, squat.sessions) == (80.0, 1, 9)  # newer: kept
    assert squat.best_e1rm_kg is not None and squat.best_e1rm_kg > 116  # 100×5 was better
    assert (deadlift.working_load_kg, deadlift.target_reps) == (120.0, 5)


async def test_malformed_and_oversized_files_store_nothing(bot: BotHarness) -> None:
    athlete = await make_athlete(bot.db, 704, now=NOW)
    rows = [
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
        "Workout Notes,RPE"
    ]
    rows += [f"2024-05-{d:02d} 08:00:00,A,1h,Squat (Barbell),1,100,5,0,0,,," for d in range(1, 13)]
    rows += ["2024-05-13 08:00:00,A,1h,Squat (Barbell),1,100,abc,0,0,,,"]
    rows += [f"2024-05-14 08:00:00,A,1h,Squat (Barbell),1,{w},5,0,0,,," for w in range(12)]
    rows[16] = rows[16].replace(",5,0,0", ",5,0,zz")
    for n in range(18, 26):
        rows[n] = rows[n].replace("2024-05-14", "14.05.2024")
    (reply,) = _texts(await send_file(bot, 704, "strong.csv", "\n".join(rows).encode()))
    assert "Nothing imported: 10 rows" in reply
    assert "line 14: reps 'abc' is not a number" in reply
    assert "line 17: seconds 'zz' is not a number" in reply
    assert "line 19: date '14.05.2024 08:00:00' is not a date and time" in reply
    assert "…and 0 more" not in reply and reply.count("line ") == 10
    assert await count(bot, SetLog, athlete) == 0 and await count(bot, LogBatch, athlete) == 0

    mark = len(bot.api.calls)
    big = b"Date,Exercise Name,Reps\n" + b"0" * (5 * 1024 * 1024)
    (too_big,) = _texts(await send_file(bot, 704, "huge.csv", big))
    assert "5 MB" in too_big and "Nothing was imported" in too_big
    assert not [c for c in bot.api.calls[mark:] if c.method == "getFile"]  # never downloaded

    (not_csv,) = _texts(await send_file(bot, 704, "photo.pdf", b"%PDF-1.4"))
    assert "isn't a file I read" in not_csv and ".fit" in not_csv
    (unknown,) = _texts(await send_file(bot, 704, "notes.csv", b"name,age\nbob,3\n"))
    assert "doesn't look like a Strong or Hevy export" in unknown
    assert await count(bot, SetLog, athlete) == 0


async def test_progress_chart_and_history(bot: BotHarness) -> None:
    athlete = await make_athlete(bot.db, 705, now=NOW)
    (none_yet,) = await bot.say(705, "/progress squat")
    assert "No Back squat logged yet" in none_yet
    (empty,) = await bot.say(705, "/history")
    assert "No workouts logged yet" in empty
    await seed_logs(bot, athlete, SESSIONS)

    mark = len(bot.api.calls)
    (caption,) = await bot.say(705, "/progress squat")
    photos = [c for c in bot.api.calls[mark:] if c.method == "sendPhoto"]
    assert len(photos) == 1
    png = photos[0].files["photo"].content
    assert png.startswith(PNG_SIGNATURE)
    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    assert image.shape[0] >= 400 and image.shape[1] >= 700
    assert "Back squat" in caption and "3 sessions, 1 PR (★)" in caption

    (plank,) = await bot.say(705, "/progress plank")
    assert "60 s last time" in plank
    (which,) = await bot.say(705, "/progress")
    assert "Which exercise?" in which and "back squat" in which
    (unknown,) = await bot.say(705, "/progress zzzz qqqq")
    assert "I don't know" in unknown

    (recent,) = await bot.say(705, "/history")
    assert "Wed 18 Nov 2026" in recent and "Sat 14 Nov 2026" in recent
    assert "Back squat: 2×5 @ 65 kg" in recent
    assert "Back squat: 5/5/4 @ 62.5 kg, RPE 9.5 — 1 set short of the target reps" in recent
    # RPE is explained once, where the reply first uses it (the newest day).
    assert recent.count("(effort out of 10)") == 1
    assert "Romanian deadlift: 1×8 @ 45.36 kg, RPE 7.5 (effort out of 10)" in recent
    assert "Split squat: 1×8 @ 16 kg /side" in recent and "Plank: 1×60 s" in recent
    (squats,) = await bot.say(705, "/history squat")
    assert squats.count("\n") >= 3 and "🏆" in squats
    # Estimated maxes in whole kg, explained the first time: 65 × (1 + 5/30) = 75.83 → 76,
    # 62.5 × (1 + 5/30) = 72.92 → 73 (issue 18's "e1RM 72.92 kg").
    assert "· estimated max (e1RM) 76 kg" in squats and "· e1RM 73 kg" in squats
    assert "72.92" not in squats and squats.count("estimated max") == 1
    (custom,) = await bot.say(705, "/history landmine press")
    assert "Landmine press" in custom and "1×10 @ 20 kg" in custom


async def test_weekly_summary(bot: BotHarness) -> None:
    plan_start = dt.date(2026, 11, 2)
    athlete_id = await make_athlete(bot.db, 706, now=NOW, plan_start=plan_start)
    wed, fri, before = dt.date(2026, 11, 18), dt.date(2026, 11, 20), dt.date(2026, 11, 11)
    await seed_logs(
        bot,
        athlete_id,
        [
            (before, "back_squat", 5, None, 60.0, None, False, False, ""),
            (before, "plank", None, 50, None, None, False, False, ""),
            (wed, "back_squat", 5, None, 65.0, None, False, False, ""),
            (wed, "back_squat", 5, None, 65.0, None, False, False, ""),
            (wed, "back_squat", 5, None, 65.0, None, False, False, ""),
            (fri, "split_squat", 8, None, 10.0, None, True, False, ""),
            (fri, "plank", None, 45, None, None, False, False, ""),
        ],
    )
    async with bot.storage.read() as unit:
        athlete = await unit.athletes.by_id(athlete_id)
        assert athlete is not None
        text = await compose_weekly(unit, athlete, dt.date(2026, 11, 22))
    assert len(text) < 1500
    assert "16–22 Nov" in text
    assert "Sessions: 2 of 2 planned done" in text  # PROFILE: strength on Wed and Fri
    # 3×65×5 + 2 sides × 10×8
    assert "Sets: 5 · 1,135 kg lifted in total (tonnage: load × reps)" in text
    assert "PRs: 1 — Back squat estimated max (e1RM) 76 kg" in text  # the plank: shorter
    phase = phase_for(profile_of(athlete), dt.date(2026, 11, 23), plan_start)
    assert f"Next week: **{phase.label}** (week {phase.week}" in markup(text)
    assert phase.focus in text

    # /summary shows the week ending on the athlete's summary day (Sunday): the new week.
    (now_text,) = await bot.say(706, "/summary")
    assert "23–29 Nov" in now_text and "Sessions: 0 of 2 planned done" in now_text


async def test_deleteme_removes_every_row_and_start_begins_again(bot: BotHarness) -> None:
    athlete_id = await make_athlete(bot.db, 707, now=NOW, profile=PROFILE)
    keep_id = await make_athlete(bot.db, 708, now=NOW)
    await seed_logs(bot, athlete_id, SESSIONS)
    await seed_logs(bot, keep_id, SESSIONS[:3])
    async with bot.db.write() as session:
        batch = (
            (await session.execute(select(LogBatch).where(LogBatch.athlete_id == athlete_id)))
            .scalars()
            .first()
        )
        assert batch is not None
        session.add_all(
            [
                Delivery(athlete_id=athlete_id, kind="daily", local_date=dt.date(2026, 11, 24),
                         due_at=NOW + dt.timedelta(days=1), status="pending"),
                Delivery(athlete_id=athlete_id, kind="weekly", local_date=dt.date(2026, 11, 29),
                         due_at=NOW + dt.timedelta(days=6), status="pending"),
                RunLog(athlete_id=athlete_id, batch_id=batch.id, performed_on=_day(1),
                       kind="long", distance_km=18.0, created_at=NOW),
                Niggle(athlete_id=athlete_id, batch_id=batch.id, reported_on=_day(1),
                       region="knee", score=3, created_at=NOW),
                PlanChange(athlete_id=athlete_id, day=dt.date(2026, 11, 25), action="skip",
                           created_at=NOW),
                ExerciseStateRow(athlete_id=athlete_id, exercise="back_squat",
                                 working_load_kg=65.0, updated_at=NOW),
                PendingLog(athlete_id=athlete_id, source_key="m1", text="zottman 3x8",
                           parsed={"lines": []}, created_at=NOW),
                Conversation(athlete_id=athlete_id, flow="settings", step="units", answers={},
                             history=[], updated_at=NOW),
            ]
        )  # fmt: skip
    async with bot.db.read() as session:
        before = await rows_left(session, athlete_id)
    # Every table is checked but `events` (platform event keys, pruned after a week) and
    # `inbox` (updates on their way, removed once handled).
    tables = {t.name for t in Base.metadata.sorted_tables} - {"events", "inbox"}
    assert set(before) == tables
    assert all(n > 0 for n in before.values()), before

    (question,) = await bot.say(707, "/deleteme")
    assert "Delete all your data?" in question
    buttons = bot.last_buttons(707)
    assert buttons[1] == "hi:keep" and buttons[0].startswith("hi:del:")
    assert await bot.press(707, "hi:keep") == ["OK, nothing deleted."]
    async with bot.db.read() as session:
        assert await rows_left(session, athlete_id) == before

    bot.clock.advance(dt.timedelta(minutes=11))
    assert await bot.press(707, buttons[0]) == ["That button expired. Send /deleteme again."]
    await bot.say(707, "/deleteme")
    (done,) = await bot.press(707, bot.last_buttons(707)[0])
    assert "everything I stored about you is deleted" in done
    async with bot.db.read() as session:
        left = await rows_left(session, athlete_id)
        others = await rows_left(session, keep_id)
    assert left == dict.fromkeys(tables, 0)
    assert others["set_logs"] == 3 and others["athletes"] == 1  # nobody else's data touched

    replies = await bot.say(707, "/start")
    assert "Setup takes about two minutes" in replies[0]
    async with bot.db.read() as session:
        fresh = (await session.execute(select(Athlete).where(Athlete.user_id == 707))).scalar_one()
    assert fresh.id != athlete_id and fresh.status == "onboarding" and fresh.profile is None
    assert await count(bot, SetLog, fresh.id) == 0
    (nothing,) = await bot.say(707, "/history")
    assert "No workouts logged yet" in nothing


async def rows_left(session: AsyncSession, athlete_id: int) -> dict[str, int]:
    """Rows per table still holding the athlete (all zero after a deletion)."""
    found = await session.execute(select(func.count()).select_from(Athlete).where(
        Athlete.id == athlete_id))  # fmt: skip
    counts = {"athletes": int(found.scalar_one())}
    for table in athlete_tables():
        query = select(func.count()).select_from(table).where(table.c.athlete_id == athlete_id)
        counts[table.name] = int((await session.execute(query)).scalar_one())
    return counts


async def test_a_big_import_says_it_is_working_and_never_holds_up_other_chats(
    bot: BotHarness,
) -> None:
    importer = await make_athlete(bot.db, 760, now=NOW)
    header = (
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
        "Notes,Workout Notes,RPE\n"
    )
    start = dt.datetime(2018, 1, 1, 8, 0)
    rows = [
        f"{start + dt.timedelta(days=n // 50):%Y-%m-%d %H:%M:%S},Legs,1h,Squat (Barbell),"
        f"{n % 50 + 1},{60 + n % 20},5,0,0,,,\n"
        for n in range(50_000)
    ]
    content = (header + "".join(rows)).encode()
    loop = asyncio.get_running_loop()
    longest = 0.0
    importing = asyncio.create_task(send_file(bot, 760, "strong.csv", content))
    while not importing.done():  # the event loop keeps turning while the import runs
        before = loop.time()
        await asyncio.sleep(0.005)
        longest = max(longest, loop.time() - before)
    sent = await importing
    texts = _texts(sent)
    assert texts[0] == "📥 Importing 50,000 sets from Strong… one moment."
    assert "Imported 1,000 workouts" in texts[-1] or "Imported 1000 workouts" in texts[-1]
    assert await count(bot, SetLog, importer) == 50_000
    assert longest < 0.25, f"the event loop stood still for {longest:.2f} s"


# --- issue 18: a new user's first two weeks ----------------------------------------------------


async def test_export_has_one_workout_per_session_at_the_time_it_was_logged(
    bot: BotHarness,
) -> None:
    """A session logged in several messages is one workout, stamped from the first log to the
    last (local time); a log sent the next morning for the day before joins that day's
    session; a morning and an evening session stay two. Sending the file back adds nothing;
    another athlete gets the same workouts."""
    athlete = await make_athlete(bot.db, 720, now=NOW)
    logs = [
        (dt.datetime(2026, 11, 23, 17, 5), "squat 3x5 60kg"),  # 18:05 in Berlin
        (dt.datetime(2026, 11, 23, 17, 12), "bench 3x8 40kg"),
        (dt.datetime(2026, 11, 23, 17, 31), "squat 2x5 60kg"),
        (dt.datetime(2026, 11, 24, 6, 40), "yesterday plank 3x45s"),
        (dt.datetime(2026, 11, 25, 6, 15), "pull-up 3x5"),  # 07:15
        (dt.datetime(2026, 11, 25, 18, 0), "deadlift 3x5 80kg"),  # 19:00
    ]
    for when, log in logs:
        bot.clock.at = when.replace(tzinfo=dt.UTC)
        (reply,) = await bot.say(720, log)
        assert "Logged" in reply, reply
    mark = len(bot.api.calls)
    (said, _) = await bot.say(720, "/export")
    assert "17 sets in 3 workouts over 2 days" in said, said
    table = list(csv.DictReader(io.StringIO(_document(bot, mark, ".csv").decode())))
    workouts: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for row in table:
        key = (row["title"], row["start_time"], row["end_time"])
        workouts.setdefault(key, []).append((row["exercise_title"], row["set_index"]))
    assert list(workouts) == [
        ("RunStrong session", "23 Nov 2026, 18:05", "23 Nov 2026, 18:31"),
        ("RunStrong session", "25 Nov 2026, 07:15", "25 Nov 2026, 07:15"),
        ("RunStrong session", "25 Nov 2026, 19:00", "25 Nov 2026, 19:00"),
    ]
    monday = workouts["RunStrong session", "23 Nov 2026, 18:05", "23 Nov 2026, 18:31"]
    assert monday == [("Back squat", str(i)) for i in range(5)] + [
        ("Bench press", str(i)) for i in range(3)
    ] + [("Plank", str(i)) for i in range(3)]  # in the order logged, numbered per exercise

    content, before = await _export_and_send_back(bot, 720, athlete, batches=6)
    other = await make_athlete(bot.db, 721, now=NOW)
    (imported,) = _texts(await send_file(bot, 721, "workouts.csv", content))
    assert "Imported 3 workouts (17 sets)" in imported, imported

    def unnumbered(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return sorted(r[:2] + r[3:] for r in rows)  # one session's squats are one exercise

    assert unnumbered(await stored_sets(bot, other)) == unnumbered(before)
    # Each workout comes back as it went out, at its own time, and again adds nothing.
    mark = len(bot.api.calls)
    await bot.say(721, "/export")
    again = list(csv.DictReader(io.StringIO(_document(bot, mark, ".csv").decode())))
    assert [(r["title"], r["start_time"], r["exercise_title"]) for r in again] == [
        (r["title"], r["start_time"], r["exercise_title"]) for r in table
    ]
    (twice,) = _texts(await send_file(bot, 721, "workouts.csv", content))
    assert "Already imported" in twice


async def test_the_profile_names_the_athletes_own_platform(bot: BotHarness) -> None:
    await make_athlete(bot.db, 1, now=NOW, platform="terminal")
    (reply,) = await bot.core.dispatcher.handle(Command(Who("terminal", 1, 1), "export"))
    assert reply.attachment is not None and reply.attachment.filename.endswith(".json")
    assert json.loads(reply.attachment.content)["athlete"]["platform"] == "terminal"


async def test_a_chart_needs_three_sessions_and_says_so(bot: BotHarness) -> None:
    """One or two sessions are a dot or two in a shaded band: said in words instead, with
    what the chart will show; counts agree with their number everywhere."""
    athlete = await make_athlete(bot.db, 722, now=NOW)
    await seed_logs(bot, athlete, [(_day(5), "back_squat", 5, None, 62.5, None, False, False, "")])
    mark = len(bot.api.calls)
    (one,) = await bot.say(722, "/progress squat")
    assert not [c for c in bot.api.calls[mark:] if c.method == "sendPhoto"]
    assert "Back squat</b>: 1 session so far: estimated max (e1RM) 73 kg last time" in one, one
    assert "Log 2 more sessions and /progress draws a chart: your e1RM session by session" in one
    assert "training phases shaded behind" in one
    (history,) = await bot.say(722, "/history squat")
    assert "last 1 session\n" in history and "1 sessions" not in history
    (export,) = (await bot.say(722, "/export"))[:1]
    assert "📦 Your workouts: 1 set in 1 workout over 1 day," in export

    await seed_logs(bot, athlete, [(_day(2), "back_squat", 5, None, 65.0, None, False, False, "")])
    (two,) = await bot.say(722, "/progress squat")
    assert "2 sessions so far" in two and "best e1RM 76 kg" in two
    assert "Log 1 more session and" in two


def test_every_chart_names_its_phases() -> None:
    """The shaded bands are named in a legend, whatever their width."""
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=3 * i) for i in range(4)]
    points = [Point(d, 70.0 + i, pr=i == 3) for i, d in enumerate(days)]
    bands = [
        PhaseBand(days[0], days[2], "anatomical_adaptation", "Anatomical adaptation"),
        PhaseBand(days[2], days[3] + dt.timedelta(days=1), "strength", "Strength"),
    ]
    figure = progress_figure(points, title="Back squat", ylabel="kg", bands=bands)
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "Anatomical adaptation", "Strength", "Personal record",
    ]  # fmt: skip
    assert render_progress(points, title="Back squat", ylabel="kg", bands=bands).startswith(
        PNG_SIGNATURE
    )
