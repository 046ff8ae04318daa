"""Starting the real `runstrong run` process against the fake Bot API server."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from aiohttp import ClientSession

from bot.serve import CLOCK_OFFSET_ENV
from fakes.bot_api import FakeBotApi
from fakes.discord_api import FakeDiscord

ROOT = Path(__file__).resolve().parent.parent
_serial = itertools.count(1)


def minute_soon(lead_s: float) -> tuple[dt.datetime, dict[str, str]]:
    """A whole minute to deliver at, and the environment that shifts a bot process's clock
    so that this minute comes `lead_s` seconds from now: end-to-end tests of the delivery
    time don't wait for the next real minute boundary. Compare the bot's instants with
    `shifted(...)` of the real ones."""
    now = dt.datetime.now(dt.UTC)
    due = (now + dt.timedelta(seconds=60)).replace(second=0, microsecond=0)
    offset = (due - now).total_seconds() - lead_s
    return due, {CLOCK_OFFSET_ENV: f"{offset:.6f}"}


def shifted(env: dict[str, str], unix_time: float) -> float:
    """A real instant (seconds since the epoch) on the shifted clock of a bot run with `env`."""
    return unix_time + float(env.get(CLOCK_OFFSET_ENV, "0"))


def fake_api_env(api: FakeBotApi, **env: str) -> dict[str, str]:
    """This process's environment pointed at the fake Bot API (real Telegram keys dropped)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))},
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.root_url,
        "PYTHONUNBUFFERED": "1",
        **env,
    }


class Spawned:
    """A child process writing to a log file: spawned, SIGKILLed, or stopped gracefully.

    Shared by the e2e harness, the scale-out replicas and the benchmarks."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def spawn(self, argv: list[str], *, cwd: Path, env: dict[str, str]) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    async def stop(self, wait_s: float = 15.0) -> int:
        """SIGTERM, then SIGKILL if it has not exited after `wait_s`."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            for _ in range(int(wait_s / 0.05)):
                if self.process.poll() is not None:
                    break
                await asyncio.sleep(0.05)
            else:
                self.process.kill()
        self._log.close()
        return self.process.wait(10)


class BotProcess(Spawned):
    """`python -m bot` with TELEGRAM_BASE_URL pointing at the fake server."""

    def __init__(self, api: FakeBotApi, database_url: str, tmp_path: Path, **env: str) -> None:
        super().__init__(tmp_path / f"bot-{next(_serial)}.log")
        self.api = api
        self.env = fake_api_env(
            api, DATABASE_URL=database_url, LOG_LEVEL="INFO", POLL_TIMEOUT="1", **env
        )

    async def start(self, wait_s: float = 30.0) -> BotProcess:
        mark = len(self.api.calls)
        self.spawn([sys.executable, "-m", "bot"], cwd=self.log_path.parent, env=self.env)
        assert self.process is not None
        # Ready once it has published its commands (start-up finished) and is polling.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        while True:
            try:
                await self.api.wait_for(lambda c: c.method == "getUpdates", timeout=0.5, start=mark)
                return self
            except TimeoutError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"bot exited during start-up:\n{self.log()}") from None
                if loop.time() > deadline:
                    raise RuntimeError(f"bot not ready after {wait_s}s:\n{self.log()}") from None

    async def __aenter__(self) -> BotProcess:
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WebhookBot(Spawned):
    """`python -m bot` in webhook mode, listening on its own port (a replica behind a load
    balancer, played by the test posting updates to it)."""

    def __init__(
        self,
        api: FakeBotApi,
        database_url: str,
        tmp_path: Path,
        name: str,
        *,
        secret: str = "webhook-secret",
        **env: str,
    ) -> None:
        super().__init__(tmp_path / f"webhook-{name}-{next(_serial)}.log")
        self.api = api
        self.secret = secret
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram"
        self.env = fake_api_env(
            api,
            DATABASE_URL=database_url,
            WEBHOOK_URL=self.url,
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(self.port),
            WEBHOOK_SECRET=secret,
            LOG_LEVEL="INFO",
            **env,
        )

    def start(self) -> None:
        self.spawn([sys.executable, "-m", "bot"], cwd=ROOT, env=self.env)

    async def ready(self, wait_s: float = 30.0) -> None:
        """Start-up is done (it set its webhook) and its server accepts connections."""
        deadline = time.monotonic() + wait_s
        try:
            await self.api.wait_for(
                lambda c: c.method == "setWebhook" and c.params.get("url") == self.url,
                timeout=wait_s,
            )
            while True:
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                except OSError:
                    if time.monotonic() > deadline:
                        raise TimeoutError from None
                    await asyncio.sleep(0.05)
                else:
                    writer.close()
                    return
        except TimeoutError:
            raise RuntimeError(f"webhook bot not ready:\n{self.log()}") from None

    async def post(self, session: ClientSession, update: dict[str, Any]) -> int:
        """POST one update as Telegram would; the HTTP status."""
        headers = {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": self.secret,
        }
        async with session.post(self.url, data=json.dumps(update), headers=headers) as resp:
            return resp.status


def discord_env(discord: FakeDiscord, database_url: str, **env: str) -> dict[str, str]:
    """This process's environment pointed at the fake Discord (no platform tokens of ours)."""
    return {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "WEBHOOK_", "DISCORD_"))
        },
        "DISCORD_BOT_TOKEN": discord.token,
        "DISCORD_API_URL": discord.api_url,
        "DISCORD_APPLICATION_ID": str(discord.application_id),
        "DISCORD_PUBLIC_KEY": discord.public_key_hex,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        **env,
    }


class DiscordBot(Spawned):
    """`python -m bot` on Discord, against the fake Discord server; with `interactions`,
    also serving signed HTTP interactions on a port of its own."""

    def __init__(
        self,
        discord: FakeDiscord,
        database_url: str,
        tmp_path: Path,
        *,
        interactions: bool = False,
        **env: str,
    ) -> None:
        super().__init__(tmp_path / f"discord-bot-{next(_serial)}.log")
        self.discord = discord
        self.port = free_port() if interactions else None
        extra = {"DISCORD_INTERACTIONS_LISTEN": "127.0.0.1"}
        if self.port is not None:
            extra["DISCORD_INTERACTIONS_PORT"] = str(self.port)
        self.env = discord_env(discord, database_url, **extra, **env)

    @property
    def interactions_url(self) -> str:
        assert self.port is not None, "started without an interactions endpoint"
        return f"http://127.0.0.1:{self.port}/interactions"

    async def start(self, wait_s: float = 30.0, *, gateway: bool = True) -> DiscordBot:
        """Spawn; ready once it has IDENTIFYed on the gateway (with `gateway`) or serves
        interactions."""
        connections = len(self.discord.identifies)
        self.spawn([sys.executable, "-m", "bot"], cwd=ROOT, env=self.env)
        assert self.process is not None
        deadline = time.monotonic() + wait_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"bot exited during start-up:\n{self.log()}")
            serving = self.port is None or await _accepts(self.port)
            if serving and (not gateway or len(self.discord.identifies) > connections):
                return self
            if time.monotonic() > deadline:
                raise RuntimeError(f"bot not ready after {wait_s}s:\n{self.log()}")
            await asyncio.sleep(0.05)

    async def __aenter__(self) -> DiscordBot:
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()


async def _accepts(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    return True
