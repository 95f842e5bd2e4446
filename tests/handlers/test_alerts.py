"""Personal alerts end to end: follow, new articles, one grouped message, once; 403, 429.

The bot runs every feature's handlers on the emulator, paced like production; articles are
stored as ingestion stores them (then queued, as its hook does) or fetched from a local
feed by the real `Ingestor`; an `AlertSender` delivers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from bot.app.runtime import fetch_policy
from bot.delivery.alert_sender import AlertConfig, AlertSender
from bot.ops.settings import Settings
from bot.services.admin.status import bot_stats
from bot.services.alerts.matcher import match_queued
from bot.services.ingest import ALERT_MAX_AGE, Ingestor
from news.entities import AlertState
from news.fetch import Fetcher
from news.render import encode_save
from storage import open_database
from tests.factories import draft
from tests.handlers.conftest import NewsDesk
from tests.handlers.test_follow import ask
from tests.support.feedserver import FeedServer
from tests.support.paced_bot import paced_reader_bot, scaled_emulator_config, scaled_pacer
from tests.support.reads import alerts_of
from tests.support.waiting import eventually

FAST = AlertConfig(poll_seconds=0.05, retry_base_seconds=0.05)


@pytest.fixture
def emulator_config():
    return scaled_emulator_config()


@asynccontextmanager
async def alerts_bot(bot_app, db, **settings) -> AsyncIterator[tuple]:
    """The reader bot and an alert sender (not started) sharing its bot and pacer."""
    pacer = scaled_pacer()
    async with paced_reader_bot(bot_app, db, pacer, **settings) as harness:
        sender = AlertSender(harness.bot, db, pacer, FAST)
        try:
            yield harness, sender
        finally:
            await sender.stop()


async def publish(desk, source, *drafts) -> list[int]:
    """Store articles as ingestion does and queue them for matching (its hook)."""
    articles = await desk.store(source, *drafts)
    ids = [article.id for article in articles]
    await desk.db.alerts.queue(ids, max_age=ALERT_MAX_AGE)
    return ids


async def bot_messages(harness, user) -> list:
    """Return what the bot wrote in the user's private chat."""
    return await harness.client.messages(user.id, from_bot=True)


def story_lines(message) -> list[str]:
    """Return the numbered story lines of an alert."""
    return [line for line in message.text.split("\n") if line[:1].isdigit()]


async def test_matches_arrive_grouped_once_and_only_for_their_followers(bot_app, db, desk):
    herald = await desk.source("Harbour Herald")
    async with alerts_bot(bot_app, db) as (harness, sender):
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        await ask(harness, ann, "/follow ferry")
        await ask(harness, ann, "/follow #harbour")
        await ask(harness, bob, "/follow lighthouse")
        ids = await publish(
            desk,
            herald,
            draft("strike", "Ferry strike ends", tags=["Harbour"]),
            draft("fares", "Ferry fares rise next month"),
            draft("market", "Winter market opens on the quay"),
            draft("wall", "Sea wall repaired", tags=["Harbour"]),
        )
        await sender.run_round()
        [alert] = (await bot_messages(harness, ann))[2:]
        await sender.run_round()
        await publish(desk, herald, draft("again", "Quay lamps replaced"))
        await sender.run_round()
        saved = await ann.press(alert, text=alert.button_texts[2])
        ann_after = await bot_messages(harness, ann)
        bob_after = await bot_messages(harness, bob)

    assert alert.text.startswith("🔔 3 new stories match your follows\n\nferry\n")
    assert story_lines(alert) == [
        "1. Ferry strike ends · Harbour Herald",
        "2. Ferry fares rise next month · Harbour Herald",
        "3. Sea wall repaired · Harbour Herald",
    ]
    assert "\n\n#harbour\n3. Sea wall" in alert.text
    assert alert.text.endswith("Stop an alert: /following")
    assert alert.entity_types.count("text_link") == 3
    assert alert.button_texts == [
        "🔖 1. Ferry strike ends",
        "🔖 2. Ferry fares rise next month",
        "🔖 3. Sea wall repaired",
    ]
    assert alert.callback_data == [encode_save(ids[0]), encode_save(ids[1]), encode_save(ids[3])]
    assert saved.text.startswith("🔖")
    assert [b.article_id for b in await db.bookmarks.list(ann.id)] == [ids[3]]
    assert len(ann_after) == 3  # two confirmations and one alert: nothing twice, no stray
    assert len(bob_after) == 1  # his confirmation only: nothing matched "lighthouse"
    counts = await db.alerts.state_counts(ann.id)
    assert counts[AlertState.SENT] == 3
    assert await db.alerts.queued() == []


async def test_not_alerted_again_after_a_restart(bot_app, tmp_path):
    path = tmp_path / "newsbot.sqlite3"
    db = await open_database(path)
    try:
        desk = NewsDesk(db)
        herald = await desk.source("Harbour Herald")
        async with alerts_bot(bot_app, db) as (harness, sender):
            ann = await harness.new_user("Ann")
            await ask(harness, ann, "/follow ferry")
            ids = await publish(desk, herald, draft("strike", "Ferry strike ends"))
            await sender.run_round()
            await harness.wait_for_messages(ann.id, 2)
            # A second article is claimed, then the bot dies before sending it.
            ids += await publish(desk, herald, draft("fares", "Ferry fares rise"))
            await match_queued(db)
            [cut_off] = await db.alerts.claim(ann.id)
        await db.close()
        db = await open_database(path)
        desk = NewsDesk(db)
        async with alerts_bot(bot_app, db) as (harness, sender):
            await db.alerts.queue(ids, max_age=ALERT_MAX_AGE)  # offered again: known pairs
            sender.start()
            await publish(desk, herald, draft("timetable", "Ferry timetable printed"))
            sender.wake()
            messages = await harness.wait_for_messages(ann.id, 3)
            await sender.stop()
            final = await bot_messages(harness, ann)
            alerts = {a.article_id: a.state for a in await alerts_of(db, ann.id)}
    finally:
        await db.close()

    assert cut_off.article_id == ids[1]
    assert story_lines(messages[1]) == ["1. Ferry strike ends · Harbour Herald"]
    assert story_lines(messages[2]) == ["1. Ferry timetable printed · Harbour Herald"]
    assert len(final) == 3
    assert alerts[ids[0]] is AlertState.SENT
    assert alerts[ids[1]] is AlertState.DROPPED  # at most once: it may have gone out
    assert len(alerts) == 3


async def test_blocked_user_is_paused_not_retried_and_resumed_by_following(bot_app, db, desk):
    herald = await desk.source("Harbour Herald")
    async with alerts_bot(bot_app, db) as (harness, sender):
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        await ask(harness, ann, "/follow ferry")
        await ask(harness, bob, "/follow ferry")
        await harness.client.set_blocked(ann.id)
        await publish(desk, herald, draft("strike", "Ferry strike ends"))
        await sender.run_round()
        await harness.wait_for_messages(bob.id, 2)
        paused = [f.paused for f in await db.follows.list(ann.id)]
        blocked = (await db.users.get(ann.id)).blocked
        await publish(desk, herald, draft("fares", "Ferry fares rise"))
        await sender.run_round()
        await harness.wait_for_messages(bob.id, 3)
        refusals = (await harness.client.stats()).descriptions("sendMessage")
        resumed = await ask(harness, ann, "/following")  # writing to the bot unblocks it
        await publish(desk, herald, draft("timetable", "Ferry timetable printed"))
        await sender.run_round()
        ann_messages = await harness.wait_for_messages(ann.id, 3)

    assert paused == [True]
    assert blocked
    assert resumed.text.startswith(
        "Your alerts were paused because I could not reach you; they are on again.\n\n"
        "Your follows (1 of 20):"
    )
    assert story_lines(ann_messages[-1]) == ["1. Ferry timetable printed · Harbour Herald"]
    assert len(ann_messages) == 3  # confirmation, /following, the alert after resuming
    states = [a.state for a in await alerts_of(db, ann.id)]
    assert states == [AlertState.DROPPED, AlertState.SENT]  # nothing matched while paused
    assert sender.stats.users_paused == 1
    assert refusals == ["Forbidden: bot was blocked by the user"]  # tried once, not retried


async def test_flood_wait_is_honoured_then_delivered_once(bot_app, db, desk, emulator):
    herald = await desk.source("Harbour Herald")
    async with alerts_bot(bot_app, db) as (harness, sender):
        ann = await harness.new_user("Ann")
        await ask(harness, ann, "/follow ferry")
        await emulator.client.add_fault(
            "sendMessage",
            error_code=429,
            description="Too Many Requests: retry after 1",
            retry_after=1,
        )
        await publish(desk, herald, draft("strike", "Ferry strike ends"))
        await sender.run_round()
        waiting = await db.alerts.state_counts(ann.id)
        stats_waiting = await bot_stats(db, datetime.now(UTC))
        sender.start()
        messages = await harness.wait_for_messages(ann.id, 2, within=5)
        await sender.stop()
        final = await bot_messages(harness, ann)

    assert waiting[AlertState.PENDING] == 1
    assert sender.stats.flood_waits == 1
    assert story_lines(messages[1]) == ["1. Ferry strike ends · Harbour Herald"]
    assert len(final) == 2
    [alert] = await alerts_of(db, ann.id)
    assert (alert.state, alert.attempts) == (AlertState.SENT, 0)
    stats_sent = await bot_stats(db, datetime.now(UTC))
    assert (stats_waiting.alerts_waiting, stats_waiting.alerts_sent) == (1, 0)  # /stats
    assert (stats_sent.alerts_waiting, stats_sent.alerts_sent) == (0, 1)


async def test_server_error_is_retried_and_a_lost_answer_is_not(bot_app, db, desk, emulator):
    herald = await desk.source("Harbour Herald")
    async with alerts_bot(bot_app, db) as (harness, sender):
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        await ask(harness, ann, "/follow ferry")
        await ask(harness, bob, "/follow ferry")
        await emulator.client.add_fault("sendMessage", error_code=502, description="Bad Gateway")
        await emulator.client.add_fault("sendMessage", "drop_after")  # sent, answer lost
        await publish(desk, herald, draft("strike", "Ferry strike ends"))
        sender.start()
        sender.wake()

        async def both_settled() -> bool:
            counts = await db.alerts.state_counts()
            return counts[AlertState.SENT] + counts[AlertState.DROPPED] == 2

        await eventually(both_settled, within=5.0, what="both alerts sent or dropped")
        await sender.stop()

    alerts = [*await alerts_of(db, ann.id), *await alerts_of(db, bob.id)]
    states = sorted(alert.state for alert in alerts)
    assert states == [AlertState.DROPPED, AlertState.SENT]  # the uncertain one: not resent
    assert sender.stats.retried == 1


async def test_many_matches_are_cut_to_one_message_with_and_n_more(bot_app, db, desk):
    herald = await desk.source("Harbour Herald")
    long_title = "Ferry " + "timetable changes announced for the winter season " * 3
    async with alerts_bot(bot_app, db) as (harness, sender):
        ann = await harness.new_user("Ann")
        await ask(harness, ann, "/follow ferry")
        await publish(
            desk,
            herald,
            *(draft(f"f{n}", f"{long_title} part {n}") for n in range(60)),
        )
        await sender.run_round()
        [_, alert] = await harness.wait_for_messages(ann.id, 2)

    shown = len(story_lines(alert))
    assert 10 < shown < 60
    assert f"…and {60 - shown} more stories." in alert.text
    assert len(alert.button_texts) == 10
    assert (await db.alerts.state_counts(ann.id))[AlertState.SENT] == 60


async def test_ingestion_queues_new_articles_and_the_running_sender_alerts(bot_app, db):
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Quay Post</title>
<link>https://quay.example/</link><description>Our own test feed</description>
<item><guid>q-1</guid><link>https://quay.example/ferry-night</link>
<title>Night ferry returns to the quay</title>
<description>The night ferry sails again from Friday after the repairs.</description></item>
<item><guid>q-2</guid><link>https://quay.example/gulls</link>
<title>Gulls nest on the clock tower</title>
<description>Wardens asked visitors to keep away from the tower stairs.</description></item>
</channel></rss>"""
    settings = Settings(_env_file=None, allow_private_addresses=True)
    async with FeedServer() as server, alerts_bot(bot_app, db) as (harness, sender):
        server.add("/quay.xml", body=feed)
        await db.sources.add(server.url("/quay.xml"), "Quay Post")
        ann = await harness.new_user("Ann")
        await ask(harness, ann, "/follow ferry")
        sender.start()
        async with Fetcher(fetch_policy(settings)) as fetcher:
            ingestor = Ingestor(db, fetcher, max_failures=3, default_interval_seconds=300)
            report = await ingestor.run_cycle(await ingestor.due_sources(), timeout_seconds=10)
        sender.wake()  # what the ingestion job does after a cycle that stored articles
        [_, alert] = await harness.wait_for_messages(ann.id, 2)

    assert report.inserted == 2
    assert story_lines(alert) == ["1. Night ferry returns to the quay · Quay Post"]
    assert await db.alerts.queued() == []
