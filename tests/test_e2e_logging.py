"""Set logs end to end: the real bot process logs a message, undoes it, and stores a log
re-delivered after a SIGKILL restart only once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from db.engine import Database
from db.migrate import upgrade
from db.models import LogBatch, SetLog
from fakes.activity_files import fit_run
from fakes.bot_api import FakeBotApi
from fakes.processes import BotProcess
from tests import updates
from tests.conftest import TempDatabase
from tests.test_set_logs import seed_athlete


async def _counts(url: str) -> tuple[int, int]:
    db = Database(url)
    try:
        async with db.read() as session:
            batches = (await session.execute(select(func.count()).select_from(LogBatch))).scalar()
            sets = (await session.execute(select(func.count()).select_from(SetLog))).scalar()
            return int(batches or 0), int(sets or 0)
    finally:
        await db.dispose()


async def _bot_with_athlete(
    api: FakeBotApi, temp_db: TempDatabase, tmp_path: Path, chat: int
) -> BotProcess:
    """An onboarded athlete in a fresh database, and the bot process started on it."""
    db = Database(temp_db.url)
    await upgrade(db.write_engine)
    await seed_athlete(db, chat, now=dt.datetime.now(dt.UTC))
    await db.dispose()
    return await BotProcess(api, temp_db.url, tmp_path).start()


async def test_log_undo_and_redelivery_after_sigkill(
    api: FakeBotApi, temp_db: TempDatabase, tmp_path: Path
) -> None:
    chat = 6060
    bot = await _bot_with_athlete(api, temp_db, tmp_path, chat)
    try:
        mark = len(api.calls)
        api.push_text(chat, "squat 3x5 60kg")
        call = await api.wait_for_message(chat, contains="Back squat 3×5 @ 60 kg", start=mark)
        assert "➡️ Next" in call.params["text"]  # its wording depends on the real date's plan
        mark = len(api.calls)
        api.push_command(chat, "undo")
        await api.wait_for_message(chat, contains="Removed", start=mark)
        assert await _counts(temp_db.url) == (0, 0)

        payload = updates.message(chat, "squat 3x5 62.5kg", message_id=90_001)
        payload["update_id"] = api.push_update({"message": payload["message"]})
        mark = len(api.calls)
        await api.wait_for_message(chat, contains="Back squat 3×5 @ 62.5 kg", start=mark)
    finally:
        bot.kill()  # before it could confirm the update to Telegram

    restarted = await BotProcess(api, temp_db.url, tmp_path).start()
    try:
        mark = len(api.calls)
        api.push_update(payload)  # Telegram delivers the unconfirmed update again
        again = dict(payload, update_id=payload["update_id"] + 1_000)
        api.push_update(again)  # and even the same message in a new update
        api.push_text(chat, "hello")
        await api.wait_for_message(chat, contains="👋 Hi", start=mark)
        texts = [c.params.get("text", "") for c in api.calls[mark:] if c.method == "sendMessage"]
        assert not any("Next:" in text for text in texts)  # not stored or confirmed again
        assert await _counts(temp_db.url) == (1, 3)
    finally:
        await restarted.stop()
    assert api.token not in bot.log()


async def test_a_watch_file_and_a_niggle_over_the_bot_api(
    api: FakeBotApi, temp_db: TempDatabase, tmp_path: Path
) -> None:
    """A .fit document sent in the chat is downloaded through the Bot API, read off the
    event loop and answered with the run and a tap to correct it; a niggle is noted."""
    chat = 6061
    bot = await _bot_with_athlete(api, temp_db, tmp_path, chat)
    try:
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        mark = len(api.calls)
        api.push_document(
            chat, "run.fit", fit_run(start, 10, 55, hr=140), "application/octet-stream"
        )
        call = await api.wait_for_message(chat, contains="10.0 km", start=mark)
        keyboard = call.params["reply_markup"]["inline_keyboard"]
        assert [b["text"] for b in keyboard[0]] == ["✓ Easy", "Hard", "Long"]
        assert any(c.method == "getFile" for c in api.calls[mark:])
        mark = len(api.calls)
        api.push_text(chat, "calf 4/10")
        await api.wait_for_message(chat, contains="Noted", start=mark)
    finally:
        await bot.stop()
    assert "Traceback" not in bot.log()
