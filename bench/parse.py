"""Parser benchmark: entries/s of `parse_document` on the real corpus and a synthetic feed.

    python -m bench.parse                                   # corpus at ../shared/corpus/feeds
    python -m bench.parse --corpus DIR --items 5000 --repeat 20

Reads the corpus at run time (it is not part of the repository) and says so when it is
absent. For each corpus file it also checks that the feed parses and cleans into drafts
(`news.drafts.build_drafts`, the pure part of ingestion) without an error, and reports how many
entries and drafts it gave. Prints entries/s for the corpus (all files, best of
`--repeat` rounds) and for one synthetic RSS feed of `--items` entries. Rates are entries per
second of this process's CPU time (`time.process_time`), so that a busy shared machine moves
them less than it moves wall-clock figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.synth import rss_feed
from news.drafts import build_drafts
from news.errors import ParseError
from news.parse import parse_document

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "feeds"


def corpus_files(folder: Path) -> list[Path]:
    """The feed files of a corpus folder (every file but the manifest), sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".json")


def check_corpus(files: list[Path]) -> tuple[int, int, list[str]]:
    """Parse and draft each file once; return entry and draft counts, one line per failure."""
    total = drafted = 0
    errors: list[str] = []
    for path in files:
        try:
            document = parse_document(path.read_bytes())
            drafts = build_drafts(document.entries)
        except ParseError as exc:
            errors.append(f"{path.name}: {exc}")
            continue
        if not document.entries:
            errors.append(f"{path.name}: no entries")
        elif len(drafts) != len(document.entries):
            errors.append(
                f"{path.name}: {len(document.entries) - len(drafts)} entries not drafted"
            )
        total += len(document.entries)
        drafted += len(drafts)
    return total, drafted, errors


def entries_per_second(documents: list[bytes], repeat: int) -> tuple[int, float]:
    """Parse every document `repeat` times; return entries per round and the best rate."""
    best = float("inf")
    count = 0
    for _ in range(repeat):
        started = time.process_time()
        count = sum(len(parse_document(content).entries) for content in documents)
        best = min(best, time.process_time() - started)
    return count, count / best if best > 0 else 0.0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; exit 1 when a corpus feed fails to parse."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--items", type=int, default=5000, help="entries in the synthetic feed")
    parser.add_argument("--repeat", type=int, default=20, help="rounds; the best one counts")
    args = parser.parse_args(argv)
    status = 0
    if args.corpus.is_dir():
        files = corpus_files(args.corpus)
        total, drafted, errors = check_corpus(files)
        print(
            f"corpus: {len(files)} feeds, {total} entries, {drafted} drafts, {len(errors)} errors"
        )
        for line in errors:
            print(f"  error: {line}")
        status = 1 if errors else 0
        failed = {line.split(":", 1)[0] for line in errors}
        readable = [p.read_bytes() for p in files if p.name not in failed]
        count, rate = entries_per_second(readable, args.repeat)
        print(f"corpus parse: {count} entries, {rate:,.0f} entries/s")
    else:
        print(f"corpus: skipped, no folder at {args.corpus} (pass --corpus DIR)")
    synthetic = rss_feed(0, args.items, base="https://news.example")
    count, rate = entries_per_second([synthetic], args.repeat)
    print(f"synthetic parse: {count} entries, {rate:,.0f} entries/s")
    return status


if __name__ == "__main__":
    sys.exit(main())
