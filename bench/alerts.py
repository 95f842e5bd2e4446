"""Alert matching cost: new articles times distinct followed searches, on a cached archive.

    python -m bench.alerts [ARCHIVE_ARTICLES] [USERS]

Copies the cached synthetic database (`bench.inline_data`, generated once) to a temporary
folder, gives USERS users five follows each (words, two-word searches, phrases, #tags of
places and topics, some with source:, drawn with a skew so popular searches are shared),
then stores batches of new articles the way ingestion does, queues them and times
`bot.services.alerts.matcher.match_queued`. Prints one line per batch size.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.inline_data import dataset, make_draft
from bench.synth import PLACES, TOPICS, ArticleFactory
from bot.services.alerts.matcher import match_queued
from bot.services.ingest import ALERT_MAX_AGE
from news.follows import parse_follow
from storage import Database, open_database

FOLLOWS_EACH = 5
BATCHES = (20, 200, 1000)


def search_pool(rng: random.Random, size: int) -> list[str]:
    """Return `size` distinct followable searches of several kinds."""
    factory = ArticleFactory(5)
    words = [w for w in factory.title().split() + factory.sentence(400).split() if w.isalpha()]
    words = list(dict.fromkeys(word.lower() for word in words))
    pool: set[str] = set()
    while len(pool) < size:
        kind = rng.random()
        if kind < 0.35:
            pool.add(rng.choice(words))
        elif kind < 0.55:
            pool.add(f"{rng.choice(words)} {rng.choice(words)}")
        elif kind < 0.65:
            pool.add(f'"{rng.choice(words)} {rng.choice(words)}"')
        elif kind < 0.85:
            pool.add(f"#{rng.choice(PLACES + TOPICS).lower()}")
        elif kind < 0.95:
            pool.add(f"{rng.choice(words)} #{rng.choice(TOPICS)}")
        else:
            pool.add(f"{rng.choice(words)} source:{rng.randrange(50)}")
    return sorted(pool)


async def add_follows(db: Database, users: int, rng: random.Random) -> int:
    """Give every user `FOLLOWS_EACH` follows from a skewed pool; return distinct searches."""
    pool = search_pool(rng, max(10, users * FOLLOWS_EACH // 3))
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(pool))]
    keys: set[str] = set()
    async with db.transaction():
        for user_id in range(1, users + 1):
            await db.users.upsert(user_id, username=None, first_name="U", language_code="en")
            for text in set(rng.choices(pool, weights, k=FOLLOWS_EACH)):
                query = parse_follow(text)
                await db.follows.add(user_id, query.text, query.key, max_follows=20)
                keys.add(query.key)
    return len(keys)


async def run(archive: int, users: int, cache: Path = Path("bench/.cache")) -> None:
    """Print the matching time per batch of new articles (the archive generated in `cache`)."""
    data = await dataset(cache, archive)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "alerts.sqlite3"
        await asyncio.to_thread(shutil.copy, data.path, path)
        db = await open_database(path)
        try:
            rng = random.Random(3)
            distinct = await add_follows(db, users, rng)
            follows = len(await db.follows.active())
            print(f"archive {archive:,} articles; {follows:,} follows, {distinct:,} distinct")
            source = await db.sources.add("https://feeds.example/alerts.xml", "Alerts wire")
            factory = ArticleFactory(99)
            number = archive
            for size in BATCHES:
                drafts = [make_draft(factory, rng, number + n, number + size) for n in range(size)]
                number += size
                result = await db.articles.upsert_many(
                    source.id, drafts, fetched_at=drafts[-1].published_at or datetime.now(UTC)
                )
                await db.alerts.queue(result.inserted, max_age=ALERT_MAX_AGE)
                started = time.perf_counter()
                report = await match_queued(db)
                seconds = time.perf_counter() - started
                print(
                    f"  {size:>5} new articles: {seconds * 1000:8.1f} ms, "
                    f"{report.searches:,} searches "
                    f"({seconds * 1e6 / max(1, report.searches):.0f} µs each), "
                    f"{report.alerts:,} alerts"
                )
        finally:
            await db.close()


if __name__ == "__main__":
    asyncio.run(
        run(
            int(sys.argv[1]) if len(sys.argv) > 1 else 100_000,
            int(sys.argv[2]) if len(sys.argv) > 2 else 2_000,
        )
    )
