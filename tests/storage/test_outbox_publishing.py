"""What the publisher needs from the outbox: in-order claims, releases, edits in place."""

from __future__ import annotations

from datetime import timedelta

import pytest

from news.entities import OutboxState, PostedAs
from storage import Database
from tests.storage.conftest import NOW, DraftFactory
from tests.support.reads import outbox_item


@pytest.fixture
async def setup(db: Database, make_draft: DraftFactory) -> tuple[list[int], list[int]]:
    """Three articles and two channels; returns (article ids, channel ids)."""
    source = await db.sources.add("https://feeds.example/harbour.xml")
    result = await db.articles.upsert_many(
        source.id, [make_draft(n) for n in (1, 2, 3)], fetched_at=NOW
    )
    channels = [(await db.channels.add(-100 - n)).id for n in (1, 2)]
    return list(result.inserted), channels


async def test_a_row_waiting_for_retry_holds_back_later_rows(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    articles, channels = setup
    await db.outbox.add_many([(a, channels[0]) for a in articles[:2]])
    first = await db.outbox.claim_next(channels[0], now=NOW)
    assert first is not None
    await db.outbox.mark_failed(first.id, error="502", retry_at=NOW + timedelta(seconds=10))
    assert await db.outbox.claim_next(channels[0], now=NOW) is None
    again = await db.outbox.claim_next(channels[0], now=NOW + timedelta(seconds=10))
    assert again is not None
    assert again.id == first.id


async def test_release_gives_the_row_back_without_counting_the_attempt(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    articles, channels = setup
    await db.outbox.add_many([(articles[0], channels[0])])
    claimed = await db.outbox.claim_next(channels[0], now=NOW)
    assert claimed is not None
    assert claimed.attempts == 1
    retry_at = NOW + timedelta(seconds=7)
    released = await db.outbox.release(claimed.id, retry_at=retry_at, error="429 wait 7s")
    assert (released.state, released.attempts, released.available_at) == (
        OutboxState.PENDING,
        0,
        retry_at,
    )
    assert released.last_error == "429 wait 7s"
    assert await db.outbox.claim_next(channels[0], now=NOW) is None
    reclaimed = await db.outbox.claim_next(channels[0], now=retry_at)
    assert reclaimed is not None
    kept = await db.outbox.release(reclaimed.id)
    assert (kept.available_at, kept.last_error) == (None, "429 wait 7s")


async def test_mark_sent_keeps_how_and_what_was_posted(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    articles, channels = setup
    await db.outbox.add_many([(articles[0], channels[0])])
    claimed = await db.outbox.claim_next(channels[0], now=NOW)
    assert claimed is not None
    sent = await db.outbox.mark_sent(
        claimed.id, message_id=12, sent_at=NOW, posted_as=PostedAs.CAPTION, posted_digest="d1"
    )
    assert (sent.state, sent.message_id, sent.posted_as, sent.posted_digest) == (
        OutboxState.SENT,
        12,
        PostedAs.CAPTION,
        "d1",
    )
    assert await outbox_item(db, claimed.id) == sent


async def test_state_counts_list_every_state(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    articles, channels = setup
    await db.outbox.add_many([(a, channels[0]) for a in articles] + [(articles[0], channels[1])])
    first = await db.outbox.claim_next(channels[0], now=NOW)
    assert first is not None
    await db.outbox.mark_failed(first.id, error="400 bad")
    await db.outbox.claim_next(channels[0], now=NOW)
    assert await db.outbox.state_counts() == {
        OutboxState.PENDING: 2,
        OutboxState.SENDING: 1,
        OutboxState.SENT: 0,
        OutboxState.FAILED: 1,
    }
    assert (await db.outbox.state_counts(channels[1]))[OutboxState.PENDING] == 1


async def test_channels_with_work_skip_paused_and_waiting_channels(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    articles, channels = setup
    third = (await db.channels.add(-103)).id
    assert await db.outbox.channels_with_work(now=NOW) == []
    await db.outbox.add_many([(articles[0], c) for c in (*channels, third)])
    assert await db.outbox.channels_with_work(now=NOW) == [*channels, third]

    await db.channels.set_paused(channels[1], True)
    claimed = await db.outbox.claim_next(third, now=NOW)
    assert claimed is not None
    await db.outbox.release(claimed.id, retry_at=NOW + timedelta(minutes=1))
    assert await db.outbox.channels_with_work(now=NOW) == [channels[0]]
    assert await db.outbox.channels_with_work(now=NOW + timedelta(minutes=1)) == [
        channels[0],
        third,
    ]


async def test_request_edits_marks_recent_and_in_flight_posts_only(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    articles, channels = setup
    await db.outbox.add_many([(a, channels[0]) for a in articles] + [(articles[0], channels[1])])
    old = await db.outbox.claim_next(channels[0], now=NOW)
    recent = await db.outbox.claim_next(channels[0], now=NOW)
    in_flight = await db.outbox.claim_next(channels[0], now=NOW)
    assert old is not None
    assert recent is not None
    assert in_flight is not None
    await db.outbox.mark_sent(old.id, message_id=1, sent_at=NOW - timedelta(hours=49))
    await db.outbox.mark_sent(recent.id, message_id=2, sent_at=NOW - timedelta(hours=47))

    marked = await db.outbox.request_edits(articles, sent_since=NOW - timedelta(hours=48), now=NOW)
    assert marked == 2  # the recent post and the one being sent; not the old one or pending
    assert (await outbox_item(db, recent.id)).edit_requested_at == NOW
    assert (await outbox_item(db, in_flight.id)).edit_requested_at == NOW
    assert (await outbox_item(db, old.id)).edit_requested_at is None
    rows = await db.outbox.for_article(articles[0])
    [pending] = [item for item in rows if item.channel_id == channels[1]]
    assert pending.edit_requested_at is None
    assert await db.outbox.request_edits([], sent_since=NOW) == 0


async def test_edit_requests_are_found_deferred_and_cleared_once(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    articles, channels = setup
    await db.outbox.add_many([(a, channels[0]) for a in articles[:2]])
    first = await db.outbox.claim_next(channels[0], now=NOW)
    assert first is not None
    await db.outbox.mark_sent(first.id, message_id=7, sent_at=NOW, posted_digest="old")
    assert await db.outbox.next_edit(channels[0], now=NOW) is None

    await db.outbox.request_edits([first.article_id], sent_since=NOW, now=NOW)
    assert await db.outbox.channels_with_work(now=NOW) == [channels[0]]
    due = await db.outbox.next_edit(channels[0], now=NOW)
    assert due is not None
    assert (due.id, due.edit_requested_at) == (first.id, NOW)

    later = NOW + timedelta(seconds=30)
    await db.outbox.defer_edit(first.id, retry_at=later, error="502 Bad Gateway")
    assert await db.outbox.next_edit(channels[0], now=NOW) is None
    assert await db.outbox.next_edit(channels[0], now=later) is not None

    # The article changed again while the edit was on its way: the newer request stays.
    await db.outbox.request_edits([first.article_id], sent_since=NOW, now=later)
    assert not await db.outbox.finish_edit(first.id, requested_at=NOW, posted_digest="mid")
    assert await db.outbox.finish_edit(first.id, requested_at=later, posted_digest="new")
    done = await outbox_item(db, first.id)
    assert (done.edit_requested_at, done.posted_digest, done.last_error) == (None, "new", None)
    assert await db.outbox.next_edit(channels[0], now=later) is None


async def test_given_up_edit_keeps_its_error_and_digest(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    articles, channels = setup
    await db.outbox.add_many([(articles[0], channels[0])])
    item = await db.outbox.claim_next(channels[0], now=NOW)
    assert item is not None
    await db.outbox.mark_sent(item.id, message_id=3, sent_at=NOW, posted_digest="kept")
    await db.outbox.request_edits([item.article_id], sent_since=NOW, now=NOW)
    error = "400 Bad Request: message to edit not found"
    assert await db.outbox.finish_edit(item.id, requested_at=NOW, error=error)
    given_up = await outbox_item(db, item.id)
    assert (given_up.edit_requested_at, given_up.posted_digest, given_up.last_error) == (
        None,
        "kept",
        error,
    )
    assert not await db.outbox.finish_edit(999, requested_at=NOW)
