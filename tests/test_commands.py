"""One command registry: /help, Telegram's command menu, the local chat's help and the
README's table all list the same commands, and every command has a use-case."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from bot.clock import FixedClock, OffsetClock
from bot.coach.commands import BY_NAME, COMMANDS, complete, listed
from bot.coach.intents import Command, Said, Who
from bot.core import CoreConfig, build_core
from db.engine import Database
from fakes.athletes import make_athlete
from handlers.terminal.chat import LocalChat
from plans.words import glossary
from tests.conftest import BotHarness

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_table() -> list[tuple[str, str]]:
    section = README.read_text().split("## Commands\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \| (.+) \|$", section, flags=re.MULTILINE)


def test_the_readme_table_is_the_registry() -> None:
    expected = [(c.shown, c.menu) for c in listed()]
    table = "\n".join(f"| `{shown}` | {menu} |" for shown, menu in expected)
    assert readme_table() == expected, f"README's Commands table should read:\n{table}"


def test_menu_lines_fit_every_platform() -> None:
    for command in COMMANDS:
        assert re.fullmatch(r"[a-z]{1,32}", command.name)  # Telegram and Discord names
        assert 0 < len(command.menu) <= 100  # Discord's description limit (Telegram: 256)
    assert len(BY_NAME) == len(COMMANDS)


async def test_help_lists_every_listed_command(bot: BotHarness) -> None:
    (reply,) = await bot.say(42, "/help")
    for command in listed():
        assert f"{command.shown} — {command.menu}" in reply
    assert "/stats" not in reply  # the operator's command is not advertised


async def test_help_explains_the_coachs_words(bot: BotHarness) -> None:
    """Issue 18: e1RM, RPE, tonnage and the phase names, in plain words, in one place."""
    (reply,) = await bot.say(42, "/help")
    assert "<b>Words I use</b>" in reply
    for line in glossary():
        assert f"• {line}" in reply
    for word in ("e1RM — estimated max", "RPE — how hard a set felt", "Tonnage — ",
                 "Anatomical adaptation — ", "Deload — ", "Taper — "):  # fmt: skip
        assert word in reply


async def test_telegram_menu_is_the_registry(bot: BotHarness) -> None:
    published = [c for c in bot.api.calls if c.method == "setMyCommands"]
    assert published
    menu = [(c["command"], c["description"]) for c in published[-1].params["commands"]]
    assert menu == [(c.name, c.menu) for c in listed()]


async def test_the_local_chats_help_is_the_registry(database: Database, tmp_path: Path) -> None:
    out = io.StringIO()
    chat = LocalChat(build_core(database, OffsetClock()), OffsetClock(), out=out, state=tmp_path)
    await chat.handle_line(":help")
    for command in listed():
        assert f"{command.shown} — {command.menu}" in out.getvalue()


async def test_start_is_answered_with_the_greeting(bot: BotHarness) -> None:
    replies = await bot.say(42, "/start", first_name="Ana")
    assert "Hi Ana" in replies[0]
    assert "How long have you been running?" in replies[1]


async def test_unknown_command_gets_a_hint(bot: BotHarness) -> None:
    (reply,) = await bot.say(42, "/frobnicate")
    assert "/help" in reply


async def test_stats_answers_only_the_operator(bot: BotHarness) -> None:
    (reply,) = await bot.say(42, "/stats")
    assert "don't know that command" in reply  # not an admin: as if it didn't exist


async def test_stats_for_the_operator(database: Database) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC))
    core = build_core(database, clock, CoreConfig(admins=(7,)))
    for user in (1, 2, 3):
        await make_athlete(database, user, now=clock.now())
    await make_athlete(database, 4, now=clock.now(), status="blocked")
    await core.dispatcher.handle(Said(Who("telegram", 1, 1, event="a"), "squat 3x5 60kg"))
    await core.delivery.repair()
    (reply,) = await core.dispatcher.handle(Command(Who("telegram", 7, 7), "stats"))
    assert "Athletes: 4 (3 active, 1 blocked)" in reply.text
    assert "Active this week (logged something): 1" in reply.text
    assert "0 sent, 0 failed, 0 missed" in reply.text
    (refused,) = await core.dispatcher.handle(Command(Who("telegram", 1, 1), "stats"))
    assert "don't know that command" in refused.text


def test_progress_autocomplete_offers_running_beside_the_exercises() -> None:
    assert complete("progress", "")[0] == "Running" and len(complete("progress", "")) == 25
    assert complete("progress", "ru")[0] == "Running"
    squats = complete("progress", "squ")
    assert "Running" not in squats and "Back squat" in squats
    assert "Running" not in complete("exercise", "")
