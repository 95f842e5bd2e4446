"""The alert-matching benchmark runs end to end at a tiny size (figures not checked)."""

from __future__ import annotations

import re

from bench.alerts import BATCHES, run


async def test_tiny_alerts_benchmark_prints_a_line_per_batch_size(tmp_path, capsys):
    await run(archive=300, users=20, cache=tmp_path)
    out = capsys.readouterr().out
    assert re.search(r"archive 300 articles; \d+ follows, \d+ distinct", out), out
    for size in BATCHES:
        line = re.search(rf" {size} new articles: +[\d.]+ ms, ([\d,]+) searches", out)
        assert line is not None, out
        assert int(line.group(1).replace(",", "")) > 0
