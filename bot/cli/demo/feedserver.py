"""A tiny local HTTP server (aiohttp, 127.0.0.1, a free port) serving the demo's samples."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web

from bot.cli.demo.samples import FEED_PATH, TEXT_PATH, rss_feed, scraped_article

SHUTDOWN_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class RunningFeedServer:
    """A started sample server: where its feed and its scraped article are."""

    base_url: str

    def url(self, path: str) -> str:
        """Return the URL of a path on this server."""
        return self.base_url + path

    @property
    def feed_url(self) -> str:
        """Return the URL of the sample RSS feed."""
        return self.base_url + FEED_PATH

    @property
    def article_url(self) -> str:
        """Return the URL of the sample scraped plain-text article."""
        return self.base_url + TEXT_PATH


def build_app(now: datetime) -> web.Application:
    """An aiohttp app answering the feed (RSS) and the article (text/plain) with fixed bodies."""
    feed = rss_feed(now)
    article = scraped_article(now)

    async def serve_feed(_: web.Request) -> web.Response:
        return web.Response(body=feed, content_type="application/rss+xml", charset="utf-8")

    async def serve_article(_: web.Request) -> web.Response:
        return web.Response(body=article, content_type="text/plain", charset="utf-8")

    app = web.Application()
    app.router.add_get(FEED_PATH, serve_feed)
    app.router.add_get(TEXT_PATH, serve_article)
    return app


@asynccontextmanager
async def running_feed_server(
    host: str = "127.0.0.1", port: int = 0, *, now: datetime | None = None
) -> AsyncIterator[RunningFeedServer]:
    """Serve the samples on host:port (0: a free port) for the duration of the block."""
    runner = web.AppRunner(
        build_app(now or datetime.now(UTC)),
        handle_signals=False,
        access_log=None,
        shutdown_timeout=SHUTDOWN_SECONDS,
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield RunningFeedServer(f"http://{bound_host}:{bound_port}")
    finally:
        await runner.cleanup()
