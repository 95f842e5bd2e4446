"""Full-text search: query forms, filters, ranking, FTS synchronisation, hostile input."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from storage import Database
from storage.sql.ranking import FTS_BODY_CHARS
from tests.storage.conftest import NOW, DraftFactory

FILLER_TEXT = "Weather outlook remains calm with light winds along the coast."


async def _add_source(db: Database, name: str) -> int:
    return (
        await db.sources.add(f"https://{name.lower().replace(' ', '-')}.example/feed", name=name)
    ).id


async def _add_fillers(
    db: Database, make_draft: DraftFactory, source_id: int, count: int = 8
) -> None:
    """Articles that match none of the test words, so bm25 has a real collection."""
    drafts = [
        make_draft(
            1000 + n,
            title=f"Calm weather report {n}",
            summary=FILLER_TEXT,
            body=FILLER_TEXT,
            tags=["Weather"],
        )
        for n in range(count)
    ]
    await db.articles.upsert_many(source_id, drafts, fetched_at=NOW - timedelta(days=30))


@pytest.fixture
async def corpus(db: Database, make_draft: DraftFactory) -> dict[str, int]:
    """A small collection of our own articles; returns name → article id."""
    coast = await _add_source(db, "Coast Gazette")
    valley = await _add_source(db, "Valley Times")
    await _add_fillers(db, make_draft, coast)
    drafts = {
        "ferry": make_draft(
            1,
            title="Ferry service cut for winter",
            summary="Fewer crossings from November.",
            body="The island ferry will sail twice a day.",
            tags=["Transport", "Islands"],
        ),
        "syria": make_draft(
            2,
            title="Aid convoy reaches northern province",
            summary="Talks continue.",
            body="Relief agencies said the convoy arrived at dawn.",
            tags=["Syria", "Aid"],
        ),
        "paulo": make_draft(
            3,
            title="Metro strike ends",
            summary="Trains run again in the city.",
            body="Commuters returned to normal routes on Monday.",
            tags=["São Paulo"],
        ),
        "cyrillic": make_draft(
            4,
            title="Паромное сообщение возобновлено",
            summary="Первый рейс прошёл утром.",
            body="Жители острова встретили паром на причале.",
            tags=["Острова"],
            language="ru",
        ),
        "phrase": make_draft(
            5,
            title="Budget debate drags on",
            summary="Council split over harbour fees.",
            body="Members argued that harbour fees should rise before the dredging work.",
            tags=["Council"],
        ),
        "words_apart": make_draft(
            6,
            title="Fees and the old harbour",
            summary="A history of the port.",
            body="Fees were once paid in fish; the harbour grew slowly.",
            tags=["History"],
        ),
    }
    ids: dict[str, int] = {}
    for name, draft in drafts.items():
        source_id = valley if name == "paulo" else coast
        result = await db.articles.upsert_many(source_id, [draft], fetched_at=NOW)
        ids[name] = result.inserted[0]
    return ids


async def _ids(db: Database, query: str, **kwargs: Any) -> list[int]:
    return [hit.article.id for hit in await db.search.articles(query, now=NOW, **kwargs)]


async def test_word_search(db: Database, corpus: dict[str, int]) -> None:
    assert await _ids(db, "convoy") == [corpus["syria"]]
    assert await _ids(db, "FERRY winter") == [corpus["ferry"]]
    assert await _ids(db, "ferry convoy") == []  # all words must match


async def test_last_word_matches_as_prefix(db: Database, corpus: dict[str, int]) -> None:
    assert await _ids(db, "conv") == [corpus["syria"]]
    assert await _ids(db, "aid conv") == [corpus["syria"]]
    assert await _ids(db, "conv aid") == []  # only the last word is a prefix


async def test_tag_search_ignores_case_diacritics_and_hash(
    db: Database, corpus: dict[str, int]
) -> None:
    assert await _ids(db, "#syria") == [corpus["syria"]]
    assert await _ids(db, "#SYRIA") == [corpus["syria"]]
    assert await _ids(db, "#sao_paulo") == [corpus["paulo"]]
    assert await _ids(db, "#São-Paulo") == [corpus["paulo"]]
    assert await _ids(db, "#syria #aid") == [corpus["syria"]]
    assert await _ids(db, "#syria #transport") == []
    assert await _ids(db, "#syria convoy") == [corpus["syria"]]
    assert await _ids(db, "#syria ferry") == []


async def test_tags_are_searchable_as_words_too(db: Database, corpus: dict[str, int]) -> None:
    assert await _ids(db, "sao paulo") == [corpus["paulo"]]


async def test_phrase_search(db: Database, corpus: dict[str, int]) -> None:
    assert set(await _ids(db, "harbour fees")) == {corpus["phrase"], corpus["words_apart"]}
    assert await _ids(db, '"harbour fees"') == [corpus["phrase"]]
    assert await _ids(db, '"harbour fees') == [corpus["phrase"]]  # unclosed quote


async def test_source_filter(db: Database, corpus: dict[str, int]) -> None:
    assert await _ids(db, "source:valley_times") == [corpus["paulo"]]
    assert await _ids(db, 'source:"valley times" metro') == [corpus["paulo"]]
    assert await _ids(db, "source:VALLEY-TIMES ferry") == []
    valley = (await db.articles.get(corpus["paulo"])).source_id
    assert await _ids(db, f"source:{valley}") == [corpus["paulo"]]
    assert await _ids(db, "source:nowhere") == []


async def test_cyrillic(db: Database, corpus: dict[str, int]) -> None:
    assert await _ids(db, "паромное") == [corpus["cyrillic"]]
    assert await _ids(db, "ПАРОМНОЕ сообщ") == [corpus["cyrillic"]]
    assert await _ids(db, "#острова") == [corpus["cyrillic"]]


async def test_saved_is_limited_to_the_users_bookmarks(
    db: Database, corpus: dict[str, int]
) -> None:
    for user_id in (1, 2):
        await db.users.upsert(user_id, username=None, first_name="U", language_code=None)
    await db.bookmarks.add(1, corpus["ferry"])
    await db.bookmarks.add(1, corpus["syria"])
    await db.bookmarks.add(2, corpus["paulo"])

    assert set(await _ids(db, "saved", user_id=1)) == {corpus["ferry"], corpus["syria"]}
    assert await _ids(db, "saved convoy", user_id=1) == [corpus["syria"]]
    assert await _ids(db, "saved convoy", user_id=2) == []
    assert await _ids(db, "saved", user_id=2) == [corpus["paulo"]]
    assert await _ids(db, "saved", user_id=3) == []
    assert await _ids(db, "saved convoy") == []  # no user: no bookmarks to search


async def test_empty_query_lists_latest(db: Database, corpus: dict[str, int]) -> None:
    hits = await db.search.articles("", limit=3, now=NOW)
    stored = await db.articles.get_many(corpus.values())
    latest = sorted(stored, key=lambda a: (a.story_time, a.id), reverse=True)[:3]
    assert [hit.article.id for hit in hits] == [article.id for article in latest]
    assert all(hit.snippet for hit in hits)
    assert await db.search.articles("   ", limit=0, now=NOW) == []


async def test_snippet_comes_from_the_matching_text(db: Database, corpus: dict[str, int]) -> None:
    [hit] = await db.search.articles("dredging", now=NOW, snippets=True)
    assert "dredging" in hit.snippet
    assert hit.score > 0


async def test_limit_and_offset_page_through_results(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _add_source(db, "Coast Gazette")
    drafts = [
        make_draft(n, title=f"Lighthouse keeper diary {n}", published_at=NOW - timedelta(hours=n))
        for n in range(1, 8)
    ]
    await db.articles.upsert_many(source_id, drafts, fetched_at=NOW)
    first = await _ids(db, "lighthouse", limit=3)
    second = await _ids(db, "lighthouse", limit=3, offset=3)
    rest = await _ids(db, "lighthouse", limit=3, offset=6)
    assert len(first) == len(second) == 3
    assert len(rest) == 1
    assert len(set(first + second + rest)) == 7


async def test_title_match_ranks_above_body_only_match(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _add_source(db, "Coast Gazette")
    await _add_fillers(db, make_draft, source_id)
    in_body = make_draft(
        1,
        title="Council meets on Tuesday",
        summary="Agenda published.",
        body="Among other items, the lighthouse repairs were discussed briefly.",
    )
    in_title = make_draft(
        2,
        title="Lighthouse repairs approved",
        summary="Agenda published.",
        body="Among other items, the council discussed the budget briefly.",
    )
    result = await db.articles.upsert_many(source_id, [in_body, in_title], fetched_at=NOW)
    assert await _ids(db, "lighthouse") == [result.inserted[1], result.inserted[0]]


async def test_newer_ranks_above_older_at_equal_text(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _add_source(db, "Coast Gazette")
    await _add_fillers(db, make_draft, source_id)
    text = {"title": "Lighthouse repairs approved", "summary": "Agenda.", "body": "Repairs."}
    older = make_draft(1, published_at=NOW - timedelta(days=3), **text)
    newer = make_draft(2, published_at=NOW - timedelta(hours=2), **text)
    result = await db.articles.upsert_many(source_id, [older, newer], fetched_at=NOW)
    hits = await db.search.articles("lighthouse repairs", now=NOW)
    assert [hit.article.id for hit in hits] == [result.inserted[1], result.inserted[0]]
    assert hits[0].score > hits[1].score


async def test_index_follows_insert_update_and_delete(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _add_source(db, "Coast Gazette")
    result = await db.articles.upsert_many(
        source_id, [make_draft(1, title="Seagull colony grows")], fetched_at=NOW
    )
    assert await _ids(db, "seagull") == list(result.inserted)

    await db.articles.upsert_many(
        source_id, [make_draft(1, title="Puffin colony grows")], fetched_at=NOW
    )
    assert await _ids(db, "seagull") == []
    assert await _ids(db, "puffin") == list(result.inserted)

    await db.sources.remove(source_id)
    assert await _ids(db, "puffin") == []
    assert await db.status.integrity_problems() == []  # the indexes agree with the tables


async def test_the_index_takes_the_head_of_a_long_body(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _add_source(db, "Coast Gazette")
    filler = "Calm seas and light winds along the coast today. " * 60
    head = filler[: FTS_BODY_CHARS - 20] + " lighthouse "
    body = head + filler + " shipwreck"
    result = await db.articles.upsert_many(
        source_id, [make_draft(1, title="Harbour news", body=body)], fetched_at=NOW
    )
    assert await _ids(db, "lighthouse") == list(result.inserted)  # within the head
    assert await _ids(db, "shipwreck") == []  # past it: not indexed

    await db.articles.upsert_many(
        source_id,
        [make_draft(1, title="Harbour news", body=body.replace("lighthouse", "beacon"))],
        fetched_at=NOW,
    )
    assert await _ids(db, "lighthouse") == []
    assert await _ids(db, "beacon") == list(result.inserted)
    await db.sources.remove(source_id)
    assert await _ids(db, "beacon") == []
    assert await db.status.integrity_problems() == []  # the cut is the same everywhere


async def test_index_rolls_back_with_the_article(db: Database, make_draft: DraftFactory) -> None:
    source_id = await _add_source(db, "Coast Gazette")

    class Abort(Exception):
        pass

    async def insert_then_abort() -> None:
        async with db.transaction():
            await db.articles.upsert_many(
                source_id, [make_draft(1, title="Seagull colony grows")], fetched_at=NOW
            )
            assert await _ids(db, "seagull")  # visible inside the transaction
            raise Abort

    with pytest.raises(Abort):
        await insert_then_abort()
    assert await _ids(db, "seagull") == []


QUOTED_TERMS = re.compile(r'"[^"]+"\*?(?: "[^"]+"\*?)*')

HOSTILE_QUERIES = [
    '"',
    '"""',
    "'",
    "(",
    ")",
    "()",
    "*",
    "**",
    "-",
    "+",
    "^",
    ":",
    ".",
    ",",
    "\\",
    "#",
    "##",
    "NEAR",
    "NEAR(",
    "NEAR(ferry winter, 2)",
    "NEAR/3",
    "ferry AND",
    "AND",
    "OR",
    "NOT",
    "ferry OR winter",
    "ferry NOT winter",
    "ferry -winter",
    "title:ferry",
    "{title body}: ferry",
    "body:",
    "ferry*",
    "*ferry",
    "fer*ry",
    "^ferry",
    '"ferry',
    'ferry"',
    '"ferry" "',
    'f"e"r',
    "' OR 1=1 --",
    "'; DROP TABLE articles; --",
    "%",
    "_",
    "?",
    "?1",
    ":x",
    "@x",
    "$x",
    "a" * 300,
    "ferry " * 200,
    "🔥🚀",
    "ferry 🔥",
    "👨‍👩‍👧",
    "مرحبا بالعالم",
    "שלום עולם",
    "\u202eferry",
    "\u200d",
    "\u0301",
    "\x00",
    "ferry\x00winter",
    "\ud800",
    "source:",
    'source:"',
    "source:\ud800",
    "saved",
    "saved saved",
    "#\ud800",
    "Ferry\twinter\n",
    "ǅ",
    "ß",
    "ﬁ",
    "x" * 10_000,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
async def test_hostile_queries_return_a_list(
    db: Database, corpus: dict[str, int], query: str
) -> None:
    hits = await db.search.articles(query, now=NOW, user_id=1)
    assert isinstance(hits, list)


async def test_operator_words_are_searched_as_words(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _add_source(db, "Coast Gazette")
    result = await db.articles.upsert_many(
        source_id, [make_draft(1, title="Near the harbour, not far from town")], fetched_at=NOW
    )
    assert await _ids(db, "NEAR harbour") == list(result.inserted)
    assert await _ids(db, "harbour NOT") == list(result.inserted)
    assert await _ids(db, "title:harbour") == []  # `title` is a word here, not a column


async def test_unfinished_words_complete_from_headlines_and_else_from_bodies(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _add_source(db, "Coast Gazette")
    stored = await db.articles.upsert_many(
        source_id,
        [
            make_draft(1, title="Lighthouse keeper retires", body="The lamp was serviced."),
            make_draft(2, title="Quay works begin", body="Dredging of the channel starts."),
            make_draft(3, title="Market day", body="Lighthouses along the coast were lit."),
        ],
        fetched_at=NOW,
    )
    keeper, quay, market = stored.inserted
    # `lightho` completes to the headline word `lighthouse`: the body-only `lighthouses`
    # is not offered while typing
    assert await _ids(db, "lightho") == [keeper]
    # no headline word starts with `dredg`: FTS5 expands the prefix over everything
    assert await _ids(db, "dredg") == [quay]
    # typed in full, a body-only word matches as a word
    assert await _ids(db, "lighthouses") == [market]


async def test_a_finished_word_alone_matches_as_a_word_on_every_page(
    db: Database, make_draft: DraftFactory
) -> None:
    coast = await _add_source(db, "Coast Gazette")
    valley = await _add_source(db, "Valley Times")
    stored = await db.articles.upsert_many(
        coast,
        [
            make_draft(1, title="Lighthouse keeper retires", body="The lamp was serviced."),
            make_draft(2, title="Market day", body="Lighthouses along the coast were lit."),
        ],
        fetched_at=NOW,
    )
    keeper, market = stored.inserted
    await db.articles.upsert_many(
        valley, [make_draft(3, title="Lighthouse tours", body="Open again.")], fetched_at=NOW
    )
    # `lighthouse` is an indexed word: matched as a word, never as a prefix of `lighthouses`
    assert keeper in await _ids(db, "lighthouse")
    assert len(await _ids(db, "lighthouse")) == 2
    assert len(await _ids(db, "lighthouse", offset=1)) == 1
    assert await _ids(db, "lighthouse", offset=2) == []
    assert await _ids(db, "source:coast_gazette lighthouse") == [keeper]
    assert await _ids(db, "source:coast_gazette lighthouses") == [market]
    assert await _ids(db, "retires lighthouse") == [keeper]
    assert await _ids(db, "market lighthouse") == []  # not `lighthouses`: a finished word
    # a word no article holds is still completed as a prefix
    assert await _ids(db, "source:coast_gazette lighthou") == [keeper]
