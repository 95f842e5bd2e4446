"""PostgreSQL ranking pools: the ordered read of a dense condition gives the bitmap's rows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from storage import Database
from storage.postgresql import pools
from storage.postgresql.search import _from_indexes
from tests.factories import draft
from tests.storage.conftest import NOW
from tests.support.engines import fresh_store

POOL = pools.Pool(
    f"SELECT a.id, a.story_at FROM articles AS a WHERE {pools.MATCH} "
    "ORDER BY a.id DESC LIMIT :pool",
    "a.search",
)
QUERY = "to_tsquery('simple', CAST(:match AS text))"
SIZE = 5


@pytest.fixture
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """400 articles: `harbour` in three in five of them, `ferry` only in the 40 oldest."""
    async with fresh_store("postgresql", request, tmp_path) as database:
        source = await database.sources.add("https://coast.example/feed", name="Coast")
        drafts = [
            draft(n, f"{'Harbour' if n % 5 < 3 else 'Market'} news {n}", body="Calm seas.")
            if n >= 40
            else draft(n, f"Ferry news {n}", body="Calm seas.")
            for n in range(400)
        ]
        await database.articles.upsert_many(source.id, drafts, fetched_at=NOW)
        await database.session.execute("ANALYZE articles")  # type: ignore[attr-defined]
        yield database


async def _newest(
    db: Database, match: str, *, hopeful: bool = False
) -> tuple[list[int], list[str]]:
    """Return the pool's ids for `match` and the statements run."""
    session: Any = db.session  # type: ignore[attr-defined]
    parameters: dict[str, Any] = {"match": match, "pool": SIZE}
    statements: list[str] = []
    real = session.fetchone

    async def spy(sql: str, arguments: Any = ()) -> Any:
        statements.append(sql)
        return await real(sql, arguments)

    session.fetchone = spy
    try:
        async with _from_indexes(session, parameters):
            top = int(parameters["top"])
            (rows,) = await pools.newest_matches(
                session, [POOL], QUERY, parameters, top, SIZE, hopeful=hopeful
            )
    finally:
        del session.fetchone
    return [row["id"] for row in rows], statements


@pytest.mark.parametrize("match", ["harbour", "ferry", "news", "nowhere"])
async def test_ordered_and_bitmap_reads_give_the_same_newest_rows(
    db: Database, match: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pools, "ORDERED_ROW_COST", 10**9)  # rows too dear to test: bitmaps
    by_bitmap, statements = await _newest(db, match)
    assert pools._ORDERED not in statements
    monkeypatch.setattr(pools, "ORDERED_ROW_COST", 0)
    by_order, statements = await _newest(db, match)
    assert by_order == by_bitmap
    expected = 0 if match == "nowhere" else SIZE
    assert len(by_order) == expected
    if match != "nowhere":  # dense enough for a bounded window once rows cost nothing
        assert pools._ORDERED in statements


async def test_a_dense_estimate_proved_wrong_falls_back_to_the_bitmap(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pools, "ORDERED_ROW_COST", 0)
    ids, statements = await _newest(db, "ferry")  # 10% of the ids, all of them the oldest
    assert pools._ORDERED in statements
    session: Any = db.session  # type: ignore[attr-defined]
    rows = await session.fetchall(
        "SELECT id FROM articles WHERE title LIKE 'Ferry%' ORDER BY id DESC LIMIT :n", {"n": SIZE}
    )
    assert ids == [row["id"] for row in rows]


async def test_a_hopeful_read_gives_up_when_its_first_window_holds_nothing(
    db: Database,
) -> None:
    assert len((await _newest(db, "harbour", hopeful=True))[0]) == SIZE
    assert (await _newest(db, "ferry", hopeful=True))[0] == []  # only in the oldest ids
    assert len((await _newest(db, "ferry"))[0]) == SIZE
    assert (await _newest(db, "nowhere", hopeful=True))[0] == []


def test_a_window_is_dropped_when_it_spans_over_a_quarter_of_the_ids() -> None:
    assert pools._worth(1_000, 100_000) == 1_000
    assert pools._worth(24_999, 100_000) == 24_999
    assert pools._worth(30_000, 100_000) == 100_000


async def test_a_search_reads_without_parallel_workers(db: Database) -> None:
    session: Any = db.session  # type: ignore[attr-defined]
    parameters: dict[str, Any] = {}
    async with _from_indexes(session, parameters):
        row = await session.fetchone("SHOW max_parallel_workers_per_gather")
    assert row[0] == "0"
    assert parameters["top"] > 0
