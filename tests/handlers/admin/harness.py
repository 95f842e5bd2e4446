"""Shared setup for the admin command tests: the full bot with a fetcher, feeds of our own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from telegram.ext import ContextTypes

from bot.app.runtime import fetch_policy
from bot.context import BotData
from bot.ops.settings import Settings
from bot.transport.pacing import Pacer, PacingLimits
from bot.transport.ratelimiter import PacingRateLimiter
from bot.transport.updates import CleanUpdateQueue
from emulator import EmulatorConfig, FloodLimits
from emulator.client import EmulatorError
from handlers import all_handlers
from news.fetch import Fetcher
from storage import Database

TIME_SCALE = 0.05
"""Telegram's flood windows shrunk alike in the emulator and in the bot's pacer."""
SCALED_FLOOD = EmulatorConfig(flood=FloodLimits(time_scale=TIME_SCALE))
"""Use as the `emulator_config` fixture: replies in a private chat are flood limited."""

QUAY_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Quay Gazette</title>
<link>https://quay.example/</link>
<description>News from the quay, written for these tests.</description>
<item>
<title>Night ferry adds a Sunday sailing</title>
<link>https://quay.example/ferry-sunday</link>
<guid>quay-1</guid>
<description>The operator confirmed the extra crossing after a busy summer season.</description>
<pubDate>Sat, 28 Nov 2026 09:00:00 GMT</pubDate>
</item>
<item>
<title>Harbour wall repairs finish early</title>
<link>https://quay.example/wall-repairs</link>
<guid>quay-2</guid>
<description>Masons replaced the last cracked stones a week before the storms.</description>
<pubDate>Sun, 29 Nov 2026 10:30:00 GMT</pubDate>
</item>
</channel></rss>
"""


@dataclass
class Snapshot:
    """What admin commands may change, to check that a refused one changed nothing."""

    sources: list[Any]
    channels: list[Any]
    routes: list[Any]
    articles: int
    bookmarks: int


async def snapshot(db: Database) -> Snapshot:
    """Read every source, channel and route, and count articles and bookmarks."""
    sources = await db.sources.list()
    channels = await db.channels.list()
    routes = [r for s in sources for r in await db.channels.routes_for_source(s.id)]
    return Snapshot(
        sources, channels, routes, await db.articles.count(), await db.bookmarks.count_all()
    )


@asynccontextmanager
async def admin_bot(
    bot_app: Any, db: Database, admin_ids: set[int], **settings: Any
) -> AsyncIterator[Any]:
    """The whole bot (every feature's handlers, paced like production) with these admins
    and a real fetcher."""
    settings.setdefault("allow_private_addresses", True)
    handlers = [(handler, group) for group, hs in all_handlers().items() for handler in hs]
    async with bot_app(
        handlers=handlers,
        rate_limiter=PacingRateLimiter(Pacer(PacingLimits(time_scale=TIME_SCALE))),
        configure=lambda builder: builder.context_types(
            ContextTypes(bot_data=BotData)
        ).update_queue(CleanUpdateQueue()),  # as build_application does
    ) as harness:
        data = harness.application.bot_data
        data.attach(
            settings=Settings(_env_file=None, admin_ids=frozenset(admin_ids), **settings), db=db
        )
        async with Fetcher(fetch_policy(data.settings)) as fetcher:
            data.attach(fetcher=fetcher)
            yield harness


async def ask(harness: Any, user: Any, text: str, *, count: int = 1) -> list[Any]:
    """Send `text` in the private chat and return the bot's `count` new replies."""
    try:
        before = len(await harness.client.messages(user.id, from_bot=True))
    except EmulatorError:  # the private chat starts with the user's first message
        before = 0
    await user.send(text)
    replies = await harness.wait_for_messages(user.id, before + count)
    return replies[before:]
