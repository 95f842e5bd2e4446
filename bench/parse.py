"""Parser benchmark: entries/s of `parse_document` on the real corpus and a synthetic feed.

    python -m bench.parse                                   # corpus at ../shared/corpus/feeds
    python -m bench.parse --corpus DIR --items 5000 --repeat 5

Reads the corpus at run time (it is not part of the repository) and says so when it is
absent. For each corpus file it also checks that the feed parses without an error and
reports how many entries it gave. Prints entries/s for the corpus (all files, best of
`--repeat` rounds) and for one synthetic RSS feed of `--items` entries.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.synth import rss_feed
from news.errors import ParseError
from news.parse import parse_document

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "feeds"


def corpus_files(folder: Path) -> list[Path]:
    """The feed files of a corpus folder (every file but the manifest), sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".json")


def check_corpus(files: list[Path]) -> tuple[int, list[str]]:
    """Parse each file once; return the entry count and one line per file that failed."""
    total = 0
    errors: list[str] = []
    for path in files:
        try:
            document = parse_document(path.read_bytes())
        except ParseError as exc:
            errors.append(f"{path.name}: {exc}")
            continue
        if not document.entries:
            errors.append(f"{path.name}: no entries")
        total += len(document.entries)
    return total, errors


def entries_per_second(documents: list[bytes], repeat: int) -> tuple[int, float]:
    """Parse every document `repeat` times; return entries per round and the best rate."""
    best = float("inf")
    count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = sum(len(parse_document(content).entries) for content in documents)
        best = min(best, time.perf_counter() - started)
    return count, count / best if best > 0 else 0.0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; exit 1 when a corpus feed fails to parse."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--items", type=int, default=5000, help="entries in the synthetic feed")
    parser.add_argument("--repeat", type=int, default=5, help="rounds; the best one counts")
    args = parser.parse_args(argv)
    status = 0
    if args.corpus.is_dir():
        files = corpus_files(args.corpus)
        total, errors = check_corpus(files)
        print(f"corpus: {len(files)} feeds, {total} entries, {len(errors)} errors")
        for line in errors:
            print(f"  error: {line}")
        status = 1 if errors else 0
        count, rate = entries_per_second([p.read_bytes() for p in files], args.repeat)
        print(f"corpus parse: {count} entries, {rate:,.0f} entries/s")
    else:
        print(f"corpus: skipped, no folder at {args.corpus} (pass --corpus DIR)")
    synthetic = rss_feed(0, args.items, base="https://news.example")
    count, rate = entries_per_second([synthetic], args.repeat)
    print(f"synthetic parse: {count} entries, {rate:,.0f} entries/s")
    return status


if __name__ == "__main__":
    sys.exit(main())
