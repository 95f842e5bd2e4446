"""The real bot with HEALTH_PORT: after a fetch, a channel post and an inline query the
/metrics counters have moved, and /healthz reports the good fetch and publish."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from emulator import RunningEmulator
from storage import open_database
from tests.bot.ops.conftest import bot_settings, free_port, running_app
from tests.support.feedserver import FeedServer
from tests.support.waiting import eventually

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Fen Gazette</title>
<item><guid>fg-1</guid><link>https://fen.example/dyke</link>
<title>Volunteers rebuild the old dyke path</title>
<pubDate>Sun, 29 Nov 2026 09:00:00 +0000</pubDate>
<description>Walkers can use the dyke path again after a weekend of repairs.</description>
</item></channel></rss>"""


def metric_values(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_move_after_fetch_publish_and_inline_query(
    emulator: RunningEmulator, tmp_path
):
    health_port = free_port()
    chat = await emulator.client.create_channel("Fen Channel", username="fen_channel")
    async with FeedServer() as feeds:
        feeds.add("/fen.xml", body=FEED)
        settings = bot_settings(emulator, tmp_path, health_port=health_port)
        async with await open_database(settings.database_path) as db:
            source = await db.sources.add(feeds.url("/fen.xml"), name="Fen Gazette", backfill=5)
            channel = await db.channels.add(chat.id, title="Fen Channel")
            await db.channels.route(source.id, channel.id)
        async with (
            running_app(settings),
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{health_port}") as http,
        ):
            await emulator.client.wait_for_messages(chat.id, 1, from_bot=True, within=20)
            ann = await emulator.client.create_user("Ann")
            answer = await emulator.client.ask_inline(ann.id, "dyke")
            assert answer.results
            values = await wait_for_sent(http)
            health = await http.get("/healthz")

    assert values[("newsbot_fetches_total", frozenset({("outcome", "ok")}))] == 1
    assert values[("newsbot_fetch_duration_seconds_count", frozenset({("outcome", "ok")}))] == 1
    assert values[("newsbot_publish_total", frozenset({("outcome", "sent")}))] == 1
    post_latency = (
        "newsbot_publish_request_duration_seconds_count",
        frozenset({("kind", "post")}),
    )
    assert values[post_latency] == 1
    answered = ("newsbot_inline_queries_total", frozenset({("outcome", "answered")}))
    assert values[answered] == 1
    assert values[("newsbot_inline_query_duration_seconds_count", frozenset())] == 1
    assert values[("newsbot_sources_active", frozenset())] == 1
    assert values[("newsbot_outbox_pending", frozenset())] == 0
    assert values[("newsbot_last_publish_success_timestamp_seconds", frozenset())] > 0
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok"
    assert body["last_fetch_ok_at"] is not None
    assert body["last_publish_ok_at"] is not None
    assert emulator.token not in health.text


async def wait_for_sent(http: httpx.AsyncClient, within: float = 10.0):
    """Scrape until the publisher has recorded its send (the post is visible a bit earlier)."""

    async def scraped_after_the_send():  # the metric values, once they count the send
        values = metric_values((await http.get("/metrics")).text)
        sent = values[("newsbot_publish_total", frozenset({("outcome", "sent")}))]
        return values if sent >= 1 else None

    return await eventually(
        scraped_after_the_send, within=within, what="the send in /metrics", interval=0.05
    )
