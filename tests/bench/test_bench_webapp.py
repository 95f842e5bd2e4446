"""The Mini App benchmark runs end to end at a tiny size (figures printed, not checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.browser import chromium_missing

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_webapp_benchmark_measures_api_first_load_and_transfer(tmp_path):
    missing = chromium_missing()
    if missing:
        pytest.fail(missing)
    run = subprocess.run(
        [sys.executable, "-m", "bench.webapp", "--tiny", "--cache", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "first load to list painted" in run.stdout
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(figures["api"]) == {"list page", "search in bookmarks"}
    assert len(figures["painted_ms"]) == 2
    assert all(ms > 0 for ms in figures["painted_ms"])
