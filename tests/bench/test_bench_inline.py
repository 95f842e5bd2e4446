"""The inline benchmark: its statistics and a tiny end-to-end run (figures not checked)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from bench.inline import KINDS, Latency, e2e_texts, percentile, queries

ROOT = Path(__file__).resolve().parents[2]


def test_percentile_is_nearest_rank():
    ordered = [float(n) for n in range(1, 101)]
    assert percentile(ordered, 50) == 50.0
    assert percentile(ordered, 99) == 99.0
    assert percentile([7.0], 99) == 7.0
    assert Latency.of([0.001, 0.002, 0.003]).p50 == 2.0


def test_query_sets_are_deterministic_and_of_their_kind():
    assert queries("tag", 5) == queries("tag", 5)
    assert all(text.startswith("#") for text in queries("tag", 20))
    assert all(len(text.split()) == 2 for text in queries("two-word", 20))
    assert all(text and " " not in text for text in queries("prefix", 20))  # one partial word
    assert len(e2e_texts(40)) == 40
    assert len(KINDS) == 4


def test_tiny_inline_benchmark_answers_every_query(tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.inline",
            "--tiny",
            "--cache",
            str(tmp_path),
            "--compare-cache",
            "8",
            "--memory",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "search only, 2,000 articles" in run.stdout
    for kind in KINDS:
        assert re.search(rf"  {kind} +p50 +[\d.]+ ms", run.stdout), run.stdout
    rows = re.findall(r"unanswered (\d+), empty (\d+), peak RSS (\d+) MiB", run.stdout)
    assert len(rows) == 4, run.stdout  # the two bare bots, newsbot and newsbot, cache 8 MiB
    assert "newsbot, cache 8 MiB" in run.stdout
    assert re.search(r"\(bot: event loop [\d.]+ ms, other threads [\d.]+ ms\)", run.stdout)
    report = json.loads((tmp_path / "newsbot-aiohttp-0.json").read_text())
    assert report["mappings"]["total"] > 0  # where the memory was at the peak
    assert report["allocators"]["sqlite most"] > 0
    assert "MainThread" in report["thread cpu s"]
    assert all(unanswered == "0" for unanswered, _, _ in rows), run.stdout
    assert re.search(r"ratio newsbot / bare PTB, concurrent: [\d.]+x", run.stdout), run.stdout
    assert re.search(r"ratio newsbot / bare PTB, sequential: [\d.]+x", run.stdout), run.stdout
    assert run.stdout.startswith("load average "), run.stdout
