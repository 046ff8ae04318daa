"""Starting the real `runstrong run` process against the fake Bot API server."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.fakebotapi import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
_serial = itertools.count(1)


class BotProcess:
    """`python -m bot` with TELEGRAM_BASE_URL pointing at the fake server."""

    def __init__(self, api: FakeBotApi, database_url: str, tmp_path: Path, **env: str) -> None:
        self.api = api
        self.log_path = tmp_path / f"bot-{next(_serial)}.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))},
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_BASE_URL": api.root_url,
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "INFO",
            "POLL_TIMEOUT": "1",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, wait_s: float = 30.0) -> BotProcess:
        mark = len(self.api.calls)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: ASYNC220 - starting, not waiting
            [sys.executable, "-m", "bot"],
            cwd=self.log_path.parent,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
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

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no goodbye."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    async def stop(self) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            for _ in range(200):
                if self.process.poll() is not None:
                    break
                await asyncio.sleep(0.05)
            else:
                self.process.kill()
        self._log.close()
        return self.process.wait(10)

    async def __aenter__(self) -> BotProcess:
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()
