"""Daily digests on every engine: a channel's day ranked (saves, shares, comments, reactions;
near-duplicates as one story), claimed once per (channel, day), sent like the outbox."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from news.entities import DigestState
from storage.errors import NotFoundError
from tests.storage.conftest import NOW

CHAT = -1002000000001
OTHER_CHAT = -1002000000002
DAY = date(2024, 3, 1)
SINCE, UNTIL = NOW - timedelta(hours=24), NOW


@pytest.fixture
async def day(db, make_draft):
    """Channel 1 got articles 1-4 in the last day (3 is a near-duplicate of 1, from another
    source) and article 5 two days ago; channel 2 got article 2 only."""
    harbour = await db.sources.add("https://harbour.example/rss", "Harbour Log")
    coast = await db.sources.add("https://coast.example/rss", "Coast Courier")
    first = await db.articles.upsert_many(
        harbour.id,
        [make_draft(n) for n in (1, 2)],
        fetched_at=NOW - timedelta(hours=20),
    )
    copy = await db.articles.upsert_many(
        coast.id, [make_draft(3, story=1)], fetched_at=NOW - timedelta(hours=19)
    )
    later = await db.articles.upsert_many(
        harbour.id, [make_draft(4), make_draft(5)], fetched_at=NOW - timedelta(hours=50)
    )
    one, two = first.inserted
    [three] = copy.inserted
    four, five = later.inserted
    channel = await db.channels.add(CHAT, title="Harbour News")
    other = await db.channels.add(OTHER_CHAT, title="Coast News")
    sent = {one: 10, two: 9, three: 8, four: 7, five: 48}  # hours before NOW
    await db.outbox.add_many([(a, channel.id) for a in (one, two, three, four, five)])
    await db.outbox.add_many([(two, other.id)])
    for channel_id in (channel.id, other.id):
        while (item := await db.outbox.claim_next(channel_id, now=NOW)) is not None:
            await db.outbox.mark_sent(
                item.id,
                message_id=100 + item.article_id,
                sent_at=NOW - timedelta(hours=sent[item.article_id]),
            )
    for user_id in (1, 2):
        await db.users.upsert(user_id, username=None, first_name="Reader", language_code="en")
    return channel, other, (one, two, three, four, five)


async def test_the_days_posts_ranked_by_engagement_duplicates_as_one(db, day):
    channel, _other, (one, two, three, four, _five) = day
    await db.bookmarks.add(1, two, now=NOW - timedelta(hours=1))  # two: 3
    await db.shares.record(1, three, result_id="r1", now=NOW - timedelta(hours=2))  # story 1: 2
    await db.reactions.record(CHAT, 100 + one, {"👍": 6}, at=NOW - timedelta(hours=3))  # +3
    stories = await db.digests.stories(channel.id, since=SINCE, until=UNTIL)
    assert [(s.article.id, s.saves, s.shares, s.reactions) for s in stories] == [
        (one, 0, 1, 6),  # story 1 (with its duplicate three): 2 + 3 = 5
        (two, 1, 0, 0),  # 3
        (four, 0, 0, 0),  # posted, not engaged: after the engaged ones
    ]
    assert [s.score for s in stories] == pytest.approx([5.0, 3.0, 0.0])


async def test_posts_and_engagement_outside_the_window_do_not_count(db, day):
    channel, _other, (one, two, _three, four, _five) = day
    await db.bookmarks.add(1, four, now=NOW - timedelta(hours=30))  # before the window
    await db.bookmarks.add(2, four, now=NOW + timedelta(minutes=1))  # after it
    stories = await db.digests.stories(channel.id, since=SINCE, until=UNTIL, limit=2)
    assert [s.article.id for s in stories] == [one, two]  # unengaged: earliest post first
    assert all(s.score == 0 for s in stories)


async def test_only_the_channels_own_posts(db, day):
    _channel, other, (_one, two, *_rest) = day
    stories = await db.digests.stories(other.id, since=SINCE, until=UNTIL)
    assert [s.article.id for s in stories] == [two]
    assert await db.digests.stories(other.id, since=SINCE, until=UNTIL, limit=0) == []


async def test_a_day_is_claimed_once(db, day):
    channel, _other, (one, two, *_rest) = day
    assert await db.digests.claim_day(
        channel.id, DAY, html="<b>Top</b>", article_ids=[one, two], now=NOW
    )
    assert not await db.digests.claim_day(
        channel.id, DAY, html="<b>Other</b>", article_ids=[two], now=NOW
    )
    post = await db.digests.get(channel.id, DAY)
    assert post is not None
    assert (post.state, post.html, post.article_ids, post.day) == (
        DigestState.PENDING,
        "<b>Top</b>",
        (one, two),
        DAY,
    )
    assert await db.digests.get(channel.id, DAY + timedelta(days=1)) is None
    assert await db.digests.claim_day(
        channel.id, DAY + timedelta(days=1), html="", article_ids=[], now=NOW
    )
    empty = await db.digests.get(channel.id, DAY + timedelta(days=1))
    assert empty is not None
    assert empty.state is DigestState.EMPTY
    with pytest.raises(NotFoundError):
        await db.digests.claim_day(999, DAY, html="x", article_ids=[], now=NOW)


async def test_sent_like_an_outbox_row(db, day):
    channel, other, _ids = day
    await db.digests.claim_day(channel.id, DAY, html="<b>Top</b>", article_ids=[], now=NOW)
    await db.digests.claim_day(other.id, DAY, html="", article_ids=[], now=NOW)  # empty
    assert await db.digests.channels_with_work(now=NOW) == [channel.id]
    claimed = await db.digests.claim_next(channel.id, now=NOW)
    assert claimed is not None
    assert (claimed.state, claimed.attempts) == (DigestState.SENDING, 1)
    assert await db.digests.claim_next(channel.id, now=NOW) is None  # one at a time
    assert await db.digests.channels_with_work(now=NOW) == []
    # A 429: back to pending, later, the attempt given back.
    later = NOW + timedelta(seconds=30)
    held = await db.digests.release(channel.id, DAY, retry_at=later, error="429")
    assert (held.state, held.attempts, held.last_error) == (DigestState.PENDING, 0, "429")
    assert await db.digests.claim_next(channel.id, now=NOW) is None
    assert await db.digests.channels_with_work(now=later) == [channel.id]
    again = await db.digests.claim_next(channel.id, now=later)
    assert again is not None
    sent = await db.digests.mark_sent(channel.id, DAY, message_id=77, sent_at=later)
    assert (sent.state, sent.message_id, sent.sent_at, sent.last_error) == (
        DigestState.SENT,
        77,
        later,
        None,
    )
    assert await db.digests.claim_next(channel.id, now=later) is None


async def test_a_crash_mid_send_returns_it_to_pending(db, day):
    channel, other, _ids = day
    await db.digests.claim_day(channel.id, DAY, html="a", article_ids=[], now=NOW)
    await db.digests.claim_day(other.id, DAY, html="b", article_ids=[], now=NOW)
    assert await db.digests.claim_next(channel.id, now=NOW) is not None
    assert await db.digests.claim_next(other.id, now=NOW) is not None
    assert await db.digests.reset_sending(channel.id) == 1
    assert await db.digests.channels_with_work(now=NOW) == [channel.id]
    assert await db.digests.reset_sending() == 1  # the other one
    retried = await db.digests.release(
        channel.id, DAY, retry_at=NOW, error="502", count_attempt=True
    )
    assert retried.attempts == 1
    failed = await db.digests.mark_failed(channel.id, DAY, error="400: bad")
    assert (failed.state, failed.last_error) == (DigestState.FAILED, "400: bad")
    with pytest.raises(NotFoundError):
        await db.digests.mark_failed(channel.id, DAY + timedelta(days=3), error="x")


async def test_a_paused_channel_has_no_digest_work(db, day):
    channel, _other, _ids = day
    await db.digests.claim_day(channel.id, DAY, html="a", article_ids=[], now=NOW)
    await db.channels.set_paused(channel.id, True)
    assert await db.digests.channels_with_work(now=NOW) == []


async def test_channel_digest_settings(db, day):
    channel, _other, _ids = day
    assert (channel.timezone, channel.digest_hour, channel.digest_language) == (None, None, None)
    await db.channels.set_schedule(channel.id, timezone="Europe/Berlin", quiet_hours=None)
    await db.channels.set_digest_language(channel.id, "ru")
    changed = await db.channels.set_digest_hour(channel.id, 18)
    assert (changed.timezone, changed.digest_hour, changed.digest_language) == (
        "Europe/Berlin",
        18,
        "ru",
    )
    assert (await db.channels.get(channel.id)).digest_hour == 18
    with pytest.raises(ValueError, match="0-23"):
        await db.channels.set_digest_hour(channel.id, 24)
    off = await db.channels.set_digest_hour(channel.id, None)
    assert off.digest_hour is None
    assert off.timezone == "Europe/Berlin"


async def test_removing_a_channel_removes_its_digests_and_reactions(db, day):
    channel, _other, (one, *_rest) = day
    await db.digests.claim_day(channel.id, DAY, html="a", article_ids=[], now=NOW)
    await db.reactions.record(CHAT, 100 + one, {"👍": 1}, at=NOW)
    await db.channels.remove(channel.id)
    assert await db.digests.get(channel.id, DAY) is None
    assert await db.reactions.for_article(one) == {}
