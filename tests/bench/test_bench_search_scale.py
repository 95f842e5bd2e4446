"""The search-at-scale benchmark: the fast build equals ingestion, and a tiny run completes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bench.inline_data import NEWEST
from bench.scale_data import replica_draft, shift
from bench.search_scale import base_drafts, kinds, verify

ROOT = Path(__file__).resolve().parents[2]


def test_a_replica_is_the_same_text_renumbered_and_moved_back_by_whole_base_spans():
    original = base_drafts(100)[7]
    copy = replica_draft(original, 1, 3, 100)
    assert (copy.title, copy.body, copy.tags) == (original.title, original.body, original.tags)
    assert copy.guid == "bench-107"
    assert copy.url == "https://news.example/0/story-107"
    assert original.published_at is not None
    assert original.published_at <= NEWEST
    assert copy.published_at == original.published_at - shift(1, 3, 100)
    assert replica_draft(original, 2, 3, 100).published_at == original.published_at


def test_every_query_kind_has_its_queries():
    for kind, make in kinds(5).items():
        made = make(20)
        assert len(made) == 20, kind
        assert all(made), kind
    assert all(text.startswith("saved ") for text in kinds(5)["saved + word"](5))


async def test_the_fast_build_stores_and_finds_what_ingestion_does(tmp_path):
    compared = await verify(tmp_path, 200, 3, 4)
    assert compared == 2 * 4 * len(kinds(3))


def test_tiny_search_scale_benchmark_prints_every_kind(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench.search_scale", "--tiny", "--cache", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "fast build = ingestion" in run.stdout
    for kind in kinds(5):
        assert re.search(rf"^{re.escape(kind)}\s+[\d.]+ /", run.stdout, re.M), kind
