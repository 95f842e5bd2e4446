"""The PostgreSQL driver benchmark runs end to end at a tiny size (its figures are not checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_driver_benchmark_prints_every_figure_with_its_ratio():
    run = subprocess.run(
        [sys.executable, "-m", "bench.pg_driver", "--tiny"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "load average before:" in run.stdout
    assert "load average after:" in run.stdout
    for label in ("(a) row by primary key p50", "(b) 50 rows", "executemany", "COPY", "(d) 16"):
        assert re.search(rf"{re.escape(label)}.*\d\.\d\dx$", run.stdout, re.MULTILINE), run.stdout
