"""A stored article as the renderer's PostContent: source name, related headlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.services.post_content import post_content, post_contents
from news.models import RelatedLink
from storage import Database
from tests.bot.delivery.conftest import PUBLISHED, draft


async def store(db: Database, url: str, name: str, drafts) -> list[int]:
    """Store drafts from a new source; return their ids."""
    source = await db.sources.add(url, name=name)
    result = await db.articles.upsert_many(
        source.id, drafts, fetched_at=PUBLISHED + timedelta(minutes=5)
    )
    return list(result.inserted) + list(result.updated)


async def test_content_carries_the_article_and_its_source_name(db: Database) -> None:
    [article_id] = await store(
        db,
        "https://harbour.example/feed.xml",
        "Harbour Gazette",
        [draft(1, image_url="https://harbour.example/1.jpg", tags=("Harbour", "Ferries"))],
    )
    content = await post_content(db, await db.articles.get(article_id))
    assert content.article_id == article_id
    assert content.title == "Ferry number 1 sails on the winter route"
    assert content.url == "https://harbour.example/ferry/1"
    assert content.summary.startswith("Crew 1 checked the ramps")
    assert content.source_name == "Harbour Gazette"
    assert content.published_at == PUBLISHED
    assert content.tags == ("Harbour", "Ferries")
    assert content.image_url == "https://harbour.example/1.jpg"
    assert content.related == ()


async def test_related_are_own_links_then_earlier_articles_of_the_story(db: Database) -> None:
    first = draft(1, title="Ferry strike called off")
    [gazette_id] = await store(db, "https://gazette.example/feed.xml", "Gazette", [first])
    second = replace(
        draft(2, title="Ferry crews end strike"),
        url="https://courier.example/strike",
        simhash=first.simhash,  # the same story seen by another source
    )
    [courier_id] = await store(db, "https://courier.example/feed.xml", "Courier", [second])
    third = replace(
        draft(
            3,
            title="Strike over: ferries sail again",
            related=[
                RelatedLink("Union statement", "https://union.example/statement"),
                RelatedLink("Ferry crews end strike", "https://courier.example/strike"),
            ],
        ),
        url="https://post.example/ferries",
        simhash=first.simhash,
    )
    [post_id] = await store(db, "https://post.example/feed.xml", "Post", [third])
    article = await db.articles.get(post_id)
    assert article.story_id == gazette_id

    content = await post_content(db, article)

    assert [(link.title, link.url, link.site) for link in content.related] == [
        ("Union statement", "https://union.example/statement", None),
        ("Ferry crews end strike", "https://courier.example/strike", None),
        ("Ferry strike called off", "https://harbour.example/ferry/1", "Gazette"),
    ]  # the courier's article was linked already: not repeated
    earliest = await post_content(db, await db.articles.get(gazette_id))
    assert earliest.related == ()  # nothing came before the first article of a story
    middle = await post_content(db, await db.articles.get(courier_id))
    assert [link.site for link in middle.related] == ["Gazette"]


async def test_shared_source_names_read_each_source_once(db: Database, monkeypatch) -> None:
    ids = await store(
        db, "https://harbour.example/feed.xml", "Harbour Gazette", [draft(1), draft(2), draft(3)]
    )
    reads: list[set[int]] = []
    original = db.sources.names

    async def counting_names(source_ids):
        wanted = set(source_ids)
        if wanted:
            reads.append(wanted)
        return await original(wanted)

    monkeypatch.setattr(db.sources, "names", counting_names)
    names: dict[int, str] = {}
    contents = [
        await post_content(db, await db.articles.get(article_id), source_names=names)
        for article_id in ids
    ]
    assert [c.source_name for c in contents] == ["Harbour Gazette"] * 3
    assert len(reads) == 1
    page = await post_contents(db, await db.articles.get_many(ids))  # a page: one read
    assert [c.source_name for c in page] == ["Harbour Gazette"] * 3
    assert len(reads) == 2
