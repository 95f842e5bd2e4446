"""The daily digest end to end: the real application on the emulator, its clock injected.

Posted once at the channel's hour with the day's top stories (reactions counted), not
before, not again after a restart, and once from two processes on one PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app.application import build_application
from bot.context import NewsApplication
from bot.ops.settings import Settings
from emulator import EmulatorConfig, FloodLimits, MessageView, RunningEmulator
from news.entities import DigestState
from storage import open_database
from tests.bot.ops.conftest import bot_settings, running_application
from tests.factories import draft
from tests.support.clock import FakeWallClock
from tests.support.waiting import eventually

SCALE = 0.02
BERLIN = "Europe/Berlin"
MARK = "🗞"
TITLES = (
    "Ferry back on the night route",
    "Lighthouse gets a new lamp",
    "Fish market moves to the quay",
)


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Telegram's flood limits, time-scaled like the bot's pacing."""
    return EmulatorConfig(flood=FloodLimits(time_scale=SCALE))


def next_hour(timezone: str) -> tuple[datetime, int, date]:
    """Return the next full hour in `timezone` (in UTC), its local hour and local day: the
    posts sent now fall in that digest's 24 hours."""
    local = datetime.now(UTC).astimezone(ZoneInfo(timezone))
    moment = (local + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return moment.astimezone(UTC), moment.hour, moment.date()


@asynccontextmanager
async def clocked_app(settings: Settings, clock: FakeWallClock) -> AsyncIterator[NewsApplication]:
    """Run the real application with jobs on `clock` until the block ends."""
    application = build_application(settings)
    application.bot_data.clock = clock
    async with running_application(application):
        yield application


async def looks(*applications: NewsApplication, times: int = 3) -> None:
    """Wait until every application's digest job and publisher have looked `times` more."""
    marks = [(a, a.bot_data.digest_looks, publisher_looks(a)) for a in applications]

    async def looked() -> bool:
        return all(
            a.bot_data.digest_looks >= digest + times and publisher_looks(a) >= publisher + times
            for a, digest, publisher in marks
        )

    await eventually(looked, within=10, what="the digest job and the publisher looking")


def publisher_looks(application: NewsApplication) -> int:
    """Return how many times the application's publisher has looked for work."""
    publisher = application.bot_data.publisher
    assert publisher is not None
    return publisher.looks


async def prepare(settings: Settings, chat_id: int, hour: int, language: str | None) -> int:
    """Store three articles queued for the channel, its digest at `hour` in Berlin; return
    the channel id."""
    async with await open_database(settings.database_location) as db:
        source = await db.sources.add("https://harbour.example/rss", "Harbour Herald")
        await db.sources.set_paused(source.id, True)  # nothing to fetch: the posts are given
        stored = await db.articles.upsert_many(
            source.id,
            [
                draft(n, title, summary=f"{title}, the harbour office said on Monday.")
                for n, title in enumerate(TITLES, 1)
            ],
            fetched_at=datetime.now(UTC),
        )
        channel = await db.channels.add(chat_id, title="Harbour News")
        await db.channels.set_schedule(channel.id, timezone=BERLIN, quiet_hours=None)
        await db.channels.set_digest_language(channel.id, language)
        await db.channels.set_digest_hour(channel.id, hour)
        await db.outbox.add_many([(a, channel.id) for a in stored.inserted])
        return channel.id


def digests(messages: list[MessageView]) -> list[MessageView]:
    """Return the digest posts among a channel's messages."""
    return [m for m in messages if (m.text or "").startswith(MARK)]


async def react_to_the_lamp(
    emulator: RunningEmulator, application: NewsApplication, chat_id: int
) -> list[MessageView]:
    """Wait for the three posts; readers react to the second; return the posts."""
    posts = await emulator.client.wait_for_messages(chat_id, 3, from_bot=True, within=15)
    await emulator.client.set_reactions(chat_id, posts[1].message_id, {"👍": 4, "❤": 2})
    db = application.bot_data.db

    async def counted() -> bool:
        found = await db.digests.stories(
            (await db.channels.get_by_chat_id(chat_id)).id,  # type: ignore[union-attr]
            since=datetime.now(UTC) - timedelta(hours=1),
            until=datetime.now(UTC) + timedelta(hours=1),
        )
        return any(story.reactions == 6 for story in found)

    await eventually(counted, within=10, what="the reactions counted")
    return posts


async def test_posted_once_at_the_hour_and_not_again_after_a_restart(
    emulator: RunningEmulator, tmp_path: Path
):
    settings = bot_settings(
        emulator, tmp_path, digest_check_seconds=0.05, publish_time_scale=SCALE
    )
    moment, hour, day = next_hour(BERLIN)
    chat = await emulator.client.create_channel("Harbour News")
    channel_id = await prepare(settings, chat.id, hour, None)
    clock = FakeWallClock(moment - timedelta(minutes=1))

    async with clocked_app(settings, clock) as application:
        await react_to_the_lamp(emulator, application, chat.id)
        await looks(application)
        before_the_hour = await emulator.client.messages(chat.id, from_bot=True)
        early = await application.bot_data.db.digests.get(channel_id, day)
        clock.set(moment)
        await emulator.client.wait_for_messages(chat.id, 4, from_bot=True, within=15)
        await looks(application)
        clock.set(moment + timedelta(hours=2))
        await looks(application)
        first_run = await emulator.client.messages(chat.id, from_bot=True)

    clock.set(moment + timedelta(hours=3))
    async with clocked_app(settings, clock) as application:
        await looks(application)
        after_restart = await emulator.client.messages(chat.id, from_bot=True)
        row = await application.bot_data.db.digests.get(channel_id, day)

    assert digests(before_the_hour) == []
    assert early is None
    [digest] = digests(first_run)
    assert digests(after_restart) == [digest]
    assert len(after_restart) == 4
    assert row is not None
    assert (row.state, row.message_id) == (DigestState.SENT, digest.message_id)
    lines = [line for line in (digest.text or "").split("\n") if line]
    assert lines[0] == f"{MARK} Top stories of the day · {day.isoformat()}"
    assert lines[1] == f"1. {TITLES[1]}"  # the reacted-to story first
    assert lines[2] == f"{TITLES[1]}, the harbour office said on Monday."
    assert [line for line in lines if line[:1].isdigit()] == [
        f"1. {TITLES[1]}",
        f"2. {TITLES[0]}",
        f"3. {TITLES[2]}",
    ]
    assert "text_link" in digest.entity_types


async def test_two_processes_on_one_postgresql_database_post_it_once(
    emulator: RunningEmulator, postgres_url: str, tmp_path: Path
):
    settings = bot_settings(
        emulator,
        tmp_path,
        database_url=postgres_url,
        digest_check_seconds=0.05,
        publish_time_scale=SCALE,
    )
    moment, hour, day = next_hour(BERLIN)
    chat = await emulator.client.create_channel("Harbour News")
    channel_id = await prepare(settings, chat.id, hour, "ru")
    clock = FakeWallClock(moment - timedelta(minutes=1))

    async with AsyncExitStack() as stack:
        a = await stack.enter_async_context(clocked_app(settings, clock))
        b = await stack.enter_async_context(clocked_app(settings, clock))
        await react_to_the_lamp(emulator, a, chat.id)
        await looks(a, b)
        clock.set(moment + timedelta(seconds=1))
        await emulator.client.wait_for_messages(chat.id, 4, from_bot=True, within=15)
        await looks(a, b, times=5)
        messages = await emulator.client.messages(chat.id, from_bot=True)
        row = await a.bot_data.db.digests.get(channel_id, day)

    [digest] = digests(messages)
    assert len(messages) == 4
    assert row is not None
    assert (row.state, row.message_id) == (DigestState.SENT, digest.message_id)
    assert (digest.text or "").startswith(f"{MARK} Главное за день · {day.isoformat()}")
