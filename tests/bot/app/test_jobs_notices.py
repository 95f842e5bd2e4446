"""The ingestion job tells the admins when it deactivates a source, once per hour."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from telegram.ext import CallbackContext, ContextTypes

from bot.app.jobs import ingest_due_sources
from bot.app.runtime import fetch_policy
from bot.context import BotData
from bot.delivery.notices import AdminNotifier, deactivated_notice
from bot.ops.settings import Settings
from bot.transport.pacing import Pacer, PacingLimits
from news.fetch import Fetcher
from storage import Database, open_database
from tests.support.clock import FakeWallClock
from tests.support.feedserver import FeedServer


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


async def test_a_source_deactivated_by_the_job_is_told_to_admins_once(bot_app, emulator, db):
    ann = await emulator.client.create_user("Ann")
    await emulator.client.send_message(ann.id, "/start")
    settings = Settings(
        _env_file=None,
        admin_ids=frozenset({ann.id}),
        fetch_max_failures=2,
        allow_private_addresses=True,
    )
    async with FeedServer() as server:
        server.add("/broken.xml", status=503, content_type="text/plain")
        source = await db.sources.add(server.url("/broken.xml"), name="Quay Gazette")
        async with (
            bot_app(
                configure=lambda builder: builder.context_types(ContextTypes(bot_data=BotData))
            ) as harness,
            Fetcher(fetch_policy(settings)) as fetcher,
        ):
            application = harness.application
            data: BotData = application.bot_data
            data.attach(settings=settings, db=db, fetcher=fetcher)
            data.notifier = AdminNotifier(
                application.bot, Pacer(PacingLimits(time_scale=0.02)), settings.admin_ids
            )
            clock = FakeWallClock(datetime.now(UTC))
            data.clock = clock
            context = CallbackContext(application)

            async def make_due() -> None:
                """Move the clock to the source's next fetch (its backoff waited out)."""
                waited = await db.sources.get(source.id)
                assert waited.next_fetch_at is not None
                clock.set(waited.next_fetch_at)

            await ingest_due_sources(context)  # first failure: still active, nobody told
            assert await emulator.client.messages(ann.id, from_bot=True) == []
            await make_due()
            await ingest_due_sources(context)  # second failure in a row: deactivated, told
            deactivated = await db.sources.get(source.id)
            await db.sources.reactivate(source.id)  # an admin resumes it; it fails twice again
            await ingest_due_sources(context)
            await make_due()
            await ingest_due_sources(context)  # deactivated again within the hour: not told
            again = await db.sources.get(source.id)
            notices = await emulator.client.messages(ann.id, from_bot=True)

    assert not deactivated.active
    assert deactivated.failure_count == 2
    assert not again.active
    assert [notice.text for notice in notices] == [deactivated_notice(deactivated)]
    assert "/resume" in notices[0].text
