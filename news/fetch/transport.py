"""An httpx transport whose every TCP connection goes to an address the guard has checked.

The host is resolved once, every resolved address is checked, and the socket is opened to
one of those same addresses; TLS still uses the URL's host name for SNI and certificate
checks (httpcore passes the origin host to `start_tls`). No second, unchecked DNS lookup
happens between the check and the connect, so DNS rebinding cannot slip a private address
in. Proxies from the environment are never used.

`GuardedTransport` is built the way httpx's own `AsyncHTTPTransport` is, from public parts
only: an `httpcore.AsyncConnectionPool` (given the guarded network backend), each
`httpx.Request` mapped to an `httpcore.Request`, httpcore's exceptions mapped to httpx's,
and the response body streamed (the fetcher caps its size while it reads).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Final, Self

import httpcore
import httpx

from news.errors import TransportError
from news.fetch.addresses import AddressGuard

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves through an `AddressGuard` before connecting."""

    def __init__(
        self, guard: AddressGuard, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self._guard = guard
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 -- httpcore's backend interface
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve and check `host`, then connect to the first checked address that answers."""
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._guard.resolve(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        if error is None:  # `resolve` never returns an empty list; kept for type safety
            raise TransportError(f"no address to connect to for {host}")
        raise error

    async def sleep(self, seconds: float) -> None:
        """Sleep as the wrapped backend does."""
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport on an httpcore connection pool that connects through the guard."""

    def __init__(
        self,
        guard: AddressGuard,
        *,
        limits: httpx.Limits,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        """Build the pool; `network_backend` replaces the sockets under the guard (tests)."""
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(guard, network_backend),
        )

    async def __aenter__(self) -> Self:
        """Open the pool."""
        await self._pool.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        """Close the pool and its connections."""
        with _httpx_errors():
            await self._pool.__aexit__(exc_type, exc_value, traceback)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` through the pool; the response body is streamed, not read."""
        if not isinstance(request.stream, httpx.AsyncByteStream):
            raise TypeError("GuardedTransport needs an async request body")
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            core_response = await self._pool.handle_async_request(core_request)
        stream = core_response.stream
        if not isinstance(stream, AsyncIterable):  # an async pool always streams asynchronously
            raise TypeError("httpcore returned a synchronous body to an async pool")
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_ResponseStream(stream),
            extensions=core_response.extensions,
        )

    async def aclose(self) -> None:
        """Close the pool and its connections."""
        with _httpx_errors():
            await self._pool.aclose()


class _ResponseStream(httpx.AsyncByteStream):
    """httpcore's response body as an httpx stream, its errors mapped to httpx's."""

    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        """Yield the body's chunks as they arrive."""
        with _httpx_errors():
            async for chunk in self._stream:
                yield chunk

    async def aclose(self) -> None:
        """Release the connection back to the pool (or close it)."""
        closer = getattr(self._stream, "aclose", None)
        if closer is not None:
            with _httpx_errors():
                await closer()


# httpcore's exceptions and the httpx exception each one becomes, as httpx's own transport
# maps them (public classes on both sides). The most specific match wins.
_HTTPCORE_TO_HTTPX: Final[tuple[tuple[type[Exception], type[httpx.TransportError]], ...]] = (
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
)


def httpx_error_for(exc: Exception) -> type[httpx.TransportError] | None:
    """Return the httpx exception class for an httpcore exception (None for any other)."""
    mapped: type[httpx.TransportError] | None = None
    for core_class, httpx_class in _HTTPCORE_TO_HTTPX:
        if isinstance(exc, core_class) and (mapped is None or issubclass(httpx_class, mapped)):
            mapped = httpx_class
    return mapped


@contextmanager
def _httpx_errors() -> Iterator[None]:
    """Re-raise httpcore's exceptions as httpx's; others (the guard's) pass unchanged."""
    try:
        yield
    except Exception as exc:
        mapped = httpx_error_for(exc)
        if mapped is None:
            raise
        raise mapped(str(exc)) from exc
