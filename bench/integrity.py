"""What SQLite's integrity checks cost at a realistic size, to decide what runs at start.

    python -m bench.integrity                    # 100k articles (generated once, cached)
    python -m bench.integrity --sizes 100000 1000000
    python -m bench.integrity --tiny             # 2,000 articles, for CI

For each size: the file size, then the seconds of each check on a warm page cache (the file
was just read: the best case; a cold start reads the whole file from disk first):
`PRAGMA quick_check` (every page of every table and index, no index-vs-table comparison),
the FTS5 'integrity-check' of each full-text index against the articles (rank 1: every
article re-tokenised), `integrity_problems()` (both, what `newsbot check` and the
periodic check run) and `integrity_problems(full_text=False)` (what `newsbot run` runs at
start).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from bench.inline_data import dataset
from storage.sqlite.database import open_sqlite
from storage.sqlite.status import FULL_TEXT_INDEXES

CACHE = Path(__file__).with_name(".cache")


async def measure(path: Path) -> dict[str, float]:
    """Seconds of each check on the database at `path` (read once first: warm cache)."""
    await asyncio.to_thread(path.read_bytes)  # warm the page cache: every row alike
    db = await open_sqlite(path)
    timings: dict[str, float] = {}
    try:
        session = db.session
        started = time.perf_counter()
        rows = await session.fetchall("PRAGMA quick_check")
        timings["quick_check"] = time.perf_counter() - started
        assert [row[0] for row in rows] == ["ok"]
        for index in FULL_TEXT_INDEXES:
            started = time.perf_counter()
            await session.execute(
                f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)"
            )
            timings[f"{index} check"] = time.perf_counter() - started
        started = time.perf_counter()
        assert await db.status.integrity_problems(full_text=False) == []
        timings["at start (quick_check)"] = time.perf_counter() - started
        started = time.perf_counter()
        assert await db.status.integrity_problems() == []
        timings["full (periodic, newsbot check)"] = time.perf_counter() - started
    finally:
        await db.close()
    return timings


async def main(sizes: list[int]) -> None:
    """Print the cost of each check for each size."""
    for size in sizes:
        data = await dataset(CACHE, size)
        megabytes = data.path.stat().st_size / 1e6
        print(f"{size:,} articles, {megabytes:,.0f} MB")
        for name, seconds in (await measure(data.path)).items():
            print(f"  {name:<34} {seconds * 1000:>9,.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--tiny", action="store_true", help="2,000 articles, for CI")
    args = parser.parse_args()
    asyncio.run(main([2_000] if args.tiny else args.sizes))
