"""Follows, the alert queue and per-user alerts; `matching_ids` over given article ids."""

from __future__ import annotations

from datetime import timedelta

import pytest

from news.entities import AlertMatch, AlertState, FollowAddOutcome
from news.follows import parse_follow
from storage.errors import NotFoundError
from tests.storage.conftest import NOW
from tests.support.reads import alerts_of

FRESH = timedelta(hours=48)


async def add_user(db, user_id: int) -> None:
    await db.users.upsert(user_id, username=None, first_name=f"U{user_id}", language_code="en")


async def follow(db, user_id: int, text: str, *, limit: int = 20):
    query = parse_follow(text)
    return await db.follows.add(user_id, query.text, query.key, max_follows=limit, now=NOW)


async def store(db, make_draft, *drafts, fetched_at=NOW):
    source = await db.sources.add(f"https://s{len(drafts)}-{id(drafts)}.example/rss", "Herald")
    result = await db.articles.upsert_many(source.id, list(drafts), fetched_at=fetched_at)
    return list(result.inserted)


async def test_add_duplicate_limit_and_list_in_order(db):
    await add_user(db, 1)
    first = await follow(db, 1, "Ferry  #Harbour")
    same = await follow(db, 1, "#harbour ferry")
    second = await follow(db, 1, '"winter market"', limit=2)
    refused = await follow(db, 1, "lighthouse", limit=2)

    assert first.outcome is FollowAddOutcome.ADDED
    assert first.follow.query == "Ferry #Harbour"
    assert same.outcome is FollowAddOutcome.DUPLICATE
    assert same.follow == first.follow
    assert second.outcome is FollowAddOutcome.ADDED
    assert refused == refused.__class__(FollowAddOutcome.LIMIT_REACHED, None)
    assert [f.query for f in await db.follows.list(1)] == ["Ferry #Harbour", '"winter market"']
    assert len(await db.follows.list(1)) == 2


async def test_follow_of_unknown_user_is_not_found(db):
    with pytest.raises(NotFoundError):
        await follow(db, 99, "ferry")


async def test_remove_touches_only_the_owners_follow(db):
    await add_user(db, 1)
    await add_user(db, 2)
    ann = (await follow(db, 1, "ferry")).follow
    assert not await db.follows.remove(2, ann.id)
    assert len(await db.follows.list(1)) == 1
    assert await db.follows.remove(1, ann.id)
    assert not await db.follows.remove(1, ann.id)


async def test_pause_and_resume_per_user(db):
    await add_user(db, 1)
    await add_user(db, 2)
    await follow(db, 1, "ferry")
    await follow(db, 1, "#harbour")
    bob = (await follow(db, 2, "ferry")).follow
    assert await db.follows.set_paused_for_user(1, True) == 2
    assert [f.id for f in await db.follows.active()] == [bob.id]
    assert await db.follows.set_paused_for_user(1, True) == 0
    assert await db.follows.set_paused_for_user(1, False) == 2
    assert len(await db.follows.active()) == 3


async def test_queue_only_with_active_follows_and_fresh_stories(db, make_draft):
    old = make_draft(1, published_at=NOW - timedelta(days=5))
    fresh = make_draft(2)
    ids = await store(db, make_draft, old, fresh)
    assert await db.alerts.queue(ids, max_age=FRESH) == 0  # nobody follows anything
    await add_user(db, 1)
    await follow(db, 1, "ferry")
    assert await db.alerts.queue(ids, max_age=FRESH) == 1
    assert await db.alerts.queue(ids, max_age=FRESH) == 0  # already queued
    assert await db.alerts.queued() == [ids[1]]


async def test_matches_recorded_once_per_user_and_article(db, make_draft):
    await add_user(db, 1)
    ferry = (await follow(db, 1, "ferry")).follow
    harbour = (await follow(db, 1, "#harbour")).follow
    [article] = await store(db, make_draft, make_draft(1))
    await db.alerts.queue([article], max_age=FRESH)
    matches = [AlertMatch(1, article, ferry.id), AlertMatch(1, article, harbour.id)]
    assert await db.alerts.record_matches(matches, matched=[article], now=NOW) == 1
    assert await db.alerts.queued() == []
    again = await db.alerts.record_matches([AlertMatch(1, article, harbour.id)], matched=[])
    assert again == 0
    [alert] = await alerts_of(db, 1)
    assert (alert.follow_id, alert.follow_query, alert.state) == (
        ferry.id,
        "ferry",
        AlertState.PENDING,
    )


async def test_claim_send_retry_and_drop_lifecycle(db, make_draft):
    await add_user(db, 1)
    ferry = (await follow(db, 1, "ferry")).follow
    ids = await store(db, make_draft, make_draft(1), make_draft(2))
    await db.alerts.record_matches([AlertMatch(1, i, ferry.id) for i in ids], matched=ids)

    assert await db.alerts.users_waiting(now=NOW) == [1]
    claimed = await db.alerts.claim(1, now=NOW)
    assert [a.article_id for a in claimed] == ids
    assert await db.alerts.claim(1, now=NOW) == []  # nothing claimed twice
    assert await db.alerts.users_waiting(now=NOW) == []

    later = NOW + timedelta(minutes=1)
    assert await db.alerts.retry_later(1, ids, retry_at=later, count_attempt=True) == 2
    assert await db.alerts.users_waiting(now=NOW) == []
    assert await db.alerts.users_waiting(now=later) == [1]
    retried = await db.alerts.claim(1, now=later)
    assert [a.attempts for a in retried] == [1, 1]

    assert await db.alerts.mark_sent(1, ids[:1], now=later) == 1
    assert await db.alerts.drop_sending_on_start() == 1
    counts = await db.alerts.state_counts(1)
    assert counts[AlertState.SENT] == 1
    assert counts[AlertState.DROPPED] == 1
    assert counts[AlertState.PENDING] == counts[AlertState.SENDING] == 0


async def test_drop_all_for_user_and_unfollow_removes_alerts(db, make_draft):
    await add_user(db, 1)
    await add_user(db, 2)
    ann = (await follow(db, 1, "ferry")).follow
    bob = (await follow(db, 2, "ferry")).follow
    ids = await store(db, make_draft, make_draft(1))
    await db.alerts.record_matches(
        [AlertMatch(1, ids[0], ann.id), AlertMatch(2, ids[0], bob.id)], matched=ids
    )
    assert await db.alerts.drop_all_for_user(1) == 1
    assert (await db.alerts.state_counts(2))[AlertState.PENDING] == 1
    await db.follows.remove(2, bob.id)
    assert await alerts_of(db, 2) == []


async def test_matching_ids_restricted_to_the_given_articles(db, make_draft):
    ids = await store(
        db,
        make_draft,
        make_draft(1, title="Ferry strike ends", tags=["Harbour"]),
        make_draft(2, title="Lighthouse repainted", body="Fresh paint.", tags=["Coast"]),
        make_draft(3, title="Ferry fares rise", tags=["Coast"]),
        make_draft(4, title="Warm weather", summary="Sunny.", body="Sunny.", tags=[]),
    )

    async def hits(text, among=ids):
        return await db.search.matching_ids(parse_follow(text).search, among)

    assert await hits("ferry") == {ids[0], ids[2]}
    assert await hits("ferry", ids[1:]) == {ids[2]}
    assert await hits("ferry #coast") == {ids[2]}
    assert await hits("#coast") == {ids[1], ids[2]}
    assert await hits("war") == set()  # a follow's last word is whole, not a prefix
    assert await hits("source:Herald #harbour") == {ids[0]}
    assert await hits("source:Nowhere ferry") == set()
    assert await hits('"strike ends"') == {ids[0]}
    assert await hits("ferry", []) == set()


async def test_one_story_reaches_a_user_once_across_sources(db, make_draft):
    await add_user(db, 1)
    ferry = (await follow(db, 1, "ferry")).follow
    wire = await db.sources.add("https://wire.example/rss", "Wire")
    gazette = await db.sources.add("https://gazette.example/rss", "Gazette")
    courier = await db.sources.add("https://courier.example/rss", "Courier")
    same = {"simhash": 0x0F0F_0F0F_0F0F_0F0F}
    [first] = (
        await db.articles.upsert_many(wire.id, [make_draft(1, **same)], fetched_at=NOW)
    ).inserted
    [second] = (
        await db.articles.upsert_many(gazette.id, [make_draft(2, **same)], fetched_at=NOW)
    ).inserted
    [other] = (await db.articles.upsert_many(wire.id, [make_draft(3)], fetched_at=NOW)).inserted
    assert (await db.articles.get(second)).story_id == first

    added = await db.alerts.record_matches(
        [AlertMatch(1, a, ferry.id) for a in (second, first, other)], matched=[]
    )
    [third] = (
        await db.articles.upsert_many(courier.id, [make_draft(4, **same)], fetched_at=NOW)
    ).inserted
    later = await db.alerts.record_matches([AlertMatch(1, third, ferry.id)], matched=[])

    assert added == 2
    assert later == 0
    assert [a.article_id for a in await alerts_of(db, 1)] == [first, other]
