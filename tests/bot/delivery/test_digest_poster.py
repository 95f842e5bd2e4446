"""Daily digests sent by the publisher on the emulator: once, under the channel's pacing, with
the outbox's failure rules (429 waits, 5xx retried, 400 gives up) and crash recovery."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.delivery.digest_poster import DigestPoster
from bot.delivery.notices import AdminNotifier
from bot.delivery.publisher import Publisher
from news.entities import DigestState
from tests.bot.delivery.conftest import FAST, NewsWorld
from tests.support.waiting import eventually

DAY = date(2026, 12, 7)
HTML = (
    '<b>🗞 Top stories of the day · 2026-12-07</b>\n\n1. <b><a href="https://h.example/1">A</a></b>'
)


@pytest.fixture
def make_digest_publisher(tg_bot, db, pacer):
    """Return `make()`: a publisher (not started) that also sends digests."""

    def make() -> tuple[Publisher, DigestPoster]:
        digests = DigestPoster(tg_bot, db, pacer, FAST, clock=lambda: datetime.now(UTC))
        publisher = Publisher(
            tg_bot, db, pacer, FAST, notifier=AdminNotifier(tg_bot, pacer, ()), digests=digests
        )
        return publisher, digests

    return make


async def settled(world: NewsWorld, channel_id: int, state: DigestState) -> None:
    """Wait until the digest of DAY is in `state`."""

    async def reached() -> bool:
        post = await world.db.digests.get(channel_id, DAY)
        return post is not None and post.state is state

    await eventually(reached, within=10, what=f"digest {state}")


async def test_a_claimed_digest_is_posted_once_with_its_html(
    world: NewsWorld, make_digest_publisher
):
    channel = await world.add_channel("Harbour News")
    await world.db.digests.claim_day(channel.id, DAY, html=HTML, article_ids=[])
    publisher, digests = make_digest_publisher()
    async with publisher:
        await settled(world, channel.id, DigestState.SENT)
        looked = publisher.looks

        async def looked_again() -> bool:
            return publisher.looks >= looked + 3

        await eventually(looked_again, what="the publisher looking again")
    [post] = await world.posts(channel)
    row = await world.db.digests.get(channel.id, DAY)
    assert row is not None
    assert row.message_id == post.message_id
    assert post.text.startswith("🗞 Top stories of the day · 2026-12-07\n\n1. A")
    assert "text_link" in post.entity_types
    assert digests.sent == 1


async def test_429_waits_and_5xx_is_retried_then_sent(
    world: NewsWorld, make_digest_publisher, emulator
):
    channel = await world.add_channel("Harbour News")
    await world.db.digests.claim_day(channel.id, DAY, html=HTML, article_ids=[])
    await emulator.client.add_fault(
        "sendMessage",
        error_code=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
    )
    await emulator.client.add_fault("sendMessage", error_code=502, description="Bad Gateway")
    publisher, _digests = make_digest_publisher()
    async with publisher:
        await settled(world, channel.id, DigestState.SENT)
    row = await world.db.digests.get(channel.id, DAY)
    assert row is not None
    assert row.attempts == 2  # the 429 gave its attempt back, the 502 did not
    assert len(await world.posts(channel)) == 1


async def test_a_refused_digest_fails_for_good(world: NewsWorld, make_digest_publisher, emulator):
    channel = await world.add_channel("Harbour News")
    await world.db.digests.claim_day(channel.id, DAY, html=HTML, article_ids=[])
    await emulator.client.add_fault(
        "sendMessage", error_code=400, description="Bad Request: message is too long"
    )
    publisher, _digests = make_digest_publisher()
    async with publisher:
        await settled(world, channel.id, DigestState.FAILED)
    row = await world.db.digests.get(channel.id, DAY)
    assert row is not None
    assert "Message is too long" in (row.last_error or "")
    assert await world.posts(channel) == []


async def test_a_digest_left_sending_by_a_crash_is_recovered(
    world: NewsWorld, make_digest_publisher
):
    channel = await world.add_channel("Harbour News")
    await world.db.digests.claim_day(channel.id, DAY, html=HTML, article_ids=[])
    assert await world.db.digests.claim_next(channel.id) is not None  # then kill -9
    publisher, digests = make_digest_publisher()
    assert await digests.recover() == 1  # what `newsbot run` does at start
    async with publisher:
        await settled(world, channel.id, DigestState.SENT)
    assert len(await world.posts(channel)) == 1
