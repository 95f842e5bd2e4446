"""SQLite's memory: the page caches of all connections stay within one budget
(`SQLITE_CACHE_MIB`), and the integrity check's page cache is not kept."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage import open_database
from storage.sqlite.database import CACHE_MIB, cache_sizes, open_sqlite
from storage.sqlite.memory import return_free_memory, sqlite_memory

MIB = 1024 * 1024
FILLER_MIB = 40


def resident_bytes() -> int:
    """This process's resident set size now."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    pytest.skip("no /proc/self/status on this system")


def with_filler(path: Path) -> Path:
    """Create the store at `path` with `FILLER_MIB` of pages beyond the schema's."""
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE filler (data BLOB)")
        raw.executemany(
            "INSERT INTO filler VALUES (randomblob(4000))", [()] * (FILLER_MIB * MIB // 4000)
        )
    raw.close()
    return path


def test_the_budget_is_split_half_to_the_writer_half_to_the_readers() -> None:
    assert cache_sizes(48) == (24 * 1024, 12 * 1024)
    assert cache_sizes(48, readers=0) == (48 * 1024, 0)
    assert cache_sizes(8, readers=4) == (4 * 1024, 1024)


async def test_each_connection_gets_its_share_of_the_cache(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "news.sqlite3", sqlite_cache_mib=8)
    try:
        (writer,) = await db.session.fetchall("PRAGMA cache_size")  # not a SELECT: the writer
        readers = await asyncio.gather(  # two at once: one on each reader
            db.session.fetchall("SELECT * FROM pragma_cache_size"),
            db.session.fetchall("SELECT * FROM pragma_cache_size"),
        )
        assert db.session.reader_count == 2
        assert writer[0] == -4096  # KiB (negative), not pages
        assert [rows[0][0] for rows in readers] == [-2048, -2048]
    finally:
        await db.close()


@pytest.mark.parametrize("budget_mib", [8, CACHE_MIB])
async def test_reading_everything_on_every_connection_stays_within_the_budget(
    tmp_path: Path, budget_mib: int
) -> None:
    await (await open_database(tmp_path / "news.sqlite3")).close()
    path = with_filler(tmp_path / "news.sqlite3")
    db = await open_database(path, sqlite_cache_mib=budget_mib)
    before = sqlite_memory()
    if before is None:
        pytest.skip("SQLite's memory status cannot be read here")
    scan = "SELECT sum(length(data)) FROM filler"
    try:
        await asyncio.gather(db.session.fetchall(scan), db.session.fetchall(scan))  # readers
        async with db.transaction():
            await db.session.fetchall(scan)  # inside a transaction: on the writer
        now = sqlite_memory()
        assert now is not None
        # Each of the 3 connections read all 40 MiB; the caches keep the budget's worth
        # (128 MiB, the old 64 + 2 x 32, would have kept all 3 x 40).
        held = now[0] - before[0]
        assert held < (budget_mib + 2) * MIB
        assert held > min(budget_mib, 3 * FILLER_MIB) * MIB * 3 // 4  # the caches are used
    finally:
        await db.close()


async def test_the_integrity_check_does_not_keep_its_page_cache(tmp_path: Path) -> None:
    if not return_free_memory():
        pytest.skip("the C library has no malloc_trim")
    path = tmp_path / "news.sqlite3"
    await (await open_database(path)).close()
    with_filler(path)
    db = await open_database(path, sqlite_cache_mib=128)  # a writer's cache of 64 MiB
    try:
        return_free_memory()
        before = resident_bytes()

        assert await db.status.integrity_problems(full_text=False) == []

        # the check read all 40 MB through a 64 MB cache; without the release it stays
        assert resident_bytes() - before < 10 * MIB
    finally:
        await db.close()


async def test_a_statement_rewriting_many_pages_keeps_its_journal_out_of_memory(
    tmp_path: Path,
) -> None:
    # An FTS5 merge inside one insert rewrites whole segments; the statement's journal
    # (the old pages) must not be held in memory: it was the peak of a 100k ingest.
    if sqlite_memory() is None:
        pytest.skip("SQLite's memory counters cannot be read here")
    path = tmp_path / "news.sqlite3"
    await (await open_database(path)).close()
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
        rows = [()] * (FILLER_MIB * MIB // 4000)  # a page each
        raw.executemany("INSERT INTO filler (data) VALUES (randomblob(3000))", rows)
    raw.close()
    async with await open_sqlite(path) as db, db.transaction():
        await db.session.fetchone("SELECT sum(length(data)) FROM filler")  # pages cached
        await db.session.execute("UPDATE filler SET data = zeroblob(3000) WHERE id = 1")
        before, _ = sqlite_memory(reset=True) or (0, 0)

        await db.session.execute("UPDATE filler SET data = zeroblob(3000)")  # every page

        grown = (sqlite_memory() or (0, 0))[1] - before
    assert grown < FILLER_MIB * MIB // 4  # with the journal in memory: about 40 MiB
