"""Two bot processes publishing one burst on one PostgreSQL, at a tiny size: every figure is
printed, nothing is lost and no 429 is answered (the rate is not checked: a shared machine)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_two_process_publish_benchmark_loses_nothing():
    run = subprocess.run(
        [sys.executable, "-m", "bench.publish_processes", "--tiny"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("load average ") == 2, run.stdout
    assert re.search(r"achieved / allowed, 2 processes: \d\.\d{3}", run.stdout), run.stdout
    assert "429 answers: 0 (target 0); lost: 0 (must be 0)" in run.stdout
    assert re.search(r"peak RSS per bot process: \d+, \d+ MiB", run.stdout), run.stdout
