"""The local terminal chat: the same core and dispatcher as the chat platforms, its own
platform, plain text with numbered buttons, and what a tester needs (files, multi-line
messages, edits, a clock that moves and stays moved)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import OffsetClock
from bot.core import open_core
from bot.settings import Settings
from db.models import Athlete, Delivery, SetLog
from fakes.athletes import make_athlete
from handlers.terminal.chat import LocalChat, plain, run_local_chat
from plans.text import bold, link, text


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/chat.sqlite3")  # type: ignore[call-arg]


def test_plain_text_keeps_words_and_shows_link_addresses() -> None:
    message = text(bold("Hi"), " & ", link("the guide", "https://example.org/g"))
    assert plain(message) == "Hi & the guide (https://example.org/g)"


async def chat_session(settings: Settings, state: Path, script: str) -> str:
    out = io.StringIO()
    await run_local_chat(settings, lines=io.StringIO(script), out=out, name="Ana", state=state)
    return out.getvalue()


# Setup by numbered buttons: 2+ years, running Tue, Thu, Sat, Sun (toggled, Done), long run Sat
# (of the running days), hard day Tue (toggled, Done), no race, some lifting, a gym, 2 sessions
# of 30 min, the suggested days, 07:00, Berlin (typed, confirmed), kg, no known weights, Confirm.
ONBOARD = "\n".join("3 2 4 6 7 8 3 1 5 1 2 3 2 3 8 4 Berlin 1 1 1 11".split())


async def test_buttons_are_numbered_and_a_number_presses_one(
    settings: Settings, tmp_path: Path
) -> None:
    out = await chat_session(settings, tmp_path / "state", "3\n5\n:quit\n")
    assert "Hi Ana" in out
    assert "[1] under a year" in out
    assert "Which days do you run?" in out  # button 3 pressed
    assert "[5] ✅ Fri" in out  # button 5 ticked Friday, redrawn in place
    assert "Bye" in out and "<b>" not in out


async def test_its_athlete_lives_on_its_own_platform(settings: Settings, tmp_path: Path) -> None:
    out = await chat_session(settings, tmp_path / "state", ONBOARD + "\n:quit\n")
    assert "You're all set" in out or "all set" in out, out[-2000:]
    clock = OffsetClock()
    core = await open_core(settings, clock)
    try:
        async with core.database.read() as session:
            athlete = (await session.execute(select(Athlete))).scalar_one()
            platforms = set((await session.execute(select(Delivery.platform))).scalars())
        assert athlete.platform == "terminal" and athlete.status == "active"
        assert platforms == {"terminal"}  # a Telegram or Discord process never claims them
    finally:
        await core.database.dispose()


async def test_next_day_moves_the_clock_and_the_move_survives_a_restart(
    settings: Settings, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    out = await chat_session(settings, state, ONBOARD + "\n:next-day\n:quit\n")
    moved = re.findall(r"It is now (\w+ \d+ \w+ \d+, \d\d:\d\d) UTC", out)
    assert len(moved) == 1
    first = dt.datetime.strptime(moved[0], "%a %d %b %Y, %H:%M").replace(tzinfo=dt.UTC)
    assert first > dt.datetime.now(dt.UTC)
    # The daily message came at the moved time.
    assert "Log: reply" in out.split("It is now")[1] or "Mobility" in out.split("It is now")[1]
    # A restarted chat keeps the moved clock: the next jump is a day further on.
    out = await chat_session(settings, state, ":next-day\n:quit\n")
    (second,) = re.findall(r"It is now (\w+ \d+ \w+ \d+, \d\d:\d\d) UTC", out)
    later = dt.datetime.strptime(second, "%a %d %b %Y, %H:%M").replace(tzinfo=dt.UTC)
    assert later - first >= dt.timedelta(hours=23)


async def onboarded_chat(settings: Settings, tmp_path: Path) -> tuple[LocalChat, io.StringIO]:
    clock = OffsetClock()
    core = await open_core(settings, clock)
    await make_athlete(core.database, 1, now=clock.now(), platform="terminal")
    out = io.StringIO()
    return LocalChat(core, clock, out=out, name="Ana", state=tmp_path / "state"), out


async def stored_sets(chat: LocalChat) -> list[tuple[str, int | None, float | None]]:
    async with chat.core.database.read() as session:
        rows = (await session.execute(select(SetLog).order_by(SetLog.id))).scalars()
        return [(s.exercise, s.reps, s.load_kg) for s in rows]


async def test_multi_line_message_and_edit_of_the_last_one(
    settings: Settings, tmp_path: Path
) -> None:
    chat, out = await onboarded_chat(settings, tmp_path)
    try:
        block = '"""\nsquat 3x5 60kg\nbench 3x8 40kg\n"""\n'
        line = await chat._lines(io.StringIO(block))
        assert line == "squat 3x5 60kg\nbench 3x8 40kg"
        await chat.handle_line(line)
        assert "Back squat 3×5 @ 60 kg" in out.getvalue()
        assert "Bench press 3×8 @ 40 kg" in out.getvalue()
        await chat.handle_line(":edit squat 3x5 65kg")
        assert "Corrected" in out.getvalue()
        assert await stored_sets(chat) == [("back_squat", 5, 65.0)] * 3
    finally:
        await chat.core.database.dispose()


async def test_send_a_file_imports_a_csv(settings: Settings, tmp_path: Path) -> None:
    export = tmp_path / "strong.csv"
    export.write_text(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
        "Notes,Workout Notes,RPE\n"
        "2026-11-10 08:30:00,Legs,1h,Squat (Barbell),1,100,5,0,0,,,\n"
        "2026-11-10 08:30:00,Legs,1h,Squat (Barbell),2,100,5,0,0,,,\n"
    )
    chat, out = await onboarded_chat(settings, tmp_path)
    try:
        await chat.handle_line(f":send {export}")
        assert "Imported 1 workout" in out.getvalue()
        assert await stored_sets(chat) == [("back_squat", 5, 100.0)] * 2
        await chat.handle_line(f":send {tmp_path / 'missing.csv'}")
        assert "No file at" in out.getvalue()
    finally:
        await chat.core.database.dispose()


def is_png(path: Path) -> bool:
    return path.read_bytes().startswith(b"\x89PNG")


async def test_charts_are_written_as_png_files(settings: Settings, tmp_path: Path) -> None:
    chat, out = await onboarded_chat(settings, tmp_path)
    try:
        for days in (0, 3, 3):
            chat.clock.advance(dt.timedelta(days=days))
            await chat.handle_line("squat 3x5 60kg")
        await chat.handle_line("/progress squat")
        (path,) = re.findall(r"\[photo saved to (.+\.png)\]", out.getvalue())
        assert is_png(Path(path))
        assert "Back squat" in out.getvalue()
    finally:
        await chat.core.database.dispose()


def test_runstrong_start_without_a_token_opens_the_local_chat(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "start"],
        cwd=tmp_path,
        env=env,
        input="2\n:quit\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "local terminal chat" in result.stderr
    assert "How long have you been running?" in result.stdout
    assert "Which days do you run?" in result.stdout
    assert (tmp_path / "data" / "runstrong.sqlite3").exists()
