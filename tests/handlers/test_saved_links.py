"""Pasting a link to a page the bot does not have: fetched, stored and saved, end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.app.runtime import fetch_policy
from bot.services.saving.links import NOT_AN_ARTICLE, REFUSED, SAVED_LINKS_SOURCE
from handlers.forwards import LINK_FAILED
from news.fetch import Fetcher
from storage import Database
from tests.handlers.conftest import reader_bot
from tests.support.feedserver import FeedServer
from tests.support.reads import bookmark_ids

ARTICLE_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Tide mill wheel turns again after restoration | Estuary Notes</title>
<meta property="og:title" content="Tide mill wheel turns again after restoration">
<meta property="og:type" content="article">
<meta name="description" content="Volunteers spent three summers rebuilding the old wheel.">
<meta property="article:published_time" content="2026-11-28T09:30:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article>
<h1>Tide mill wheel turns again after restoration</h1>
<p>Volunteers spent three summers rebuilding the old wheel of the tide mill by the estuary,
replacing every oak paddle and the iron axle that had rusted through decades ago.</p>
<p>On Saturday morning the sluice gates were opened as the tide fell, and the wheel turned
slowly at first, then steadily, while a small crowd cheered from the footbridge above.</p>
<p>The mill trust plans to grind flour on open days next spring and hopes to welcome school
groups who want to see how the estuary once powered the village bakery.</p>
<p>Donations paid for the timber, and a retired joiner taught the volunteers how to shape
each paddle by hand so that the wheel would stay balanced in the current.</p>
</article>
<footer>Estuary Notes, a newsletter of our own making.</footer>
</body></html>
"""

EMPTY_FEED = b"<rss version='2.0'><channel><title>Estuary Notes</title></channel></rss>"


@asynccontextmanager
async def saving_bot(bot_app: Any, db: Database, **settings: Any) -> AsyncIterator[Any]:
    """The reader bot with a fetcher under the settings' fetch policy."""
    async with reader_bot(bot_app, db, **settings) as harness:
        data = harness.application.bot_data
        async with Fetcher(fetch_policy(data.settings)) as fetcher:
            data.attach(fetcher=fetcher)
            yield harness


async def test_an_unknown_article_page_is_fetched_stored_and_saved(bot_app, db):
    async with FeedServer() as server:
        server.add("/mill.html", body=ARTICLE_PAGE, content_type="text/html; charset=utf-8")
        server.add("/gone.html", status=404, content_type="text/html")
        server.add("/feed.xml", body=EMPTY_FEED)
        async with saving_bot(bot_app, db, allow_private_addresses=True) as harness:
            ann = await harness.new_user("Ann")
            await ann.send(f"worth keeping: {server.url('/mill.html')}")
            await ann.send(server.url("/mill.html"))
            await ann.send(server.url("/gone.html"))
            await ann.send(server.url("/feed.xml"))
            await ann.send("/bookmarks")
            replies = await harness.wait_for_messages(ann.id, 5)
            errors = harness.take_errors()

    title = "Tide mill wheel turns again after restoration"
    assert [reply.text for reply in replies[:4]] == [
        f"🔖 Saved: {title}",
        f"Already in your bookmarks: {title}",
        LINK_FAILED.format(reason="the page answered with an error (HTTP 404)"),
        LINK_FAILED.format(reason=NOT_AN_ARTICLE),
    ]
    assert title in replies[4].text
    [bookmark] = await db.bookmarks.list(ann.id)
    article = await db.articles.get(bookmark.article_id)
    assert article.title == title
    assert "retired joiner" in article.body
    [source] = await db.sources.list()
    assert (source.name, source.paused) == (SAVED_LINKS_SOURCE, True)
    assert article.source_id == source.id
    assert await db.articles.count() == 1
    assert errors == []


async def test_private_addresses_are_refused_unless_allowed(bot_app, db):
    async with FeedServer() as server:
        server.add("/mill.html", body=ARTICLE_PAGE, content_type="text/html; charset=utf-8")
        async with saving_bot(bot_app, db) as harness:
            ann = await harness.new_user("Ann")
            await ann.send(server.url("/mill.html"))
            [reply] = await harness.wait_for_messages(ann.id, 1)
            errors = harness.take_errors()
        requests = server.requests_to("/mill.html")

    assert reply.text == LINK_FAILED.format(reason=REFUSED)
    assert requests == []
    assert await db.articles.count() == 0
    assert await db.sources.list() == []
    assert await bookmark_ids(db, ann.id) == set()
    assert errors == []
