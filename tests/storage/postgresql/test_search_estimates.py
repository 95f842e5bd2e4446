"""PostgreSQL search estimates: the planner's formula over its statistics, without a statement."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from news.query import parse_query
from storage import Database
from storage.postgresql import estimates, pools
from storage.postgresql.estimates import Lexemes, Statistics
from storage.postgresql.search import _POOLS, _QUERY, _STATISTICS, tsquery_text
from tests.factories import draft
from tests.storage.conftest import NOW
from tests.storage.postgresql.pool_reads import recorded_statements
from tests.support.engines import fresh_store


@pytest.fixture
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """300 articles: `harbour` in two titles in three, `ferry` in the tags of one in ten,
    `market` in the bodies of half, analysed."""
    async with fresh_store("postgresql", request, tmp_path) as database:
        source = await database.sources.add("https://coast.example/feed", name="Coast")
        drafts = [
            draft(
                n,
                f"{'Harbour' if n % 3 else 'Lighthouse'} news {n}",
                body="Calm seas and a market." if n % 2 else "Calm seas.",
                tags=("Ferry",) if n % 10 == 0 else (),
            )
            for n in range(300)
        ]
        await database.articles.upsert_many(source.id, drafts, fetched_at=NOW)
        await database.session.execute("ANALYZE articles")  # type: ignore[attr-defined]
        yield database


@pytest.mark.parametrize(
    ("text", "completions"),
    [
        ("harbour", ()),
        ("ferry", ()),
        ("nowhere", ()),
        ("harb", ()),  # a prefix
        ("lighthouse harb", ("harbour", "harbours")),  # a word and completions
        ('"harbour news" market', ()),  # a phrase
    ],
)
async def test_the_estimates_are_the_planner_s(
    db: Database, text: str, completions: tuple[str, ...]
) -> None:
    session: Any = db.session  # type: ignore[attr-defined]
    match = tsquery_text(parse_query(text), completions=completions)
    assert match is not None
    top = 300
    pool_list = [
        pools.Pool(f"SELECT a.id FROM articles AS a WHERE {pools.MATCH} LIMIT :pool", vector)
        for vector in _POOLS
    ]
    planned = await pools._densities(
        session, pool_list, _QUERY.format(name="match"), {"match": match, "pool": 10}, top
    )
    read = await estimates.statistics(session, "articles", _STATISTICS)
    ours = [(read.matches(vector, match, top) or 0.0) / top for vector in _POOLS]
    assert ours == pytest.approx(planned, rel=0.02)
    assert read.vectors  # the statistics were there to be used


async def test_the_statistics_are_read_once_in_a_while(db: Database) -> None:
    session: Any = db.session  # type: ignore[attr-defined]
    with recorded_statements(session) as read:
        first = await estimates.statistics(session, "articles", _STATISTICS, now=1000.0)
        again = await estimates.statistics(session, "articles", _STATISTICS, now=1100.0)
        assert again is first
        assert len(read) == 1
        later = 1000.0 + estimates.REFRESH_SECONDS
        await estimates.statistics(session, "articles", _STATISTICS, now=later)
        assert len(read) == 2


COMMON = Lexemes(
    frequencies={f"w{n:03}": 0.01 for n in range(120)} | {"harbour": 0.3, "harness": 0.1},
    least=0.004,
)


@pytest.mark.parametrize(
    ("match", "share"),
    [
        ("('harbour')", 0.3),
        ("('rare')", 0.002),  # not common: half the least common one's
        ("('harbour') & ('harness')", 0.03),
        ("('harbour' <-> 'harness')", 0.03),  # a phrase as AND
        ("('harbour' | 'harness')", 0.3 + 0.1 - 0.03),
        ("('zzz':*)", 0.002),  # a prefix: never less than a word that is not common
    ],
)
def test_the_planner_s_formula(match: str, share: float) -> None:
    statistics = Statistics(rows=10_000, vectors={"v": COMMON})
    assert statistics.matches("v", match) == round(share * 10_000)


def test_a_prefix_is_its_common_matches_and_their_share_of_the_rest() -> None:
    statistics = Statistics(rows=10_000, vectors={"v": COMMON})
    uncommon = 1.0  # the rows holding none of the common lexemes
    for frequency in COMMON.frequencies.values():
        uncommon *= 1.0 - frequency
    share = 0.3 + uncommon * 1 / len(COMMON.frequencies)  # `harbour` only
    assert statistics.matches("v", "('harb':*)") == round(share * 10_000)


def test_without_statistics_the_planner_s_defaults() -> None:
    statistics = Statistics(rows=0, vectors={})
    assert statistics.matches("v", "('harbour')", rows=10_000) == 50
    assert statistics.matches("v", "('harb':*)", rows=10_000) == 200
    assert statistics.matches("v", "('harbour')", rows=10) == 1  # never below one row
    assert statistics.matches("v", "'harbour' @@ x") is None  # not a query of ours


def test_lexemes_are_folded_as_the_server_folds_them() -> None:
    statistics = Statistics(rows=100, vectors={"v": COMMON})
    assert statistics.matches("v", "('Hárbour')") == 30
