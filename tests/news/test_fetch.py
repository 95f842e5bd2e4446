"""Fetcher against a real HTTP server on 127.0.0.1 (tests/support/feedserver.py)."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from aiohttp import web

from news.errors import (
    FetchTimeoutError,
    HTTPStatusError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    TransportError,
    UnsafeURLError,
)
from news.fetch import DEFAULT_USER_AGENT, Fetcher, FetchPolicy
from tests.support.feedserver import FeedServer

FEED = (
    b'<?xml version="1.0"?><rss version="2.0">'
    b"<channel><title>Harbour notes</title></channel></rss>"
)


def local_policy(**overrides: object) -> FetchPolicy:
    """A policy that may reach 127.0.0.1, with short limits for tests."""
    values: dict[str, object] = {
        "timeout_seconds": 5.0,
        "max_bytes": 1024 * 1024,
        "allow_private_addresses": True,
    }
    values.update(overrides)
    return FetchPolicy(**values)  # type: ignore[arg-type]


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as srv:
        yield srv


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(local_policy()) as opened:
        yield opened


async def test_200_returns_body_and_validators(server: FeedServer, fetcher: Fetcher) -> None:
    server.add("/feed", body=FEED, etag='"v1"', headers={"Cache-Control": "public, max-age=600"})

    result = await fetcher.fetch(server.url("/feed"))

    assert result.status == 200
    assert result.not_modified is False
    assert result.content == FEED
    assert result.content_type == "application/rss+xml"
    assert result.etag == '"v1"'
    assert result.last_modified is None
    assert result.max_age == 600
    assert result.retry_after is None
    assert result.url == result.final_url == server.url("/feed")
    assert 0 <= result.elapsed < 5


async def test_etag_conditional_get_gives_304(server: FeedServer, fetcher: Fetcher) -> None:
    server.add("/feed", body=FEED, etag='"v1"')
    first = await fetcher.fetch(server.url("/feed"))

    second = await fetcher.fetch(server.url("/feed"), etag=first.etag)

    assert second.status == 304
    assert second.not_modified is True
    assert second.content == b""
    assert second.etag == '"v1"'
    assert server.requests_to("/feed")[1].headers["If-None-Match"] == '"v1"'


async def test_changed_etag_gives_full_body(server: FeedServer, fetcher: Fetcher) -> None:
    server.add("/feed", body=FEED, etag='"v2"')

    result = await fetcher.fetch(server.url("/feed"), etag='"v1"')

    assert result.status == 200
    assert result.content == FEED
    assert result.etag == '"v2"'


async def test_last_modified_conditional_get(server: FeedServer, fetcher: Fetcher) -> None:
    stamp = "Sat, 22 Feb 2020 10:00:00 GMT"
    server.add("/feed", body=FEED, last_modified=stamp)
    first = await fetcher.fetch(server.url("/feed"))
    assert first.last_modified == stamp

    second = await fetcher.fetch(server.url("/feed"), last_modified=first.last_modified)

    assert second.not_modified is True
    assert second.content == b""
    assert second.last_modified == stamp
    assert server.requests_to("/feed")[1].headers["If-Modified-Since"] == stamp


async def test_request_headers(server: FeedServer, fetcher: Fetcher) -> None:
    server.add("/feed", body=FEED)

    await fetcher.fetch(server.url("/feed"))

    sent = server.requests_to("/feed")[0].headers
    assert sent["User-Agent"] == DEFAULT_USER_AGENT
    assert sent["Accept"].startswith("application/rss+xml, application/atom+xml")
    assert sent["Accept-Encoding"] == "gzip, deflate"
    assert "If-None-Match" not in sent
    assert "If-Modified-Since" not in sent


async def test_gzip_body_is_decoded(server: FeedServer, fetcher: Fetcher) -> None:
    server.add("/feed", body=FEED * 50, gzip=True)

    result = await fetcher.fetch(server.url("/feed"))

    assert result.content == FEED * 50


async def test_deflate_body_is_decoded(server: FeedServer, fetcher: Fetcher) -> None:
    server.add("/feed", body=zlib.compress(FEED), headers={"Content-Encoding": "deflate"})

    result = await fetcher.fetch(server.url("/feed"))

    assert result.content == FEED


async def test_50_mb_stream_is_cut_at_the_cap_with_bounded_memory(server: FeedServer) -> None:
    import tracemalloc

    import psutil

    chunk = b"<item>" + b"x" * (64 * 1024 - 13) + b"</item>"
    server.stream("/huge", chunk=chunk, count=50 * 1024 * 1024 // len(chunk) + 1)
    process = psutil.Process()
    rss_before = process.memory_info().rss
    tracemalloc.start()
    try:
        async with Fetcher(local_policy(max_bytes=1024 * 1024)) as fetcher:
            with pytest.raises(ResponseTooLargeError, match="larger than 1048576 bytes"):
                await fetcher.fetch(server.url("/huge"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = process.memory_info().rss - rss_before

    assert peak < 8 * 1024 * 1024, f"peak traced memory {peak} bytes"
    assert rss_growth < 20 * 1024 * 1024, f"RSS grew by {rss_growth} bytes"


async def test_body_exactly_at_the_cap_is_accepted(server: FeedServer) -> None:
    server.stream("/exact", chunk=b"a" * 1024, count=64)

    async with Fetcher(local_policy(max_bytes=64 * 1024)) as fetcher:
        result = await fetcher.fetch(server.url("/exact"))

    assert len(result.content) == 64 * 1024


async def test_declared_content_length_over_cap_fails_before_reading(server: FeedServer) -> None:
    # The server declares 1 GB but sends one small chunk and then stalls: only a check on the
    # header can fail fast (reading would hit the timeout instead).
    server.stream("/declared", chunk=b"x" * 100, count=2, chunk_delay=30, content_length=10**9)

    async with Fetcher(local_policy(max_bytes=1024 * 1024, timeout_seconds=10)) as fetcher:
        started = time.monotonic()
        with pytest.raises(ResponseTooLargeError, match="declares 1000000000 bytes"):
            await fetcher.fetch(server.url("/declared"))

    assert time.monotonic() - started < 2


async def test_gzip_bomb_is_cut_at_the_cap_with_bounded_memory(server: FeedServer) -> None:
    import tracemalloc

    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100 * 1024
    server.add("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    del bomb
    tracemalloc.start()
    try:
        async with Fetcher(local_policy(max_bytes=1024 * 1024)) as fetcher:
            with pytest.raises(ResponseTooLargeError):
                await fetcher.fetch(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 8 * 1024 * 1024, f"peak traced memory {peak} bytes"


async def test_server_that_never_answers_times_out(server: FeedServer) -> None:
    server.hang("/silent")

    async with Fetcher(local_policy(timeout_seconds=0.5)) as fetcher, asyncio.timeout(10):
        started = time.monotonic()
        with pytest.raises(FetchTimeoutError, match=r"did not answer within 0\.5 s"):
            await fetcher.fetch(server.url("/silent"))

    assert 0.4 < time.monotonic() - started < 1.5


async def test_trickling_server_hits_the_total_deadline(server: FeedServer) -> None:
    # One byte every 0.1 s never trips the 1 s read timeout; the total deadline must.
    server.stream("/trickle", chunk=b"<", count=10_000, chunk_delay=0.1)

    async with Fetcher(local_policy(timeout_seconds=1.0)) as fetcher, asyncio.timeout(10):
        started = time.monotonic()
        with pytest.raises(FetchTimeoutError):
            await fetcher.fetch(server.url("/trickle"))

    assert 0.9 < time.monotonic() - started < 2.0


async def test_redirect_is_followed(server: FeedServer, fetcher: Fetcher) -> None:
    server.redirect("/old", "/new", status=301)
    server.add("/new", body=FEED)

    result = await fetcher.fetch(server.url("/old"))

    assert result.url == server.url("/old")
    assert result.final_url == server.url("/new")
    assert result.content == FEED


async def test_five_redirects_are_followed(server: FeedServer, fetcher: Fetcher) -> None:
    for hop in range(5):
        server.redirect(f"/r{hop}", f"/r{hop + 1}")
    server.add("/r5", body=FEED)

    result = await fetcher.fetch(server.url("/r0"))

    assert result.final_url == server.url("/r5")
    assert len(server.requests) == 6


async def test_six_redirects_are_too_many(server: FeedServer, fetcher: Fetcher) -> None:
    for hop in range(6):
        server.redirect(f"/r{hop}", f"/r{hop + 1}")
    server.add("/r6", body=FEED)

    with pytest.raises(TooManyRedirectsError, match="more than 5 redirects"):
        await fetcher.fetch(server.url("/r0"))

    assert server.requests_to("/r6") == []


async def test_redirect_loop_is_detected(server: FeedServer, fetcher: Fetcher) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")

    with pytest.raises(TooManyRedirectsError, match="redirect loop"):
        await fetcher.fetch(server.url("/a"))

    assert len(server.requests) == 2


async def test_redirect_to_another_scheme_is_refused(server: FeedServer, fetcher: Fetcher) -> None:
    server.redirect("/feed", "ftp://files.example.org/feed.xml")

    with pytest.raises(UnsafeURLError, match="only http and https"):
        await fetcher.fetch(server.url("/feed"))


async def test_loopback_is_refused_by_default(server: FeedServer) -> None:
    server.add("/feed", body=FEED)

    async with Fetcher(FetchPolicy()) as fetcher:
        with pytest.raises(UnsafeURLError, match="non-public address"):
            await fetcher.fetch(server.url("/feed"))

    assert server.requests == []


async def test_name_resolving_to_loopback_is_refused_at_connect(server: FeedServer) -> None:
    server.add("/feed", body=FEED)

    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    async with Fetcher(FetchPolicy(), resolver=resolve) as fetcher:
        with pytest.raises(UnsafeURLError, match=r"feeds\.example resolves to a non-public"):
            await fetcher.fetch(server.url("/feed", host="feeds.example"))

    assert server.requests == []


async def test_connection_goes_to_the_checked_address(server: FeedServer) -> None:
    # The name exists only in our resolver: reaching the server proves the socket was opened
    # to the address the guard resolved (once), with the original Host header kept.
    server.add("/feed", body=FEED)
    lookups: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    async with Fetcher(local_policy(), resolver=resolve) as fetcher:
        result = await fetcher.fetch(server.url("/feed", host="feeds.example"))

    assert result.content == FEED
    assert lookups == ["feeds.example"]
    assert server.requests[0].headers["Host"] == f"feeds.example:{server.port}"


async def test_unresolvable_name_is_a_transport_error(server: FeedServer) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        raise TransportError(f"could not resolve {host}: no such name")

    async with Fetcher(local_policy(), resolver=resolve) as fetcher:
        with pytest.raises(TransportError, match=r"could not resolve nowhere\.example"):
            await fetcher.fetch("http://nowhere.example/feed")


async def test_connection_refused_is_a_transport_error() -> None:
    async with FeedServer() as srv:
        url = srv.url("/feed")  # the port is free again once the server stops

    async with Fetcher(local_policy()) as fetcher:
        with pytest.raises(TransportError, match="could not fetch"):
            await fetcher.fetch(url)


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_seconds_on_error_status(
    server: FeedServer, fetcher: Fetcher, status: int
) -> None:
    server.add("/feed", status=status, body=b"slow down", headers={"Retry-After": "120"})

    with pytest.raises(HTTPStatusError) as caught:
        await fetcher.fetch(server.url("/feed"))

    assert caught.value.status == status
    assert caught.value.retry_after == 120.0
    assert caught.value.url == server.url("/feed")


async def test_retry_after_http_date(server: FeedServer, fetcher: Fetcher) -> None:
    when = datetime.now(UTC) + timedelta(hours=1)
    server.add("/feed", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})

    with pytest.raises(HTTPStatusError) as caught:
        await fetcher.fetch(server.url("/feed"))

    assert caught.value.retry_after is not None
    assert 3590 <= caught.value.retry_after <= 3600


async def test_not_found_is_an_http_status_error(server: FeedServer, fetcher: Fetcher) -> None:
    with pytest.raises(HTTPStatusError, match=r"HTTP 404 from http://127\.0\.0\.1") as caught:
        await fetcher.fetch(server.url("/missing"))

    assert caught.value.retry_after is None


async def test_per_host_concurrency_is_respected(server: FeedServer) -> None:
    server.add("/feed", body=FEED, delay=0.2)

    async with Fetcher(local_policy(concurrency=10, per_host_concurrency=2)) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(server.url("/feed")) for _ in range(6)))

    assert [result.content for result in results] == [FEED] * 6
    assert server.max_concurrent == 2


async def test_global_concurrency_is_respected() -> None:
    # Two hosts (127.0.0.1 and 127.0.0.2), per-host limit 3, global limit 4: the servers
    # together must never see more than 4 requests at once.
    active = 0
    peak = 0

    async def slow_feed(request: web.BaseRequest) -> web.StreamResponse:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        try:
            await asyncio.sleep(0.1)
            return web.Response(body=FEED)
        finally:
            active -= 1

    async with FeedServer() as first, FeedServer(host="127.0.0.2") as second:
        first.handle("/feed", slow_feed)
        second.handle("/feed", slow_feed)
        urls = [srv.url("/feed") for srv in (first, second)] * 5

        async with Fetcher(local_policy(concurrency=4, per_host_concurrency=3)) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))

        assert len(results) == 10
        assert peak == 4
        assert first.max_concurrent <= 3
        assert second.max_concurrent <= 3


async def test_waiting_for_a_slot_does_not_count_against_the_deadline(
    server: FeedServer,
) -> None:
    # Six 0.3 s answers through two slots take 0.9 s in all; each fetch's 0.6 s deadline only
    # starts once it holds a slot, so none of them times out.
    server.add("/feed", body=FEED, delay=0.3)

    async with Fetcher(
        local_policy(concurrency=2, per_host_concurrency=6, timeout_seconds=0.6)
    ) as fetcher:
        started = time.monotonic()
        results = await asyncio.gather(*(fetcher.fetch(server.url("/feed")) for _ in range(6)))

    assert [result.status for result in results] == [200] * 6
    assert time.monotonic() - started >= 0.85
    assert server.max_concurrent == 2


async def test_userinfo_never_appears_in_errors(server: FeedServer, fetcher: Fetcher) -> None:
    server.add("/feed", status=500)
    url = f"http://reader:s3cret-pass@127.0.0.1:{server.port}/feed"

    with pytest.raises(HTTPStatusError) as caught:
        await fetcher.fetch(url)

    assert "s3cret-pass" not in str(caught.value)
    assert "reader" not in str(caught.value)
    assert caught.value.url == server.url("/feed")


async def test_userinfo_not_in_timeout_error(server: FeedServer) -> None:
    server.hang("/feed")
    url = f"http://reader:s3cret-pass@127.0.0.1:{server.port}/feed"

    async with Fetcher(local_policy(timeout_seconds=0.3)) as fetcher:
        with pytest.raises(FetchTimeoutError) as caught:
            await fetcher.fetch(url)

    assert "s3cret-pass" not in str(caught.value)
    assert "s3cret-pass" not in str(caught.value.__cause__)


async def test_custom_handler_sees_no_cookies_from_earlier_fetches(server: FeedServer) -> None:
    async def set_cookie(request: web.BaseRequest) -> web.StreamResponse:
        response = web.Response(body=FEED)
        response.set_cookie("session", "abc")
        return response

    server.handle("/cookie", set_cookie)
    server.add("/feed", body=FEED)

    async with Fetcher(local_policy()) as fetcher:
        await fetcher.fetch(server.url("/cookie"))
        await fetcher.fetch(server.url("/feed"))

    assert "Cookie" not in server.requests_to("/feed")[0].headers


async def test_fetch_outside_context_is_an_error() -> None:
    fetcher = Fetcher(local_policy())

    with pytest.raises(RuntimeError, match="not open"):
        await fetcher.fetch("http://127.0.0.1/")
