"""`AiohttpRequest`: python-telegram-bot's HTTP layer on aiohttp instead of httpx.

PTB's default `HTTPXRequest` spends most of a small Bot API call in httpx/httpcore
connection-pool bookkeeping; aiohttp's connector does the same job for a fraction of the
cost (bench/inline.py measures the difference). Semantics follow `HTTPXRequest`: JSON
bodies (multipart when files are attached), keep-alive connections, PTB's timeouts, and
`TimedOut` / `NetworkError` for failures — the token in the URL never reaches an error.

aiohttp has no write timeout of its own, so the sum of the connect, write and read
timeouts bounds the whole request (no bound when any of them is None).
"""

from __future__ import annotations

import os
from typing import Any, Final, TypeAlias, TypeVar

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.ext import ApplicationBuilder
from telegram.request import BaseRequest, RequestData

from bot.transport.json_body import json_body

BuilderT = TypeVar("BuilderT", bound="ApplicationBuilder[Any, Any, Any, Any, Any, Any]")
JSON_HEADERS: Final = {"Content-Type": "application/json"}

TimeoutArg: TypeAlias = object
"""A per-call timeout as PTB passes it: seconds, None (no limit), or `BaseRequest.DEFAULT_NONE`
(use the default). Typed as `object` because PTB names that type only in a private module;
`_given` checks the value at run time."""


class RequestNotSent(NetworkError):
    """No connection to the server: nothing of the request reached it (safe to repeat)."""


class ConnectTimedOut(TimedOut):
    """No connection within the timeout: nothing of the request reached the server."""


class AnswerLost(NetworkError):
    """The connection broke after the request was written: the server may have acted."""


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one `aiohttp.ClientSession` with a keep-alive connection pool."""

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        """Keep up to `connection_pool_size` connections; timeouts as in `HTTPXRequest`."""
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout, in seconds."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (idempotent)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),
            )

    async def shutdown(self) -> None:
        """Close the session and its connections (idempotent)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: TimeoutArg = BaseRequest.DEFAULT_NONE,
        write_timeout: TimeoutArg = BaseRequest.DEFAULT_NONE,
        connect_timeout: TimeoutArg = BaseRequest.DEFAULT_NONE,
        pool_timeout: TimeoutArg = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request and return its status code and body."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        default_write = self._media_write_timeout if files else self._write_timeout
        timeout = _client_timeout(
            read=_given(read_timeout, self._read_timeout),
            write=_given(write_timeout, default_write),
            connect=_given(connect_timeout, self._connect_timeout),
            pool=_given(pool_timeout, self._pool_timeout),
        )
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if files:
            body = _multipart(request_data)
        elif request_data is not None:
            # A JSON body, as the Bot API accepts for every call without files: the form
            # encoding PTB's httpx layer uses percent-quotes each byte in Python (3 ms for
            # a page of 50 inline results, on each side of the connection).
            body = json_body(request_data.parameters)
            headers = JSON_HEADERS
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        # The messages name the error class only and the cause is dropped: aiohttp's texts
        # carry the URL, and the URL carries the token. The class says whether the request
        # may have reached Telegram (bot.transport.errors decides retries by it).
        except aiohttp.ConnectionTimeoutError:
            raise ConnectTimedOut("Timed out connecting to the Bot API") from None
        except TimeoutError:
            raise TimedOut from None
        except aiohttp.ClientConnectorError as exc:
            raise RequestNotSent(f"aiohttp.{type(exc).__name__}: {connect_cause(exc)}") from None
        except aiohttp.ClientError as exc:
            raise AnswerLost(f"aiohttp.{type(exc).__name__}") from None


def connect_cause(exc: aiohttp.ClientConnectorError) -> str:
    """Say why no connection was made, without the URL (which carries the token): the
    operating system's reason (`connection refused`), a name that did not resolve, or a
    certificate that was not accepted."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"the name {exc.host} did not resolve"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientConnectorSSLError):
        return f"TLS with {exc.host}:{exc.port} failed (certificate or protocol)"
    errno = exc.os_error.errno
    reason = os.strerror(errno) if errno else type(exc.os_error).__name__
    return f"{reason.lower()} by {exc.host}:{exc.port}" if errno else reason


def with_aiohttp(builder: BuilderT) -> BuilderT:
    """Give a PTB `ApplicationBuilder` this HTTP layer: one pool for calls and, as PTB
    keeps them, its own one-connection pool for getUpdates (the long poll never waits
    behind sends)."""
    return builder.request(AiohttpRequest()).get_updates_request(
        AiohttpRequest(connection_pool_size=1)
    )


def _given(value: TimeoutArg, default: float | None) -> float | None:
    """Return a per-call timeout, or the default when the caller left it unset.

    PTB documents `value is BaseRequest.DEFAULT_NONE` as the test for "not set"."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise TypeError(f"a timeout must be a number of seconds or None, not {type(value).__name__}")


def _client_timeout(
    *, read: float | None, write: float | None, connect: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    """Map PTB's four timeouts onto aiohttp's (see the module docstring)."""
    parts = (connect, write, read)
    total = None if any(part is None for part in parts) else sum(p for p in parts if p)
    waiting = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(
        total=total, connect=waiting, sock_connect=connect, sock_read=read
    )


def _multipart(request_data: RequestData | None) -> aiohttp.FormData:
    """Build the multipart body of a request that uploads files."""
    form = aiohttp.FormData(quote_fields=False)
    if request_data is None:
        return form
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, upload in request_data.multipart_data.items():
        filename, content, mime_type = _upload_parts(upload)
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form


def _upload_parts(upload: object) -> tuple[str | None, object, str | None]:
    """Split PTB's `(filename, content, mimetype)` upload tuple (or bare content)."""
    if isinstance(upload, tuple):
        if len(upload) == 3:
            return upload[0], upload[1], upload[2]
        if len(upload) == 2:
            return upload[0], upload[1], None
    return None, upload, None
