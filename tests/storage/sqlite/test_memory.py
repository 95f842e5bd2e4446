"""Memory SQLite lets go of is given back: the integrity check's page cache is not kept."""

from __future__ import annotations

import ctypes
import ctypes.util
import sqlite3
from pathlib import Path

import pytest

from storage import open_database
from storage.sqlite.database import open_sqlite
from storage.sqlite.memory import return_free_memory

MIB = 1024 * 1024
FILLER_MIB = 40


def resident_bytes() -> int:
    """This process's resident set size now."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    pytest.skip("no /proc/self/status on this system")


async def test_the_integrity_check_does_not_keep_its_page_cache(tmp_path: Path) -> None:
    if not return_free_memory():
        pytest.skip("the C library has no malloc_trim")
    path = tmp_path / "news.sqlite3"
    await (await open_database(path)).close()
    with sqlite3.connect(path) as raw:  # pages for the check to read, beyond the schema's
        raw.execute("CREATE TABLE filler (data BLOB)")
        raw.executemany(
            "INSERT INTO filler VALUES (randomblob(4000))", [()] * (FILLER_MIB * MIB // 4000)
        )
    raw.close()
    db = await open_database(path)
    try:
        return_free_memory()
        before = resident_bytes()

        assert await db.status.integrity_problems(full_text=False) == []

        # the check read all 40 MB through a 64 MB cache; without the release it stays
        assert resident_bytes() - before < 10 * MIB
    finally:
        await db.close()


def sqlite_library() -> ctypes.CDLL:
    """The SQLite C library Python's sqlite3 uses, to read its memory counters."""
    name = ctypes.util.find_library("sqlite3")
    if name is None:
        pytest.skip("no shared SQLite library")
    lib = ctypes.CDLL(name)
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    lib.sqlite3_memory_highwater.restype = ctypes.c_int64
    lib.sqlite3_libversion.restype = ctypes.c_char_p
    if lib.sqlite3_libversion().decode() != sqlite3.sqlite_version:
        pytest.skip("Python's sqlite3 is not the shared SQLite library")
    return lib


async def test_a_statement_rewriting_many_pages_keeps_its_journal_out_of_memory(
    tmp_path: Path,
) -> None:
    # An FTS5 merge inside one insert rewrites whole segments; the statement's journal
    # (the old pages) must not be held in memory: it was the peak of a 100k ingest.
    lib = sqlite_library()
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
        before = lib.sqlite3_memory_used()
        lib.sqlite3_memory_highwater(1)

        await db.session.execute("UPDATE filler SET data = zeroblob(3000)")  # every page

        grown = lib.sqlite3_memory_highwater(0) - before
    assert grown < FILLER_MIB * MIB // 4  # with the journal in memory: about 40 MiB
