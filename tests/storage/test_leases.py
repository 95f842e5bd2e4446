"""What several processes on one database share out: leases, source claims, channel takeover.

On every engine, so that SQLite runs the same code path (trivially: one process holds all).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from news.entities import OutboxState
from storage import Database
from storage.sql.leases import fair_shares
from tests.storage.conftest import NOW, DraftFactory


async def test_a_lease_has_one_holder_until_released(db: Database) -> None:
    assert await db.leases.acquire("updates", "a", seconds=30)
    assert not await db.leases.acquire("updates", "b", seconds=30)
    assert await db.leases.acquire("updates", "a", seconds=30)  # kept by its holder
    assert await db.leases.holders("upd") == {"updates": "a"}
    assert not await db.leases.release("updates", "b")
    assert await db.leases.release("updates", "a")
    assert await db.leases.acquire("updates", "b", seconds=30)


async def test_an_expired_lease_is_taken_over_and_not_renewed(db: Database) -> None:
    # Leases run on the database's own clock: a negative lifetime is one already over.
    assert await db.leases.acquire("publish:1", "a", seconds=-1)
    assert await db.leases.acquire("publish:2", "a", seconds=30)
    assert await db.leases.holders("publish:") == {"publish:2": "a"}
    assert await db.leases.acquire("publish:1", "b", seconds=30)
    assert await db.leases.renew("a", seconds=30) == ["publish:2"]
    assert await db.leases.holders("publish:") == {"publish:1": "b", "publish:2": "a"}


async def test_release_all_of_a_holder_or_everyone(db: Database) -> None:
    for name, holder in (("x", "a"), ("y", "a"), ("z", "b")):
        assert await db.leases.acquire(name, holder, seconds=30)
    assert await db.leases.release_all("a") == 2
    assert await db.leases.holders("") == {"z": "b"}
    assert await db.leases.release_all() == 1
    assert await db.leases.holders("") == {}


async def test_racing_processes_get_a_lease_once(db: Database) -> None:
    won = await asyncio.gather(
        *(db.leases.acquire("updates", f"p{n}", seconds=30) for n in range(8))
    )
    assert won.count(True) == 1


async def test_a_claimed_source_is_not_due_again_until_the_claim_ends(db: Database) -> None:
    first = await db.sources.add("https://one.example/rss")
    second = await db.sources.add("https://two.example/rss")
    until = NOW + timedelta(minutes=5)
    claimed = await db.sources.claim_due(NOW, until=until, limit=1)
    assert [s.id for s in claimed] == [first.id]
    assert [s.id for s in await db.sources.claim_due(NOW, until=until)] == [second.id]
    assert await db.sources.claim_due(NOW + timedelta(minutes=4), until=until) == []
    again = await db.sources.claim_due(until, until=until + timedelta(minutes=5))
    assert {s.id for s in again} == {first.id, second.id}  # a claim that was never recorded


async def test_concurrent_claims_share_out_the_due_sources(db: Database) -> None:
    for n in range(12):
        await db.sources.add(f"https://s{n}.example/rss")
    until = NOW + timedelta(minutes=5)
    batches = await asyncio.gather(
        *(db.sources.claim_due(NOW, until=until, limit=5) for _ in range(4))
    )
    ids = [source.id for batch in batches for source in batch]
    assert len(ids) == 12
    assert len(set(ids)) == 12


async def test_taking_a_channel_over_returns_its_sending_row(
    db: Database, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://feeds.example/harbour.xml")
    result = await db.articles.upsert_many(
        source.id, [make_draft(n) for n in (1, 2, 3)], fetched_at=NOW
    )
    one, two = (await db.channels.add(-101)).id, (await db.channels.add(-102)).id
    await db.outbox.add_many([(a, c) for a in result.inserted for c in (one, two)])
    sent = await db.outbox.claim_next(one, now=NOW)
    assert sent is not None
    await db.outbox.mark_sent(sent.id, message_id=5, sent_at=NOW)
    assert await db.outbox.claim_next(one, now=NOW) is not None  # left in sending
    assert await db.outbox.claim_next(two, now=NOW) is not None  # another process's send
    assert await db.outbox.reset_sending(one) == 1
    assert (await db.outbox.state_counts(one))[OutboxState.SENDING] == 0
    assert (await db.outbox.state_counts(two))[OutboxState.SENDING] == 1
    assert await db.outbox.recent_sends(one, since=NOW - timedelta(minutes=1)) == [NOW]
    assert await db.outbox.recent_sends(one, since=NOW + timedelta(seconds=1)) == []


async def test_a_channels_recent_sends_count_each_photo_of_an_album_and_its_buttons(
    db: Database, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://feeds.example/harbour.xml")
    result = await db.articles.upsert_many(
        source.id, [make_draft(n) for n in (1, 2)], fetched_at=NOW
    )
    channel = (await db.channels.add(-101)).id
    await db.outbox.add_many([(a, channel) for a in result.inserted])
    album = await db.outbox.claim_next(channel, now=NOW)
    assert album is not None
    photos = [
        "https://img.example/1.jpg",
        "https://img.example/2.jpg",
        "https://img.example/3.jpg",
    ]
    await db.outbox.mark_album_posted(album.id, album=photos, message_ids=[7, 8, 9])
    later = NOW + timedelta(seconds=2)
    await db.outbox.mark_sent(album.id, message_id=7, sent_at=later, buttons_message_id=10)
    text = await db.outbox.claim_next(channel, now=NOW)
    assert text is not None
    await db.outbox.mark_sent(text.id, message_id=11, sent_at=NOW)
    # One outbox row each, but Telegram counted 3 photos + the buttons, and 1 text post.
    assert await db.outbox.recent_sends(channel, since=NOW - timedelta(minutes=1)) == [
        NOW,
        *[later] * 4,
    ]


async def settle(
    db: Database, holder: str, wants: int, keep: int = 30, weight: int = 1
) -> tuple[int, int]:
    """Settle `holder`'s part of a 30-place budget (places count 30 s; cooling 30 s)."""
    return await db.leases.settle_budget(
        holder, wants=wants, weight=weight, keep=keep, capacity=30, seconds=30, cooling=30
    )


async def test_a_lone_holder_takes_the_places_it_wants(db: Database) -> None:
    assert await settle(db, "a", 12) == (12, 12)
    assert await settle(db, "a", 30) == (30, 30)


async def test_two_hungry_holders_end_with_half_each_never_more_than_the_budget(
    db: Database,
) -> None:
    assert await settle(db, "a", 30) == (30, 30)
    assert await settle(db, "b", 30) == (0, 15)  # all taken: b waits for a's half
    assert await settle(db, "a", 30) == (30, 15)  # a learns its share ...
    assert await settle(db, "a", 30, keep=15) == (15, 15)  # ... and gives the rest back
    # Given back, the places still count while the sends made with them leave the window.
    assert await settle(db, "b", 30) == (0, 15)


async def test_places_given_back_are_free_once_cooled(db: Database) -> None:
    assert await settle(db, "a", 30) == (30, 30)
    held = await db.leases.settle_budget(
        "a", wants=0, weight=1, keep=10, capacity=30, seconds=30, cooling=-1
    )
    assert held == (10, 0)
    # a wants none: b's share is all 30, of which a still holds 10 until it gives them back
    assert await settle(db, "b", 30) == (20, 30)


async def test_an_idle_holder_leaves_the_budget_to_a_busy_one(db: Database) -> None:
    assert await settle(db, "a", 2) == (2, 2)
    assert await settle(db, "b", 30) == (28, 28)


async def test_a_dead_holders_places_come_back_when_its_row_expires(db: Database) -> None:
    assert await db.leases.settle_budget(
        "a", wants=30, weight=1, keep=30, capacity=30, seconds=-1, cooling=30
    ) == (30, 30)
    assert await settle(db, "b", 30) == (30, 30)


async def test_busy_holders_share_in_proportion_to_their_ready_chats(db: Database) -> None:
    assert await settle(db, "a", 30, keep=0, weight=16) == (30, 30)
    assert await settle(db, "b", 30, keep=0, weight=14) == (0, 14)
    assert await settle(db, "a", 30, keep=16, weight=16) == (16, 16)  # 14 given back


async def test_racing_holders_never_hold_more_than_the_budget(db: Database) -> None:
    results = await asyncio.gather(*(settle(db, f"p{n}", 30) for n in range(6)))
    assert sum(held for held, _ in results) == 30


async def test_a_channels_recent_sends_count_its_daily_digest(
    db: Database, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://feeds.example/harbour.xml")
    result = await db.articles.upsert_many(source.id, [make_draft(1)], fetched_at=NOW)
    channel = (await db.channels.add(-101)).id
    other = (await db.channels.add(-102)).id
    await db.outbox.add_many([(a, channel) for a in result.inserted])
    post = await db.outbox.claim_next(channel, now=NOW)
    assert post is not None
    await db.outbox.mark_sent(post.id, message_id=3, sent_at=NOW)
    later = NOW + timedelta(seconds=5)
    for chat in (channel, other):
        assert await db.digests.claim_day(chat, NOW.date(), html="<b>Today</b>", article_ids=[])
        assert await db.digests.claim_next(chat, now=NOW) is not None
        await db.digests.mark_sent(chat, NOW.date(), message_id=4, sent_at=later)
    assert await db.outbox.recent_sends(channel, since=NOW - timedelta(minutes=1)) == [
        NOW,
        later,
    ]
    assert await db.outbox.recent_sends(channel, since=later + timedelta(seconds=1)) == []


def test_fair_shares_divide_by_weight_cap_at_wants_and_pass_on_what_is_left() -> None:
    # two busy processes split 30 places by the chats they send to
    assert fair_shares(30, {"a": (30, 16), "b": (30, 14)}) == {"a": 16, "b": 14}
    # one wants little: the other gets what it leaves
    assert fair_shares(30, {"a": (2, 1), "b": (30, 1)}) == {"a": 2, "b": 28}
    # anyone wanting a place gets one while any is left, however light its weight
    assert fair_shares(30, {"a": (30, 100), "b": (5, 1)})["b"] >= 1
    # never more than the capacity, nothing to one that wants nothing
    shares = fair_shares(30, {"a": (30, 3), "b": (30, 2), "c": (0, 1)})
    assert sum(shares.values()) == 30
    assert shares["c"] == 0
    # every process computes the same division, whatever the order it lists them in
    assert fair_shares(7, {"b": (9, 1), "a": (9, 1)}) == fair_shares(7, {"a": (9, 1), "b": (9, 1)})
