"""Fixtures for publisher tests: a database, a PTB bot on the emulator, and a news world."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from telegram import Bot

from bot.delivery.notices import AdminNotifier
from bot.delivery.publisher import Publisher, PublisherConfig
from bot.transport.pacing import Pacer, PacingLimits
from emulator import EmulatorConfig, FloodLimits, MessageView, RunningEmulator
from news.entities import Channel, ChannelStyle, OutboxItem, OutboxState, Source
from news.models import ArticleDraft, RelatedLink
from storage import Database
from tests.factories import PUBLISHED
from tests.factories import draft as factory_draft
from tests.support import engines
from tests.support.reads import outbox_rows
from tests.support.waiting import eventually

TIME_SCALE = 0.02
"""Every flood window (the emulator's and the pacer's) is this fraction of Telegram's."""
SAVE_DATA = re.compile(r"s1:(\d+)")


def draft(
    number: int,
    *,
    title: str | None = None,
    summary: str | None = None,
    image_url: str | None = None,
    tags: Sequence[str] = ("Harbour",),
    related: Sequence[RelatedLink] = (),
) -> ArticleDraft:
    """An article draft of our own writing, distinct per `number`."""
    title = title if title is not None else f"Ferry number {number} sails on the winter route"
    summary = (
        summary
        if summary is not None
        else f"Crew {number} checked the ramps before dawn and the boat left on time."
    )
    return factory_draft(
        number,
        title,
        summary=summary,
        body=f"{summary} Passengers on sailing {number} were told of the new timetable.",
        tags=tags,
        guid=f"ferry-{number}",
        url=f"https://harbour.example/ferry/{number}",
        image_url=image_url,
        related=list(related),
    )


def article_id_of(message: MessageView) -> int:
    """Return the article id a post carries in its Save button."""
    for data in message.callback_data:
        match = SAVE_DATA.fullmatch(data)
        if match:
            return int(match.group(1))
    raise AssertionError(f"message {message.message_id} has no Save button")


async def wait_for_calls(
    emulator: RunningEmulator, method: str, count: int, *, within: float = 5.0
) -> None:
    """Wait until the emulator has received `count` calls of `method`."""

    async def called() -> bool:
        return (await emulator.client.stats()).calls.get(method, 0) >= count

    await eventually(called, within=within, what=f"{count} calls of {method}", interval=0.01)


@dataclass
class NewsWorld:
    """Channels on the emulator mirrored in the database, and articles queued for them."""

    emulator: RunningEmulator
    db: Database
    source: Source | None = None
    channels: list[Channel] = field(default_factory=list)

    async def add_channel(
        self, title: str, *, style: ChannelStyle = ChannelStyle.TEXT, **options: Any
    ) -> Channel:
        """Create a channel (bot is an admin who may post) and register it."""
        chat = await self.emulator.client.create_channel(title, **options)
        channel = await self.db.channels.add(
            chat.id, title=title, username=chat.username, style=style
        )
        self.channels.append(channel)
        return channel

    async def add_articles(self, drafts: Sequence[ArticleDraft]) -> list[int]:
        """Store drafts from the world's one source; return their ids."""
        if self.source is None:
            self.source = await self.db.sources.add("https://harbour.example/feed.xml")
        result = await self.db.articles.upsert_many(
            self.source.id, drafts, fetched_at=PUBLISHED + timedelta(minutes=1)
        )
        return list(result.inserted)

    async def queue(self, article_ids: Iterable[int], channels: Iterable[Channel]) -> int:
        """Queue every article for every channel, articles in order."""
        pairs = [(a, c.id) for a in article_ids for c in channels]
        return await self.db.outbox.add_many(pairs)

    async def posts(self, channel: Channel) -> list[MessageView]:
        """Return the bot's messages in a channel."""
        return await self.emulator.client.messages(channel.chat_id, from_bot=True)

    async def rows(self) -> list[OutboxItem]:
        """Return every outbox row, by id."""
        return await outbox_rows(self.db)

    async def wait_until_edited(self, *, within: float = 5.0) -> None:
        """Wait until no sent row waits for an edit."""

        async def no_edit_requests() -> bool:
            return all(row.edit_requested_at is None for row in await self.rows())

        await eventually(no_edit_requests, within=within, what="edits")

    async def wait_until_settled(
        self, channel: Channel | None = None, *, within: float = 20.0
    ) -> None:
        """Wait until no row (of `channel`, or at all) is pending or sending."""
        counts: dict[OutboxState, int] = {}

        async def settled() -> bool:
            counts.update(
                await self.db.outbox.state_counts(None if channel is None else channel.id)
            )
            return counts[OutboxState.PENDING] == counts[OutboxState.SENDING] == 0

        await eventually(
            settled,
            within=within,
            what="the outbox settling",
            interval=0.05,
            context=lambda: f"counts {counts}",
        )


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Telegram's flood limits, time-scaled."""
    return EmulatorConfig(flood=FloodLimits(time_scale=TIME_SCALE))


engine = engines.engine  # the store's engine (fixture)
db = engines.db  # a fresh store on it (fixture)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the inline, bookmark and publishing suites on SQLite and on PostgreSQL."""
    engines.parametrize_engines(metafunc)


@pytest.fixture
async def tg_bot(emulator: RunningEmulator) -> AsyncIterator[Bot]:
    """A python-telegram-bot `Bot` talking to the emulator."""
    bot = Bot(emulator.token, base_url=emulator.api_base_url, base_file_url=emulator.file_base_url)
    async with bot:
        yield bot


@pytest.fixture
def pacer() -> Pacer:
    """A pacer with Telegram's limits scaled like the emulator's."""
    return Pacer(PacingLimits(time_scale=TIME_SCALE))


@pytest.fixture
def world(emulator: RunningEmulator, db: Database) -> NewsWorld:
    """An empty news world on the emulator and the database."""
    return NewsWorld(emulator, db)


FAST = PublisherConfig(
    max_attempts=5,
    retry_base_seconds=0.05,
    retry_max_seconds=0.5,
    poll_seconds=0.1,
    send_timeout_seconds=5.0,
)


@pytest.fixture
def make_publisher(tg_bot: Bot, db: Database, pacer: Pacer):
    """Return `make(admin_ids=(), config=FAST)` building a publisher (not started)."""

    def make(admin_ids: Iterable[int] = (), config: PublisherConfig = FAST) -> Publisher:
        notifier = AdminNotifier(tg_bot, pacer, admin_ids)
        return Publisher(tg_bot, db, pacer, config, notifier=notifier)

    return make
