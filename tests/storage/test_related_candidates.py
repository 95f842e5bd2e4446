"""`db.related.candidates`: the same window, exclusions and word matching on every engine."""

from __future__ import annotations

from datetime import timedelta

from storage import Database
from tests.factories import STORY_TIME, add_source, store, story_draft

SINCE = STORY_TIME - timedelta(hours=6)
UNTIL = STORY_TIME + timedelta(hours=6)


async def _harbour_articles(db: Database) -> dict[str, int]:
    """Store four stories, one of them outside the window; return their ids by key."""
    source = await add_source(db, "Harbour Gazette")
    stored = await store(
        db,
        source,
        story_draft("strike", "Ferry strike halts crossings"),
        story_draft("talks", "Ferry strike talks resume"),
        story_draft("lighthouse", "Lighthouse restoration begins"),
        story_draft("old", "Ferry strike of last winter recalled", hours=-72),
    )
    return {
        key: article.id
        for key, article in zip(("strike", "talks", "lighthouse", "old"), stored, strict=True)
    }


async def test_candidates_share_a_word_and_fall_in_the_window(db: Database) -> None:
    ids = await _harbour_articles(db)

    found = await db.related.candidates(["ferry"], since=SINCE, until=UNTIL)

    assert {article.id for article in found} == {ids["strike"], ids["talks"]}


async def test_any_of_the_words_is_enough(db: Database) -> None:
    ids = await _harbour_articles(db)

    found = await db.related.candidates(["lighthouse", "crossings"], since=SINCE, until=UNTIL)

    assert {article.id for article in found} == {ids["lighthouse"], ids["strike"]}


async def test_excluded_stories_and_the_limit_are_honoured(db: Database) -> None:
    ids = await _harbour_articles(db)
    strike = await db.articles.get(ids["strike"])
    assert strike is not None

    found = await db.related.candidates(
        ["ferry"], since=SINCE, until=UNTIL, exclude_stories=[strike.story_id]
    )
    limited = await db.related.candidates(
        ["ferry", "lighthouse"], since=SINCE, until=UNTIL, limit=1
    )

    assert [article.id for article in found] == [ids["talks"]]
    assert len(limited) == 1


async def test_no_usable_word_finds_nothing_and_hostile_words_are_words(db: Database) -> None:
    await _harbour_articles(db)

    assert await db.related.candidates([], since=SINCE, until=UNTIL) == []
    assert await db.related.candidates(["ferry"], since=SINCE, until=UNTIL, limit=0) == []
    hostile = await db.related.candidates(
        ['"', "title:", "NOT", "a|b", "x') OR 1=1 --"], since=SINCE, until=UNTIL
    )
    assert hostile == []
