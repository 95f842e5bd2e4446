"""A tiny programmable HTTP server on 127.0.0.1 for fetch tests and benchmarks.

    async with FeedServer() as srv:
        srv.add("/feed.xml", body=b"<rss/>", etag='"v1"')
        result = await fetcher.fetch(srv.url("/feed.xml"))

Routes answer with a fixed body (optionally gzip-compressed, with ETag / Last-Modified and
304 on a matching conditional request), a stream of chunks (optionally slow, optionally
with a declared Content-Length), a redirect, or never (the handler waits until the server
stops or the client goes away). The server records every request and the highest number
of requests it was serving at once.
"""

from __future__ import annotations

import asyncio
import gzip as gzip_module
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from aiohttp import web

Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class _Fixed:
    """A route that answers with one body."""

    status: int
    body: bytes
    headers: Mapping[str, str]
    delay: float
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class _Stream:
    """A route that answers with `count` copies of `chunk`, `chunk_delay` apart."""

    chunk: bytes
    count: int
    chunk_delay: float
    headers: Mapping[str, str]
    content_length: int | None


@dataclass(frozen=True)
class _Hang:
    """A route that never answers."""


@dataclass(frozen=True)
class _Custom:
    """A route answered by a test-supplied aiohttp handler."""

    handler: Handler


Route = _Fixed | _Stream | _Hang | _Custom


class FeedServer:
    """Programmable HTTP server bound to 127.0.0.1 on a free port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.requests: list[RecordedRequest] = []
        self.max_concurrent = 0
        self._routes: dict[str, Route] = {}
        self._active = 0
        self._port: int | None = None
        self._runner: web.ServerRunner | None = None
        self._stopping = asyncio.Event()

    async def __aenter__(self) -> Self:
        """Start listening."""
        server = web.Server(self._dispatch, handler_cancellation=True, access_log=None)
        runner = web.ServerRunner(server, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Release hanging handlers and stop."""
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        """Return the bound port."""
        if self._port is None:
            raise RuntimeError("FeedServer is not started")
        return self._port

    def url(self, path: str, *, host: str | None = None) -> str:
        """Return the absolute URL of `path` (optionally with another host name)."""
        return f"http://{host or self.host}:{self.port}{path}"

    def add(
        self,
        path: str,
        *,
        body: bytes = b"",
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str = "application/rss+xml",
        delay: float = 0.0,
        gzip: bool = False,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Serve `body` at `path`; with `etag`/`last_modified`, answer 304 when they match."""
        all_headers = {"Content-Type": content_type, **(headers or {})}
        if gzip:
            body = gzip_module.compress(body)
            all_headers["Content-Encoding"] = "gzip"
        self._routes[path] = _Fixed(status, body, all_headers, delay, etag, last_modified)

    def stream(
        self,
        path: str,
        *,
        chunk: bytes,
        count: int,
        chunk_delay: float = 0.0,
        headers: Mapping[str, str] | None = None,
        content_length: int | None = None,
    ) -> None:
        """Serve `count` copies of `chunk` (chunked, or with a declared `content_length`)."""
        all_headers = {"Content-Type": "application/rss+xml", **(headers or {})}
        self._routes[path] = _Stream(chunk, count, chunk_delay, all_headers, content_length)

    def redirect(self, path: str, to: str, *, status: int = 302) -> None:
        """Redirect `path` to `to` (a path or an absolute URL)."""
        self._routes[path] = _Fixed(status, b"", {"Location": to}, 0.0, None, None)

    def hang(self, path: str) -> None:
        """Accept requests for `path` and never answer them."""
        self._routes[path] = _Hang()

    def handle(self, path: str, handler: Handler) -> None:
        """Answer `path` with a custom aiohttp handler."""
        self._routes[path] = _Custom(handler)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """Return the recorded requests for `path`."""
        return [request for request in self.requests if request.path == path]

    async def _dispatch(self, request: web.BaseRequest) -> web.StreamResponse:
        """Record the request and answer it from its route (404 when none)."""
        self.requests.append(RecordedRequest(request.method, request.path, dict(request.headers)))
        self._active += 1
        self.max_concurrent = max(self.max_concurrent, self._active)
        try:
            route = self._routes.get(request.path)
            if route is None:
                return web.Response(status=404, text="no such route")
            return await self._answer(route, request)
        finally:
            self._active -= 1

    async def _answer(self, route: Route, request: web.BaseRequest) -> web.StreamResponse:
        """Produce the response one route describes."""
        if isinstance(route, _Custom):
            return await route.handler(request)
        if isinstance(route, _Hang):
            await self._stopping.wait()
            return web.Response(status=503)
        if isinstance(route, _Stream):
            return await self._stream(route, request)
        if route.delay:
            await asyncio.sleep(route.delay)
        if _not_modified(route, request):
            validators = {"ETag": route.etag} if route.etag else {}
            return web.Response(status=304, headers=validators)
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        return web.Response(status=route.status, body=route.body, headers=headers)

    async def _stream(self, route: _Stream, request: web.BaseRequest) -> web.StreamResponse:
        """Write the route's chunks one by one; stop quietly when the client leaves."""
        response = web.StreamResponse(headers=route.headers)
        if route.content_length is not None:
            response.content_length = route.content_length
        await response.prepare(request)
        try:
            for _ in range(route.count):
                await response.write(route.chunk)
                if route.chunk_delay:
                    await asyncio.sleep(route.chunk_delay)
            await response.write_eof()
        except ConnectionError:
            pass  # the client hung up (e.g. it hit its size cap); nothing left to do
        return response


def _not_modified(route: _Fixed, request: web.BaseRequest) -> bool:
    """Return True when the request's validators match the route's."""
    if route.etag is not None:
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [tag.strip() for tag in if_none_match.split(",")]
            return route.etag in tags or "*" in tags
    if route.last_modified is not None:
        return request.headers.get("If-Modified-Since") == route.last_modified
    return False
