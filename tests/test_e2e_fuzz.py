"""Fuzzing the real bot process: a thousand random texts, commands, files and button data
from 25 runners (some set up, some not) over the fake Bot API. Every private update is
answered (a button press exactly once), and nothing ends in a traceback or an apology."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

from bot.coach.commands import COMMANDS
from db.engine import Database
from db.migrate import upgrade
from fakes.athletes import make_athlete
from fakes.bot_api import Call, FakeBotApi
from fakes.processes import BotProcess
from plans.exercises import LIBRARY
from tests.conftest import TempDatabase

USERS = range(9001, 9026)
SET_UP = range(9001, 9011)
PER_USER = 40
ANSWERS = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument")
APOLOGY = "Sorry — something went wrong"

NUMBERS = ["3", "5", "60", "62.5", "0", "-5", "1e309", "99999999999", "0.0001", "①", "²",
           "nan", "inf", "3,5", "10:30", "٣", "007", ""]  # fmt: skip
UNITS = ["kg", "lb", "k", "km", "mi", "s", "min", "x", "@", "+", "/leg", "rpe", ""]
WORDS = ["done", "done except", "yesterday:", "0001-01-01:", "9999-12-31:", "2 days ago",
         "today", "run", "long run", "intervals", "easy", "#", "felt good", "🙂", "بالعربية",
         "<b>", "&amp;", "'; DROP TABLE athletes;--", "\\n", "\u202e", "​"]  # fmt: skip
DATA = ["ob:running_years:2plus", "ob:race:none", "ob:hard_days:done", "dl:done:{d}",
        "dl:skip:{d}", "dl:move:{d}", "lg:{n}:x", "lg:{n}:0:c", "lg:{n}:1:s2", "hi:keep",
        "hi:del:{n}", "st:restart", "st:restart-yes", "go:today", "go:week", "set:time",
        "set:inc:2.5", "set:inc:{n}", "ob:timezone:Mars/Base", "zz:{n}", "", "x" * 70,
        "dl:done:9999-12-31", "lg:99999999999999999999:0:c", "hi:del:²"]  # fmt: skip


def random_text(rng: random.Random) -> str:
    names = [ex.name.lower() for ex in rng.sample(list(LIBRARY.values()), 2)]
    parts = [rng.choice([*names, *WORDS]) for _ in range(rng.randint(0, 2))]
    for _ in range(rng.randint(0, 4)):
        parts.append(rng.choice(NUMBERS) + rng.choice(UNITS))
    if rng.random() < 0.05:
        parts.append("".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(1, 300))))
    lines = [" ".join(parts)]
    if rng.random() < 0.15:
        lines.append(random_text(rng))
    text = "\n".join(lines).strip()
    return text or "?"


def random_update(api: FakeBotApi, rng: random.Random, user: int, today: dt.date) -> str:
    """Push one random update; what answers it: "message" or "button:<query id>"."""
    roll = rng.random()
    if roll < 0.45:
        api.push_text(user, random_text(rng))
        return "message"
    if roll < 0.75:
        command = rng.choice(COMMANDS).name
        args = random_text(rng) if rng.random() < 0.5 else ""
        api.push_command(user, command, args)
        return "message"
    if roll < 0.95:
        day = today + dt.timedelta(days=rng.randint(-400, 400))
        data = rng.choice(DATA).format(d=day.isoformat(), n=rng.randint(0, 10**12))
        update_id = api.push_callback(user, data)
        return f"button:{update_id * 1000 + 7}"
    if roll < 0.98:
        api.push_sticker(user)
        return "message"
    content = rng.choice([b"", b"\xff\xfe\x00garbage", b"Date,Exercise Name\n2024-01-01,Squat\n"])
    api.push_document(user, rng.choice(["w.csv", "w.txt", "w.exe"]), content)
    return "message"


def answers(user: int, expect: str) -> Callable[[Call], bool]:
    if expect.startswith("button:"):
        query = expect.split(":", 1)[1]
        return lambda c: (
            c.method == "answerCallbackQuery" and (str(c.params.get("callback_query_id")) == query)
        )
    return lambda c: c.method in ANSWERS and str(c.params.get("chat_id")) == str(user)


async def runner(api: FakeBotApi, user: int, seed: int, today: dt.date) -> None:
    rng = random.Random(seed)
    for step in range(PER_USER):
        mark = len(api.calls)
        expect = random_update(api, rng, user, today)
        try:
            await api.wait_for(answers(user, expect), timeout=15, start=mark)
        except TimeoutError:
            raise AssertionError(f"runner {user}, update {step} ({expect}): no answer") from None
        if expect.startswith("button:"):
            await asyncio.sleep(0.05)  # a second answer to the same press would show here
            query = expect.split(":", 1)[1]
            answered = [
                c for c in api.calls[mark:]
                if c.method == "answerCallbackQuery"
                and str(c.params.get("callback_query_id")) == query
            ]  # fmt: skip
            assert len(answered) == 1, (user, step)


async def test_a_thousand_random_updates_are_all_answered_without_a_traceback(
    api: FakeBotApi, temp_db: TempDatabase, tmp_path: Path
) -> None:
    db = Database(temp_db.url)
    await upgrade(db.write_engine)
    now = dt.datetime.now(dt.UTC)
    for user in SET_UP:
        await make_athlete(db, user, now=now, summary_day=(now.weekday() + 3) % 7)
    await db.dispose()
    bot = await BotProcess(api, temp_db.url, tmp_path).start()
    try:
        await asyncio.gather(*(runner(api, user, user, now.date()) for user in USERS))
    finally:
        await bot.stop()
    sent = [str(c.params.get("text", "")) for c in api.calls if c.method in ANSWERS]
    assert not [t for t in sent if APOLOGY in t]
    assert "Traceback" not in bot.log() and " ERROR " not in bot.log(), bot.log()
