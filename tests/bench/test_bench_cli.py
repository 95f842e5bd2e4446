"""The CLI start-up benchmark runs once per case and prints both ways and the ratio."""

from __future__ import annotations

import re

from bench.cli import main


def test_tiny_cli_benchmark_prints_times_modules_and_ratio(capsys):
    assert main(["--tiny"]) == 0

    out = capsys.readouterr().out
    assert out.startswith("load average ")
    for case in ("--help", "search WORD"):
        line = next(line for line in out.splitlines() if line.startswith(f"newsbot {case}:"))
        counts = [int(n) for n in re.findall(r"(\d+) modules", line)]
        assert counts[0] < counts[1], line  # as shipped imports fewer than eager
        assert re.search(r"ratio \d+\.\dx$", line), line
