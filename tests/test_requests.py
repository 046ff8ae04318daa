"""The HTTP transport for replies and daily messages: requests beyond its connections wait."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.app import SlottedRequest


async def test_requests_beyond_the_connections_wait_their_turn() -> None:
    in_flight = peak = served = 0

    async def method(_request: web.Request) -> web.Response:
        nonlocal in_flight, peak, served
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        served += 1
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/botT/sendMessage", method)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    request = SlottedRequest(3)
    await request.initialize()
    # httpcore's own queue (the requests it walks on every request and response).
    pool = request._client._transport._pool  # type: ignore[attr-defined]
    queued = 0

    async def watch() -> None:
        nonlocal queued
        while True:
            queued = max(queued, len(pool._requests))
            await asyncio.sleep(0.002)

    watcher = asyncio.create_task(watch())
    try:
        url = f"http://127.0.0.1:{port}/botT/sendMessage"
        results = await asyncio.gather(*(request.post(url) for _ in range(12)))
    finally:
        watcher.cancel()
        await request.shutdown()
        await runner.cleanup()
    assert results == [True] * 12 and served == 12
    assert peak == 3  # all three connections busy, never a fourth request at once
    assert queued <= 3  # the other nine waited in front of httpcore, not in its queue
