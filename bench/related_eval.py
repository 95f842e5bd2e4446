"""Related-coverage evaluation: precision and recall on labelled pairs of real corpus stories.

    python -m bench.related_eval                       # corpus at ../shared/corpus/feeds
    python -m bench.related_eval --corpus DIR --pairs FILE

Reads the corpus at run time (it is not part of the repository; skipped with a message when
absent), stores every feed as one source in an in-memory database the way ingestion does,
then judges the labelled pairs of `--pairs` (default `bench/related_pairs.json`: each pair
names two articles by URL, with the labeller's `related` — the two stories share a subject:
one event or one running story — and `same_story` — two reports of one event).

Printed, as precision / recall over the labelled pairs whose two articles were found:

* earlier coverage, pair by pair: would the later story list the earlier one (72-hour
  window), by the rule before this change (at least 2 of the later story's headline and tag
  words in the earlier one's headline, summary or tags, and 30% of them) and by
  `news.related.subject_overlap` now;
* story merging across sources, pair by pair: SimHash within 3 bits in the window (before)
  and that plus most of a subject shared (`news.related.is_same_story`, now); judged
  against `same_story`;
* the lists as the bot shows them now (`bot.services.related.find_related` run for every
  labelled article): "also reported by" judged against `same_story`, "earlier coverage"
  against `related`. Listed pairs nobody labelled are counted and shown apart.

Recall is relative to the labelled pool (pairs found by the old lists, story merging, and
pairs sharing two or more headline words), not to every related pair of the corpus.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.services.related import FOLLOW_UP_WINDOW, RelatedKind, find_related
from news.dedupe import NEAR_DUPLICATE_DISTANCE, hamming
from news.entities import Article
from news.errors import ParseError
from news.models import ParsedDocument
from news.parse import parse_document
from news.prepare import drafts_from_document
from news.related import is_related, is_same_story, key_terms, subject_overlap, text_terms
from storage import Database, open_database

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "feeds"
DEFAULT_PAIRS = Path(__file__).resolve().parent / "related_pairs.json"
LEGACY_MIN_SHARED = 2
LEGACY_MIN_RELEVANCE = 0.3


@dataclass(frozen=True, slots=True)
class Pair:
    """One labelled pair of stored articles."""

    first: Article
    second: Article
    related: bool
    same_story: bool

    @property
    def ordered(self) -> tuple[Article, Article]:
        """The later article, then the earlier one."""
        a, b = self.first, self.second
        return (a, b) if (a.story_time, a.id) >= (b.story_time, b.id) else (b, a)

    @property
    def in_window(self) -> bool:
        """Whether the two are close enough in time to be listed under one another."""
        return abs(self.first.story_time - self.second.story_time) <= FOLLOW_UP_WINDOW


@dataclass(slots=True)
class Score:
    """Counts of one judgement against labels."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        """Count one judged pair."""
        if predicted and actual:
            self.true_positive += 1
        elif predicted:
            self.false_positive += 1
        elif actual:
            self.false_negative += 1

    def line(self) -> str:
        """Precision and recall with their counts."""
        listed = self.true_positive + self.false_positive
        wanted = self.true_positive + self.false_negative
        precision = self.true_positive / listed if listed else 1.0
        recall = self.true_positive / wanted if wanted else 1.0
        return (
            f"precision {precision:.2f} ({self.true_positive}/{listed}), "
            f"recall {recall:.2f} ({self.true_positive}/{wanted})"
        )


def legacy_related(later: Article, earlier: Article) -> bool:
    """The rule before subject matching: enough of the later story's headline and tag
    words in the earlier one's headline, summary or tags."""
    terms = set(key_terms(later.title, later.tags))
    if not terms:
        return False
    found = set(text_terms(earlier.title)) | set(text_terms(earlier.summary))
    for tag in earlier.tags:
        found.update(text_terms(tag.replace("_", " ")))
    shared = len(terms & found)
    return shared >= LEGACY_MIN_SHARED and shared / len(terms) >= LEGACY_MIN_RELEVANCE


def now_related(later: Article, earlier: Article) -> bool:
    """The rule now: the two stories share a subject."""
    return is_related(subject_overlap(later.title, later.summary, earlier.title, earlier.summary))


def now_same_story(later: Article, earlier: Article) -> bool:
    """The merge rule's subject check now: most of both headlines shared."""
    return is_same_story(
        subject_overlap(later.title, later.summary, earlier.title, earlier.summary)
    )


def near_duplicates(a: Article, b: Article) -> bool:
    """SimHash near-duplicates of two sources (the merge rule before)."""
    return a.source_id != b.source_id and hamming(a.simhash, b.simhash) <= NEAR_DUPLICATE_DISTANCE


def read_corpus(folder: Path) -> tuple[list[tuple[str, ParsedDocument]], list[str]]:
    """Parse every feed of `folder` (the manifest aside); return (name, document) pairs
    and one line per feed that failed."""
    documents = []
    errors = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".json"):
        try:
            documents.append((path.stem, parse_document(path.read_bytes())))
        except ParseError as exc:
            errors.append(f"{path.name}: {exc}")
    return documents, errors


async def load_corpus(
    db: Database, documents: list[tuple[str, ParsedDocument]]
) -> dict[str, Article]:
    """Store each document as one source's fetch, as ingestion does; return articles by URL."""
    articles: dict[str, Article] = {}
    for name, document in documents:
        prepared = drafts_from_document(document, source_name=name)
        source = await db.sources.add(f"https://{name}/feed", name)
        dates = [d.published_at for d in prepared.drafts if d.published_at is not None]
        fetched = max(dates) + timedelta(hours=1) if dates else datetime(2026, 1, 1, tzinfo=UTC)
        result = await db.articles.upsert_many(source.id, prepared.drafts, fetched_at=fetched)
        for article in await db.articles.get_many(result.inserted):
            articles.setdefault(article.url, article)
    return articles


def load_pairs(
    rows: list[dict[str, object]], articles: dict[str, Article]
) -> tuple[list[Pair], int]:
    """Return the labelled pairs whose articles are stored, and how many were not."""
    pairs = []
    missing = 0
    for row in rows:
        first, second = articles.get(str(row["a_url"])), articles.get(str(row["b_url"]))
        if first is None or second is None or first.id == second.id:
            missing += 1
            continue
        pairs.append(Pair(first, second, bool(row["related"]), bool(row["same_story"])))
    return pairs, missing


def judge(pairs: Iterable[Pair], rule: Callable[[Pair], bool], label: str) -> Score:
    """Score a pair rule against one label (`related` or `same_story`)."""
    score = Score()
    for pair in pairs:
        score.add(rule(pair), getattr(pair, label))
    return score


async def listed_pairs(db: Database, pairs: list[Pair]) -> dict[frozenset[int], RelatedKind]:
    """Run `find_related` for every labelled article; return each listed pair's kind."""
    listed: dict[frozenset[int], RelatedKind] = {}
    for article in {a.id: a for p in pairs for a in (p.first, p.second)}.values():
        for story in await find_related(db, article):
            listed.setdefault(frozenset({article.id, story.article.id}), story.kind)
    return listed


def report(pairs: list[Pair], listed: dict[frozenset[int], RelatedKind]) -> list[str]:
    """The printed lines: pair rules before and now, then the lists as shown now."""
    windowed = [pair for pair in pairs if pair.in_window]
    lines = [
        f"labelled pairs: {len(pairs)} ({sum(p.related for p in pairs)} related, "
        f"{sum(p.same_story for p in pairs)} same story, {len(windowed)} within "
        f"{FOLLOW_UP_WINDOW.total_seconds() / 3600:g} h)"
    ]
    rules: list[tuple[str, Callable[[Pair], bool], str]] = [
        (
            "earlier coverage, before",
            lambda p: p.in_window and legacy_related(*p.ordered),
            "related",
        ),
        ("earlier coverage, now", lambda p: p.in_window and now_related(*p.ordered), "related"),
        (
            "story merging, before",
            lambda p: p.in_window and near_duplicates(p.first, p.second),
            "same_story",
        ),
        (
            "story merging, now",
            lambda p: (
                p.in_window and near_duplicates(p.first, p.second) and now_same_story(*p.ordered)
            ),
            "same_story",
        ),
    ]
    for name, rule, label in rules:
        lines.append(f"{name:26} {judge(pairs, rule, label).line()}")
    by_ids = {frozenset({p.first.id, p.second.id}): p for p in pairs}
    for kind, label, name in (
        (RelatedKind.SAME_STORY, "same_story", "list 'also reported by'"),
        (RelatedKind.EARLIER, "related", "list 'earlier coverage'"),
    ):
        score = Score()
        for ids, pair in by_ids.items():
            score.add(listed.get(ids) is kind, getattr(pair, label))
        unlabelled = sum(1 for ids, k in listed.items() if k is kind and ids not in by_ids)
        lines.append(f"{name:26} {score.line()}; {unlabelled} unlabelled pairs listed")
    return lines


async def run(
    documents: list[tuple[str, ParsedDocument]], errors: list[str], rows: list[dict[str, object]]
) -> tuple[list[str], int]:
    """Store the corpus, judge the pairs; return printed lines and an exit status."""
    db = await open_database(":memory:")
    try:
        articles = await load_corpus(db, documents)
        pairs, missing = load_pairs(rows, articles)
        lines = [f"corpus: {len(articles)} articles, {len(errors)} feeds failed"]
        lines += [f"  error: {line}" for line in errors]
        if missing:
            lines.append(f"pairs skipped (an article not in the corpus): {missing}")
        lines += report(pairs, await listed_pairs(db, pairs))
    finally:
        await db.close()
    return lines, 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    """Print precision and recall of related coverage on the labelled pairs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus: skipped, no folder at {args.corpus} (pass --corpus DIR)")
        return 0
    documents, errors = read_corpus(args.corpus)
    rows = json.loads(args.pairs.read_text(encoding="utf-8"))
    lines, status = asyncio.run(run(documents, errors, rows))
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
