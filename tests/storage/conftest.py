"""Fixtures for storage tests: a database (in memory and in a file) and article drafts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from news.models import ArticleDraft
from storage import Database
from tests.factories import draft
from tests.support.engines import fresh_store

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)

DraftFactory = Callable[..., ArticleDraft]


ENGINES = ("sqlite", "sqlite-file", "postgresql")
"""The contract suite runs on every engine: the same tests, unchanged. SQLite runs twice: in
memory (one connection) and in a file (a writer and reader connections, storage.sqlite.session)."""


@pytest.fixture(params=ENGINES)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """Yield a fresh, empty store on each engine, closed afterwards."""
    async with fresh_store(request.param, request, tmp_path) as database:
        yield database


@pytest.fixture
def make_draft() -> DraftFactory:
    """Return a factory of drafts: `make_draft(n, title=..., ...)` with sensible defaults."""

    def factory(number: int = 1, **overrides: Any) -> ArticleDraft:
        fields: dict[str, Any] = {
            "url": f"https://news.example/story/{number}",
            "title": f"Harbour council votes on ferry timetable {number}",
            "summary": "Councillors met late on Tuesday to settle the winter timetable.",
            "body": "The harbour council approved a reduced ferry service for the winter "
            "months after a long debate about fuel costs and passenger numbers.",
            "author": "Staff Writer",
            "published_at": NOW,
            "tags": ["Harbour"],
        }
        fields.update(overrides)
        return draft(number, **fields)

    return factory
