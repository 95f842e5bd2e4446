"""Admin source commands end to end: /addsource, /sources, /pause, /resume, /removesource."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.ops.i18n import texts_for
from bot.services.admin.reports import MESSAGE_LIMIT, sources_messages
from bot.services.local_sources import import_source
from bot.transport.send import inline_markup
from emulator import EmulatorConfig
from handlers.admin.access import NOT_AN_ADMIN
from news.render import utf16_len
from news.render.buttons import PostButton
from tests.factories import draft
from tests.handlers.admin.harness import QUAY_FEED, SCALED_FLOOD, admin_bot, ask, snapshot
from tests.support.feedserver import FeedServer

NOW = datetime.now(UTC).replace(second=0, microsecond=0)


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Telegram's flood limits, scaled: the admin's replies are paced as in production."""
    return SCALED_FLOOD


async def test_addsource_watches_the_feed_under_its_title_routed_to_the_channel(
    bot_app, emulator, db
):
    ann = await emulator.client.create_user("Ann")
    channel = await db.channels.add(-100777, title="Harbour News", username="harbour_news")
    async with FeedServer() as server:
        server.add("/quay.xml", body=QUAY_FEED, content_type="application/rss+xml")
        async with admin_bot(bot_app, db, {ann.id}) as harness:
            user = harness.user(ann)
            [routed] = await ask(
                harness, user, f"/addsource {server.url('/quay.xml')} @harbour_news"
            )
            [plain] = await ask(harness, user, f"/addsource {server.url('/quay.xml')}?all")

    assert routed.text == (
        "Added source 1: Quay Gazette (2 items now). Its new articles are posted to "
        "Harbour News @harbour_news as they come."
    )
    assert plain.text == (
        "Added source 2: Quay Gazette (2 items now). It is not posted to any channel; its "
        "articles can be searched."
    )
    first, second = await db.sources.list()
    assert (first.name, first.url) == ("Quay Gazette", server.url("/quay.xml"))
    assert first.active
    assert not first.paused
    assert first.next_fetch_at is None
    assert [r.channel_id for r in await db.channels.routes_for_source(first.id)] == [channel.id]
    assert await db.channels.routes_for_source(second.id) == []


async def test_addsource_says_clearly_what_is_wrong_and_stores_nothing(bot_app, emulator, db):
    ann = await emulator.client.create_user("Ann")
    async with FeedServer() as server:
        server.add("/quay.xml", body=QUAY_FEED, content_type="application/rss+xml")
        server.add("/gone.xml", status=404, content_type="text/plain")
        server.add("/blob.bin", body=b"\x00\x01\x02\x03", content_type="application/octet-stream")
        known = await db.sources.add(server.url("/quay.xml"), name="Quay Gazette")
        before = await snapshot(db)
        async with admin_bot(bot_app, db, {ann.id}) as harness:
            user = harness.user(ann)
            replies = [
                (await ask(harness, user, text))[0].text
                for text in (
                    "/addsource",
                    "/addsource ftp://quay.example/feed.xml",
                    "/addsource quay.example",
                    f"/addsource {server.url('/quay.xml')}",
                    f"/addsource {server.url('/gone.xml')} @nobody_here",
                    f"/addsource {server.url('/gone.xml')}",
                    f"/addsource {server.url('/blob.bin')}",
                    "/addsource a b c",
                )
            ]

    assert replies[0].startswith("Usage: /addsource URL [@channel]")
    assert replies[1] == (
        "Not added: ftp://quay.example/feed.xml is not a web address: give one that starts "
        "with http:// or https://."
    )
    assert replies[2].startswith("Not added: quay.example is not a web address")
    assert replies[3] == (
        f"Not added: {server.url('/quay.xml')} is already watched as source {known.id} "
        "(Quay Gazette)."
    )
    assert replies[4] == (
        "Not added: no channel @nobody_here has been added: add it first with "
        "/addchannel @nobody_here."
    )
    assert replies[5] == (
        f"Not added: cannot fetch {server.url('/gone.xml')}: the page answered with an error "
        "(HTTP 404)."
    )
    assert replies[6] == (
        f"Not added: {server.url('/blob.bin')} is neither a feed (RSS, Atom, JSON Feed) nor "
        "an article page."
    )
    assert replies[7] == replies[0]
    assert await snapshot(db) == before


async def test_addsource_refuses_private_addresses_unless_allowed(bot_app, emulator, db):
    ann = await emulator.client.create_user("Ann")
    async with FeedServer() as server:
        server.add("/quay.xml", body=QUAY_FEED, content_type="application/rss+xml")
        async with admin_bot(bot_app, db, {ann.id}, allow_private_addresses=False) as harness:
            [reply] = await ask(
                harness, harness.user(ann), f"/addsource {server.url('/quay.xml')}"
            )

    assert reply.text == (
        f"Not added: cannot fetch {server.url('/quay.xml')}: I only fetch public http and "
        "https addresses."
    )
    assert await db.sources.list() == []


async def test_sources_shows_state_timing_and_errors(bot_app, emulator, db):
    ann = await emulator.client.create_user("Ann")
    ok = await db.sources.add("https://quay.example/rss", name="Quay Gazette")
    await db.sources.record_success(
        ok.id,
        fetched_at=datetime(2026, 11, 30, 6, 0, tzinfo=UTC),
        etag=None,
        last_modified=None,
        next_fetch_at=datetime(2026, 11, 30, 6, 5, tzinfo=UTC),
    )
    failing = await db.sources.add("https://mill.example/feed", name="Mill Weekly")
    for _ in range(2):
        await db.sources.record_failure(
            failing.id,
            error="HTTP 503 Service Unavailable",
            failed_at=datetime(2026, 11, 30, 6, 10, tzinfo=UTC),
            next_fetch_at=datetime(2026, 11, 30, 6, 40, tzinfo=UTC),
            max_failures=5,
        )
    paused = await db.sources.add("https://tide.example/atom", name="Tide Tables")
    await db.sources.set_paused(paused.id, True)
    dead = await db.sources.add("https://lock.example/rss", name="Lock Keeper")
    await db.sources.record_failure(
        dead.id,
        error="the page took too long to answer",
        failed_at=datetime(2026, 11, 30, 5, 0, tzinfo=UTC),
        next_fetch_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        max_failures=1,
    )
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        [reply] = await ask(harness, harness.user(ann), "/sources")

    assert reply.text == "\n\n".join(
        [
            "4 sources:",
            "1. Quay Gazette — active\nhttps://quay.example/rss\n"
            "last success: 2026-11-30 06:00 UTC · next fetch: 2026-11-30 06:05 UTC",
            "2. Mill Weekly — active\nhttps://mill.example/feed\n"
            "last success: — · next fetch: 2026-11-30 06:40 UTC\n"
            "2 failures in a row, last error: HTTP 503 Service Unavailable",
            "3. Tide Tables — paused\nhttps://tide.example/atom\n"
            "last success: — · next fetch: not scheduled",
            "4. Lock Keeper — deactivated\nhttps://lock.example/rss\n"
            "last success: — · next fetch: not scheduled\n"
            "1 failure in a row, last error: the page took too long to answer",
            "/pause ID · /resume ID · /removesource ID",
        ]
    )


async def test_a_long_source_list_is_split_into_messages_that_fit(bot_app, emulator, db):
    ann = await emulator.client.create_user("Ann")
    for number in range(1, 61):
        source = await db.sources.add(
            f"https://feeds{number}.example/{'long-path/' * 8}rss.xml",
            name=f"Regional Bulletin number {number} " + "with a rather long name " * 3,
        )
        await db.sources.record_failure(
            source.id,
            error="the server closed the connection before answering " * 5,
            failed_at=NOW,
            next_fetch_at=NOW + timedelta(minutes=5),
            max_failures=10,
        )
    expected = sources_messages(await db.sources.list(), texts_for("en"))
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        replies = await ask(harness, harness.user(ann), "/sources", count=len(expected))

    assert len(expected) >= 3
    assert [reply.text for reply in replies] == expected
    assert all(utf16_len(text) <= MESSAGE_LIMIT for text in expected)
    assert all(utf16_len(text) > MESSAGE_LIMIT - 600 for text in expected[:-1])  # well filled
    text = "\n\n".join(expected)
    titles = [line.split(".")[0] for line in text.split("\n") if " — active" in line]
    assert titles == [str(number) for number in range(1, 61)]


async def test_pause_and_resume_match_the_cli(bot_app, emulator, db):
    ann = await emulator.client.create_user("Ann")
    quay = await db.sources.add("https://quay.example/rss", name="Quay Gazette")
    dead = await db.sources.add("https://lock.example/rss", name="Lock Keeper")
    for _ in range(3):
        await db.sources.record_failure(
            dead.id, error="HTTP 500", failed_at=NOW, next_fetch_at=NOW, max_failures=3
        )
    saved = await import_source(db, "Saved links")
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        user = harness.user(ann)
        [paused] = await ask(harness, user, f"/pause {quay.id}")
        paused_source = await db.sources.get(quay.id)
        [resumed] = await ask(harness, user, f"/resume {quay.id}")
        [revived] = await ask(harness, user, f"/resume #{dead.id}")
        [unknown] = await ask(harness, user, "/pause 99")
        [usage] = await ask(harness, user, "/resume")
        [not_a_number] = await ask(harness, user, "/pause first")
        [import_holder] = await ask(harness, user, f"/resume {saved.id}")

    assert paused.text == (
        f"Paused source {quay.id} (Quay Gazette). Its articles stay; /resume {quay.id} "
        "fetches it again."
    )
    assert paused_source.paused
    assert resumed.text == (
        f"Resumed source {quay.id} (Quay Gazette): it is fetched again within a minute."
    )
    assert revived.text.startswith(f"Resumed source {dead.id} (Lock Keeper)")
    quay_now, dead_now = await db.sources.get(quay.id), await db.sources.get(dead.id)
    assert not quay_now.paused
    assert quay_now.active
    assert dead_now.active
    assert not dead_now.paused
    assert dead_now.failure_count == 0
    assert dead_now.next_fetch_at is None
    assert dead_now.last_error == "HTTP 500"  # kept for the record, as the CLI keeps it
    assert unknown.text == "There is no source 99: see /sources."
    assert usage.text == "Usage: /resume ID (the ids are in /sources)"
    assert not_a_number.text == "Usage: /pause ID (the ids are in /sources)"
    assert import_holder.text == (
        f"Source {saved.id} (Saved links) holds saved or imported articles and is never fetched."
    )
    assert (await db.sources.get(saved.id)).paused


async def test_removesource_asks_first_then_removes_articles_and_bookmarks(
    bot_app, emulator, db, desk
):
    ann = await emulator.client.create_user("Ann")
    quay = await desk.source("Quay")
    mill = await desk.source("Mill")
    [first, second] = await desk.store(
        quay,
        draft("q1", "Night ferry adds a Sunday sailing"),
        draft("q2", "Harbour wall repairs finish early"),
    )
    [kept] = await desk.store(mill, draft("m1", "Mill pond freezes for the first time"))
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        reader = await harness.new_user("Rita")
        await reader.send("hello")  # Rita becomes a stored user
        await harness.wait_handled()
        await db.bookmarks.add(reader.id, first.id)
        await db.bookmarks.add(reader.id, kept.id)
        user = harness.user(ann)

        [question] = await ask(harness, user, f"/removesource {quay.id}")
        untouched = await snapshot(db)
        keep = await user.press(question, text="Keep the source")
        [kept_view] = [
            m for m in await harness.client.messages(ann.id) if m.message_id == question.message_id
        ]
        after_keep = await snapshot(db)

        [again] = await ask(harness, user, f"/removesource {quay.id}")
        [twice] = await ask(harness, user, f"/removesource {quay.id}")
        removed = await user.press(again, text="🗑 Remove")
        [removed_view] = [
            m for m in await harness.client.messages(ann.id) if m.message_id == again.message_id
        ]
        stale = await user.press(twice, text="🗑 Remove")  # the source is gone by now
        [stale_view] = [
            m for m in await harness.client.messages(ann.id) if m.message_id == twice.message_id
        ]

    assert question.text == (
        f"Remove source {quay.id} (Quay)?\n"
        "This deletes its 2 articles and, with them, 1 bookmark users hold of them. It cannot "
        f"be undone. To stop fetching it but keep everything, use /pause {quay.id} instead."
    )
    assert question.callback_data == [f"adrm:{quay.id}", f"adkeep:{quay.id}"]
    assert untouched.articles == 3
    assert untouched.bookmarks == 2
    assert keep.answered
    assert kept_view.text == f"Source {quay.id} is kept."
    assert not kept_view.callback_data
    assert after_keep == untouched
    assert removed.answered
    assert removed.text == "Source removed"
    assert removed_view.text == f"Removed source {quay.id} (Quay) with its 2 articles."
    assert not removed_view.callback_data
    assert [s.id for s in await db.sources.list()] == [mill.id]
    assert [a.id for a in await db.articles.get_many([first.id, second.id, kept.id])] == [kept.id]
    assert [b.article_id for b in await db.bookmarks.list(reader.id)] == [kept.id]
    assert stale.answered
    assert stale_view.text == f"There is no source {quay.id}: see /sources."
    assert not stale_view.callback_data


async def test_a_forged_confirmation_from_a_non_admin_is_refused(bot_app, emulator, db, desk):
    ann = await emulator.client.create_user("Ann")
    quay = await desk.source("Quay")
    await desk.store(quay, draft("q1", "Night ferry adds a Sunday sailing"))
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        bob = await harness.new_user("Bob")
        await bob.send("hello")
        before = await snapshot(db)
        await harness.bot.send_message(
            bob.id,
            "Forged",
            reply_markup=inline_markup(((PostButton("Remove", f"adrm:{quay.id}"),),)),
        )
        [forged] = [
            m for m in await harness.client.messages(bob.id, from_bot=True) if m.text == "Forged"
        ]
        answer = await bob.press(forged, data=f"adrm:{quay.id}")
        after = await snapshot(db)

    assert answer.answered
    assert answer.text == NOT_AN_ADMIN
    assert answer.show_alert
    assert after == before


async def test_addsource_refuses_the_same_feed_written_another_way(bot_app, emulator, db):
    ann = await emulator.client.create_user("Ann")
    async with FeedServer() as server:
        server.add("/quay.xml", body=QUAY_FEED, content_type="application/rss+xml")
        known = await db.sources.add(server.url("/quay.xml"), name="Quay Gazette")
        again = server.url("/quay.xml/").replace("http://", "HTTP://") + "?utm_source=chat"
        before = await snapshot(db)
        async with admin_bot(bot_app, db, {ann.id}) as harness:
            [reply] = await ask(harness, harness.user(ann), f"/addsource {again}")

    assert reply.text == (
        f"Not added: {again} is already watched as source {known.id} (Quay Gazette)."
    )
    assert server.requests == []  # refused before fetching anything
    assert await snapshot(db) == before
