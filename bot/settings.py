"""Configuration from the environment and `.env`, validated once at start-up.

A bad value stops the bot with one line naming the key and how to fix it (exit status 2).
"""

from __future__ import annotations

import base64
import logging
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/runstrong.sqlite3"
TELEGRAM_API_ROOT = "https://api.telegram.org"
DISCORD_API_URL = "https://discord.com/api/v10"

# How to fix each key, quoted in the one-line error.
HINTS: dict[str, str] = {
    "TELEGRAM_BOT_TOKEN": "set it to the token @BotFather gave you, e.g. 123456:ABC-DEF…",
    "TELEGRAM_BASE_URL": "use an http(s) URL such as https://api.telegram.org",
    "DATABASE_URL": "use sqlite+aiosqlite:///./data/runstrong.sqlite3 "
    "or postgresql+asyncpg://user:pass@host/db",
    "WEBHOOK_URL": "use the public https URL Telegram should post to, e.g. https://bot.example.com/telegram",
    "WEBHOOK_LISTEN": "use an interface address such as 0.0.0.0",
    "WEBHOOK_PORT": "use a port number between 1 and 65535, e.g. 8443",
    "WEBHOOK_SECRET": "use 1-256 characters from A-Z, a-z, 0-9, _ and -",
    "LOG_LEVEL": "use one of DEBUG, INFO, WARNING, ERROR",
    "ADMIN_USER_IDS": "use comma-separated Telegram user ids, e.g. 12345,67890",
    "CATCHUP_HOURS": "use a number of hours between 0 and 24, e.g. 6",
    "SEND_RATE_PER_SECOND": "use a number of messages per second between 1 and 30, e.g. 30",
    "POLL_TIMEOUT": "use a number of seconds between 0 and 50, e.g. 10",
    "DELIVERY_LEASE_SECONDS": "use a number of seconds between 1 and 3600, e.g. 120",
    "DISCORD_BOT_TOKEN": "set it to the bot token from the Discord Developer Portal (Bot tab)",
    "DISCORD_API_URL": "use an http(s) URL such as https://discord.com/api/v10",
    "DISCORD_APPLICATION_ID": "use the application id from the Developer Portal (digits)",
    "DISCORD_PUBLIC_KEY": "use the public key from the Developer Portal (64 hex characters)",
    "DISCORD_INTERACTIONS_PORT": "use a port number between 1 and 65535, e.g. 8080",
    "DISCORD_INTERACTIONS_LISTEN": "use an interface address such as 0.0.0.0",
    "DISCORD_SEND_RATE_PER_SECOND": "use a number of messages per second between 1 and 50, e.g. 40",
}


def discord_bot_id(token: str) -> int | None:
    """The bot's user id a Discord token starts with (base64 of its decimal digits); None
    when the token is not shaped like one."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        return None
    head = parts[0] + "=" * (-len(parts[0]) % 4)
    try:
        decoded = base64.urlsafe_b64decode(head).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    return int(decoded) if decoded.isdigit() and len(decoded) <= 20 else None


class SettingsError(Exception):
    """One user-facing line: which key is wrong and how to fix it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = TELEGRAM_API_ROOT
    database_url: str = DEFAULT_DATABASE_URL
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    log_level: str = "INFO"
    admin_user_ids: Annotated[tuple[int, ...], NoDecode] = ()
    catchup_hours: float = Field(default=6.0, ge=0, le=24)
    send_rate_per_second: float = Field(default=30.0, gt=0, le=30)
    poll_timeout: int = Field(default=10, ge=0, le=50)
    delivery_lease_seconds: int = Field(default=120, ge=1, le=3600)
    discord_bot_token: SecretStr | None = None
    discord_api_url: str = DISCORD_API_URL
    discord_application_id: int | None = None
    discord_public_key: str | None = None
    discord_interactions_port: int | None = Field(default=None, ge=1, le=65535)
    discord_interactions_listen: str = "0.0.0.0"
    discord_send_rate_per_second: float = Field(default=40.0, gt=0, le=50)

    @field_validator(
        "telegram_bot_token",
        "webhook_secret",
        "webhook_url",
        "discord_bot_token",
        "discord_application_id",
        "discord_public_key",
        "discord_interactions_port",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            head, _, tail = value.get_secret_value().partition(":")
            if not head.isdigit() or not tail:
                raise ValueError("not a bot token")
        return value

    @field_validator("discord_bot_token")
    @classmethod
    def _discord_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        """Three dot-separated parts, the first the bot's id in base64."""
        if value is not None and discord_bot_id(value.get_secret_value()) is None:
            raise ValueError("not a Discord bot token")
        return value

    @field_validator("discord_public_key")
    @classmethod
    def _public_key(cls, value: str | None) -> str | None:
        if value is not None and re.fullmatch(r"[0-9a-fA-F]{64}", value.strip()) is None:
            raise ValueError("not 64 hex characters")
        return None if value is None else value.strip().lower()

    @field_validator("discord_api_url")
    @classmethod
    def _discord_api_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("telegram_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        # Accept PTB's own convention (".../bot") as well as the server root.
        return value.removesuffix("/bot")

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            raw = value.get_secret_value()
            if not (1 <= len(raw) <= 256) or not all(c.isalnum() or c in "_-" for c in raw):
                raise ValueError("invalid characters")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("sqlite:///"):
            value = "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        elif value.startswith(("postgres://", "postgresql://")):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("unsupported database")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("unknown level")
        return value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _admins(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            if not all(p.isdigit() for p in parts):
                raise ValueError("not a list of ids")
            return tuple(int(p) for p in parts)
        return value

    @property
    def token(self) -> str | None:
        return (
            None if self.telegram_bot_token is None else self.telegram_bot_token.get_secret_value()
        )

    @property
    def discord_token(self) -> str | None:
        token = self.discord_bot_token
        return None if token is None else token.get_secret_value()

    @property
    def discord_app_id(self) -> int | None:
        """The application id as configured, or the bot's id (the same for bots made in the
        Developer Portal)."""
        if self.discord_application_id is not None:
            return self.discord_application_id
        return None if self.discord_token is None else discord_bot_id(self.discord_token)

    @property
    def platforms(self) -> list[str]:
        """The chat platforms with a token, in start-up order."""
        return [
            name
            for name, token in (("telegram", self.token), ("discord", self.discord_token))
            if token
        ]

    @property
    def api_base_url(self) -> str:
        """PTB's base_url: the server root plus `/bot` (PTB appends the token)."""
        return f"{self.telegram_base_url}/bot"

    @property
    def api_file_url(self) -> str:
        return f"{self.telegram_base_url}/file/bot"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    """Read and validate settings; raise SettingsError with one line on the first bad key."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]).upper() if err["loc"] else "configuration"
        hint = HINTS.get(key, "check its value")
        raise SettingsError(
            f"Configuration error: {key} is invalid ({err['msg']}); {hint}."
        ) from None


def configure_logging(level: str, *tokens: str | None) -> None:
    """Log to stderr; keep httpx/httpcore quiet (their request lines contain the token) and
    redact the token from anything else that might print it."""
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("hikari.ux").setLevel(logging.ERROR)  # advice on -O and new versions
    for handler in logging.getLogger().handlers:
        handler.addFilter(TokenFilter(*tokens))


# Telegram's "123456:AA…" and Discord's "<base64 id>.<6>.<27+>".
_TOKEN_SHAPE = re.compile(
    r"\d{6,}:[A-Za-z0-9_-]{30,}|[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}"
)


class TokenFilter(logging.Filter):
    """Redact the configured token, and anything shaped like a bot token, from log records."""

    def __init__(self, *tokens: str | None) -> None:
        super().__init__()
        self._tokens = [t for t in tokens if t]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _TOKEN_SHAPE.sub("<token>", message)
        for token in self._tokens:
            redacted = redacted.replace(token, "<token>")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
