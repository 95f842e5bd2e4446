"""GuardedTransport: sockets go to the checked address, TLS keeps the host name (no network)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpcore
import httpx
import pytest

from news.errors import UnsafeURLError
from news.fetch import Fetcher, FetchPolicy
from news.fetch.addresses import AddressGuard, Resolver
from news.fetch.transport import GuardedTransport

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
