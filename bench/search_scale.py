"""Search at scale: p50/p99 of every query kind at 100k, 1M and 10M articles on SQLite.

    python -m bench.search_scale                          # 100k x 1, 10, 100 (built once)
    python -m bench.search_scale --copies 1,10 --per-kind 200
    python -m bench.search_scale --tiny                   # seconds, as CI runs it

The databases are built by `bench.scale_data` from the cached 100k set of the inline
benchmark (`bench.inline_data`): copies of it renumbered and moved back in time, stored
with the same SQL, indexes and full-text settings ingestion uses. Each size is measured
the same way: `db.search.articles` (what inline mode runs, 50 a page) for each kind of
query, after a warm-up pass of as many other queries of the kind; one user holds 1,000
bookmarks spread over the archive for `saved`. Prints p50/p99 per kind and size, the p99
ratio of each size to the smallest, the database's size and the process's memory.
`--tiny` also checks the fast build against ingestion through the real repository.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Final

import psutil

from bench.inline import PAGE, Latency, queries
from bench.inline_data import (
    BATCH,
    NEWEST,
    SOURCES,
    article_time,
    dataset,
    make_draft,
    populate,
)
from bench.machine import load_line
from bench.scale_data import build, replica_draft, shift
from bench.synth import PEOPLE, ArticleFactory, vocabulary
from news.models import ArticleDraft
from storage import open_database
from storage.protocols import Database
from storage.sqlite.database import open_sqlite

CACHE: Final = Path(__file__).with_name(".cache")
USER_ID: Final = 4242
BOOKMARKS: Final = 1_000


def kinds(seed: int) -> dict[str, Callable[[int], list[str]]]:
    """Return the query generators by kind: count → that many queries."""
    general = vocabulary(20_000)

    def phrase(count: int) -> list[str]:
        rng = random.Random(f"phrase-{seed}")
        return [f'"{rng.choice(PEOPLE)} and {rng.choice(PEOPLE)}"'.lower() for _ in range(count)]

    def source(count: int) -> list[str]:
        rng = random.Random(f"source-{seed}")
        words = queries("word", count, seed)
        return [f'source:"Wire {rng.randrange(SOURCES)}" {word}' for word in words]

    def source_only(count: int) -> list[str]:
        rng = random.Random(f"source-only-{seed}")
        return [f"source:{rng.randrange(1, SOURCES + 1)}" for _ in range(count)]

    def saved(count: int) -> list[str]:
        rng = random.Random(f"saved-{seed}")
        return ["saved " + general[rng.randint(50, 2_000)] for _ in range(count)]

    return {
        "word": lambda count: queries("word", count, seed),
        "prefix": lambda count: queries("prefix", count, seed),
        "#tag": lambda count: queries("tag", count, seed),
        "two words": lambda count: queries("two-word", count, seed),
        "phrase": phrase,
        "source: + word": source,
        "source: only": source_only,
        "saved + word": saved,
    }


async def bookmark(db: Database) -> None:
    """Give `USER_ID` `BOOKMARKS` bookmarks spread over the archive (once)."""
    await db.users.upsert(USER_ID, username=None, first_name="Bench", language_code="en")
    if await db.bookmarks.count_all():
        return
    total = await db.articles.count()
    step = max(1, total // BOOKMARKS)
    async with db.transaction():
        for n in range(min(BOOKMARKS, total)):
            await db.bookmarks.add(USER_ID, 1 + n * step, now=NEWEST - timedelta(minutes=n))


@dataclass(frozen=True, slots=True)
class Figures:
    """One kind of query at one size: wall-clock latency and the CPU each query took."""

    wall: Latency
    cpu: Latency
    """The process's CPU time over the query (its SQLite thread's included): what the query
    costs whatever else the machine runs, where wall time also holds waits for a core."""


async def measure(path: Path, per_kind: int) -> dict[str, Figures]:
    """Time each kind of query on the database at `path` (after a warm-up of each kind)."""
    results: dict[str, Figures] = {}
    async with await open_database(path) as db:
        await bookmark(db)
        measured, warm = kinds(5), kinds(99)
        for kind, make in measured.items():
            for text in warm[kind](per_kind):
                await db.search.articles(text, limit=PAGE, user_id=USER_ID)
            timings, cpu = [], []
            for text in make(per_kind):
                started, cpu_started = time.perf_counter(), time.process_time()
                await db.search.articles(text, limit=PAGE, user_id=USER_ID)
                timings.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            results[kind] = Figures(Latency.of(timings), Latency.of(cpu))
    return results


def scale_path(cache: Path, total: int, *, lede_only: bool) -> Path:
    """Return where the database of `total` articles is built."""
    return cache / f"search-scale{'-lede' if lede_only else ''}-{total}.sqlite3"


def size_of(path: Path) -> int:
    """Return the bytes of a database file with its WAL."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def print_table(rows: dict[int, dict[str, Figures]], sizes: dict[int, int]) -> None:
    """Print wall p50/p99 and CPU p99 by kind and size, and the ratios to the smallest."""
    counts = sorted(rows)
    head = "".join(f"{n:>28,}" for n in counts)
    print(f"\n{'wall p50 / p99, CPU p99 (ms)':30}{head}")
    for kind in rows[counts[0]]:
        row = [rows[n][kind] for n in counts]
        cells = "".join(f"{f.wall.p50:>12.2f} /{f.wall.p99:7.2f},{f.cpu.p99:7.2f}" for f in row)
        ratios = "  ".join(
            f"x{f.wall.p99 / row[0].wall.p99:.1f} (CPU x{f.cpu.p99 / row[0].cpu.p99:.1f})"
            for f in row[1:]
        )
        print(f"{kind:30}{cells}   p99 over {counts[0]:,}: {ratios}")
    print(f"{'database':30}" + "".join(f"{sizes[n] / 2**30:>24.2f} GiB" for n in counts))


async def scale(
    base: Path, cache: Path, copies: list[int], per_kind: int, *, lede_only: bool = False
) -> None:
    """Build each size from `base` and measure it; print the table."""
    rows: dict[int, dict[str, Figures]] = {}
    sizes: dict[int, int] = {}
    base_count = int(base.stem.rsplit("-", 1)[-1])
    for count in copies:
        total = base_count * count
        path = scale_path(cache, total, lede_only=lede_only)
        if not path.exists():
            print(f"building {total:,} articles into {path}", flush=True)
            await build(base, path, count, lede_only=lede_only)
        print(load_line(), flush=True)
        rows[total] = await measure(path, per_kind)
        sizes[total] = size_of(path)
        rss = psutil.Process().memory_info().rss / 2**20
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{total:,} articles: {sizes[total] / 2**30:.2f} GiB, "
            f"RSS {rss:.0f} MiB (peak {peak:.0f} MiB); {load_line()}",
            flush=True,
        )
        for kind, figures in rows[total].items():
            print(f"  {kind:16} {figures.wall}   CPU p99 {figures.cpu.p99:7.2f} ms", flush=True)
    print_table(rows, sizes)


def base_drafts(base: int, seed: int = 11) -> list[ArticleDraft]:
    """Return the drafts `populate` stores for a base of `base` articles."""
    factory, rng = ArticleFactory(seed), random.Random(seed)
    return [make_draft(factory, rng, number, base) for number in range(base)]


async def ingest_replicas(db: Database, base: int, copies: int, *, lede_only: bool) -> None:
    """Store `copies` copies of the base through the repository, batched as `populate` does."""
    source_ids = [
        (await db.sources.add(f"https://feeds.example/{n}.xml", name=f"Wire {n}")).id
        for n in range(SOURCES)
    ]
    drafts = base_drafts(base)
    for copy in range(copies):
        back = shift(copy, copies, base)
        for first in range(0, base, BATCH):
            numbers = range(first, min(base, first + BATCH))
            by_source: dict[int, list[ArticleDraft]] = {}
            for number in numbers:
                draft = replica_draft(drafts[number], copy, copies, base, lede_only=lede_only)
                by_source.setdefault(source_ids[number % SOURCES], []).append(draft)
            for source_id, batch in by_source.items():
                fetched = article_time(numbers[-1], base) - back
                await db.articles.upsert_many(source_id, batch, fetched_at=fetched)


async def verify(
    folder: Path, base: int, copies: int, per_kind: int, *, lede_only: bool = False
) -> int:
    """Check a fast-built database against real ingestion: rows and search results equal.

    Returns the number of queries compared; raises AssertionError on any difference.
    """
    base_path = folder / f"base-{base}.sqlite3"
    if not base_path.exists():
        base_db = await open_sqlite(base_path)
        try:
            await populate(base_db, base, report=False)
        finally:
            await base_db.close()
    name = "lede" if lede_only else "full"
    fast = await build(base_path, folder / f"fast-{name}.sqlite3", copies, lede_only=lede_only)
    async with (
        await open_database(fast) as built,
        await open_database(folder / f"ingested-{name}.sqlite3") as ingested,
    ):
        await ingest_replicas(ingested, base, copies, lede_only=lede_only)
        for table, order in (("articles", "id"), ("article_tags", "article_id, key")):
            sql = f"SELECT * FROM {table} ORDER BY {order}"
            got = [tuple(row) for row in await built.session.fetchall(sql)]  # type: ignore[attr-defined]
            want = [tuple(row) for row in await ingested.session.fetchall(sql)]  # type: ignore[attr-defined]
            assert got == want, f"{table} differs from ingestion"
        compared = 0
        for make in kinds(3).values():
            for text in make(per_kind):
                for offset in (0, PAGE):
                    got_ids = await built.search.article_ids(
                        text, limit=PAGE, offset=offset, now=NEWEST
                    )
                    want_ids = await ingested.search.article_ids(
                        text, limit=PAGE, offset=offset, now=NEWEST
                    )
                    assert got_ids == want_ids, f"search {text!r} differs from ingestion"
                    compared += 1
    return compared


async def main_async(args: argparse.Namespace) -> None:
    """Verify (tiny) or build and measure every size."""
    print(load_line(), flush=True)
    if args.tiny:
        with tempfile.TemporaryDirectory() as folder:
            for lede_only in (False, True):
                compared = await verify(Path(folder), 400, 3, 8, lede_only=lede_only)
                print(
                    f"fast build = ingestion{' (lede only)' if lede_only else ''}: "
                    f"rows equal, {compared} searches equal"
                )
            await scale(Path(folder) / "base-400.sqlite3", Path(folder), [1, 3], 10)
        return
    base = (await dataset(Path(args.cache), args.base)).path
    copies = [int(c) for c in args.copies.split(",")]
    if args.build_only:
        for count in copies:
            path = scale_path(Path(args.cache), args.base * count, lede_only=args.lede_only)
            await build(base, path, count, lede_only=args.lede_only)
        return
    await scale(base, Path(args.cache), copies, args.per_kind, lede_only=args.lede_only)
    print(load_line(), flush=True)


def run(argv: list[str] | None = None) -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=100_000, help="articles of the base set")
    parser.add_argument("--copies", default="1,10,100", help="comma-separated sizes in bases")
    parser.add_argument("--per-kind", type=int, default=300, help="queries per kind")
    parser.add_argument("--cache", default=str(CACHE))
    parser.add_argument(
        "--lede-only", action="store_true", help="bodies cut to their first paragraph"
    )
    parser.add_argument("--build-only", action="store_true", help="build, do not measure")
    parser.add_argument("--tiny", action="store_true", help="a few seconds, with the check")
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    run()
