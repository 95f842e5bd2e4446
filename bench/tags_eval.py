"""Tag quality on the real corpus: distinct tags, generic and code tags, agreement across sources.

    python -m bench.tags_eval                          # corpus at ../shared/corpus/feeds
    python -m bench.tags_eval --corpus DIR --examples 8

Reads the corpus at run time (it is not part of the repository; skipped with a message when
absent) and tags every feed's entries twice:

* before: the feed's categories as given (else tags derived from the text), as stored before
  `news.tags.useful_categories` and `news.tags.canonical_tag`;
* now: `news.drafts.build_drafts` with the feed's name, as ingestion does.

Prints, for both: tag assignments, distinct tags (by `normalize_tag` key), the share of
assignments that are uninformative — a kind of page (`News`), a code
(`internal-open-access-…`), or a label on more than half of a feed of 8+ entries — and how
many entities are spelt differently across sources (tags whose words, without initials, are
the same set: ``Trump, Donald J`` and ``Donald Trump``) — then examples of tags dropped and
rewritten.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from news.clean import html_to_text
from news.drafts import build_drafts
from news.errors import ParseError
from news.models import ParsedDocument
from news.parse import parse_document
from news.tags import (
    canonical_tag,
    common_categories,
    derive_tags,
    is_generic_category,
    looks_machine_made,
    normalize_tag,
)

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "feeds"


def tags_before(document: ParsedDocument) -> list[list[str]]:
    """Each entry's tags as stored before: its categories as given, else derived ones."""
    tagged = []
    for entry in document.entries:
        if entry.categories:
            tagged.append(list(dict.fromkeys(" ".join(c.split()) for c in entry.categories)))
        else:
            text = html_to_text(entry.content or entry.summary or "")
            tagged.append(derive_tags(entry.title or "", text))
    return tagged


def tags_now(name: str, document: ParsedDocument) -> list[list[str]]:
    """Each entry's tags as ingestion stores them now."""
    return [draft.tags for draft in build_drafts(document.entries, source_names=[name])]


def entity_key(tag: str) -> frozenset[str]:
    """The words of a tag without initials and order: one entity however it is spelt."""
    words = normalize_tag(tag.replace(",", " ")).split("_")
    return frozenset(word for word in words if len(word) > 1)


def measure(feeds: dict[str, list[list[str]]]) -> dict[str, float]:
    """Count assignments, distinct keys, uninformative share and cross-source spellings."""
    assignments = 0
    uninformative = 0
    keys: set[str] = set()
    spellings: dict[frozenset[str], set[str]] = {}
    sources: dict[frozenset[str], set[str]] = {}
    for name, tagged in feeds.items():
        common = common_categories(tagged)
        for tags in tagged:
            for tag in tags:
                key = normalize_tag(tag)
                assignments += 1
                keys.add(key)
                if is_generic_category(tag) or looks_machine_made(tag) or key in common:
                    uninformative += 1
                entity = entity_key(tag)
                if len(entity) >= 2:  # names of one word cannot be told apart this way
                    spellings.setdefault(entity, set()).add(key)
                    sources.setdefault(entity, set()).add(name)
    disagreeing = sum(
        1 for entity, found in spellings.items() if len(found) > 1 and len(sources[entity]) > 1
    )
    return {
        "assignments": assignments,
        "distinct": len(keys),
        "uninformative": uninformative / assignments if assignments else 0.0,
        "disagreeing": disagreeing,
    }


def examples(before: Iterable[str], now: Iterable[str], limit: int) -> tuple[list[str], list[str]]:
    """Tags present before and gone now; tags rewritten by `canonical_tag`."""
    kept = {normalize_tag(tag) for tag in now}
    counted = Counter(before)
    dropped = [
        f"{tag} ({count})"
        for tag, count in counted.most_common()
        if normalize_tag(canonical_tag(tag)) not in kept
    ]
    rewritten = sorted(
        {f"{tag} -> {canonical_tag(tag)}" for tag in before if canonical_tag(tag) != tag}
    )
    return dropped[:limit], rewritten[:limit]


def main(argv: list[str] | None = None) -> int:
    """Print tag figures before and now on the corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--examples", type=int, default=12)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus: skipped, no folder at {args.corpus} (pass --corpus DIR)")
        return 0
    before: dict[str, list[list[str]]] = {}
    now: dict[str, list[list[str]]] = {}
    errors = []
    for path in sorted(p for p in args.corpus.iterdir() if p.is_file() and p.suffix != ".json"):
        try:
            document = parse_document(path.read_bytes())
        except ParseError as exc:
            errors.append(f"{path.name}: {exc}")
            continue
        before[path.stem] = tags_before(document)
        now[path.stem] = tags_now(path.stem, document)
    print(f"corpus: {len(before)} feeds, {len(errors)} failed")
    for line in errors:
        print(f"  error: {line}")
    for label, feeds in (("before", before), ("now", now)):
        figures = measure(feeds)
        print(
            f"{label:6} {figures['assignments']:.0f} tags on entries, "
            f"{figures['distinct']:.0f} distinct, {figures['uninformative']:.1%} uninformative "
            f"(kind of page, code, or on most of a feed), {figures['disagreeing']:.0f} entities "
            "spelt differently across sources"
        )
    all_before = [tag for tagged in before.values() for tags in tagged for tag in tags]
    all_now = [tag for tagged in now.values() for tags in tagged for tag in tags]
    dropped, rewritten = examples(all_before, all_now, args.examples)
    print("dropped:", "; ".join(dropped) or "-")
    print("rewritten:", "; ".join(rewritten) or "-")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
