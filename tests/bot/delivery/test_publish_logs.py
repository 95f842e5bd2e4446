"""Every post, edit and failure is logged at INFO or above with channel, article and message id."""

from __future__ import annotations

import logging

import pytest

from bot.services.ingest import Ingestor
from emulator import RunningEmulator
from news.fetch import Fetcher, FetchPolicy
from tests.bot.delivery.conftest import NewsWorld, draft
from tests.bot.delivery.test_edits import canal_feed, routed_source

PUBLISHER = "bot.delivery.publisher"
IDS = ("channel_id", "chat_id", "item_id", "article_id", "message_id")


def events(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return the publisher's records about posts at INFO or above (seen by default)."""
    return [
        r
        for r in caplog.records
        if r.name == PUBLISHER and r.levelno >= logging.INFO and r.msg != "publisher_stopped"
    ]


async def test_posts_retries_and_rejections_are_logged_at_info_with_their_ids(
    world: NewsWorld, emulator: RunningEmulator, make_publisher, caplog
):
    caplog.set_level(logging.INFO, logger=PUBLISHER)
    channel = await world.add_channel("Logged")
    ids = await world.add_articles([draft(n) for n in range(1, 4)])
    await world.queue(ids, [channel])
    client = emulator.client
    await client.add_fault("sendMessage", error_code=400, description="Bad Request: can't parse")
    await client.add_fault("sendMessage", error_code=502, description="Bad Gateway")

    async with make_publisher():
        await world.wait_until_settled()

    records = events(caplog)
    for record in records:
        assert all(hasattr(record, name) for name in IDS), record.msg
        assert record.channel_id == channel.id
        assert record.chat_id == channel.chat_id
    by_event: dict[str, list[logging.LogRecord]] = {}
    for record in records:
        by_event.setdefault(record.msg, []).append(record)
    assert sorted(by_event) == ["post_rejected", "post_retry", "posted"]
    assert [r.article_id for r in by_event["post_rejected"]] == [ids[0]]
    assert by_event["post_rejected"][0].levelno == logging.WARNING
    assert [r.article_id for r in by_event["post_retry"]] == [ids[1]]
    assert by_event["post_retry"][0].levelno == logging.INFO
    posted = by_event["posted"]
    assert sorted(r.article_id for r in posted) == ids[1:]
    assert all(r.levelno == logging.INFO for r in posted)
    messages = {m.message_id for m in await world.posts(channel)}
    assert {r.message_id for r in posted} == messages


async def test_an_edit_is_logged_at_info_with_its_message_id(
    world: NewsWorld, make_publisher, caplog
):
    caplog.set_level(logging.INFO, logger=PUBLISHER)
    channel = await world.add_channel("Canal")
    source = await routed_source(world, channel)
    async with Fetcher(FetchPolicy(timeout_seconds=5)) as fetcher:
        ingestor = Ingestor(world.db, fetcher, max_failures=3, default_interval_seconds=300)
        await ingestor.store_document(source, canal_feed("Canal reopens"))
        async with make_publisher() as publisher:
            await world.wait_until_settled()
            await ingestor.store_document(source, canal_feed("Canal reopens a week early"))
            publisher.wake()
            await world.wait_until_edited()

    [post] = await world.posts(channel)
    [edited] = [r for r in events(caplog) if r.msg == "edited"]
    assert edited.levelno == logging.INFO
    assert (edited.channel_id, edited.message_id) == (channel.id, post.message_id)
    [row] = await world.rows()
    assert (edited.item_id, edited.article_id) == (row.id, row.article_id)
