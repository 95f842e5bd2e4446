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


async def test_the_database_away_after_the_claim_neither_fails_nor_strands_the_row(
    world: NewsWorld, make_publisher, monkeypatch
):
    """The server lost between claiming a row (now `sending`) and reading its article: the
    row is not failed as a broken article, nor left in `sending` while the worker goes on;
    it goes back to pending and is posted once the database answers."""
    channel = await world.add_channel("Harbour")
    articles = await world.add_articles([draft(1), draft(2)])
    await world.queue(articles, [channel])
    real = world.db.articles.get
    failures = iter([DatabaseError("lost the connection to PostgreSQL")])

    async def flaky(*args, **kwargs):
        error = next(failures, None)
        if error is not None:
            raise error
        return await real(*args, **kwargs)

    monkeypatch.setattr(world.db.articles, "get", flaky)
    async with make_publisher():
        await world.wait_until_settled(channel)
    rows = await world.rows()
    assert [row.state for row in rows] == [OutboxState.SENT, OutboxState.SENT]
    assert len(await world.posts(channel)) == 2  # each posted once
