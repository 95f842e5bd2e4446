"""Several sources stored at once on PostgreSQL (as the ingest cycle does, four at a time):
their articles bring new headline words in different orders, and no transaction deadlocks
on the completion terms (`headline_terms`) the insert trigger keeps."""

from __future__ import annotations

import asyncio
import random

from storage import opened_database
from tests.factories import add_source, draft

SOURCES = 4
BATCHES = 5
ROWS = 40


def new_words(batch: int) -> list[str]:
    """Words no article had before this batch (each batch brings its own)."""
    return [f"zq{batch}x{n:03d}" for n in range(ROWS * 6)]


async def test_sources_stored_at_once_never_deadlock_on_new_headline_words(postgres_url: str):
    async with opened_database(postgres_url) as db:
        sources = [await add_source(db, f"Wire {n}") for n in range(SOURCES)]

        together = asyncio.Barrier(SOURCES)  # every batch starts at once in every source

        async def ingest(number: int) -> int:
            rng = random.Random(number)
            stored = 0
            for batch in range(BATCHES):
                words = new_words(batch)
                rng.shuffle(words)  # the same new words, in another order in each source
                drafts = [
                    draft(f"{number}-{batch}-{k}", " ".join(words[k * 6 : k * 6 + 6]))
                    for k in range(ROWS)
                ]
                await together.wait()
                result = await db.articles.upsert_many(
                    sources[number].id, drafts, fetched_at=drafts[0].published_at
                )
                stored += len(result.inserted)
            return stored

        counts = await asyncio.gather(*(ingest(n) for n in range(SOURCES)))
        assert counts == [BATCHES * ROWS] * SOURCES
        row = await db.session.fetchone(  # type: ignore[attr-defined]
            "SELECT count(*) AS n FROM headline_terms WHERE term LIKE 'zq%'"
        )
        assert row["n"] == BATCHES * ROWS * 6  # every new word, once
        assert await db.search.articles("zq0x01")  # an unfinished word, completed from them
