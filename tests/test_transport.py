"""The Bot API transport over aiohttp, against a real HTTP server: connection limits, file
uploads, downloads, timeouts, refused connections and Telegram's error answers."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import BodyPartReader, web
from telegram import InputFile
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from handlers.telegram.transport import AiohttpRequest


class Server:
    """A Bot API stand-in: every request is recorded; the handler decides the answer."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.in_flight = self.peak = 0
        self.delay = 0.0
        self.answer: tuple[int, dict[str, Any]] = (200, {"ok": True, "result": True})
        self.url = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if request.method == "GET" and request.path.endswith("/endless"):
                return await self.endless(request)
            if request.method == "GET":
                return web.Response(body=b"\x00file bytes\xff")
            seen: dict[str, Any] = {"path": request.path}
            if request.content_type.startswith("multipart/"):
                async for part in await request.multipart():
                    assert isinstance(part, BodyPartReader)
                    body = await part.read()
                    seen[part.name or ""] = (
                        (part.filename, body) if part.filename else body.decode()
                    )
            else:
                seen.update(await request.post())
            self.requests.append(seen)
            await asyncio.sleep(self.delay)
            status, payload = self.answer
            return web.json_response(payload, status=status)
        finally:
            self.in_flight -= 1

    async def endless(self, request: web.Request) -> web.StreamResponse:
        """A file with no end, and no size said: what a capped download must give up on."""
        response = web.StreamResponse()
        await response.prepare(request)
        self.streamed = 0
        while True:
            await response.write(b"x" * 65536)
            self.streamed += 65536


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", state.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}/botT"
    yield state
    await runner.cleanup()


@pytest.fixture
async def transport() -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(3)
    await request.initialize()
    yield request
    await request.shutdown()


def data(**params: Any) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


async def test_requests_beyond_the_connections_wait_their_turn(
    server: Server, transport: AiohttpRequest
) -> None:
    server.delay = 0.05
    results = await asyncio.gather(
        *(transport.post(f"{server.url}/sendMessage", data(chat_id=i)) for i in range(12))
    )
    assert results == [True] * 12
    assert server.peak == 3  # all three connections busy, never a fourth request at once
    assert sorted(int(r["chat_id"]) for r in server.requests) == list(range(12))


async def test_parameters_are_sent_as_the_bot_api_reads_them(
    server: Server, transport: AiohttpRequest
) -> None:
    markup = {"inline_keyboard": [[{"text": "Done ✅", "callback_data": "dl:done"}]]}
    await transport.post(
        f"{server.url}/sendMessage",
        data(chat_id=42, text="<b>Squat</b> 3×5 @ 60 kg", reply_markup=markup),
    )
    (sent,) = server.requests
    assert sent["path"] == "/botT/sendMessage"
    assert sent["chat_id"] == "42"
    assert sent["text"] == "<b>Squat</b> 3×5 @ 60 kg"
    assert json.loads(sent["reply_markup"]) == markup


async def test_files_are_uploaded_as_multipart_with_their_names(
    server: Server, transport: AiohttpRequest
) -> None:
    content = b"date,exercise\n2026-11-20,squat\n" * 100
    document = InputFile(content, filename="runstrong-export.csv")
    await transport.post(
        f"{server.url}/sendDocument", data(chat_id=7, document=document, caption="Your data")
    )
    (sent,) = server.requests
    assert sent["chat_id"] == "7" and sent["caption"] == "Your data"
    assert sent["document"] == ("runstrong-export.csv", content)


async def test_a_download_returns_the_file_bytes(server: Server, transport: AiohttpRequest) -> None:
    assert await transport.retrieve(f"{server.url}/file/doc.json") == b"\x00file bytes\xff"


async def test_a_download_stops_at_its_cap(server: Server, transport: AiohttpRequest) -> None:
    # A 20 MB file whose size Telegram did not say is refused at the cap, not read whole.
    limit = 5 * 1024 * 1024
    assert await transport.fetch(server.url + "/endless", limit) is None
    assert limit < server.streamed < 2 * limit


async def test_a_slow_answer_times_out(server: Server, transport: AiohttpRequest) -> None:
    server.delay = 1.0
    with pytest.raises(TimedOut):
        await transport.post(f"{server.url}/sendMessage", data(chat_id=1), read_timeout=0.1)


async def test_a_refused_connection_is_a_network_error(transport: AiohttpRequest) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(NetworkError):
        await transport.post(f"http://127.0.0.1:{port}/botT/sendMessage", data(chat_id=1))


async def test_telegram_error_answers_become_ptb_errors(
    server: Server, transport: AiohttpRequest
) -> None:
    server.answer = (403, {"ok": False, "error_code": 403, "description": "bot was blocked"})
    with pytest.raises(Forbidden, match="bot was blocked"):
        await transport.post(f"{server.url}/sendMessage", data(chat_id=1))
    server.answer = (
        429,
        {"ok": False, "error_code": 429, "description": "Too Many Requests",
         "parameters": {"retry_after": 3}},
    )  # fmt: skip
    with pytest.raises(RetryAfter) as caught:
        await transport.post(f"{server.url}/sendMessage", data(chat_id=1))
    assert caught.value.retry_after == 3


async def test_unusable_before_initialize_and_after_shutdown(server: Server) -> None:
    request = AiohttpRequest(1)
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{server.url}/getMe")
    await request.initialize()
    assert await request.post(f"{server.url}/getMe") is True
    await request.shutdown()
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{server.url}/getMe")
    await request.initialize()  # PTB re-initialises a shut-down bot
    assert await request.post(f"{server.url}/getMe") is True
    await request.shutdown()
