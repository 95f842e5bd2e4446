"""GuardedTransport: sockets go to the checked address, TLS keeps the host name (no network)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpcore
import httpx
import pytest

from news.errors import TransportError, UnsafeURLError
from news.fetch import Fetcher, FetchPolicy
from news.fetch.addresses import AddressGuard, Resolver
from news.fetch.transport import GuardedTransport, httpx_error_for

FEED = b"<rss version='2.0'><channel><title>Tide tables</title></channel></rss>"
ANSWER = [
    b"HTTP/1.1 200 OK\r\n",
    b"Content-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n" % len(FEED),
    FEED,
]


class RecordingStream(httpcore.AsyncMockStream):
    """A canned HTTP answer that records the TLS server name it was asked for."""

    def __init__(self, buffer: list[bytes], tls_names: list[str | None]) -> None:
        super().__init__(buffer)
        self._tls_names = tls_names

    async def start_tls(
        self,
        ssl_context: Any,  # noqa: ARG002 -- part of the interface, unused by the fake
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ARG002, ASYNC109 -- httpcore's stream interface
    ) -> httpcore.AsyncNetworkStream:
        self._tls_names.append(server_hostname)
        return self


class RecordingBackend(httpcore.AsyncMockBackend):
    """Stands in for sockets: records where connections go; some addresses refuse."""

    def __init__(self, refusing: Iterable[str] = ()) -> None:
        super().__init__(ANSWER)
        self.connects: list[tuple[str, int]] = []
        self.tls_names: list[str | None] = []
        self._refusing = set(refusing)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        *args: Any,  # noqa: ARG002 -- timeout and socket options do not matter to the fake
        **kwargs: Any,  # noqa: ARG002 -- as above
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        if host in self._refusing:
            raise httpcore.ConnectError(f"connection refused by {host}")
        return RecordingStream(list(ANSWER), self.tls_names)


def rebinding_resolver(answers: list[list[str]]) -> tuple[Resolver, list[str]]:
    """A resolver that gives a different answer on each call (DNS rebinding)."""
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[min(len(calls), len(answers)) - 1]

    return resolve, calls


def guarded_client(guard: AddressGuard, backend: RecordingBackend) -> httpx.AsyncClient:
    transport = GuardedTransport(guard, limits=httpx.Limits(), network_backend=backend)
    return httpx.AsyncClient(transport=transport)


async def test_https_connects_to_the_checked_ip_and_keeps_sni() -> None:
    resolve, calls = rebinding_resolver([["93.184.216.34"], ["127.0.0.1"]])
    backend = RecordingBackend()

    async with guarded_client(AddressGuard(False, resolve), backend) as client:
        response = await client.get("https://feeds.example/rss")

    assert response.content == FEED
    assert calls == ["feeds.example"]  # one lookup: nothing to rebind between check and use
    assert backend.connects == [("93.184.216.34", 443)]
    assert backend.tls_names == ["feeds.example"]


async def test_rebinding_to_a_private_address_is_refused_at_connect() -> None:
    resolve, _ = rebinding_resolver([["127.0.0.1"]])
    backend = RecordingBackend()

    async with guarded_client(AddressGuard(False, resolve), backend) as client:
        with pytest.raises(UnsafeURLError, match="non-public"):
            await client.get("https://feeds.example/rss")

    assert backend.connects == []


async def test_next_checked_address_is_tried_when_one_refuses() -> None:
    resolve, _ = rebinding_resolver([["2606:2800:220:1::1", "93.184.216.34"]])
    backend = RecordingBackend(refusing={"2606:2800:220:1::1"})

    async with guarded_client(AddressGuard(False, resolve), backend) as client:
        response = await client.get("http://feeds.example/rss")

    assert response.status_code == 200
    assert backend.connects == [("2606:2800:220:1::1", 80), ("93.184.216.34", 80)]


async def test_fetcher_over_the_guarded_transport() -> None:
    resolve, _ = rebinding_resolver([["93.184.216.34"]])
    backend = RecordingBackend()
    guard = AddressGuard(False, resolve)
    transport = GuardedTransport(guard, limits=httpx.Limits(), network_backend=backend)

    async with Fetcher(FetchPolicy(), transport=transport, resolver=resolve) as fetcher:
        result = await fetcher.fetch("https://feeds.example/rss")

    assert result.content == FEED
    assert backend.tls_names == ["feeds.example"]


class ClosableStream(httpcore.AsyncMockStream):
    """A canned answer that tells whether it was closed."""

    closed = False

    async def aclose(self) -> None:
        self.closed = True
        await super().aclose()


class BreakingStream(ClosableStream):
    """Headers and a first chunk, then the connection breaks."""

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        chunk = await super().read(max_bytes, timeout)
        if not chunk:
            raise httpcore.ReadError("connection reset by peer")
        return chunk


class ChunkedBackend(httpcore.AsyncMockBackend):
    """Answers every connection with the given wire chunks (optionally breaking after them)."""

    def __init__(self, chunks: list[bytes], *, breaking: bool = False) -> None:
        super().__init__(chunks)
        self._chunks = chunks
        self._breaking = breaking
        self.connects: list[tuple[str, int]] = []
        self.streams: list[ClosableStream] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        *args: Any,  # noqa: ARG002 -- timeout and socket options do not matter to the fake
        **kwargs: Any,  # noqa: ARG002 -- as above
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        stream = (BreakingStream if self._breaking else ClosableStream)(list(self._chunks))
        self.streams.append(stream)
        return stream


CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"


async def test_proxy_settings_in_the_environment_are_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://10.0.0.1:3128")
    resolve, _ = rebinding_resolver([["93.184.216.34"]])
    backend = RecordingBackend()

    async with guarded_client(AddressGuard(False, resolve), backend) as client:
        response = await client.get("https://feeds.example/rss")

    assert response.status_code == 200
    assert backend.connects == [("93.184.216.34", 443)]


async def test_body_is_streamed_chunk_by_chunk() -> None:
    resolve, _ = rebinding_resolver([["93.184.216.34"]])
    backend = ChunkedBackend([CHUNKED_HEAD, b"4\r\n<rss\r\n", b"2\r\n/>\r\n", b"0\r\n\r\n"])
    transport = GuardedTransport(
        AddressGuard(False, resolve), limits=httpx.Limits(), network_backend=backend
    )

    async with (
        httpx.AsyncClient(transport=transport) as client,
        client.stream("GET", "http://feeds.example/rss") as response,
    ):
        chunks = [chunk async for chunk in response.aiter_raw()]

    assert chunks == [b"<rss", b"/>"]  # as they arrived, not read into memory first


async def test_a_broken_body_is_an_httpx_read_error() -> None:
    resolve, _ = rebinding_resolver([["93.184.216.34"]])
    backend = ChunkedBackend([CHUNKED_HEAD, b"4\r\n<rss\r\n"], breaking=True)
    transport = GuardedTransport(
        AddressGuard(False, resolve), limits=httpx.Limits(), network_backend=backend
    )

    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(httpx.ReadError, match="connection reset"):
            await client.get("http://feeds.example/rss")


async def test_a_broken_body_is_a_fetch_transport_error() -> None:
    resolve, _ = rebinding_resolver([["93.184.216.34"]])
    backend = ChunkedBackend([CHUNKED_HEAD, b"4\r\n<rss\r\n"], breaking=True)
    guard = AddressGuard(False, resolve)
    transport = GuardedTransport(guard, limits=httpx.Limits(), network_backend=backend)

    async with Fetcher(FetchPolicy(), transport=transport, resolver=resolve) as fetcher:
        with pytest.raises(TransportError, match="ReadError"):
            await fetcher.fetch("http://feeds.example/rss")


async def test_no_checked_address_answering_is_an_httpx_connect_error() -> None:
    resolve, _ = rebinding_resolver([["93.184.216.34", "93.184.216.35"]])
    backend = RecordingBackend(refusing={"93.184.216.34", "93.184.216.35"})

    async with guarded_client(AddressGuard(False, resolve), backend) as client:
        with pytest.raises(httpx.ConnectError, match=r"refused by 93\.184\.216\.35"):
            await client.get("http://feeds.example/rss")

    assert backend.connects == [("93.184.216.34", 80), ("93.184.216.35", 80)]


@pytest.mark.parametrize(
    ("core_error", "httpx_error"),
    [
        (httpcore.ConnectTimeout("t"), httpx.ConnectTimeout),
        (httpcore.ReadTimeout("t"), httpx.ReadTimeout),
        (httpcore.PoolTimeout("t"), httpx.PoolTimeout),
        (httpcore.ConnectError("e"), httpx.ConnectError),
        (httpcore.WriteError("e"), httpx.WriteError),
        (httpcore.RemoteProtocolError("e"), httpx.RemoteProtocolError),
        (httpcore.UnsupportedProtocol("e"), httpx.UnsupportedProtocol),
        (UnsafeURLError("guard"), None),
        (ValueError("other"), None),
    ],
)
def test_httpcore_errors_map_to_the_most_specific_httpx_error(
    core_error: Exception, httpx_error: type[Exception] | None
) -> None:
    assert httpx_error_for(core_error) is httpx_error


async def test_closing_the_client_closes_the_pooled_connection() -> None:
    resolve, _ = rebinding_resolver([["93.184.216.34"]])
    backend = ChunkedBackend(ANSWER + ANSWER)
    transport = GuardedTransport(
        AddressGuard(False, resolve), limits=httpx.Limits(), network_backend=backend
    )
    client = httpx.AsyncClient(transport=transport)
    first = await client.get("http://feeds.example/rss")
    second = await client.get("http://feeds.example/rss")
    assert (first.content, second.content) == (FEED, FEED)
    assert backend.connects == [("93.184.216.34", 80)]  # the connection was kept alive
    assert not backend.streams[0].closed

    await client.aclose()

    assert backend.streams[0].closed
