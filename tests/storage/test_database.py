"""Transactions, task isolation, backup and closing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from storage import Database, open_database, opened_database
from storage.errors import AlreadyExistsError, DatabaseError
from tests.storage.conftest import NOW, DraftFactory


class Boom(Exception):
    """Raised inside a transaction to make it roll back."""


async def _add_then_fail(db: Database, url: str) -> None:
    """Add a source inside a transaction, then fail."""
    async with db.transaction():
        await db.sources.add(url)
        raise Boom


async def test_transaction_commits_and_rolls_back(db: Database) -> None:
    async with db.transaction():
        await db.sources.add("https://a.example/feed")
    with pytest.raises(Boom):
        await _add_then_fail(db, "https://b.example/feed")
    assert [s.url for s in await db.sources.list()] == ["https://a.example/feed"]


async def test_nested_failure_rolls_back_only_the_inner_block(db: Database) -> None:
    async with db.transaction():
        await db.sources.add("https://a.example/feed")
        with pytest.raises(Boom):
            await _add_then_fail(db, "https://b.example/feed")
        with pytest.raises(AlreadyExistsError):
            await db.sources.add("https://a.example/feed")
        await db.sources.add("https://c.example/feed")
    urls = [s.url for s in await db.sources.list()]
    assert urls == ["https://a.example/feed", "https://c.example/feed"]


async def test_other_tasks_never_see_part_of_an_open_transaction(db: Database) -> None:
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> None:
        async with db.transaction():
            await db.sources.add("https://a.example/feed")
            assert len(await db.sources.list()) == 1  # its own uncommitted row
            inside.set()
            await release.wait()
            await db.sources.add("https://b.example/feed")

    task = asyncio.create_task(writer())
    await inside.wait()
    reader = asyncio.create_task(db.sources.list())
    await asyncio.wait([reader], timeout=0.05)  # one engine answers now, the other waits
    release.set()
    async with asyncio.timeout(5):  # a deadlock would hang here
        await task
        seen = len(await reader)
    assert seen in (0, 2)  # before the transaction or after it, never half of it
    assert len(await db.sources.list()) == 2


async def test_tasks_started_inside_a_transaction_join_it(db: Database) -> None:
    async def add(url: str) -> None:
        await db.sources.add(url)

    async with asyncio.timeout(5):  # a deadlock would hang here
        async with db.transaction():
            await asyncio.gather(add("https://a.example/feed"), add("https://b.example/feed"))
    assert len(await db.sources.list()) == 2


async def test_concurrent_upserts_do_not_interleave(
    db: Database, make_draft: DraftFactory
) -> None:
    sources = [(await db.sources.add(f"https://s{n}.example/feed")).id for n in range(4)]

    async def ingest(index: int, source_id: int) -> tuple[int, ...]:
        drafts = [make_draft(index * 100 + n) for n in range(25)]
        return (await db.articles.upsert_many(source_id, drafts, fetched_at=NOW)).inserted

    results = await asyncio.gather(*(ingest(i, s) for i, s in enumerate(sources)))
    all_ids = [article_id for ids in results for article_id in ids]
    assert len(set(all_ids)) == 100
    assert await db.articles.count() == 100


async def test_backup_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    existing = tmp_path / "copy.sqlite3"
    existing.write_bytes(b"keep me")
    async with await open_database(live) as db:
        with pytest.raises(AlreadyExistsError):
            await db.backup(existing)
        assert existing.read_bytes() == b"keep me"
        with pytest.raises(AlreadyExistsError, match="itself"):
            await db.backup(live, overwrite=True)
        await db.backup(existing, overwrite=True)
    async with await open_database(existing) as copy:
        assert await copy.articles.count() == 0


async def test_opened_database_closes(tmp_path: Path) -> None:
    async with opened_database(tmp_path / "news.sqlite3") as db:
        await db.sources.add("https://a.example/feed")
    with pytest.raises(DatabaseError, match="closed"):
        await db.sources.list()
