"""The long property run works at a tiny size: every property runs and passes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bench.properties import PROPERTY_TESTS

ROOT = Path(__file__).resolve().parents[2]


def test_property_files_exist():
    assert all((ROOT / path).is_file() for path in PROPERTY_TESTS)


def test_tiny_property_run_passes_every_property():
    run = subprocess.run(
        [sys.executable, "-m", "bench.properties", "--tiny"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "properties: 20 examples each, profile bench" in run.stdout
    for name in ("parse_error", "valid_query", "telegram_accepts", "valid_save_or_none"):
        assert name in run.stdout, run.stdout
    assert re.search(r"^result: \d+ passed(, \d+ xfailed)? in ", run.stdout, re.M), run.stdout
