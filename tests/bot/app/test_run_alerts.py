"""`newsbot run` as a real process: the ingestion job's new story reaches a follower once."""

from __future__ import annotations

import signal

import pytest

from emulator import EmulatorConfig, FloodLimits, MessageView, RunningEmulator
from news.entities import AlertState
from news.follows import parse_follow
from storage import open_database
from tests.bot.delivery.test_run_publishing import RUN_SCALE, bot_env, running_bot, stop_with
from tests.support.feedserver import FeedServer
from tests.support.reads import alerts_of
from tests.support.waiting import eventually

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Dale Post</title>
<item><guid>dp-1</guid><link>https://dale.example/mill</link>
<title>Old mill turns into a lending library</title>
<description>The village mill reopened as a library on Saturday.</description></item>
<item><guid>dp-2</guid><link>https://dale.example/bees</link>
<title>Bees return to the orchard</title>
<description>Keepers counted twelve hives this spring.</description></item>
</channel></rss>"""


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Telegram's flood limits at 1/100 of their windows."""
    return EmulatorConfig(flood=FloodLimits(time_scale=RUN_SCALE))


async def test_ingested_story_is_alerted_to_its_follower_once(emulator: RunningEmulator, tmp_path):
    db_path = tmp_path / "bot.sqlite3"
    ann = await emulator.client.create_user("Ann")
    await emulator.client.send_message(ann.id, "/start")  # she has talked to the bot
    async with FeedServer() as feeds:
        feeds.add("/dale.xml", body=FEED)
        async with await open_database(db_path) as db:
            await db.sources.add(feeds.url("/dale.xml"), "Dale Post")
            await db.users.upsert(ann.id, username=None, first_name="Ann", language_code="en")
            query = parse_follow("mill")
            await db.follows.add(ann.id, query.text, query.key, max_follows=20)
        env = bot_env(emulator, db_path, ALLOW_PRIVATE_ADDRESSES="true")
        async with running_bot(env, tmp_path, "alerts") as bot:

            async def the_alert() -> MessageView | None:
                messages = await emulator.client.messages(ann.id, from_bot=True)
                return next((m for m in messages if (m.text or "").startswith("🔔")), None)

            alert = await eventually(
                the_alert,
                within=15.0,
                what="the alert",
                interval=0.1,
                context=lambda: bot.log[-3000:],
            )
            # A wrong second alert would be sent before the stop completes (the sender
            # drains on SIGTERM) or left queued: both are checked below.
            code = await stop_with(bot, signal.SIGTERM)
            log = bot.log
    messages = await emulator.client.messages(ann.id, from_bot=True)
    async with await open_database(db_path) as db:
        alerts = await alerts_of(db, ann.id)

    assert alert is not None, log[-3000:]
    assert "1. Old mill turns into a lending library · Dale Post" in alert.text
    assert "Bees" not in alert.text
    assert sum((m.text or "").startswith("🔔") for m in messages) == 1
    assert [alert.state for alert in alerts] == [AlertState.SENT]
    assert code == 0
    assert "event=alert_sent" in log
    assert "event=alert_sender_stopped" in log
