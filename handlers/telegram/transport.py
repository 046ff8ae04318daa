"""HTTP to the Bot API over aiohttp's client, as python-telegram-bot's `BaseRequest`.

PTB's own transport (httpx on httpcore and anyio) cost about 2.3 ms of CPU per reply in the
set-log benchmark, a third of the bot's whole cost per update: anyio cancel scopes around
every read and write, and httpcore polling each idle pooled socket on every request. aiohttp
parses HTTP in C and keeps its idle connections in a queue, so a reply costs a fraction of
that. PTB still does everything above the wire: parameters, files, status codes, errors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's own defaults (HTTPXRequest), in seconds.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0

_URLENCODED = {"Content-Type": "application/x-www-form-urlencoded"}

Timeouts = tuple[float | None, float | None, float | None, float | None]


class AiohttpRequest(BaseRequest):
    """At most `connections` requests on the wire at once; the rest wait for a free connection
    (up to the pool timeout), in order."""

    def __init__(self, connections: int, *, media_write_timeout: float = MEDIA_WRITE_TIMEOUT):
        self.connections = connections
        self.media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[Timeouts, aiohttp.ClientTimeout] = {}

    @property
    def read_timeout(self) -> float | None:
        return READ_TIMEOUT

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.connections, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    before_request: Callable[[], Awaitable[None]] | None = None
    """Awaited before every request, which it can stop by raising: on the getUpdates
    connection, the inbox stores the updates that request will acknowledge."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        if self.before_request is not None:
            try:
                await self.before_request()
            except Exception as error:  # a network error to PTB: it retries with back-off
                raise NetworkError(f"not sent: {type(error).__name__}: {error}") from error
        files = request_data.multipart_data if request_data is not None else None
        data: Any = None
        headers = None
        if files:
            data = _form(request_data.json_parameters if request_data else {}, files)
        elif request_data is not None and (fields := request_data.json_parameters):
            # Encoded here: aiohttp would build a FormData (and a multipart writer) for a dict.
            data, headers = urlencode(fields).encode(), _URLENCODED
        timeout = self._timeout(
            _given(read_timeout, READ_TIMEOUT),
            _given(write_timeout, self.media_write_timeout if files else WRITE_TIMEOUT),
            _given(connect_timeout, CONNECT_TIMEOUT),
            _given(pool_timeout, POOL_TIMEOUT),
        )
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    async def fetch(self, url: str, limit: int) -> bytes | None:
        """Download `url` in chunks; None as soon as it passes `limit` bytes (a file's size is
        optional in Telegram's metadata, so the cap is applied while reading)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        timeout = aiohttp.ClientTimeout(
            total=self.media_write_timeout, sock_connect=CONNECT_TIMEOUT
        )
        received = bytearray()
        try:
            async with self._session.get(url, timeout=timeout) as response:
                if response.status != 200:
                    raise NetworkError(f"file download answered {response.status}")
                async for chunk in response.content.iter_chunked(64 * 1024):
                    received += chunk
                    if len(received) > limit:
                        return None
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        return bytes(received)

    def _timeout(
        self,
        read: float | None,
        write: float | None,
        connect: float | None,
        pool: float | None,
    ) -> aiohttp.ClientTimeout:
        """aiohttp's timeouts for PTB's four: `connect` covers the wait for a pooled
        connection and opening one, `sock_read` each read; aiohttp has no write timeout, so
        the whole request is bounded by the sum of all four (none when any is unbounded)."""
        key = (read, write, connect, pool)
        found = self._timeouts.get(key)
        if found is None:
            total = None if None in key else sum(p or 0.0 for p in key)
            found = aiohttp.ClientTimeout(
                total=total,
                connect=None if pool is None or connect is None else pool + connect,
                sock_connect=connect,
                sock_read=read,
            )
            self._timeouts[key] = found
        return found


def _given(value: Any, default: float) -> float | None:
    """A timeout passed to the bot method, or ours when PTB says 'not given'."""
    if isinstance(value, DefaultValue):
        return default
    return value  # type: ignore[no-any-return]


def _form(fields: dict[str, str], files: dict[str, Any]) -> aiohttp.FormData:
    form = aiohttp.FormData(quote_fields=False)
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
