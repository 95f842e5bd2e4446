"""Fetcher through `httpx.MockTransport`: URL and address refusals with no network at all."""

from __future__ import annotations

import httpx
import pytest

from news.errors import HTTPStatusError, TransportError, UnsafeURLError
from news.fetch import Fetcher, FetchPolicy

FEED = b"<rss version='2.0'><channel><title>Quay log</title></channel></rss>"

PUBLIC_DNS = {
    "feeds.example": ["93.184.216.34"],
    "cdn.example": ["2606:2800:220:1::1"],
    "intranet.example": ["10.20.30.40"],
    "rebind.example": ["93.184.216.40", "127.0.0.1"],
}


async def fake_resolve(host: str, port: int) -> list[str]:
    """Answer from PUBLIC_DNS; any other name does not exist."""
    if host not in PUBLIC_DNS:
        raise TransportError(f"could not resolve {host}")
    return PUBLIC_DNS[host]


def serve(routes: dict[str, httpx.Response], seen: list[str]) -> httpx.MockTransport:
    """A mock network answering full URLs from `routes` and recording them."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        response = routes.get(str(request.url))
        return response if response is not None else httpx.Response(404)

    return httpx.MockTransport(handler)


def mock_fetcher(routes: dict[str, httpx.Response], seen: list[str]) -> Fetcher:
    """A fetcher with the default (private addresses refused) policy over a mock network."""
    return Fetcher(FetchPolicy(), transport=serve(routes, seen), resolver=fake_resolve)


async def test_public_host_is_fetched() -> None:
    seen: list[str] = []
    routes = {"https://feeds.example/rss": httpx.Response(200, content=FEED)}

    async with mock_fetcher(routes, seen) as fetcher:
        result = await fetcher.fetch("https://feeds.example/rss")

    assert result.content == FEED
    assert seen == ["https://feeds.example/rss"]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://feeds.example/rss.xml",
        "file:///etc/passwd",
        "gopher://feeds.example/",
        "javascript:alert(1)",
        "data:text/xml,<rss/>",
        "feeds.example/rss",
    ],
)
async def test_other_schemes_are_refused(url: str) -> None:
    seen: list[str] = []

    async with mock_fetcher({}, seen) as fetcher:
        with pytest.raises(UnsafeURLError):
            await fetcher.fetch(url)

    assert seen == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://localhost/feed",
        "http://[::1]/feed",
        "http://0.0.0.0/feed",
        "http://2130706433/feed",
        "http://0x7f.1/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/feed",
        "http://[fd00::1]/feed",
        "http://[fe80::1]/feed",
        "http://10.0.0.1/feed",
        "http://intranet.example/feed",
        "http://rebind.example/feed",
    ],
)
async def test_private_targets_are_refused(url: str) -> None:
    seen: list[str] = []

    async with mock_fetcher({}, seen) as fetcher:
        with pytest.raises(UnsafeURLError, match=r"non-public|local name"):
            await fetcher.fetch(url)

    assert seen == []


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/admin",
        "http://intranet.example/admin",
        "http://localhost:8080/",
        "http://[::1]/",
        "http://0x7f.1/",
    ],
)
async def test_redirect_to_a_private_address_is_refused(location: str) -> None:
    seen: list[str] = []
    routes = {"https://feeds.example/rss": httpx.Response(302, headers={"Location": location})}

    async with mock_fetcher(routes, seen) as fetcher:
        with pytest.raises(UnsafeURLError):
            await fetcher.fetch("https://feeds.example/rss")

    assert seen == ["https://feeds.example/rss"]


async def test_redirect_to_a_private_address_is_followed_when_allowed() -> None:
    seen: list[str] = []
    routes = {
        "https://feeds.example/rss": httpx.Response(
            307, headers={"Location": "http://intranet.example/rss"}
        ),
        "http://intranet.example/rss": httpx.Response(200, content=FEED),
    }
    policy = FetchPolicy(allow_private_addresses=True)

    async with Fetcher(policy, transport=serve(routes, seen), resolver=fake_resolve) as fetcher:
        result = await fetcher.fetch("https://feeds.example/rss")

    assert result.final_url == "http://intranet.example/rss"
    assert result.content == FEED


async def test_relative_redirect_to_another_public_host() -> None:
    seen: list[str] = []
    routes = {
        "https://feeds.example/rss": httpx.Response(
            301, headers={"Location": "//cdn.example/feeds/rss.xml"}
        ),
        "https://cdn.example/feeds/rss.xml": httpx.Response(200, content=FEED),
    }

    async with mock_fetcher(routes, seen) as fetcher:
        result = await fetcher.fetch("https://feeds.example/rss")

    assert result.final_url == "https://cdn.example/feeds/rss.xml"
    assert seen == ["https://feeds.example/rss", "https://cdn.example/feeds/rss.xml"]


async def test_redirect_without_location_is_a_status_error() -> None:
    seen: list[str] = []
    routes = {"https://feeds.example/rss": httpx.Response(302)}

    async with mock_fetcher(routes, seen) as fetcher:
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.fetch("https://feeds.example/rss")

    assert caught.value.status == 302


async def test_userinfo_is_not_in_refusal_messages() -> None:
    seen: list[str] = []

    async with mock_fetcher({}, seen) as fetcher:
        with pytest.raises(UnsafeURLError) as scheme:
            await fetcher.fetch("ftp://ann:hunter2@feeds.example/rss")
        with pytest.raises(TransportError) as dns:
            await fetcher.fetch("https://ann:hunter2@unknown.example/rss")

    for error in (scheme.value, dns.value):
        assert "hunter2" not in str(error)
        assert "ann:" not in str(error)
    assert "ftp://feeds.example/rss" in str(scheme.value)


async def test_credentials_are_sent_only_to_their_own_host() -> None:
    seen: list[str] = []
    authorizations: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        authorizations.append(request.headers.get("Authorization"))
        if request.url.host == "feeds.example":
            return httpx.Response(302, headers={"Location": "https://cdn.example/rss"})
        return httpx.Response(200, content=FEED)

    transport = httpx.MockTransport(handler)
    async with Fetcher(FetchPolicy(), transport=transport, resolver=fake_resolve) as fetcher:
        await fetcher.fetch("https://ann:hunter2@feeds.example/rss")

    assert authorizations[0] is not None
    assert authorizations[0].startswith("Basic ")
    assert authorizations[1] is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://exa mple.com/feed", "invalid host"),
        ("https://feeds.example:99999/feed", "invalid port"),
        ("http:///feed", "no host"),
        ("http://[::1/feed", "invalid URL"),
    ],
)
async def test_invalid_url_is_refused_clearly(url: str, message: str) -> None:
    seen: list[str] = []

    async with mock_fetcher({}, seen) as fetcher:
        with pytest.raises(UnsafeURLError, match=message):
            await fetcher.fetch(url)

    assert seen == []
