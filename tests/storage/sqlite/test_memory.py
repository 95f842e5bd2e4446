"""Memory SQLite lets go of is given back: the integrity check's page cache is not kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import open_database
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
