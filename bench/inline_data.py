"""Synthetic article databases for the inline benchmark, generated once and cached.

Articles come from `bench.synth.ArticleFactory` (a Zipf mix of a 20,000-word vocabulary,
recurring places, people and topic words) and are stored through the real repository, so
the FTS index, tags and stories are exactly what ingestion would build. One article every
few seconds over the weeks before `NEWEST` (1M articles span ~45 days).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.synth import PEOPLE, PLACES, TOPICS, ArticleFactory
from news.dedupe import content_hash, simhash
from news.models import ArticleDraft
from storage.sqlite.database import SQLiteDatabase, open_sqlite
from storage.sqlite.migrations import SCHEMA_VERSION

NEWEST = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SECONDS_APART = 4
SOURCES = 50
BATCH = 2_000
REPLICATION_BASE = 100_000
"""Larger data sets are copies of this one (`bench.scale_data`): generating 1M articles
through the repository takes 13 minutes on an idle machine and hours on a busy one."""
SCHEMA_TAG = "v1"
"""Bump when the generated content changes, so cached databases are rebuilt."""


@dataclass(frozen=True, slots=True)
class Dataset:
    """A generated database and what the queries may use."""

    path: Path
    articles: int


def article_time(number: int, total: int) -> datetime:
    """Return the publication time of article `number` (0 is the oldest)."""
    return NEWEST - timedelta(seconds=SECONDS_APART * (total - 1 - number))


def make_draft(
    factory: ArticleFactory, rng: random.Random, number: int, total: int
) -> ArticleDraft:
    """Return one synthetic article: a headline, a lede, a ~1 KB body and 2-4 tags."""
    factory.new_story()
    title = factory.title()
    paragraphs = factory.paragraphs(rng.randint(600, 1400))
    summary, body = paragraphs[0], "\n\n".join(paragraphs)
    named = [word for word in title.split() if word in PLACES or word in PEOPLE]
    tags = list(dict.fromkeys([*named, rng.choice(TOPICS)]))[: rng.randint(2, 4)]
    return ArticleDraft(
        guid=f"bench-{number}",
        url=f"https://news.example/{number // 1000}/story-{number}",
        title=title,
        summary=summary,
        body=body,
        image_url=f"https://news.example/img/{number}.jpg" if number % 3 == 0 else None,
        author=None,
        published_at=article_time(number, total),
        language="en",
        tags=tags,
        related=[],
        content_hash=content_hash(title, summary, body),
        simhash=simhash(title + " " + summary),
    )


async def populate(db: SQLiteDatabase, total: int, *, seed: int = 11, report: bool = True) -> None:
    """Store `total` synthetic articles from `SOURCES` sources, oldest first."""
    source_ids = [
        (await db.sources.add(f"https://feeds.example/{n}.xml", name=f"Wire {n}")).id
        for n in range(SOURCES)
    ]
    factory = ArticleFactory(seed)
    rng = random.Random(seed)
    started = time.perf_counter()
    for first in range(0, total, BATCH):
        numbers = range(first, min(total, first + BATCH))
        by_source: dict[int, list[ArticleDraft]] = {}
        for number in numbers:
            draft = make_draft(factory, rng, number, total)
            by_source.setdefault(source_ids[number % SOURCES], []).append(draft)
        for source_id, drafts in by_source.items():
            await db.articles.upsert_many(
                source_id, drafts, fetched_at=article_time(numbers[-1], total)
            )
        if report and (first // BATCH) % 25 == 0:
            done = numbers[-1] + 1
            rate = done / (time.perf_counter() - started)
            print(f"  generated {done:,}/{total:,} articles ({rate:,.0f}/s)", flush=True)
    # The data set is an SQLite file: merge its full-text segments as a long-lived one is.
    await db.session.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")


async def dataset(cache: Path, total: int) -> Dataset:
    """Return the cached database of `total` articles, generating it the first time.

    A multiple of `REPLICATION_BASE` above it is built as copies of that set, each copy's
    articles renumbered and moved back in time (`bench.scale_data`, checked there to equal
    what ingesting the same drafts stores).
    """
    if total > REPLICATION_BASE and total % REPLICATION_BASE == 0:
        from bench.scale_data import build  # it imports this module's constants

        copies = total // REPLICATION_BASE
        path = cache / f"inline-{SCHEMA_TAG}-{total}-replicated.sqlite3"
        if not path.exists():
            base = await dataset(cache, REPLICATION_BASE)
            print(f"building {total:,} articles into {path}: {copies} copies of the", flush=True)
            print(f"  {REPLICATION_BASE:,}-article set (once; cached)", flush=True)
            await build(base.path, path, copies)
        return Dataset(path=path, articles=total)
    path = cache / f"inline-{SCHEMA_TAG}-{total}.sqlite3"
    partial = path.with_suffix(".partial")
    if not await asyncio.to_thread(_prepare_cache, path, partial):
        print(f"generating {total:,} articles into {path} (once; cached)", flush=True)
        db = await open_sqlite(partial)
        try:
            await populate(db, total)
        finally:
            await db.close()
        os.replace(partial, path)
    return Dataset(path=path, articles=total)


async def at_current_schema(data: Dataset) -> Dataset:
    """Return the data set at this code's schema version: the cached file itself when it is
    current, else a copy of it beside it (made once, then migrated when opened), so that the
    cached file stays readable by the code that generated it."""
    path = await asyncio.to_thread(_current_copy, data.path)
    return Dataset(path=path, articles=data.articles)


def _current_copy(path: Path) -> Path:
    """Return `path`, or a copy of it named by schema version when its schema is older."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
        version = source.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            return path
        copy = path.with_name(f"{path.stem}-schema{SCHEMA_VERSION}.sqlite3")
        if copy.exists():
            return copy
        print(f"copying {path.name} to {copy.name} (schema {version} -> {SCHEMA_VERSION})")
        partial = copy.with_suffix(".partial")
        with contextlib.closing(sqlite3.connect(partial)) as target:
            source.backup(target)
        os.replace(partial, copy)
        return copy


def _prepare_cache(path: Path, partial: Path) -> bool:
    """Create the cache folder and remove an interrupted run; tell whether `path` exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return True
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    return False


if __name__ == "__main__":
    import sys

    asyncio.run(dataset(Path("bench/.cache"), int(sys.argv[1])))
