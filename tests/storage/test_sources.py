"""The source repository's contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import Database
from storage.errors import AlreadyExistsError, NotFoundError

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
FEED = "https://feeds.example/world.xml"


async def test_add_fills_defaults(db: Database) -> None:
    source = await db.sources.add(FEED, tags=["World", " ", "World", "Europe"], now=T0)
    assert source.id > 0
    assert source.url == FEED
    assert source.name == "feeds.example"
    assert source.tags == ("World", "Europe")
    assert source.interval_seconds is None
    assert source.active
    assert not source.paused
    assert source.failure_count == 0
    assert source.next_fetch_at is None
    assert source.created_at == T0
    assert await db.sources.get(source.id) == source
    assert await db.sources.get_by_url(FEED) == source


async def test_add_keeps_name_and_interval(db: Database) -> None:
    source = await db.sources.add(FEED, name=" World desk ", interval_seconds=600)
    assert source.name == "World desk"
    assert source.interval_seconds == 600


async def test_duplicate_url_raises_already_exists(db: Database) -> None:
    await db.sources.add(FEED)
    with pytest.raises(AlreadyExistsError, match=r"world\.xml"):
        await db.sources.add(FEED, name="Again")
    assert len(await db.sources.list()) == 1


@pytest.mark.parametrize("interval", [0, -5])
async def test_bad_interval_is_refused(db: Database, interval: int) -> None:
    with pytest.raises(ValueError, match="interval"):
        await db.sources.add(FEED, interval_seconds=interval)


async def test_unknown_ids_raise_not_found(db: Database) -> None:
    with pytest.raises(NotFoundError):
        await db.sources.get(42)
    with pytest.raises(NotFoundError):
        await db.sources.remove(42)
    with pytest.raises(NotFoundError):
        await db.sources.set_paused(42, True)
    assert await db.sources.get_by_url("https://nowhere.example/") is None


async def test_list_and_remove(db: Database) -> None:
    first = await db.sources.add(FEED)
    second = await db.sources.add("https://feeds.example/sport.xml")
    assert [source.id for source in await db.sources.list()] == [first.id, second.id]
    await db.sources.remove(first.id)
    assert [source.id for source in await db.sources.list()] == [second.id]


async def test_due_respects_schedule_pause_and_activity(db: Database) -> None:
    never = await db.sources.add("https://a.example/feed")
    later = await db.sources.add("https://b.example/feed")
    overdue = await db.sources.add("https://c.example/feed")
    paused = await db.sources.add("https://d.example/feed")
    inactive = await db.sources.add("https://e.example/feed")
    await db.sources.record_success(
        later.id,
        fetched_at=T0,
        etag=None,
        last_modified=None,
        next_fetch_at=T0 + timedelta(hours=1),
    )
    await db.sources.record_success(
        overdue.id, fetched_at=T0, etag=None, last_modified=None, next_fetch_at=T0
    )
    await db.sources.set_paused(paused.id, True)
    await db.sources.record_failure(
        inactive.id, error="gone", failed_at=T0, next_fetch_at=T0, max_failures=1
    )
    assert not (await db.sources.get(inactive.id)).active

    due = await db.sources.due(T0 + timedelta(minutes=5))
    assert [source.id for source in due] == [never.id, overdue.id]
    due_later = await db.sources.due(T0 + timedelta(hours=2))
    assert [source.id for source in due_later] == [never.id, overdue.id, later.id]

    await db.sources.set_paused(paused.id, False)
    assert paused.id in {source.id for source in await db.sources.due(T0)}


async def test_record_success_and_not_modified(db: Database) -> None:
    source = await db.sources.add(FEED)
    next_at = T0 + timedelta(minutes=5)
    updated = await db.sources.record_success(
        source.id,
        fetched_at=T0,
        etag='"v1"',
        last_modified="Fri, 01 Mar 2024 09:00:00 GMT",
        next_fetch_at=next_at,
    )
    assert updated.etag == '"v1"'
    assert updated.last_modified == "Fri, 01 Mar 2024 09:00:00 GMT"
    assert updated.last_fetched_at == updated.last_success_at == T0
    assert updated.next_fetch_at == next_at

    later = T0 + timedelta(minutes=10)
    same = await db.sources.record_not_modified(
        source.id, fetched_at=later, next_fetch_at=later + timedelta(minutes=5)
    )
    assert same.etag == '"v1"'
    assert same.last_success_at == later


async def test_failures_deactivate_at_max_and_keep_error(db: Database) -> None:
    source = await db.sources.add(FEED)
    for attempt in range(1, 4):
        source = await db.sources.record_failure(
            source.id,
            error=f"HTTP 503 (attempt {attempt})",
            failed_at=T0 + timedelta(minutes=attempt),
            next_fetch_at=T0 + timedelta(hours=attempt),
            max_failures=3,
        )
        assert source.failure_count == attempt
        assert source.active is (attempt < 3)
    assert source.last_error == "HTTP 503 (attempt 3)"
    assert source.last_fetched_at == T0 + timedelta(minutes=3)
    assert source.last_success_at is None
    assert await db.sources.due(T0 + timedelta(days=1)) == []

    revived = await db.sources.reactivate(source.id)
    assert revived.active
    assert revived.failure_count == 0
    assert revived.next_fetch_at is None
    assert revived.last_error == "HTTP 503 (attempt 3)"
    assert [s.id for s in await db.sources.due(T0)] == [source.id]


async def test_success_resets_failure_count(db: Database) -> None:
    source = await db.sources.add(FEED)
    await db.sources.record_failure(
        source.id, error="timeout", failed_at=T0, next_fetch_at=T0, max_failures=5
    )
    source = await db.sources.record_success(
        source.id, fetched_at=T0, etag=None, last_modified=None, next_fetch_at=T0
    )
    assert source.failure_count == 0


async def test_naive_datetime_is_refused(db: Database) -> None:
    source = await db.sources.add(FEED)
    with pytest.raises(ValueError, match="timezone-aware"):
        await db.sources.due(datetime(2024, 3, 1, 9, 0))  # noqa: DTZ001 -- the naive input under test
    assert (await db.sources.get(source.id)).next_fetch_at is None
