"""Near-duplicates join the story a brute-force search over every stored article finds.

The store looks candidates up by SimHash band (issue 18: band collisions grow with the
archive, about 7 candidates a draft at 10k articles on news-like text); whatever the lookup,
the story chosen must be the one this plain definition gives: among earlier articles of
other sources within the window, within distance and sharing the subject, the nearest
(ties: the lowest story id).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from news.dedupe import hamming, to_signed64
from news.related import is_same_story, subject_overlap
from storage import Database
from storage.sql.articles import (
    NEAR_DUPLICATE_MAX_DISTANCE,
    NEAR_DUPLICATE_WINDOW,
    _within_distance,
)
from tests.factories import FETCHED, add_source, story_draft

TITLES = (
    "Ferry service suspended after storm damages harbour pier",
    "Storm damages harbour pier and ferry service is suspended",
    "City council approves new budget for river bridge repairs",
    "River bridge repairs get new budget from city council",
    "Orchestra announces summer concerts in the old market square",
)


@dataclass(frozen=True, slots=True)
class Stored:
    """What the brute force needs of an article stored earlier."""

    id: int
    source_id: int
    story_id: int
    simhash: int
    story_at: datetime
    title: str
    summary: str


def expected_story(new: Stored, earlier: list[Stored]) -> int:
    """The story a new article joins, by the definition, over every earlier article."""
    best: tuple[int, int] | None = None
    for old in earlier:
        if old.source_id == new.source_id or abs(old.story_at - new.story_at) > (
            NEAR_DUPLICATE_WINDOW
        ):
            continue
        distance = hamming(new.simhash, old.simhash)
        overlap = subject_overlap(new.title, new.summary, old.title, old.summary)
        if distance <= NEAR_DUPLICATE_MAX_DISTANCE and is_same_story(overlap):
            best = min(best or (distance, old.story_id), (distance, old.story_id))
    return new.id if best is None else best[1]


async def test_stories_are_those_a_search_over_every_article_finds(db: Database) -> None:
    rng = random.Random(18)
    sources = [await add_source(db, name) for name in ("Gazette", "Courier", "Herald")]
    bases = [rng.getrandbits(64) for _ in range(3)]
    earlier: list[Stored] = []
    joined = 0
    for batch in range(12):
        source = sources[batch % 3]
        drafts = []
        for n in range(10):
            simhash = rng.choice(bases)
            for bit in rng.sample(range(64), rng.randint(0, 5)):
                simhash ^= 1 << bit
            drafts.append(
                story_draft(
                    f"b{batch}-{n}",
                    rng.choice(TITLES),
                    summary=rng.choice(TITLES[:2]) + ".",
                    simhash=simhash,
                    hours=rng.uniform(-100, 100),
                )
            )
        result = await db.articles.upsert_many(source.id, drafts, fetched_at=FETCHED)
        articles = await db.articles.get_many(result.inserted)
        batch_stored = []
        for article, item in zip(articles, drafts, strict=True):
            assert item.published_at is not None
            new = Stored(
                article.id,
                source.id,
                article.story_id,
                item.simhash,
                min(item.published_at, FETCHED),
                article.title,
                article.summary,
            )
            assert article.story_id == expected_story(new, earlier), article.title
            joined += article.story_id != article.id
            batch_stored.append(new)
        earlier.extend(batch_stored)  # a batch is compared with earlier batches only
    assert 10 <= joined <= 100, joined  # the data does join stories, and leaves some alone


async def test_the_engines_distance_test_agrees_with_hamming(db: Database) -> None:
    # The store asks the engine whether two stored (signed) SimHashes are within distance
    # (storage.sql.articles._within_distance); it must say what `hamming` says, sign bit,
    # extremes and every distance around the limit included.
    rng = random.Random(64)
    edges = [0, 1, -1, (1 << 63) - 1, -(1 << 63), 1 << 62, -(1 << 62), 0x5555_5555_5555_5555]
    pairs = [(a, b) for a in edges for b in edges]
    for _ in range(300):
        first = rng.getrandbits(64)
        second = first
        for bit in rng.sample(range(64), rng.randint(0, 6)):
            second ^= 1 << bit
        pairs.append((to_signed64(first), to_signed64(second)))
    near = _within_distance(
        "CAST(:a AS BIGINT)", "CAST(:b AS BIGINT)", NEAR_DUPLICATE_MAX_DISTANCE
    )
    for first, second in pairs:
        row = await db.session.fetchone(  # type: ignore[attr-defined]
            f"SELECT CASE WHEN {near} THEN 1 ELSE 0 END AS near",
            {"a": first, "b": second},
        )
        assert row is not None
        expected = hamming(first, second) <= NEAR_DUPLICATE_MAX_DISTANCE
        assert bool(row["near"]) == expected, (first, second, hamming(first, second))
