"""The related-coverage and tag evaluations run at a tiny size on feeds of our own."""

from __future__ import annotations

import json

from bench import related_eval, tags_eval

ITEM = (
    "<item><title>{title}</title><link>https://{site}.example/{slug}</link>"
    "<guid>{site}-{slug}</guid><pubDate>{date}</pubDate>{categories}"
    "<description>{summary}</description></item>"
)


def feed(site: str, items: list[tuple[str, str, str, str, list[str]]]) -> bytes:
    """An RSS feed of (slug, title, summary, date, categories) items."""
    body = "".join(
        ITEM.format(
            site=site,
            slug=slug,
            title=title,
            summary=summary,
            date=date,
            categories="".join(f"<category>{c}</category>" for c in categories),
        )
        for slug, title, summary, date, categories in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{site} News</title>'
        f"<link>https://{site}.example/</link>{body}</channel></rss>"
    ).encode()


def corpus(folder):
    """Two small sources covering a ferry strike, plus one unrelated story."""
    (folder / "harbour.xml").write_bytes(
        feed(
            "harbour",
            [
                (
                    "strike",
                    "Ferry crews strike over pensions at Larkspur harbour",
                    "Ferry crews walked out at Larkspur harbour in a dispute over pensions.",
                    "Mon, 16 Feb 2026 08:00:00 +0000",
                    ["Ferries", "Harbour News", "Hale, Morgan T"],
                ),
                (
                    "sheep",
                    "Sheep fair opens in the hills",
                    "Farmers brought their flocks to the hills.",
                    "Mon, 16 Feb 2026 09:00:00 +0000",
                    ["News", "internal-open-access-from-x"],
                ),
            ],
        )
    )
    (folder / "coast.xml").write_bytes(
        feed(
            "coast",
            [
                (
                    "talks",
                    "Larkspur ferry strike talks on pensions resume",
                    "Union and operator met again over ferry crews' pensions at Larkspur.",
                    "Tue, 17 Feb 2026 08:00:00 +0000",
                    ["Morgan Hale"],
                ),
            ],
        )
    )
    (folder / "MANIFEST.json").write_text("[]")


def test_tiny_related_evaluation_prints_precision_and_recall(tmp_path, capsys):
    corpus(tmp_path)
    pairs = tmp_path / "pairs.json"
    pairs.write_text(
        json.dumps(
            [
                {
                    "a_url": "https://harbour.example/strike",
                    "b_url": "https://coast.example/talks",
                    "related": True,
                    "same_story": False,
                },
                {
                    "a_url": "https://harbour.example/sheep",
                    "b_url": "https://coast.example/talks",
                    "related": False,
                    "same_story": False,
                },
                {"a_url": "https://nowhere.example/x", "b_url": "https://coast.example/talks"}
                | {"related": False, "same_story": False},
            ]
        )
    )

    status = related_eval.main(["--corpus", str(tmp_path), "--pairs", str(pairs)])

    out = capsys.readouterr().out
    assert status == 0, out
    assert "corpus: 3 articles, 0 feeds failed" in out
    assert "pairs skipped (an article not in the corpus): 1" in out
    assert "earlier coverage, now      precision 1.00 (1/1), recall 1.00 (1/1)" in out
    assert "list 'earlier coverage'    precision 1.00 (1/1), recall 1.00 (1/1)" in out


def test_tiny_tag_evaluation_counts_what_was_dropped_and_rewritten(tmp_path, capsys):
    corpus(tmp_path)

    assert tags_eval.main(["--corpus", str(tmp_path)]) == 0

    out = capsys.readouterr().out
    assert "corpus: 2 feeds, 0 failed" in out
    assert "1 entities spelt differently across sources" in out  # before: Hale, Morgan T
    assert "0 entities spelt differently across sources" in out  # now: Morgan Hale twice
    assert "internal-open-access-from-x (1)" in out
    assert "Hale, Morgan T -> Morgan Hale" in out


def test_missing_corpus_is_skipped_with_a_message(tmp_path, capsys):
    assert related_eval.main(["--corpus", str(tmp_path / "absent")]) == 0
    assert tags_eval.main(["--corpus", str(tmp_path / "absent")]) == 0
    assert capsys.readouterr().out.count("corpus: skipped") == 2
