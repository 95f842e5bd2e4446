"""Article upserts: deduplication, near-duplicate stories, tags and reads."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from news.models import RelatedLink
from storage import Database
from storage.errors import NotFoundError
from tests.storage.conftest import NOW, DraftFactory

BASE_HASH = 0x0F0F_1234_ABCD_5555


async def _source(db: Database, name: str = "alpha") -> int:
    source = await db.sources.add(f"https://{name}.example/feed", name=name)
    return source.id


async def test_insert_returns_ids_and_stores_every_field(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _source(db)
    draft = make_draft(
        1,
        image_url="https://news.example/img/1.jpg",
        tags=["Harbour", "#Ferries", "harbour"],
        related=[RelatedLink("Fuel prices rise again", "https://news.example/fuel", "Example")],
        simhash=(1 << 64) - 1,
    )
    result = await db.articles.upsert_many(source_id, [draft], fetched_at=NOW)
    assert len(result.inserted) == 1
    assert result.updated == ()
    assert result.unchanged == 0

    article = await db.articles.get(result.inserted[0])
    assert article.source_id == source_id
    assert (article.guid, article.url, article.title) == (draft.guid, draft.url, draft.title)
    assert (article.summary, article.body) == (draft.summary, draft.body)
    assert article.image_url == "https://news.example/img/1.jpg"
    assert article.author == "Staff Writer"
    assert article.published_at == NOW
    assert article.fetched_at == article.updated_at == NOW
    assert article.language == "en"
    assert article.tags == ("Harbour", "Ferries")
    assert article.related == (
        RelatedLink("Fuel prices rise again", "https://news.example/fuel", "Example"),
    )
    assert article.content_hash == draft.content_hash
    assert article.simhash == (1 << 64) - 1
    assert article.story_id == article.id


async def test_same_guid_with_changed_title_updates_in_place(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _source(db)
    first = await db.articles.upsert_many(source_id, [make_draft(1)], fetched_at=NOW)
    later = NOW + timedelta(hours=1)
    changed = make_draft(1, title="Harbour council delays ferry vote", tags=["Council"])
    second = await db.articles.upsert_many(source_id, [changed], fetched_at=later)

    assert second.inserted == ()
    assert second.updated == first.inserted
    assert await db.articles.count() == 1
    article = await db.articles.get(first.inserted[0])
    assert article.title == "Harbour council delays ferry vote"
    assert article.tags == ("Council",)
    assert article.fetched_at == NOW
    assert article.updated_at == later
    assert [hit.article.id for hit in await db.search.articles("#council")] == [article.id]
    assert await db.search.articles("#harbour") == []  # the old tag is gone


async def test_same_guid_and_content_is_unchanged(db: Database, make_draft: DraftFactory) -> None:
    source_id = await _source(db)
    first = await db.articles.upsert_many(
        source_id, [make_draft(1), make_draft(2)], fetched_at=NOW
    )
    result = await db.articles.upsert_many(
        source_id, [make_draft(1), make_draft(2)], fetched_at=NOW + timedelta(hours=1)
    )
    assert result.inserted == result.updated == ()
    assert result.unchanged == 2
    assert [a.updated_at for a in await db.articles.get_many(first.inserted)] == [NOW, NOW]


async def test_same_canonical_url_is_the_same_article(
    db: Database, make_draft: DraftFactory
) -> None:
    alpha = await _source(db, "alpha")
    beta = await _source(db, "beta")
    url = "https://news.example/story/ferry"
    first = await db.articles.upsert_many(
        alpha, [make_draft(1, guid="alpha-1", url=url)], fetched_at=NOW
    )
    again = await db.articles.upsert_many(
        alpha, [make_draft(1, guid="alpha-1-reissued", url=url)], fetched_at=NOW
    )
    other = await db.articles.upsert_many(
        beta, [make_draft(1, guid="beta-77", url=url, title="Ferry vote: updated")], fetched_at=NOW
    )
    assert again.unchanged == 1
    assert other.updated == first.inserted
    assert await db.articles.count() == 1
    assert (await db.articles.get(first.inserted[0])).title == "Ferry vote: updated"


async def test_duplicates_within_one_batch_make_one_article(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _source(db)
    drafts = [
        make_draft(1),
        make_draft(1, title="Second version of the same story"),
        make_draft(2, url=make_draft(1).url),
    ]
    result = await db.articles.upsert_many(source_id, drafts, fetched_at=NOW)
    assert len(result.inserted) == 1
    assert result.total == 3
    article = await db.articles.get(result.inserted[0])
    assert article.title == make_draft(2).title  # the last draft of the batch wins


async def test_near_duplicate_from_another_source_joins_the_story(
    db: Database, make_draft: DraftFactory
) -> None:
    alpha = await _source(db, "alpha")
    beta = await _source(db, "beta")
    original = await db.articles.upsert_many(
        alpha, [make_draft(1, simhash=BASE_HASH)], fetched_at=NOW
    )
    copy = await db.articles.upsert_many(
        beta,
        [make_draft(2, simhash=BASE_HASH ^ 0b1011, published_at=NOW + timedelta(hours=71))],
        fetched_at=NOW + timedelta(hours=71),
    )
    story_id = original.inserted[0]
    assert (await db.articles.get(copy.inserted[0])).story_id == story_id
    assert [a.id for a in await db.articles.by_story(story_id)] == [
        story_id,
        copy.inserted[0],
    ]


async def test_versions_change_when_an_article_is_edited(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _source(db)
    stored = await db.articles.upsert_many(source_id, [make_draft(1)], fetched_at=NOW)
    [article_id] = stored.inserted
    before = await db.articles.versions([article_id, 999_999])
    assert list(before) == [article_id]  # unknown ids are left out
    await db.articles.upsert_many(
        source_id, [make_draft(1, title="A new headline")], fetched_at=NOW + timedelta(hours=1)
    )
    after = await db.articles.versions([article_id])
    assert after[article_id].updated_at == NOW + timedelta(hours=1)
    assert after[article_id].content_hash != before[article_id].content_hash
    assert await db.articles.versions([]) == {}


async def test_earlier_in_stories_gives_each_article_its_predecessors_newest_first(
    db: Database, make_draft: DraftFactory
) -> None:
    sources = [await _source(db, name) for name in ("alpha", "beta", "gamma", "delta")]
    ids = []
    for n, source_id in enumerate(sources):  # one story told by four sources, an hour apart
        stored = await db.articles.upsert_many(
            source_id,
            [make_draft(n + 1, simhash=BASE_HASH ^ n, published_at=NOW + timedelta(hours=n))],
            fetched_at=NOW + timedelta(hours=n),
        )
        ids.append(stored.inserted[0])
    lone = await db.articles.upsert_many(
        sources[0], [make_draft(9, simhash=~BASE_HASH & (2**64 - 1))], fetched_at=NOW
    )
    articles = await db.articles.get_many([*ids, lone.inserted[0]])
    earlier = await db.articles.earlier_in_stories(articles, 2)
    assert {key: [a.id for a in value] for key, value in earlier.items()} == {
        ids[1]: [ids[0]],
        ids[2]: [ids[1], ids[0]],
        ids[3]: [ids[2], ids[1]],  # at most 2, the nearest first
    }
    assert await db.articles.earlier_in_stories(articles, 0) == {}


async def test_near_fingerprints_of_different_subjects_are_not_one_story(
    db: Database, make_draft: DraftFactory
) -> None:
    """SimHash of short texts can be close by chance: the headlines must share a subject."""
    alpha = await _source(db, "alpha")
    beta = await _source(db, "beta")
    await db.articles.upsert_many(alpha, [make_draft(1, simhash=BASE_HASH)], fetched_at=NOW)
    other = await db.articles.upsert_many(
        beta,
        [
            make_draft(
                2,
                title="Skaters answer critics after the final at the ice rink",
                summary="A short interview.",
                simhash=BASE_HASH ^ 0b11,
            )
        ],
        fetched_at=NOW,
    )
    article = await db.articles.get(other.inserted[0])
    assert article.story_id == article.id


@pytest.mark.parametrize(
    ("flipped_bits", "hours_apart"),
    [
        (0b1111, 1),  # distance 4
        (1 | 1 << 20 | 1 << 40 | 1 << 60, 1),  # distance 4, every band differs
        (0b1, 73),  # close text, too far apart in time
    ],
)
async def test_far_articles_are_not_linked(
    db: Database, make_draft: DraftFactory, flipped_bits: int, hours_apart: int
) -> None:
    alpha = await _source(db, "alpha")
    beta = await _source(db, "beta")
    await db.articles.upsert_many(alpha, [make_draft(1, simhash=BASE_HASH)], fetched_at=NOW)
    moment = NOW + timedelta(hours=hours_apart)
    other = await db.articles.upsert_many(
        beta,
        [make_draft(2, simhash=BASE_HASH ^ flipped_bits, published_at=moment)],
        fetched_at=moment,
    )
    article = await db.articles.get(other.inserted[0])
    assert article.story_id == article.id


async def test_near_duplicate_from_the_same_source_is_not_linked(
    db: Database, make_draft: DraftFactory
) -> None:
    alpha = await _source(db, "alpha")
    first = await db.articles.upsert_many(
        alpha, [make_draft(1, simhash=BASE_HASH)], fetched_at=NOW
    )
    second = await db.articles.upsert_many(
        alpha, [make_draft(2, simhash=BASE_HASH ^ 1)], fetched_at=NOW
    )
    assert (await db.articles.get(second.inserted[0])).story_id != first.inserted[0]


async def test_near_duplicate_matches_across_the_signed_boundary(
    db: Database, make_draft: DraftFactory
) -> None:
    alpha = await _source(db, "alpha")
    beta = await _source(db, "beta")
    high = (1 << 63) | 0x00FF
    first = await db.articles.upsert_many(alpha, [make_draft(1, simhash=high)], fetched_at=NOW)
    second = await db.articles.upsert_many(
        beta, [make_draft(2, simhash=high ^ (1 << 63))], fetched_at=NOW
    )
    assert (await db.articles.get(second.inserted[0])).story_id == first.inserted[0]


async def test_invalid_drafts_are_refused_before_writing(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _source(db)
    with pytest.raises(ValueError, match="guid"):
        await db.articles.upsert_many(
            source_id, [make_draft(1), make_draft(2, guid=" ")], fetched_at=NOW
        )
    with pytest.raises(ValueError, match="simhash"):
        await db.articles.upsert_many(source_id, [make_draft(3, simhash=1 << 64)], fetched_at=NOW)
    assert await db.articles.count() == 0


async def test_a_failed_batch_writes_nothing(db: Database, make_draft: DraftFactory) -> None:
    with pytest.raises(NotFoundError, match="source"):
        await db.articles.upsert_many(99, [make_draft(1), make_draft(2)], fetched_at=NOW)
    assert await db.articles.count() == 0


async def test_ids_are_never_reused(db: Database, make_draft: DraftFactory) -> None:
    alpha = await _source(db, "alpha")
    beta = await _source(db, "beta")
    await db.articles.upsert_many(alpha, [make_draft(1)], fetched_at=NOW)
    removed = await db.articles.upsert_many(beta, [make_draft(2)], fetched_at=NOW)
    await db.sources.remove(beta)
    fresh = await db.articles.upsert_many(alpha, [make_draft(3)], fetched_at=NOW)
    assert fresh.inserted[0] > removed.inserted[0]


async def test_reads(db: Database, make_draft: DraftFactory) -> None:
    source_id = await _source(db)
    drafts = [make_draft(n, published_at=NOW + timedelta(minutes=n)) for n in range(1, 6)]
    result = await db.articles.upsert_many(source_id, drafts, fetched_at=NOW + timedelta(hours=1))
    ids = list(result.inserted)
    assert [a.id for a in await db.articles.get_many([ids[3], 999, ids[0]])] == [ids[3], ids[0]]
    assert await db.articles.get_many([]) == []
    newest = await db.search.articles("", limit=2, now=NOW)
    assert [hit.article.id for hit in newest] == [ids[4], ids[3]]
    older = await db.search.articles("", limit=2, offset=2, now=NOW)
    assert [hit.article.id for hit in older] == [ids[2], ids[1]]
    assert await db.articles.count() == 5
    with pytest.raises(NotFoundError):
        await db.articles.get(999)


async def test_future_publication_date_does_not_jump_the_queue(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _source(db)
    future = await db.articles.upsert_many(
        source_id, [make_draft(1, published_at=NOW + timedelta(days=30))], fetched_at=NOW
    )
    recent = await db.articles.upsert_many(
        source_id,
        [make_draft(2, published_at=NOW + timedelta(minutes=5))],
        fetched_at=NOW + timedelta(minutes=5),
    )
    by_recency = await db.search.articles("", now=NOW + timedelta(minutes=5))
    assert [hit.article.id for hit in by_recency] == [recent.inserted[0], future.inserted[0]]
    assert (await db.articles.get(future.inserted[0])).story_time == NOW


async def test_tags_match_by_normalised_key(db: Database, make_draft: DraftFactory) -> None:
    source_id = await _source(db)
    drafts = [
        make_draft(1, tags=["Syria", "São Paulo"]),
        make_draft(2, tags=["syria"]),
        make_draft(3, tags=["#SYRIA", "sao-paulo"], published_at=NOW - timedelta(days=10)),
    ]
    ids = (await db.articles.upsert_many(source_id, drafts, fetched_at=NOW)).inserted
    for spelling in ("#syria", "#Syria", "#SYRIA"):
        hits = await db.search.articles(spelling, now=NOW)
        assert sorted(hit.article.id for hit in hits) == sorted(ids), spelling
    for spelling in ("#sao_paulo", "#São_Paulo", "#sao-paulo"):
        hits = await db.search.articles(spelling, now=NOW)
        assert sorted(hit.article.id for hit in hits) == sorted([ids[0], ids[2]]), spelling


async def test_removing_a_source_removes_its_articles(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _source(db)
    await db.articles.upsert_many(source_id, [make_draft(1), make_draft(2)], fetched_at=NOW)
    await db.sources.remove(source_id)
    assert await db.articles.count() == 0
    assert await db.search.articles("#harbour") == []


async def test_guid_and_url_matches_of_one_article_in_one_batch(
    db: Database, make_draft: DraftFactory
) -> None:
    source_id = await _source(db)
    stored = await db.articles.upsert_many(source_id, [make_draft(1)], fetched_at=NOW)
    changed = make_draft(1, title="Timetable changed again")
    same_url_other_guid = make_draft(1, guid="another-guid", title="Timetable changed again")
    result = await db.articles.upsert_many(
        source_id, [changed, same_url_other_guid], fetched_at=NOW
    )
    assert result.updated == stored.inserted
    assert result.unchanged == 1
    assert result.inserted == ()


async def test_a_feeds_worth_of_drafts_is_prepared_off_the_event_loop(
    db: Database, make_draft: DraftFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.sql import articles

    threads: list[threading.Thread] = []
    prepare = articles._prepare

    def watched(*args, **kwargs):
        threads.append(threading.current_thread())
        return prepare(*args, **kwargs)

    monkeypatch.setattr(articles, "_prepare", watched)
    source_id = await _source(db)
    batch = [make_draft(n) for n in range(articles.PREPARE_IN_THREAD_FROM)]

    result = await db.articles.upsert_many(source_id, batch, fetched_at=NOW)

    assert len(result.inserted) == len(batch)
    assert len(threads) == len(batch)
    assert threading.main_thread() not in threads  # the event loop's thread stayed free
    await db.articles.upsert_many(source_id, [make_draft(999)], fetched_at=NOW)
    assert threads[-1] is threading.main_thread()  # one draft: no thread hop


async def test_latest_of_source_is_the_newest_story(
    db: Database, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    other = await db.sources.add("https://feeds.example/sport.xml")
    assert await db.articles.latest_of_source(source.id) is None
    older = make_draft(1, published_at=NOW - timedelta(hours=2))
    newer = make_draft(2, published_at=NOW - timedelta(hours=1))
    result = await db.articles.upsert_many(source.id, [newer, older], fetched_at=NOW)
    await db.articles.upsert_many(other.id, [make_draft(3)], fetched_at=NOW)
    latest = await db.articles.latest_of_source(source.id)
    assert latest is not None
    assert latest.id == result.inserted[0]
