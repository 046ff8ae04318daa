"""Issue 2: the skeleton works end to end through the real Application."""

from __future__ import annotations

from tests.conftest import BotHarness


async def test_start_is_answered_with_the_greeting(bot: BotHarness) -> None:
    replies = await bot.say(42, "/start", first_name="Ana")
    assert "Hi Ana" in replies[0]
    assert "How long have you been running?" in replies[1]


async def test_command_menu_is_published(bot: BotHarness) -> None:
    published = [c for c in bot.api.calls if c.method == "setMyCommands"]
    assert published
    names = {c["command"] for c in published[-1].params["commands"]}
    assert {"start", "help", "settings"} <= names


async def test_help_lists_commands(bot: BotHarness) -> None:
    (reply,) = await bot.say(42, "/help")
    assert "/settings" in reply and "/start" in reply


async def test_unknown_command_gets_a_hint(bot: BotHarness) -> None:
    (reply,) = await bot.say(42, "/frobnicate")
    assert "/help" in reply
