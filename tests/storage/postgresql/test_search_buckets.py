"""PostgreSQL's bucketed vectors (migration 17): windows read from them give the same newest
matches as the plain vectors, across bucket edges, and they follow every write."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from storage import Database
from storage.postgresql import pools
from tests.factories import draft
from tests.storage.conftest import NOW
from tests.storage.postgresql.pool_reads import QUERY, newest_ids, scope
from tests.support.engines import fresh_store

BUCKET = 1 << pools.BUCKET_BITS
SIZE = 6
FIRSTS = (1, 2 * BUCKET + 5, 5 * BUCKET - 20)
"""Where each batch's ids start: bucket 0; bucket 2; straddling buckets 4 and 5."""


@pytest.fixture
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """Three batches of 40 articles, ids in buckets 0, 2, 4 and 5: `harbour` in half of
    them, `ferry` only in the first batch, `gale` in the titles of the last one."""
    async with fresh_store("postgresql", request, tmp_path) as database:
        session: Any = database.session  # type: ignore[attr-defined]
        source = await database.sources.add("https://coast.example/feed", name="Coast")
        for batch, first in enumerate(FIRSTS):
            await session.execute(f"ALTER TABLE articles ALTER COLUMN id RESTART WITH {first}")
            drafts = [
                draft(
                    (batch, n),
                    f"{'Harbour news' if n % 2 else 'Market report'} {batch} {n}"
                    + (" ferry" if batch == 0 else "")
                    + (" gale warning" if batch == 2 else ""),
                    body="Calm seas." if n % 3 else "News of the harbour.",
                    tags=("Coast",) if n % 4 == 0 else (),
                )
                for n in range(40)
            ]
            await database.articles.upsert_many(source.id, drafts, fetched_at=NOW)
        await session.execute("ANALYZE articles")
        yield database


async def _expected(db: Database, match: str, vector: str = "a.search") -> list[int]:
    """The newest matches read without any window."""
    session: Any = db.session  # type: ignore[attr-defined]
    rows = await session.fetchall(
        f"SELECT a.id FROM articles AS a WHERE {vector} @@ {QUERY} ORDER BY a.id DESC LIMIT :n",
        {"match": match, "n": SIZE},
    )
    return [row["id"] for row in rows]


@pytest.mark.parametrize(
    "match",
    [
        "harbour",  # in every bucket
        "ferry",  # only in bucket 0: the windows grow across empty buckets
        "gale",  # only in the newest batch, over the edge of buckets 4 and 5
        "har:*",
        "harbour & report",  # in no article (each title has one or the other)
        "harbour <-> news",  # a phrase: asked as AND in the buckets, checked on the vector
        "news <-> harbour",  # AND matches where the phrase does not
        "seas & harbour",
        "nowhere",
    ],
)
@pytest.mark.parametrize("first_window", [8, 64, 4096])
@pytest.mark.parametrize("arm_lexemes", [1, 16])
async def test_windows_read_from_the_buckets_give_the_plain_newest_matches(
    db: Database,
    match: str,
    first_window: int,
    arm_lexemes: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pools, "FIRST_WINDOW", first_window)
    monkeypatch.setattr(pools, "_first_window", lambda _density, _size: first_window)
    monkeypatch.setattr(pools, "ARM_LEXEMES", arm_lexemes)
    ids, statements = await newest_ids(db, match, SIZE)
    assert ids == await _expected(db, match)
    assert any("newsbot_bucketed(a.search, a.id)" in sql for sql in statements)


async def test_a_wide_window_asks_its_buckets_in_arms(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pools, "_first_window", lambda _density, _size: 2_000)
    monkeypatch.setattr(pools, "ARM_LEXEMES", 1)
    ids, statements = await newest_ids(db, "ferry", SIZE)  # bucket 0 only: grown to 1-5
    assert ids == await _expected(db, "ferry")
    arms = [sql.count("newsbot_bucketed(a.search, a.id) @@") for sql in statements]
    assert arms == [2, 3, 0]  # buckets 5-4; then only the unread 3-1; then the whole index


def test_arms_split_buckets_evenly_by_the_query_s_lexemes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pools, "ARM_LEXEMES", 16)
    assert pools.arms_of(46, 61) == [(46, 61)]  # one word: 16 buckets in one condition
    assert pools.arms_of(45, 61, 2) == [(56, 61), (50, 55), (45, 49)]  # 8 a condition at most
    assert pools.arms_of(61, 61, 40) == [(61, 61)]  # at least one bucket a condition
    arms = pools.arms_of(0, 61, 4)
    assert (arms[0], arms[-1], len(arms)) == ((58, 61), (0, 2), 16)
    assert all(last + 1 == first for (_, last), (first, _) in zip(arms[1:], arms, strict=False))


def test_a_first_window_reads_its_newest_ids_first() -> None:
    top = 5 * BUCKET + 100  # the newest bucket holds 101 ids: the lead takes bucket 4 too
    assert pools._led([(0, 5)], 0, top, 1) == [(4, 5), (0, 3)]
    assert pools._led([(3, 5)], 3, top, 2) == [(4, 5), (3, 3)]
    assert pools._led([(4, 5)], 4, top, 1) == [(4, 5)]  # no more than the lead
    assert pools._led([(4, 5), (0, 3)], 0, top, 8) == [(4, 5), (0, 3)]  # already in arms


@pytest.mark.parametrize("match", ["harbour", "ferry"])
async def test_a_first_window_s_lead_gives_the_same_newest_rows(
    db: Database, match: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pools, "_first_window", lambda _density, _size: 5 * BUCKET)
    ids, statements = await newest_ids(db, match, SIZE)
    assert ids == await _expected(db, match)
    assert statements[0].count("newsbot_bucketed(a.search, a.id) @@") == 2  # 4-5, then 0-3


@pytest.mark.parametrize(
    ("vector", "match"),
    [
        ("to_tsvector('simple', newsbot_unaccent(a.title))", "gale & warning"),
        ("to_tsvector('simple', newsbot_unaccent(a.title))", "harbour"),
        ("to_tsvector('simple', newsbot_unaccent(a.tags))", "coast"),
    ],
)
async def test_the_title_and_tag_vectors_have_buckets_too(
    db: Database, vector: str, match: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pools, "_first_window", lambda _density, _size: 16)
    ids, statements = await newest_ids(db, match, SIZE, vector=vector)
    assert ids == await _expected(db, match, vector)
    assert len(ids) == SIZE
    assert any(f"newsbot_bucketed({vector}, a.id)" in sql for sql in statements)


async def test_a_bucketed_query_is_each_bucket_s_query_with_phrases_as_and(
    db: Database,
) -> None:
    session: Any = db.session  # type: ignore[attr-defined]
    row = await session.fetchone(
        "SELECT CAST(newsbot_bucket_query(to_tsquery('simple', :q), 4, 5) AS text) AS q, "
        "CAST(newsbot_bucket_query(to_tsquery('simple', ''), 4, 5) AS text) AS empty, "
        "CAST(newsbot_bucket_query(CAST(:quoted AS tsquery), 5, 5) AS text) AS quoted, "
        "CAST(newsbot_bucketed(to_tsvector('simple', 'Gale gale warning'), :id) AS text) AS v",
        {"q": "'gale' <-> 'warn':*", "id": 5 * BUCKET + 1, "quoted": "'d''or' & 'x'"},
    )
    assert row["q"] == "'5_gale' & '5_warn':* | '4_gale' & '4_warn':*"
    assert row["empty"] == ""
    assert row["quoted"] == "'5_d''or' & '5_x'"
    assert row["v"] == "'5_gale' '5_warning'"


@pytest.mark.parametrize(
    "query",
    ["'gale' <-> 'warn':*", "'d''or' & 'x'", "'a' <2> 'b' | !'c'", "", "'harbour'"],
)
async def test_the_statements_bucket_a_query_as_the_migration_s_function_does(
    db: Database, query: str
) -> None:
    session: Any = db.session  # type: ignore[attr-defined]
    written = pools.bucket_query("CAST(:q AS tsquery)", "low", "high")
    row = await session.fetchone(
        f"SELECT CAST({written} AS text) AS written, "
        "CAST(newsbot_bucket_query(CAST(:q AS tsquery), :low, :high) AS text) AS function",
        {"q": query, "low": 3, "high": 5},
    )
    assert row["written"] == row["function"]
    assert query == "" or "'5_" in row["written"]


async def test_the_buckets_follow_inserts_updates_and_deletes(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pools, "_first_window", lambda _density, _size: 16)
    session: Any = db.session  # type: ignore[attr-defined]
    newest = await session.fetchone("SELECT max(id) AS id FROM articles")
    await session.execute(
        "UPDATE articles SET title = 'Squall over the bay', summary = '', body = '' "
        "WHERE id = :id",
        {"id": newest["id"]},
    )
    assert (await newest_ids(db, "squall", SIZE))[0] == [newest["id"]]
    assert newest["id"] not in (await newest_ids(db, "gale", SIZE))[0]
    source = (await db.sources.list())[0]
    await db.articles.upsert_many(source.id, [draft("late", "Squall again")], fetched_at=NOW)
    ids = (await newest_ids(db, "squall", SIZE))[0]
    assert len(ids) == 2
    assert ids[0] > newest["id"]
    await session.execute("DELETE FROM articles WHERE id = :id", {"id": ids[0]})
    assert (await newest_ids(db, "squall", SIZE))[0] == [newest["id"]]


async def test_arms_are_read_newest_first_and_stop_at_the_one_that_fills_the_pool(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pools, "_first_window", lambda _density, _size: 5 * BUCKET)
    monkeypatch.setattr(pools, "ARM_LEXEMES", 1)
    session: Any = db.text_session  # type: ignore[attr-defined]
    ids, statements = await newest_ids(db, "harbour", SIZE)  # 10 in bucket 5 alone
    assert ids == await _expected(db, "harbour")
    (statement,) = statements
    parameters: dict[str, Any] = {"match": "harbour", "pool": SIZE}
    async with scope(db, parameters):
        arguments = {
            "match": "harbour",
            "pool": SIZE,
            "arms_size": SIZE,
            **{f"low0_{arm}": 5 - arm for arm in range(6)},
            **{f"high0_{arm}": 5 - arm for arm in range(6)},
        }
        row = await session.fetchone(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", arguments)
    scans = _heap_scan_loops(json.loads(row[0])[0]["Plan"])
    assert scans == [1, 0, 0, 0, 0, 0]  # buckets 5 to 0, one arm each: only 5 is read


def _heap_scan_loops(node: dict[str, Any]) -> list[int]:
    """Return the `Actual Loops` of each Bitmap Heap Scan under `node`, in plan order."""
    own = [node["Actual Loops"]] if node.get("Node Type") == "Bitmap Heap Scan" else []
    return own + [loops for child in node.get("Plans", []) for loops in _heap_scan_loops(child)]
