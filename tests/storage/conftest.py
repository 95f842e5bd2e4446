"""Fixtures for storage tests: an in-memory database and article drafts of our own."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from news.models import ArticleDraft
from storage import Database, open_database

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)

DraftFactory = Callable[..., ArticleDraft]


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    """Yield a fresh in-memory database, closed afterwards."""
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


def content_hash(title: str, summary: str, body: str) -> str:
    """Hash the text fields the way a caller would."""
    return hashlib.sha256(f"{title}\n{summary}\n{body}".encode()).hexdigest()


def spread_simhash(number: int) -> int:
    """Return a pseudo-random 64-bit hash: different numbers are far apart in Hamming terms."""
    return int.from_bytes(hashlib.sha256(str(number).encode()).digest()[:8], "big")


@pytest.fixture
def make_draft() -> DraftFactory:
    """Return a factory of drafts: `make_draft(n, title=..., ...)` with sensible defaults."""

    def factory(number: int = 1, **overrides: Any) -> ArticleDraft:
        fields: dict[str, Any] = {
            "guid": f"guid-{number}",
            "url": f"https://news.example/story/{number}",
            "title": f"Harbour council votes on ferry timetable {number}",
            "summary": "Councillors met late on Tuesday to settle the winter timetable.",
            "body": "The harbour council approved a reduced ferry service for the winter "
            "months after a long debate about fuel costs and passenger numbers.",
            "image_url": None,
            "author": "Staff Writer",
            "published_at": NOW,
            "language": "en",
            "tags": ["Harbour"],
            "related": [],
            "simhash": spread_simhash(number),
        }
        fields.update(overrides)
        if "content_hash" not in overrides:
            fields["content_hash"] = content_hash(
                fields["title"], fields["summary"], fields["body"]
            )
        return ArticleDraft(**fields)

    return factory
