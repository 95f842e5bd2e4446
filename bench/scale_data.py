"""Large synthetic databases built fast: a generated base replicated into later copies.

Generating 10M articles through the repository runs at ~1,300 articles/s (over 2 h here).
This builds the same database by replication: copy `k` of base article `n` is article
`n + k * N` of a `copies * N` set, the same text with its guid, URL and image renumbered
and its times moved `copies - 1 - k` base spans back, so copies follow each other one
article every `SECONDS_APART`. Rows go in with one `INSERT … SELECT` per copy, the article
indexes are created once after them, and both full-text indexes are rebuilt once from
the stored rows with the schema's own tokenizer, prefix and automerge settings (the
migrations made the schema). `replica_draft` is the same rule in Python: ingesting its
drafts through the real repository gives the same rows and search results
(`tests/bench/test_bench_search_scale.py` checks it).

`lede_only` keeps each body's first paragraph only (the lede, which is also the summary):
half the text to index and store, for when the full 10M set does not fit the disk or the
time at hand (about 5 GB and 500 s of indexing a million full articles on this machine).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Final

from bench.inline_data import SECONDS_APART, SOURCES
from news.dedupe import content_hash
from news.models import ArticleDraft
from storage.sqlite.database import open_sqlite

BASE_URL: Final = "https://news.example/"
FLUSH_BYTES: Final = 64 * 2**20
_TIMES: Final = ("story_at", "published_at", "fetched_at", "updated_at")
_KEPT: Final = (
    "source_id",
    "simhash",
    "band0",
    "band1",
    "band2",
    "band3",
    "content_hash",
    "language",
    "author",
    "tags",
    "related",
    "title",
    "summary",
    "body",
)


def shift(copy: int, copies: int, base: int) -> timedelta:
    """Return how far back in time copy `copy` (0 is the oldest) of `base` articles lies."""
    return timedelta(seconds=SECONDS_APART * (copies - 1 - copy) * base)


def replica_draft(
    draft: ArticleDraft, copy: int, copies: int, base: int, *, lede_only: bool = False
) -> ArticleDraft:
    """Return copy `copy` of a base article's draft (what the SQL of `build` writes)."""
    number = int(draft.guid.removeprefix("bench-")) + copy * base
    back = shift(copy, copies, base)
    if lede_only:
        draft = replace(
            draft,
            body=draft.summary,
            content_hash=content_hash(draft.title, draft.summary, draft.summary),
        )
    return replace(
        draft,
        guid=f"bench-{number}",
        url=f"{BASE_URL}{number // 1000}/story-{number}",
        image_url=None if draft.image_url is None else f"{BASE_URL}img/{number}.jpg",
        published_at=None if draft.published_at is None else draft.published_at - back,
    )


def _copy_sql(copy: int, copies: int, base: int, *, lede_only: bool) -> str:
    """Return the `INSERT … SELECT` writing copy `copy` of the base articles."""
    offset = copy * base
    back = int(shift(copy, copies, base) / timedelta(microseconds=1))
    number = f"(CAST(substr(guid, 7) AS INTEGER) + {offset})"
    renumbered = {
        "id": f"id + {offset}",
        "story_id": f"story_id + {offset}",
        "guid": f"'bench-' || {number}",
        "url": f"'{BASE_URL}' || ({number} / 1000) || '/story-' || {number}",
        "image_url": f"CASE WHEN image_url IS NULL THEN NULL "
        f"ELSE '{BASE_URL}img/' || {number} || '.jpg' END",
        **{column: f"{column} - {back}" for column in _TIMES},
        **{column: column for column in _KEPT},
    }
    if lede_only:
        renumbered["body"] = "summary"
        renumbered["content_hash"] = "newsbot_content_hash(title, summary, summary)"
    return (
        f"INSERT INTO articles ({', '.join(renumbered)}) "
        f"SELECT {', '.join(renumbered.values())} FROM base.articles ORDER BY id"
    )


def _say(started: float, text: str) -> None:
    """Print a progress line with the elapsed time."""
    print(f"  [{time.perf_counter() - started:7.1f} s] {text}", flush=True)


def _fill(path: Path, base: Path, copies: int, lede_only: bool) -> None:
    """Write `copies` copies of the base's articles into the migrated, empty `path`."""
    started = time.perf_counter()
    con = sqlite3.connect(f"file:{path}", uri=True, isolation_level=None)
    try:
        for pragma in (
            "journal_mode = OFF",  # a file being built: nothing to roll back to
            "synchronous = OFF",
            "cache_size = -262144",
            "temp_store = FILE",
        ):
            con.execute(f"PRAGMA {pragma}")
        con.create_function("newsbot_content_hash", 3, content_hash, deterministic=True)
        con.execute("ATTACH DATABASE ? AS base", (f"file:{base}?mode=ro",))
        count, top = con.execute("SELECT count(*), max(id) FROM base.articles").fetchone()
        if count != top or count % SOURCES:
            raise ValueError(f"{base}: ids must be 1..N with N a multiple of {SOURCES}")
        indexes = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('articles', 'article_tags')"
        ).fetchall()
        con.execute("BEGIN")
        for name, _ in indexes:
            con.execute(f"DROP INDEX {name}")
        con.execute("INSERT INTO sources SELECT * FROM base.sources")
        con.execute("COMMIT")
        for copy in range(copies):
            con.execute("BEGIN")
            con.execute(_copy_sql(copy, copies, count, lede_only=lede_only))
            con.execute(
                f"INSERT INTO article_tags (article_id, key, name) "
                f"SELECT article_id + {copy * count}, key, name FROM base.article_tags "
                "ORDER BY article_id, key"
            )
            con.execute("COMMIT")
            _say(started, f"copy {copy + 1}/{copies}: {(copy + 1) * count:,} articles")
        con.execute("DELETE FROM sqlite_sequence")
        con.execute("INSERT INTO sqlite_sequence SELECT name, seq FROM base.sqlite_sequence")
        con.execute(
            "UPDATE sqlite_sequence SET seq = ? WHERE name = 'articles'", (copies * count,)
        )
        for name, sql in indexes:
            con.execute(sql)
            _say(started, f"index {name}")
        for index in ("headlines_fts", "articles_fts"):
            # Terms are flushed to a new segment every FLUSH_BYTES instead of 1 MB during the
            # rebuild: fewer, larger segments (where automerge takes ingestion's), less
            # merging on the way; the setting is removed after, as ingestion never sets it.
            con.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('hashsize', {FLUSH_BYTES})")
            con.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
            con.execute(f"DELETE FROM {index}_config WHERE k = 'hashsize'")
            _say(started, f"{index} rebuilt")
        con.execute("DETACH DATABASE base")
        con.execute("PRAGMA journal_mode = WAL")
    finally:
        con.close()


def _prepare(target: Path, partial: Path) -> bool:
    """Remove an interrupted build; tell whether `target` exists already."""
    if target.exists():
        return True
    for leftover in target.parent.glob(partial.name + "*"):
        leftover.unlink()
    return False


async def build(base: Path, target: Path, copies: int, *, lede_only: bool = False) -> Path:
    """Build `target` from `copies` copies of `base` (once: an existing target is kept)."""
    partial = target.with_suffix(".partial")
    if await asyncio.to_thread(_prepare, target, partial):
        return target
    db = await open_sqlite(partial)  # the schema, by the migrations
    await db.close()
    await asyncio.to_thread(_fill, partial, base, copies, lede_only)
    partial.rename(target)
    return target
