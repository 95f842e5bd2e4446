"""The parser benchmark runs at a tiny size, on a corpus folder of our own (figures unchecked)."""

from __future__ import annotations

import re

from bench.parse import main
from bench.synth import rss_feed


def test_tiny_parse_benchmark_checks_the_corpus_and_prints_rates(tmp_path, capsys):
    (tmp_path / "one.xml").write_bytes(rss_feed(1, 3, base="https://bench.example"))
    (tmp_path / "MANIFEST.json").write_text("[]")

    status = main(["--corpus", str(tmp_path), "--items", "5", "--repeat", "1"])

    out = capsys.readouterr().out
    assert status == 0, out
    assert "corpus: 1 feeds, 3 entries, 3 drafts, 0 errors" in out
    assert re.search(r"corpus parse: 3 entries, [\d,]+ entries/s", out)
    assert re.search(r"synthetic parse: 5 entries, [\d,]+ entries/s", out)


def test_a_broken_corpus_feed_fails_the_check(tmp_path, capsys):
    (tmp_path / "broken.xml").write_bytes(b"\x89PNG\r\n\x1a\n not a feed")

    assert main(["--corpus", str(tmp_path), "--items", "2", "--repeat", "1"]) == 1
    assert "error: broken.xml" in capsys.readouterr().out


def test_a_missing_corpus_is_skipped_with_a_message(tmp_path, capsys):
    assert main(["--corpus", str(tmp_path / "absent"), "--items", "2", "--repeat", "1"]) == 0
    assert "corpus: skipped" in capsys.readouterr().out
