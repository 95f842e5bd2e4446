"""The demo's samples parse with the project's own parsers, and the feed server serves them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from bot.cli.demo.feedserver import running_feed_server
from bot.cli.demo.samples import (
    FEED_STORIES,
    SAMPLE_SOURCES,
    TEXT_TITLE,
    rss_feed,
    sample_titles,
    scraped_article,
)
from news.models import DocumentKind
from news.parse import parse_document
from news.related import is_related, subject_overlap

NOW = datetime(2024, 9, 3, 18, 10, tzinfo=UTC)


def test_feed_has_every_story_newest_first_with_categories_and_dates():
    document = parse_document(rss_feed(NOW), content_type="application/rss+xml")
    assert document.kind is DocumentKind.RSS
    entries = document.entries
    assert [e.title for e in entries] == [s.title for s in reversed(FEED_STORIES)]
    assert entries[0].categories == ["Wildlife", "Alder Estuary"]
    assert entries[-1].published_at == NOW - timedelta(hours=5)


def test_scraped_article_is_read_as_the_seed_shape():
    document = parse_document(scraped_article(NOW), content_type="text/plain")
    [entry] = document.entries
    assert entry.title == TEXT_TITLE
    assert entry.published_at == datetime(2024, 9, 3, 17, 40, tzinfo=UTC)
    assert [link.title for link in entry.related] == [FEED_STORIES[2].title]
    assert "icon" not in entry.content
    assert "Share this story" not in entry.content
    assert "310 jars" in entry.content


def test_titles_are_listed_oldest_first():
    assert sample_titles() == (*(s.title for s in FEED_STORIES), TEXT_TITLE)


async def test_feed_server_serves_the_feed_and_the_article():
    async with running_feed_server(now=NOW) as server, httpx.AsyncClient() as client:
        feed = await client.get(server.feed_url)
        article = await client.get(server.article_url)
        missing = await client.get(server.base_url + "/nothing")
    assert feed.status_code == 200
    assert feed.content == rss_feed(NOW)
    assert feed.headers["content-type"].startswith("application/rss+xml")
    assert article.content == scraped_article(NOW)
    assert article.headers["content-type"] == "text/plain; charset=utf-8"
    assert missing.status_code == 404


def test_sample_sources_hold_every_story():
    assert sum(source.stories for source in SAMPLE_SOURCES) == len(sample_titles())
    assert len({source.path for source in SAMPLE_SOURCES}) == len(SAMPLE_SOURCES)


def test_the_scraped_article_follows_up_the_oldest_feed_story_only():
    """The demo's discussion reply needs exactly one post with related coverage."""
    [article] = parse_document(scraped_article(NOW), content_type="text/plain").entries
    feed = parse_document(rss_feed(NOW), content_type="application/rss+xml").entries
    text = article.summary or article.content or ""
    scores = {
        entry.title: subject_overlap(article.title, text, entry.title, entry.summary or "")
        for entry in feed
    }
    related = [title for title, score in scores.items() if is_related(score)]
    assert related == [FEED_STORIES[0].title]
    for story in FEED_STORIES[1:]:  # nor do the feed's stories follow up one another
        for earlier in FEED_STORIES:
            if earlier.age > story.age:
                score = subject_overlap(
                    story.title, story.paragraphs[0], earlier.title, earlier.paragraphs[0]
                )
                assert not is_related(score), (story.title, earlier.title)
