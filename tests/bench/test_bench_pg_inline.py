"""The PostgreSQL-beside-SQLite inline search benchmark at a tiny size (figures not checked):
both engines' rows with their ratio, the PostgreSQL copy made once and then reused."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.inline import KINDS
from bench.pg_cluster import READY, copy_source
from storage.postgresql.migrations import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]


def run_bench(cache: Path, *options: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "bench.pg_inline", "--tiny", "--cache", str(cache), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_tiny_benchmark_compares_both_engines_and_caches_the_postgresql_copy():
    # Not pytest's tmp_path: the server's unprivileged user must be able to reach the cache.
    cache = Path(tempfile.mkdtemp(prefix="newsbot-bench-pg-", dir="/tmp"))
    cache.chmod(0o755)
    try:
        first = run_bench(cache, "--rss")
        assert first.startswith("load average "), first
        assert "copying 2,000 articles into PostgreSQL" in first
        assert "search only, 2,000 articles" in first
        for kind in KINDS:
            assert re.search(rf"  {kind} +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+x +[\d.]+x", first)
        assert re.search(r"PostgreSQL worst p99 [\d.]+ ms", first), first
        assert re.search(
            r"newsbot on PostgreSQL, [1-9]\d* inline answers .* peak RSS \d+ MiB", first
        )
        mine = cache / f"pg15-inline-v1-2000-s{SCHEMA_VERSION}"
        assert (mine / "READY").exists()

        second = run_bench(cache, "--shared-buffers", "48MB")
        assert "copying" not in second  # the cached cluster is started, not filled again
        assert re.search(r"PostgreSQL worst p99 [\d.]+ ms", second), second
        # the server started with that setting, and the articles' pages read into it
        assert re.search(r"shared_buffers 48MB \(the server's\): articles and its indexes", second)

        # A cluster cached by an older schema's run is copied for this schema, not migrated.
        (mine).rename(cache / "pg15-inline-v1-2000")
        third = run_bench(cache)
        assert f"copied pg15-inline-v1-2000 to {mine.name}" in third, third
        assert f"migrated to schema {SCHEMA_VERSION}" in third
        assert "copying" not in third
        assert (mine / "READY").exists()
        assert (cache / "pg15-inline-v1-2000" / "READY").exists()
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def test_a_schema_copy_starts_from_the_newest_earlier_copy(tmp_path: Path) -> None:
    base = tmp_path / "pg15-inline-v1-2000"
    for folder in (base, tmp_path / f"{base.name}-s3", tmp_path / f"{base.name}-s5"):
        folder.mkdir()
        (folder / READY).write_text("")
    (tmp_path / f"{base.name}-s6").mkdir()  # incomplete: never a source
    (tmp_path / f"{base.name}-s9").mkdir()
    (tmp_path / f"{base.name}-s9" / READY).write_text("")  # newer than wanted
    assert copy_source(base, 7) == tmp_path / f"{base.name}-s5"
    assert copy_source(base, 4) == tmp_path / f"{base.name}-s3"
    assert copy_source(base, 2) == base
    (base / READY).unlink()
    assert copy_source(base, 2) is None
