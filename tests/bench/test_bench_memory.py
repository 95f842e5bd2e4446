"""bench/memory.py: a process's resident memory by kind, and its allocators' figures."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from bench.memory import in_process, resident, rss_kib

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def test_the_kinds_add_up_to_the_resident_total():
    kinds = resident()
    assert kinds["total"] == sum(kib for kind, kib in kinds.items() if kind != "total")
    assert kinds["code (binaries, libraries)"] > 0
    assert abs(kinds["total"] - rss_kib()) < 0.2 * kinds["total"]


def test_sqlite_memory_counts_a_filled_page_cache():
    before = in_process()["sqlite now"]
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (data BLOB)")
    connection.executemany("INSERT INTO t VALUES (randomblob(4000))", [()] * 1000)
    try:
        figures = in_process()
        assert figures["sqlite now"] - before > 3_000  # KiB: ~4 MB of pages held
        assert figures["python arenas"] >= figures["python in use"] > 0
        assert figures["Threads"] >= 1
    finally:
        connection.close()
