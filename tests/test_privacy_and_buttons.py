"""Personal data never goes to a group, and every button press is answered exactly once:
forged, stale or failing ones included."""

from __future__ import annotations

import pytest

from fakes.athletes import make_athlete
from tests import updates
from tests.conftest import BotHarness

GROUP = -100_777
PERSONAL = ["today", "week", "settings", "history", "progress squat", "summary", "export",
            "time", "pause 3", "undo", "run 10k", "log squat 3x5 60kg", "deleteme"]  # fmt: skip


@pytest.mark.parametrize("command", PERSONAL)
async def test_personal_commands_answer_in_a_group_with_one_line_and_a_way_to_the_private_chat(
    bot: BotHarness, command: str
) -> None:
    await make_athlete(bot.db, 301, now=bot.clock.now())
    sent = await bot.feed(
        updates.message(GROUP, f"/{command}", user_id=301, chat_type="supergroup")
    )
    (reply,) = sent
    assert reply["text"] == "I coach one runner at a time — let's talk in a private chat."
    (row,) = reply["reply_markup"]["inline_keyboard"]
    assert row[0]["url"] == f"https://t.me/{bot.application.bot.username}?start=private"


async def test_a_group_hears_nothing_of_free_text_and_help_stays_general(
    bot: BotHarness,
) -> None:
    await make_athlete(bot.db, 302, now=bot.clock.now())
    assert await bot.feed(updates.message(GROUP, "squat 3x5 60kg", user_id=302,
                                          chat_type="group")) == []  # fmt: skip
    (help_text,) = await bot.feed(updates.message(GROUP, "/help", user_id=302, chat_type="group"))
    assert "/today" in help_text["text"] and "Berlin" not in help_text["text"]


FORGED = [
    "dl:move:9999-12-31",
    "hi:del:99999999999999999999",
    "hi:del:²",
    "lg:99999999999999999999:0:c",
    "lg:²:x",
    "ob:",
    "zz:1",
    "",
    "dl:move:2026-01-01",  # a real date, but no daily message carries it any more
]


@pytest.mark.parametrize("data", FORGED)
async def test_a_forged_or_stale_button_is_answered_once_as_expired(
    bot: BotHarness, data: str
) -> None:
    await make_athlete(bot.db, 303, now=bot.clock.now())
    before = len(bot.api.calls)
    assert await bot.feed(updates.callback(303, data)) == []
    answers = [c for c in bot.api.calls[before:] if c.method == "answerCallbackQuery"]
    assert [a.params.get("text") for a in answers] == ["That button has expired."]


async def test_a_button_whose_handling_fails_is_answered_once_with_an_apology(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_athlete(bot.db, 304, now=bot.clock.now())

    async def broken(*_args: object) -> list[object]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(bot.core.dispatcher, "_actions", {"go": broken})
    before = len(bot.api.calls)
    sent = await bot.feed(updates.callback(304, "go:today"))
    assert [m["text"] for m in sent] == [
        "Sorry — something went wrong on my side. Please try that again in a moment."
    ]
    answers = [c for c in bot.api.calls[before:] if c.method == "answerCallbackQuery"]
    assert len(answers) == 1
