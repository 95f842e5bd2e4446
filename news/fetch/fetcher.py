"""Fetch feeds and pages over HTTP(S) with every limit a public-facing fetcher needs.

One `Fetcher` owns one `httpx.AsyncClient`. Each `fetch` checks the scheme and address of
every hop (redirects are followed by hand, at most `max_redirects`), sends conditional
headers, enforces connect/read timeouts plus a total deadline, and caps the body size while
it streams (decoded bytes, see `news.fetch.body`). Errors are the `news.errors` fetch
errors; their messages never contain the URL's credentials.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import Self

import httpx

from news.errors import (
    FetchTimeoutError,
    HTTPStatusError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    TransportError,
    UnsafeURLError,
)
from news.fetch.addresses import AddressGuard, Resolver, parse_ip_literal, system_resolver
from news.fetch.body import SUPPORTED_ENCODINGS, BoundedBody
from news.fetch.headers import parse_max_age, parse_retry_after
from news.fetch.limits import HostSlots
from news.fetch.transport import GuardedTransport
from news.fetch.urls import redact_url

DEFAULT_USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)
_HOST_NAME = re.compile(r"(?:[a-z0-9_](?:[a-z0-9_-]{0,62})\.)*[a-z0-9_][a-z0-9_-]{0,62}\.?")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ALLOWED_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The limits one `Fetcher` applies to every fetch."""

    timeout_seconds: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    allow_private_addresses: bool = False
    user_agent: str = DEFAULT_USER_AGENT
    concurrency: int = 10
    per_host_concurrency: int = 2

    def __post_init__(self) -> None:
        """Refuse limits that cannot work."""
        if not self.timeout_seconds > 0:
            raise ValueError("timeout_seconds must be positive")
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        if self.max_redirects < 0:
            raise ValueError("max_redirects must not be negative")
        if self.concurrency < 1 or self.per_host_concurrency < 1:
            raise ValueError("concurrency and per_host_concurrency must be at least 1")
        if not self.user_agent.strip():
            raise ValueError("user_agent must not be empty")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch produced: the body (empty when not modified) and the caching hints."""

    url: str
    final_url: str
    status: int
    not_modified: bool
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    max_age: int | None
    retry_after: float | None
    elapsed: float


@dataclass(frozen=True, slots=True)
class _Redirect:
    """A hop's answer was a redirect to `location`."""

    location: httpx.URL


@dataclass(frozen=True, slots=True)
class _Answer:
    """A hop's final answer: status, headers and the (bounded) body."""

    url: httpx.URL
    status: int
    headers: httpx.Headers
    content: bytes


class Fetcher:
    """Fetches URLs under a `FetchPolicy`; use as `async with Fetcher(policy) as fetcher:`.

    `transport` replaces the network (tests pass `httpx.MockTransport`); the fetcher then
    checks each hop's resolved addresses itself, since it cannot see the transport's
    connections. `resolver` replaces DNS. An injected transport is closed with the fetcher.
    """

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self._policy = policy
        self._guard = AddressGuard(
            allow_private=policy.allow_private_addresses,
            resolver=resolver if resolver is not None else system_resolver,
        )
        self._custom_transport = transport
        self._client: httpx.AsyncClient | None = None
        self._global_slots: asyncio.Semaphore | None = None
        self._host_slots: HostSlots | None = None

    @property
    def policy(self) -> FetchPolicy:
        """Return the policy this fetcher applies."""
        return self._policy

    async def __aenter__(self) -> Self:
        """Open the HTTP client."""
        if self._client is not None:
            raise RuntimeError("Fetcher is already open")
        policy = self._policy
        limits = httpx.Limits(
            max_connections=policy.concurrency,
            max_keepalive_connections=policy.concurrency,
            keepalive_expiry=30.0,
        )
        transport = self._custom_transport or GuardedTransport(self._guard, limits=limits)
        self._global_slots = asyncio.Semaphore(policy.concurrency)
        self._host_slots = HostSlots(policy.per_host_concurrency)
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(policy.timeout_seconds),
            follow_redirects=False,
            trust_env=False,
            # Sources must not see each other's cookies: a jar that accepts none.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            headers={
                "User-Agent": policy.user_agent,
                "Accept": FEED_ACCEPT,
                "Accept-Encoding": SUPPORTED_ENCODINGS,
            },
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the HTTP client and its connections."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch `url` (conditionally when `etag` / `last_modified` are given)."""
        client, global_slots, host_slots = self._client, self._global_slots, self._host_slots
        if client is None or global_slots is None or host_slots is None:
            raise RuntimeError("Fetcher is not open; use `async with Fetcher(...)`")
        target = _parse_url(url)
        headers = _conditional_headers(etag, last_modified)
        loop = asyncio.get_running_loop()
        async with global_slots:
            clock: tuple[float, float] | None = None  # (monotonic start, loop deadline)
            seen: set[httpx.URL] = set()
            for hop in range(self._policy.max_redirects + 1):
                await self._check_hop(target)
                seen.add(target.copy_with(fragment=None))
                async with host_slots.slot(_ascii_host(target)):
                    if clock is None:  # the deadline starts once the first hop may run
                        clock = (time.monotonic(), loop.time() + self._policy.timeout_seconds)
                    outcome = await self._exchange_within(client, target, headers, clock[1])
                if isinstance(outcome, _Answer):
                    return _result(url, outcome, etag, last_modified, clock[0])
                if outcome.location.copy_with(fragment=None) in seen:
                    raise TooManyRedirectsError(
                        f"redirect loop at {redact_url(str(target))} "
                        f"-> {redact_url(str(outcome.location))}"
                    )
                if hop == self._policy.max_redirects:
                    break
                target = outcome.location
        raise TooManyRedirectsError(
            f"more than {self._policy.max_redirects} redirects from {redact_url(url)}"
        )

    async def _check_hop(self, target: httpx.URL) -> None:
        """Refuse a hop whose scheme, host, port or address is not allowed."""
        shown = redact_url(str(target))
        if target.scheme not in ALLOWED_SCHEMES:
            raise UnsafeURLError(f"only http and https URLs are fetched: {shown}")
        host = _ascii_host(target)
        if not host:
            raise UnsafeURLError(f"URL has no host: {shown}")
        if parse_ip_literal(host) is None and _HOST_NAME.fullmatch(host) is None:
            raise UnsafeURLError(f"invalid host in URL {shown}")
        if target.port is not None and not 0 < target.port < 65536:
            raise UnsafeURLError(f"invalid port in URL {shown}")
        self._guard.check_host(host)
        if self._custom_transport is not None and not self._policy.allow_private_addresses:
            # Our own transport checks at connect time; a foreign one is checked here.
            await self._guard.resolve(host, target.port or _default_port(target))

    async def _exchange_within(
        self,
        client: httpx.AsyncClient,
        target: httpx.URL,
        headers: dict[str, str],
        deadline: float,
    ) -> _Answer | _Redirect:
        """Run one request/response exchange before `deadline`, mapping transport errors."""
        shown = redact_url(str(target))
        try:
            async with asyncio.timeout_at(deadline):
                return await self._exchange(client, target, headers)
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise FetchTimeoutError(
                f"{shown} did not answer within {self._policy.timeout_seconds:g} s"
            ) from exc
        except httpx.InvalidURL as exc:
            raise UnsafeURLError(f"invalid URL {shown}: {exc}") from exc
        except httpx.TransportError as exc:
            raise TransportError(f"could not fetch {shown}: {type(exc).__name__}: {exc}") from exc

    async def _exchange(
        self, client: httpx.AsyncClient, target: httpx.URL, headers: dict[str, str]
    ) -> _Answer | _Redirect:
        """Send one GET and read its answer: a redirect, 304, or a size-capped body."""
        shown = redact_url(str(target))
        request = client.build_request("GET", target, headers=headers)
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            status = response.status_code
            location = response.headers.get("location")
            if status in REDIRECT_STATUSES and location:
                return _Redirect(_join_location(target, location))
            if status == 304:
                return _Answer(target, status, response.headers, b"")
            if not 200 <= status < 300:
                retry_after = parse_retry_after(
                    response.headers.get("retry-after"), now=datetime.now(UTC)
                )
                raise HTTPStatusError(status, shown, retry_after)
            declared = _content_length(response.headers)
            if declared is not None and declared > self._policy.max_bytes:
                raise ResponseTooLargeError(
                    f"response from {shown} declares {declared} bytes, "
                    f"more than {self._policy.max_bytes}"
                )
            return _Answer(target, status, response.headers, await self._read_body(response))
        finally:
            await response.aclose()

    async def _read_body(self, response: httpx.Response) -> bytes:
        """Read the body, decoding it ourselves so that the size cap bounds memory."""
        shown = redact_url(str(response.url))
        if response.is_stream_consumed:
            # A response built in memory (httpx.MockTransport): httpx has read and decoded it.
            body = BoundedBody(None, limit=self._policy.max_bytes, url=shown)
            body.feed(response.content)
            return body.finish()
        encoding = response.headers.get("content-encoding")
        body = BoundedBody(encoding, limit=self._policy.max_bytes, url=shown)
        async for chunk in response.aiter_raw():
            body.feed(chunk)
        return body.finish()


def _parse_url(url: str) -> httpx.URL:
    """Parse `url`, turning httpx's complaint into `UnsafeURLError`."""
    try:
        return httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as exc:
        raise UnsafeURLError(f"invalid URL {redact_url(url)}: {exc}") from None


def _join_location(base: httpx.URL, location: str) -> httpx.URL:
    """Resolve a Location header against the URL that sent it."""
    try:
        return base.join(location.strip())
    except httpx.InvalidURL as exc:
        raise UnsafeURLError(
            f"invalid redirect from {redact_url(str(base))}: {redact_url(location)}"
        ) from exc


def _ascii_host(url: httpx.URL) -> str:
    """Return the URL's host as sent on the wire (IDNA-encoded, lower-case, no brackets)."""
    return url.raw_host.decode("ascii", errors="replace").lower()


def _default_port(url: httpx.URL) -> int:
    """Return the port a URL without one uses."""
    return 443 if url.scheme == "https" else 80


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """Build If-None-Match / If-Modified-Since from what the last fetch returned."""
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _content_length(headers: httpx.Headers) -> int | None:
    """Return the declared Content-Length, or None when absent or malformed."""
    value = headers.get("content-length", "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _result(
    requested: str, answer: _Answer, etag: str | None, last_modified: str | None, started: float
) -> FetchResult:
    """Build the `FetchResult` for a final answer (304 keeps the validators it was sent)."""
    headers = answer.headers
    not_modified = answer.status == 304
    return FetchResult(
        url=requested,
        final_url=str(answer.url),
        status=answer.status,
        not_modified=not_modified,
        content=answer.content,
        content_type=headers.get("content-type"),
        etag=headers.get("etag") or (etag if not_modified else None),
        last_modified=headers.get("last-modified") or (last_modified if not_modified else None),
        max_age=parse_max_age(headers.get("cache-control")),
        retry_after=parse_retry_after(headers.get("retry-after"), now=datetime.now(UTC)),
        elapsed=time.monotonic() - started,
    )
