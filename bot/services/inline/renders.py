"""`InlineRenders`: results an inline page rendered, on their way to `db.inline_results`.

Rendering one result (post HTML cut to fit, description, keyboard, JSON) costs ~150 µs, more
than reading it back, so each article's result is rendered once per version and language and
kept beside the article. A page answers first; what it rendered is written afterwards, in
batches, by one task at a time: answering never waits for the database's writer (busy
during an ingest). Until written, a render is served from here. A write that fails is
dropped (the result is rendered again when next asked for): the table is a cache.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterable
from typing import Final

from news.entities import ArticleVersion, InlineRender
from storage import Database
from storage.errors import StorageError

log = logging.getLogger(__name__)

MAX_WAITING: Final = 5_000
"""Renders waiting to be written at most; beyond that new ones are not kept."""
BATCH: Final = 500
"""Renders written in one transaction (the SQLite writer is held that long)."""


class InlineRenders:
    """Renders waiting to be stored, written by one background task at a time."""

    def __init__(self, max_waiting: int = MAX_WAITING) -> None:
        """Hold at most `max_waiting` renders not yet written."""
        self._max_waiting = max_waiting
        self._waiting: dict[tuple[int, str], InlineRender] = {}
        self._writer: asyncio.Task[None] | None = None
        self.rendered = 0
        """Results rendered so far (for metrics and the benchmark)."""
        self.reused = 0
        """Results served already rendered (kept in the database, or still waiting here)."""

    def waiting(self, article_id: int, language: str, version: ArticleVersion) -> str | None:
        """Return a render of this article version in `language` not written yet, if any."""
        render = self._waiting.get((article_id, language))
        return render.result if render is not None and render.version == version else None

    def keep(self, db: Database, renders: Iterable[InlineRender]) -> None:
        """Queue renders for writing (without waiting) and start the writer if idle."""
        for render in renders:
            if len(self._waiting) >= self._max_waiting:
                break
            self._waiting[(render.article_id, render.language)] = render
        if self._waiting and (self._writer is None or self._writer.done()):
            self._writer = asyncio.create_task(self._write(db), name="inline-renders")

    async def drain(self) -> None:
        """Wait until every render kept so far is written (or dropped)."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def _write(self, db: Database) -> None:
        """Write what waits, a batch at a time, until nothing does."""
        while self._waiting:
            batch = list(itertools.islice(self._waiting.values(), BATCH))
            try:
                await db.inline_results.store(batch)
            except StorageError as exc:
                log.warning(
                    "inline_renders_not_stored", extra={"renders": len(batch), "error": str(exc)}
                )
            finally:
                for render in batch:
                    key = (render.article_id, render.language)
                    if self._waiting.get(key) is render:
                        del self._waiting[key]
