"""Configuration from the environment; one clear line and exit 2 on a bad value."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import DEFAULT_DATABASE_URL, SettingsError, TokenFilter, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in (
        "TELEGRAM_BOT_TOKEN",
        "DATABASE_URL",
        "WEBHOOK_URL",
        "LOG_LEVEL",
        "TELEGRAM_BASE_URL",
    ):
        monkeypatch.delenv(key, raising=False)
    settings = load_settings(env_file=None)
    assert settings.token is None
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.api_file_url == "https://api.telegram.org/file/bot"
    assert settings.webhook_url is None
    assert settings.catchup_hours == 6


def test_env_file_and_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADMIN_USER_IDS", raising=False)
    env = tmp_path / ".env"
    env.write_text(
        "ADMIN_USER_IDS=12, 34\nTELEGRAM_BASE_URL=http://127.0.0.1:8081/bot/\n"
        "DATABASE_URL=postgres://u:p@db/rs\n"
    )
    settings = load_settings(env_file=env)
    assert settings.admin_user_ids == (12, 34)
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.database_url == "postgresql+asyncpg://u:p@db/rs"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("LOG_LEVEL", "LOUD"),
        ("WEBHOOK_PORT", "99999"),
        ("DATABASE_URL", "mysql://x"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("ADMIN_USER_IDS", "alice"),
        ("TELEGRAM_BASE_URL", "ftp://x"),
        ("WEBHOOK_SECRET", "has spaces!"),
        ("CATCHUP_HOURS", "-1"),
    ],
)
def test_bad_value_names_the_key(monkeypatch: pytest.MonkeyPatch, key: str, value: str) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as info:
        load_settings(env_file=None)
    message = str(info.value)
    assert key in message and "\n" not in message


def test_cli_exits_2_without_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "LOG_LEVEL": "LOUD"}
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "LOG_LEVEL" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_without_token_exits_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_token_is_redacted_from_logs(caplog: pytest.LogCaptureFixture) -> None:
    token = "1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    logger = logging.getLogger("test.redaction")
    handler = logging.StreamHandler()
    record = logger.makeRecord(
        "x", logging.INFO, __file__, 1, "POST https://api.telegram.org/bot%s/getMe", (token,), None
    )
    TokenFilter(token).filter(record)
    assert token not in record.getMessage()
    assert "<token>" in record.getMessage()
    handler.close()
