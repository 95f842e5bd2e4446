"""A send's outcome is recorded even when the database is away for a while."""

from __future__ import annotations

from news.entities import OutboxState
from storage.errors import DatabaseError
from tests.bot.delivery.conftest import NewsWorld, draft


async def test_mark_sent_is_retried_until_the_database_answers(
    world: NewsWorld, make_publisher, monkeypatch
):
    channel = await world.add_channel("Harbour")
    [article] = await world.add_articles([draft(1)])
    await world.queue([article], [channel])
    real = world.db.outbox.mark_sent
    failures = iter([DatabaseError("lost the connection to PostgreSQL")] * 2)

    async def flaky(*args, **kwargs):
        error = next(failures, None)
        if error is not None:
            raise error
        return await real(*args, **kwargs)

    monkeypatch.setattr(world.db.outbox, "mark_sent", flaky)
    monkeypatch.setattr("bot.delivery.publisher.RECORD_FIRST_WAIT_SECONDS", 0.01)
    async with make_publisher():
        await world.wait_until_settled(channel)
    [row] = await world.rows()
    assert row.state is OutboxState.SENT
    assert row.message_id is not None
    assert len(await world.posts(channel)) == 1  # sent once, recorded after two failures
