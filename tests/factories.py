"""Test data, built in one place: article drafts, sources and stored articles.

    draft("ferry", "Night ferry returns")               # a reader-facing story
    draft(3, title="Lighthouse diary", tags=["Coast"])  # any field can be named
    draft("copy", STORM, story="main")                  # a near-duplicate of "main"

Every field of `ArticleDraft` has a default; `content_hash` follows the final texts and
`simhash` the `story` (by default the key), so drafts of different keys are never
near-duplicates by accident and drafts of one story always are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from news.dedupe import content_hash
from news.entities import Article, Source
from news.models import ArticleDraft
from storage import Database

PUBLISHED = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)
"""When drafts were published unless a test says otherwise."""
FETCHED = PUBLISHED + timedelta(days=1)
"""When `store` says the drafts were fetched."""
STORY_TIME = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
"""When `story_draft` drafts were published unless a test says otherwise."""
NEUTRAL_SUMMARY = "Details were few at the time of writing."
"""A summary that shares no word with the titles tests use (for search and related)."""


def fingerprint(story: object) -> int:
    """Return a 64-bit simhash far (in Hamming terms) from every other story's."""
    return int.from_bytes(hashlib.sha256(f"story-{story}".encode()).digest()[:8], "big")


def draft(
    key: object = 1,
    title: str | None = None,
    *,
    summary: str | None = None,
    body: str | None = None,
    tags: Sequence[str] = (),
    story: object | None = None,
    hours: float = 0,
    published_at: datetime | None = PUBLISHED,
    **fields: Any,
) -> ArticleDraft:
    """An article draft of our own writing, distinct per `key`.

    `summary` defaults to a sentence built on the title and `body` to the summary and one
    more sentence; `hours` moves `published_at`; `story` names the near-duplicate group;
    any other `ArticleDraft` field (guid, url, author, image_url, related, language,
    content_hash, simhash) can be given by name.
    """
    title = title if title is not None else f"Harbour story number {key}"
    summary = (
        summary if summary is not None else f"{title}. Residents gathered by the quay to watch."
    )
    body = body if body is not None else f"{summary} More details were promised for the evening."
    values: dict[str, Any] = {
        "guid": f"guid-{key}",
        "url": f"https://harbour.example/news/{key}",
        "image_url": None,
        "author": None,
        "language": "en",
        "related": [],
        "content_hash": content_hash(title, summary, body),
        "simhash": fingerprint(key if story is None else story),
    }
    values.update(fields)
    if published_at is not None:
        published_at += timedelta(hours=hours)
    return ArticleDraft(
        title=title,
        summary=summary,
        body=body,
        tags=list(tags),
        published_at=published_at,
        **values,
    )


async def add_source(db: Database, name: str, url: str | None = None) -> Source:
    """Return the source called `name` (feed URL derived from it), adding it if new."""
    url = url or f"https://{name.lower().replace(' ', '-')}.example/rss"
    return await db.sources.get_by_url(url) or await db.sources.add(url, name)


async def store(
    db: Database, source: Source, *drafts: ArticleDraft, fetched_at: datetime = FETCHED
) -> list[Article]:
    """Store drafts for a source; return the newly stored articles, in draft order."""
    result = await db.articles.upsert_many(source.id, list(drafts), fetched_at=fetched_at)
    return await db.articles.get_many(result.inserted)


def story_draft(
    key: object, title: str, *, summary: str = NEUTRAL_SUMMARY, **fields: Any
) -> ArticleDraft:
    """A draft whose only words are its title's (related coverage, near-duplicates).

    Published at `STORY_TIME` (plus `hours`), found at `https://{key}.example/news`; other
    arguments as for `draft`.
    """
    fields.setdefault("published_at", STORY_TIME)
    fields.setdefault("guid", str(key))
    fields.setdefault("url", f"https://{key}.example/news")
    return draft(
        key, title, summary=summary, body=f"{summary} Reporters will follow the matter.", **fields
    )
