"""The ingestion benchmark runs end to end at a tiny size (its figures are not checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_ingestion_benchmark_stores_every_entry(tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.ingest",
            "--feeds",
            "3",
            "--items",
            "4",
            "--workers",
            "1",
            "--cache",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "input: synthetic 3 feeds x 4 items, 3 feeds" in run.stdout
    figures = re.search(
        r"newsbot: (\d+) entries \((\d+) stored\) in [\d.]+s = ([\d,]+) entries/s", run.stdout
    )
    assert figures is not None, run.stdout
    assert figures.group(1) == figures.group(2) == "12"


def test_tiny_ingestion_benchmark_on_postgresql_too(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench.ingest", "--feeds", "3", "--items", "4", "--workers", "1",
         "--cache", str(tmp_path), "--postgresql"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    figures = re.search(
        r"newsbot on PostgreSQL: (\d+) entries \((\d+) stored\) in [\d.]+s = [\d,]+ entries/s",
        run.stdout,
    )
    assert figures is not None, run.stdout
    assert figures.group(1) == figures.group(2) == "12"
    assert re.search(r"ratio newsbot PostgreSQL/SQLite: [\d.]+x", run.stdout), run.stdout


def test_tiny_ingestion_timeline_traces_every_source(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench.ingest_timeline", "--feeds", "2", "--items", "3",
         "--workers", "1", "--slice", "0.05", "--cache", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert re.search(r"^6 entries in [\d.]+ s; workers 1$", run.stdout, re.M), run.stdout
    sources = re.findall(r"^source +\d+: fetch began .* store ended [\d.]+$", run.stdout, re.M)
    assert len(sources) == 2, run.stdout
    assert re.search(r"^worker \d+: 2 parses, busy", run.stdout, re.M), run.stdout
