"""The real bot with its Mini App on the emulator, a small news world, and headless Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.context import NewsApplication
from emulator import RunningEmulator
from emulator.client import UserInfo
from news.entities import Article
from tests.bot.ops.conftest import bot_settings, free_port, running_app
from tests.factories import draft
from tests.support.browser import Browser, chromium, chromium_missing

SAVED_BY_ANN = 25
NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class MiniAppWorld:
    """The running bot, its users and what they saved."""

    emulator: RunningEmulator
    application: NewsApplication
    ann: UserInfo
    bob: UserInfo
    admin: UserInfo
    anns: list[Article]
    """Ann's bookmarks, oldest saved first."""
    bobs: Article
    app_url: str


@pytest.fixture
def browser_ready() -> None:
    """Fail (never skip) with the install command when Chromium is missing."""
    missing = chromium_missing()
    if missing:
        pytest.fail(missing)


@pytest.fixture
async def world(emulator, tmp_path, browser_ready) -> AsyncIterator[MiniAppWorld]:
    """Ann saved 25 stories, Bob one of his own; an admin; the bot runs with its Mini App."""
    client = emulator.client
    ann = await client.create_user("Ann", language_code="en")
    bob = await client.create_user("Bob", language_code="en")
    admin = await client.create_user("Ada", language_code="en")
    port = free_port()
    settings = bot_settings(
        emulator,
        tmp_path,
        webapp_url=f"http://127.0.0.1:{port}/app/",
        webapp_port=port,
        webapp_script_url=f"{emulator.base_url}/js/telegram-web-app.js",
        admin_ids=frozenset({admin.id}),
        poll_interval_seconds=7 * 24 * 3600,
    )
    async with running_app(settings) as application:
        db = application.bot_data.db
        for user in (ann, bob, admin):
            await client.send_message(user.id, "/start")
            await client.wait_for_messages(user.id, 1)
        source = await db.sources.add("http://127.0.0.1:9/harbour.rss", "Harbour Herald")
        await db.sources.set_paused(source.id, True)  # nothing to fetch in this world
        titles = [f"Tide table {n} printed" for n in range(SAVED_BY_ANN - 2)]
        titles += ["Lighthouse keeper retires", "Ferry timetable cut for winter"]
        drafts = [
            draft(
                n,
                title,
                published_at=NOW - timedelta(hours=n),
                body=f"First paragraph of story {n}.\nSecond paragraph about {title}.",
                tags=["Harbour"] if "Ferry" in title else [],
            )
            for n, title in enumerate([*titles, "Bob's secret story"])
        ]
        result = await db.articles.upsert_many(source.id, drafts, fetched_at=NOW)
        articles = await db.articles.get_many(result.inserted)
        for n, article in enumerate(articles[:SAVED_BY_ANN]):
            await db.bookmarks.add(ann.id, article.id, now=NOW + timedelta(seconds=n))
        await db.bookmarks.add(bob.id, articles[-1].id, now=NOW)
        yield MiniAppWorld(
            emulator,
            application,
            ann,
            bob,
            admin,
            articles[:SAVED_BY_ANN],
            articles[-1],
            settings.webapp_url or "",
        )


@pytest.fixture
async def browser(tmp_path: Path, browser_ready) -> AsyncIterator[Browser]:
    """Headless Chromium with a fresh profile under the test's temporary folder."""
    async with chromium(tmp_path / "chromium-profile") as running:
        yield running
