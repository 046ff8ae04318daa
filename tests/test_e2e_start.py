"""End to end: the real bot process, over real HTTP, against the fake Bot API."""

from __future__ import annotations

import re
from pathlib import Path

from fakes.bot_api import FakeBotApi
from fakes.processes import BotProcess
from tests.conftest import TempDatabase


async def test_start_is_answered_over_http(
    api: FakeBotApi, temp_db: TempDatabase, tmp_path: Path
) -> None:
    async with BotProcess(api, temp_db.url, tmp_path) as bot:
        api.push_command(777, "start", first_name="Kipchoge")
        call = await api.wait_for_message(777, contains="Hi Kipchoge", timeout=15)
        assert "RunStrong" in call.params["text"]
        await api.wait_for_message(777, contains="How long have you been running?", timeout=15)
    assert api.token not in bot.log()
    assert "RunStrong ready" in bot.log()
    assert "event loop: uvloop" in bot.log()
    assert re.search(r"[1-9]\d* start-up objects frozen", bot.log())
