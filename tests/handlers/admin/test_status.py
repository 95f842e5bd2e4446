"""Admin reports end to end: /channels and /stats, checked against what the database holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emulator import EmulatorConfig
from news.entities import ChannelStyle
from tests.factories import draft
from tests.handlers.admin.harness import SCALED_FLOOD, admin_bot, ask

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Telegram's flood limits, scaled: the admin's replies are paced as in production."""
    return SCALED_FLOOD


def stamp(value: datetime) -> str:
    """Format a time as the reports do."""
    return value.strftime("%Y-%m-%d %H:%M UTC")


@pytest.fixture
async def world(db):
    """Sources in every state, two channels (one lost), articles, posts, readers."""
    quay = await db.sources.add("https://quay.example/rss", name="Quay Gazette")
    mill = await db.sources.add("https://mill.example/feed", name="Mill Weekly")
    await db.sources.set_paused(mill.id, True)
    lock = await db.sources.add("https://lock.example/rss", name="Lock Keeper")
    failed_at = NOW - timedelta(minutes=30)
    await db.sources.record_failure(
        lock.id,
        error="the page took too long to answer",
        failed_at=failed_at,
        next_fetch_at=NOW + timedelta(hours=1),
        max_failures=1,
    )
    recent = await db.articles.upsert_many(
        quay.id,
        [draft("q1", "Night ferry adds a Sunday sailing"), draft("q2", "Wall mended")],
        fetched_at=NOW - timedelta(hours=2),
    )
    old = await db.articles.upsert_many(
        mill.id, [draft("m1", "Mill pond freezes over")], fetched_at=NOW - timedelta(days=3)
    )
    first, second = recent.inserted
    [third] = old.inserted
    harbour = await db.channels.add(-100111, title="Harbour News", username="harbour_news")
    lost = await db.channels.add(-100222, title="Lost Bay", style=ChannelStyle.PHOTO)
    await db.channels.set_paused(lost.id, True)
    await db.channels.route(quay.id, harbour.id)
    await db.channels.route(
        mill.id, harbour.id, include=["ferry", "tide"], exclude=["storm"], tags=["Harbour"]
    )
    queued_at = NOW - timedelta(days=4)
    await db.outbox.add_many(
        [(first, harbour.id), (second, harbour.id), (third, harbour.id), (first, lost.id)],
        now=queued_at,
    )
    rows = {
        (i.article_id, i.channel_id): i.id
        for a in (first, second, third)
        for i in await db.outbox.for_article(a)
    }
    await db.outbox.mark_sent(
        rows[first, harbour.id], message_id=7, sent_at=NOW - timedelta(hours=1)
    )
    await db.outbox.mark_sent(
        rows[third, harbour.id], message_id=5, sent_at=NOW - timedelta(days=3)
    )
    await db.outbox.mark_failed(rows[second, harbour.id], error="Bad Request: message is too long")
    await db.outbox.release(
        rows[first, lost.id], error="Forbidden: bot was kicked from the channel chat"
    )
    for user_id in (41, 42):
        await db.users.upsert(user_id, username=None, first_name="Reader", language_code="en")
    await db.bookmarks.add(41, first)
    await db.bookmarks.add(42, third)
    await db.shares.record(41, first, result_id="r1")
    return {"queued_at": queued_at, "failed_at": failed_at, "lock": lock}


async def test_channels_shows_state_routes_and_posts(bot_app, emulator, db, world):
    ann = await emulator.client.create_user("Ann")
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        [reply] = await ask(harness, harness.user(ann), "/channels")

    assert reply.text == "\n\n".join(
        [
            "2 channels:",
            "1. Harbour News @harbour_news (chat -100111) — ok\n"
            "style: text · posts sent: 2 · waiting: 0 · failed: 1\n"
            "sources: 1. Quay Gazette; 2. Mill Weekly (only: ferry, tide; not: storm; "
            "tags: #harbour)",
            "2. Lost Bay (chat -100222) — lost: Forbidden: bot was kicked from the channel chat\n"
            "style: photo · posts sent: 0 · waiting: 1 · failed: 0\n"
            "no sources yet: /addsource URL @channel",
        ]
    )


async def test_stats_counts_everything_and_lists_recent_errors(bot_app, emulator, db, world):
    ann = await emulator.client.create_user("Ann")
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        [reply] = await ask(harness, harness.user(ann), "/stats")

    lock = world["lock"]
    assert reply.text == "\n\n".join(
        [
            "📊 Stats\n"
            "Articles: 3 (2 in the last 24 h)\n"
            "Posts sent: 2 (1 in the last 24 h)\n"
            "Outbox: 1 waiting, 1 failed\n"
            "Bookmarks: 2 · users: 3 · shares: 1\n"  # the two readers and Ann herself
            "Alerts: 0 waiting, 0 sent\n"
            "Sources: 1 active, 1 paused, 1 deactivated",
            "Recent source errors:\n"
            f"{stamp(world['failed_at'])} source {lock.id}. Lock Keeper: "
            "the page took too long to answer",
            "Recent failed posts:\n"
            f"{stamp(world['queued_at'])} (queued) “Wall mended” → Harbour News @harbour_news: "
            "Bad Request: message is too long",
        ]
    )


async def test_stats_on_an_empty_bot_and_in_russian(bot_app, emulator, db):
    olga = await emulator.client.create_user("Olga", language_code="ru")
    ann = await emulator.client.create_user("Ann")
    async with admin_bot(bot_app, db, {olga.id, ann.id}) as harness:
        [russian] = await ask(harness, harness.user(olga), "/stats")
        [english] = await ask(harness, harness.user(ann), "/stats")
        [no_channels] = await ask(harness, harness.user(ann), "/channels")
        [no_sources] = await ask(harness, harness.user(ann), "/sources")

    assert english.text == (
        "📊 Stats\n"
        "Articles: 0 (0 in the last 24 h)\n"
        "Posts sent: 0 (0 in the last 24 h)\n"
        "Outbox: 0 waiting, 0 failed\n"
        "Bookmarks: 0 · users: 2 · shares: 0\n"
        "Alerts: 0 waiting, 0 sent\n"
        "Sources: 0 active, 0 paused, 0 deactivated\n\n"
        "Recent source errors: none.\n\n"
        "Recent failed posts: none."
    )
    assert russian.text.startswith("📊 Статистика\nСтатьи: 0 (0 за последние 24 ч)")
    assert "Недавние ошибки источников: нет." in russian.text
    assert no_channels.text == "No channels yet. Add one with /addchannel @channel."
    assert no_sources.text == "No sources yet. Add one with /addsource URL [@channel]."
