"""Onboarding end to end: SIGKILL right after an answer, restart, carry on at the next question."""

from __future__ import annotations

from pathlib import Path

from fakes.bot_api import FakeBotApi
from fakes.processes import BotProcess
from tests.conftest import TempDatabase


async def test_sigkill_after_an_answer_resumes_at_next_question(
    api: FakeBotApi, temp_db: TempDatabase, tmp_path: Path
) -> None:
    chat = 4242
    bot = await BotProcess(api, temp_db.url, tmp_path).start()
    try:
        api.push_command(chat, "start")
        await api.wait_for_message(chat, contains="How long have you been running?")
        mark = len(api.calls)
        api.push_text(chat, "3 years")
        await api.wait_for_message(chat, contains="Which days do you run", start=mark)
        mark = len(api.calls)
        api.push_text(chat, "mon tue thu sat sun done")
        await api.wait_for_message(chat, contains="Which day is your long run?", start=mark)
    finally:
        bot.kill()  # no graceful shutdown: the last getUpdates offset may be unconfirmed

    restarted = await BotProcess(api, temp_db.url, tmp_path).start()
    try:
        mark = len(api.calls)
        api.push_text(chat, "sunday")
        call = await api.wait_for_message(chat, contains="hard sessions", start=mark)
        assert call is not None
        # The answers before the kill were kept, and a re-delivered list of days was not re-applied.
        questions = [
            c.params.get("text", "") for c in api.calls[mark:] if c.method == "sendMessage"
        ]
        assert not any("Which days do you run" in q for q in questions)
        mark = len(api.calls)
        api.push_command(chat, "back")
        await api.wait_for_message(chat, contains="Which day is your long run?", start=mark)
    finally:
        await restarted.stop()


async def test_two_processes_share_one_conversation(
    api: FakeBotApi, temp_db: TempDatabase, tmp_path: Path
) -> None:
    """State lives in the database: a second process continues what the first started."""
    chat = 4343
    async with BotProcess(api, temp_db.url, tmp_path):
        api.push_command(chat, "start")
        await api.wait_for_message(chat, contains="How long have you been running?")
        mark = len(api.calls)
        api.push_text(chat, "1 year")
        await api.wait_for_message(chat, contains="Which days do you run", start=mark)
    async with BotProcess(api, temp_db.url, tmp_path):
        mark = len(api.calls)
        api.push_text(chat, "tue thu sat sun done")
        await api.wait_for_message(chat, contains="Which day is your long run?", start=mark)
