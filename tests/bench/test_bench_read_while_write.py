"""The read-while-write benchmark runs end to end at a tiny size (figures not checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_read_while_write_benchmark_prints_its_three_phases(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench.read_while_write", "--tiny", "--cache", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "60 entries ingested beside inline search" in run.stdout, run.stdout
    assert "writer + reader connections" in run.stdout
    for phase in ("idle", "CPU-only control", "during ingest"):
        line = re.search(
            rf"  {phase} +p50 +[\d.]+ ms +p99 +[\d.]+ ms .*\((\d+) queries.*load [\d.]+\)",
            run.stdout,
        )
        assert line is not None, run.stdout
        assert int(line.group(1)) > 0
    assert re.search(r"ingested 60 entries", run.stdout), run.stdout
    assert re.search(r"p99 during ingest / CPU-only control: [\d.]+x", run.stdout), run.stdout
