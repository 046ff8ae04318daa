"""Discord's signed HTTP interactions: `POST /interactions`, checked against the application's
public key (Ed25519 over the timestamp and the body; a bad or missing signature is answered
401, as Discord requires), a PING answered `{"type": 1}`, anything else handed to the
adapter, whose initial response becomes the HTTP answer (within Discord's 3 s: the adapter
defers what takes longer and follows up through the interaction's webhook)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import web
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from handlers.discord.adapter import DiscordAdapter
from handlers.discord.render import JSON

log = logging.getLogger("runstrong.discord")
ANSWER_WITHIN_S = 2.8  # a last resort: the adapter answers or defers well before this
PATH = "/interactions"


def signed(key: VerifyKey, timestamp: str, body: bytes, signature: str) -> bool:
    try:
        key.verify(timestamp.encode() + body, bytes.fromhex(signature))
    except (BadSignatureError, ValueError):
        return False
    return True


class InteractionServer:
    def __init__(self, adapter: DiscordAdapter, public_key: str, listen: str, port: int) -> None:
        self.adapter = adapter
        self.key = VerifyKey(bytes.fromhex(public_key))
        self.listen, self.port = listen, port
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(PATH, self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        log.info("Discord interactions served at http://%s:%d%s", self.listen, self.port, PATH)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        signature = request.headers.get("X-Signature-Ed25519", "")
        timestamp = request.headers.get("X-Signature-Timestamp", "")
        if not signature or not timestamp or not signed(self.key, timestamp, body, signature):
            return web.Response(status=401, text="invalid request signature")
        try:
            payload: JSON = json.loads(body)
        except ValueError:
            return web.Response(status=400, text="not JSON")
        if payload.get("type") == 1:
            return web.json_response({"type": 1})
        answer: asyncio.Future[JSON] = asyncio.get_running_loop().create_future()
        sent = asyncio.Event()

        async def initial(response: JSON) -> None:
            """The initial response goes back as this request's answer. Returns once it is
            sent: an edit or follow-up through the interaction's webhook before Discord has
            it would find no message (404)."""
            if not answer.done():
                answer.set_result(response)
            await sent.wait()

        task = asyncio.ensure_future(self.adapter.interaction(payload, initial))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        try:
            try:
                response = await asyncio.wait_for(asyncio.shield(answer), ANSWER_WITHIN_S)
            except TimeoutError:
                log.warning("interaction %s not answered in time: deferred", payload.get("id"))
                response = {"type": 6 if payload.get("type") == 3 else 5}
            reply = web.json_response(response)
            await reply.prepare(request)
            await reply.write_eof()
            return reply
        finally:
            sent.set()  # sent, or the request is gone: the adapter carries on either way
