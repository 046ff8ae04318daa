"""Issue 2: the local terminal chat runs the same Application and database, no network."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.localchat import LocalChat, plain
from bot.settings import Settings


def test_plain_strips_html() -> None:
    assert plain("<b>Hi</b> &amp; <i>bye</i> <code>x</code>") == "Hi & bye x"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/chat.sqlite3")  # type: ignore[call-arg]


async def test_start_button_numbers_and_quit(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    lines = io.StringIO("3\n5\n:quit\n")
    await LocalChat(settings, out=out, name="Ana").run(lines)
    text = out.getvalue()
    assert "Hi Ana" in text
    assert "[1] under a year" in text
    assert "How many days a week do you run?" in text  # button 3 pressed
    assert "Which day is your long run?" in text  # typed/pressed 5
    assert "Bye" in text


async def test_next_day_moves_the_clock(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    chat = LocalChat(settings, out=out)
    before = chat.clock.now()
    await chat.run(io.StringIO(":next-day\n"))
    assert chat.clock.now().date() > before.date()
    assert "It is now" in out.getvalue()


def test_runstrong_chat_process_answers_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
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
    assert "How many days a week do you run?" in result.stdout
    assert (tmp_path / "data" / "runstrong.sqlite3").exists()
