"""`ArticleRepository` in shared SQL: batched, deduplicating upserts.

`upsert_many` is on the ingestion hot path, and aiosqlite runs every call through its
worker thread (and PostgreSQL answers over the network), so a batch costs a fixed number
of round trips whatever its size: one query finds every existing match (by guid and by
URL), one finds every near-duplicate candidate, and the writes are `executemany` calls.
New rows enter the engine's full-text index through `Dialect.index_new_articles`; updates
and deletes follow by triggers.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final

from news.dedupe import NEAR_DUPLICATE_DISTANCE, canonical_url, hamming
from news.entities import Article, ArticleVersion, UpsertResult
from news.models import ArticleDraft
from news.related import is_same_story, subject_overlap
from news.tags import normalize_tag
from storage.errors import ConstraintError, NotFoundError
from storage.sql.codec import (
    MICROS_PER_DAY,
    day_from_number,
    from_micros,
    from_micros_or_none,
    related_from_json,
    related_to_json,
    simhash_bands,
    simhash_from_db,
    simhash_to_db,
    strings_from_json,
    strings_to_json,
    to_micros,
    to_micros_or_none,
)
from storage.sql.session import Dialect, Row, Session

NEAR_DUPLICATE_MAX_DISTANCE: Final = NEAR_DUPLICATE_DISTANCE
"""Articles whose SimHashes differ in at most this many bits are one story."""

NEAR_DUPLICATE_WINDOW: Final = timedelta(hours=72)
"""... when their story times are at most this far apart, and their headlines and summaries
share most of a subject (`news.related.is_same_story`): SimHash alone joins short texts that
only share common words."""

ARTICLE_COLUMNS: Final = (
    "id, source_id, guid, url, title, summary, body, image_url, author, published_at, "
    "fetched_at, updated_at, language, tags, related, content_hash, simhash, story_id, "
    "image_urls"
)

_INSERT: Final = (
    "INSERT INTO articles (id, source_id, guid, url, title, summary, body, image_url, author, "
    "published_at, fetched_at, updated_at, story_at, language, tags, related, content_hash, "
    "simhash, band0, band1, band2, band3, story_id, image_urls) "
    "VALUES (:id, :source_id, :guid, :url, :title, :summary, :body, :image_url, :author, "
    ":published_at, :fetched_at, :updated_at, :story_at, :language, :tags, :related, "
    ":content_hash, :simhash, :band0, :band1, :band2, :band3, :story_id, :image_urls)"
)

_UPDATE: Final = (
    "UPDATE articles SET url = :url, title = :title, summary = :summary, body = :body, "
    "image_url = :image_url, author = :author, published_at = :published_at, "
    "updated_at = :updated_at, story_at = :story_at, language = :language, tags = :tags, "
    "related = :related, content_hash = :content_hash, simhash = :simhash, band0 = :band0, "
    "band1 = :band1, band2 = :band2, band3 = :band3, image_urls = :image_urls "
    "WHERE id = :id"
)

_INSERT_TAG: Final = (
    "INSERT INTO article_tags (article_id, key, name) VALUES (:article_id, :key, :name)"
)


def _find_existing(dialect: Dialect) -> str:
    """Return the query for stored articles with any of the batch's guids or URLs."""
    return (
        "SELECT id, guid, url, content_hash, fetched_at, 1 AS by_guid FROM articles "
        f"WHERE source_id = :source_id AND guid IN ({dialect.values('guids', 'text')}) "
        "UNION ALL "
        "SELECT id, guid, url, content_hash, fetched_at, 0 AS by_guid FROM articles "
        f"WHERE url IN ({dialect.values('urls', 'text')})"
    )


_DRAFT_COLUMNS: Final = ("draft", "simhash", "story_at", "band0", "band1", "band2", "band3")


def _find_near(dialect: Dialect) -> str:
    """Return the query for other sources' articles near each draft: sharing a SimHash band,
    within the draft's window and within distance.

    The engine compares, not Python: on news-like text band collisions grow with the archive
    (23 candidates a draft at 100k synthetic articles, 11k rows a feed), and reading them all
    back to test each in Python was a third of the store's work at 100k (issue 18). Every
    column it reads is in the covering band indexes (migration 24 on SQLite, 18 on
    PostgreSQL): the article rows, bodies and all, are not read. Headlines and summaries
    are read afterwards, by id, for the few candidates within distance."""
    near = _within_distance("a.simhash", "d.simhash", NEAR_DUPLICATE_MAX_DISTANCE)
    drafts = dialect.tuples("drafts", _DRAFT_COLUMNS)
    return f"WITH d AS MATERIALIZED {drafts} " + " UNION ".join(
        "SELECT d.draft, a.id, a.story_id, a.simhash FROM d "
        f"JOIN articles AS a ON a.band{band} = d.band{band} "
        "AND a.story_at BETWEEN d.story_at - :window AND d.story_at + :window "
        f"WHERE a.source_id != :source_id AND {near}"
        for band in range(4)
    )


def _within_distance(first: str, second: str, distance: int) -> str:
    """Return SQL telling whether two signed 64-bit SimHashes differ in at most `distance`
    bits, in the arithmetic both engines share (no XOR operator, no bit count in SQLite).

    `x & (x - 1)` clears the lowest set bit: a number has at most k bits set when clearing
    k of them leaves 0. The sign bit is counted apart so that nothing overflows (SQLite
    would turn an overflowing integer into a float): the other 63 bits may hold one bit
    fewer when it differs."""
    if distance < 1:
        raise ValueError("distance must be at least 1")
    differing = f"(({first} | {second}) & ~({first} & {second}))"
    low = f"({differing} & 9223372036854775807)"
    cleared = [low]
    for _ in range(distance):
        cleared.append(f"({cleared[-1]} & ({cleared[-1]} - 1))")
    return (
        f"(CASE WHEN {differing} < 0 THEN {cleared[distance - 1]} "
        f"ELSE {cleared[distance]} END) = 0"
    )


def _find_subjects(dialect: Dialect) -> str:
    """Return the query for the headlines and summaries of the given articles."""
    return f"SELECT id, title, summary FROM articles WHERE id IN ({dialect.values('ids')})"


def article_from_row(row: Row) -> Article:
    """Build an `Article` from a row holding `ARTICLE_COLUMNS`."""
    return Article(
        id=row["id"],
        source_id=row["source_id"],
        guid=row["guid"],
        url=row["url"],
        title=row["title"],
        summary=row["summary"],
        body=row["body"],
        image_url=row["image_url"],
        author=row["author"],
        published_at=from_micros_or_none(row["published_at"]),
        fetched_at=from_micros(row["fetched_at"]),
        updated_at=from_micros(row["updated_at"]),
        language=row["language"],
        tags=strings_from_json(row["tags"]),
        related=related_from_json(row["related"]),
        content_hash=row["content_hash"],
        simhash=simhash_from_db(row["simhash"]),
        story_id=row["story_id"],
        image_urls=strings_from_json(row["image_urls"]),
    )


def unique_tags(tags: Iterable[str]) -> list[tuple[str, str]]:
    """Return (key, display name) per distinct normalised tag, first spelling kept."""
    seen: dict[str, str] = {}
    for tag in tags:
        name = " ".join(tag.split()).lstrip("#")
        key = normalize_tag(name)
        if key and key not in seen:
            seen[key] = name
    return list(seen.items())


@dataclass(slots=True)
class _Prepared:
    """A draft turned into column values, plus what deduplication needs."""

    values: dict[str, Any]
    tags: list[tuple[str, str]]
    simhash: int

    @property
    def guid(self) -> str:
        """Return the draft's guid."""
        return str(self.values["guid"])

    @property
    def url(self) -> str:
        """Return the draft's canonical URL."""
        return str(self.values["url"])

    @property
    def content_hash(self) -> str:
        """Return the draft's content hash."""
        return str(self.values["content_hash"])


@dataclass(slots=True)
class _Target:
    """An article a draft resolved to: stored already, or planned for insertion."""

    id: int
    content_hash: str
    fetched_at: int
    stored: bool
    draft: _Prepared | None = None


@dataclass(slots=True)
class _Plan:
    """What a batch will write."""

    inserts: list[_Target] = field(default_factory=list)
    updates: dict[int, tuple[_Prepared, int]] = field(default_factory=dict)
    """Stored article id → (new content, the article's first fetched_at)."""
    unchanged: int = 0


PREPARE_IN_THREAD_FROM: Final = 32
"""Batches of this many drafts or more get their column values (the text the full-text
index takes, tags, JSON, SimHash bands) computed in a thread: about 50 µs a draft, so a
500-item feed held the event loop (and every inline answer) for 25 ms or more."""


def _prepare_all(
    source_id: int, drafts: Sequence[ArticleDraft], fetched_at: int
) -> list[_Prepared]:
    """`_prepare` every draft of a batch."""
    return [_prepare(source_id, draft, fetched_at) for draft in drafts]


def _prepare(source_id: int, draft: ArticleDraft, fetched_at: int) -> _Prepared:
    """Validate a draft and compute its column values (id and story_id come later)."""
    if not draft.guid.strip():
        raise ValueError(f"article draft without a guid (url {draft.url!r})")
    if not draft.url.strip():
        raise ValueError(f"article draft without a URL (guid {draft.guid!r})")
    published_at = to_micros_or_none(draft.published_at)
    tags = unique_tags(draft.tags)
    bands = simhash_bands(draft.simhash)
    values: dict[str, Any] = {
        "source_id": source_id,
        "guid": draft.guid,
        "url": draft.url,
        "title": draft.title,
        "summary": draft.summary,
        "body": draft.body,
        "image_url": draft.image_url,
        "author": draft.author,
        "published_at": published_at,
        "fetched_at": fetched_at,
        "updated_at": fetched_at,
        "story_at": fetched_at if published_at is None else min(published_at, fetched_at),
        "language": draft.language,
        "tags": strings_to_json(name for _, name in tags),
        "related": related_to_json(draft.related),
        "content_hash": draft.content_hash,
        "simhash": simhash_to_db(draft.simhash),
        "band0": bands[0],
        "band1": bands[1],
        "band2": bands[2],
        "band3": bands[3],
        "image_urls": strings_to_json(draft.image_urls),
    }
    return _Prepared(values=values, tags=tags, simhash=draft.simhash)


class SQLArticleRepository:
    """Articles in `articles`, tags in `article_tags`; the engine indexes their text."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def upsert_many(
        self, source_id: int, drafts: Sequence[ArticleDraft], *, fetched_at: datetime
    ) -> UpsertResult:
        fetched = to_micros(fetched_at)
        if len(drafts) >= PREPARE_IN_THREAD_FROM:  # a feed's worth: not on the event loop
            prepared = await asyncio.to_thread(_prepare_all, source_id, drafts, fetched)
        else:
            prepared = _prepare_all(source_id, drafts, fetched)
        if not prepared:
            return UpsertResult(inserted=(), updated=(), unchanged=0)
        try:
            async with self._session.transaction():
                plan = await self._plan(source_id, prepared)
                if plan.inserts:
                    await self._insert(source_id, plan.inserts)
                if plan.updates:
                    await self._update(plan.updates, fetched)
        except ConstraintError:
            raise NotFoundError(f"no source with id {source_id}") from None
        return UpsertResult(
            inserted=tuple(target.id for target in plan.inserts),
            updated=tuple(plan.updates),
            unchanged=plan.unchanged,
        )

    async def _plan(self, source_id: int, prepared: list[_Prepared]) -> _Plan:
        """Resolve each draft to an existing article, an earlier draft, or a new id."""
        rows = await self._session.fetchall(
            _find_existing(self._session.dialect),
            {
                "source_id": source_id,
                "guids": json.dumps([item.guid for item in prepared]),
                "urls": json.dumps([item.url for item in prepared]),
            },
        )
        by_guid: dict[str, _Target] = {}
        by_url: dict[str, _Target] = {}
        known: dict[int, _Target] = {}  # one target per stored article, found either way
        for row in rows:
            stored = known.setdefault(
                row["id"], _Target(row["id"], row["content_hash"], row["fetched_at"], True)
            )
            if row["by_guid"]:
                by_guid[row["guid"]] = stored
            else:
                by_url.setdefault(row["url"], stored)
        plan = _Plan()
        target: _Target | None
        for item in prepared:
            target = by_guid.get(item.guid) or by_url.get(item.url)
            if target is None:
                target = _Target(0, item.content_hash, item.values["fetched_at"], False)
                target.draft = item
                plan.inserts.append(target)
            elif target.content_hash == item.content_hash:
                plan.unchanged += 1
            elif target.stored:
                if target.id in plan.updates:
                    plan.unchanged += 1  # a later draft of the batch replaces the update
                plan.updates[target.id] = (item, target.fetched_at)
                target.content_hash = item.content_hash
            else:  # replaces an earlier draft of this batch, not yet written
                target.draft = item
                target.content_hash = item.content_hash
                plan.unchanged += 1
            by_guid[item.guid] = target
            by_url[item.url] = target
        dialect = self._session.dialect
        new_ids = await dialect.reserve_ids(self._session, "articles", len(plan.inserts))
        for target, new_id in zip(plan.inserts, new_ids, strict=True):
            assert target.draft is not None  # planned inserts always carry their draft
            target.id = new_id
            target.draft.values["id"] = new_id
        return plan

    async def _insert(self, source_id: int, inserts: list[_Target]) -> None:
        """Insert planned articles with their story ids and tags."""
        drafts = [target.draft for target in inserts if target.draft is not None]
        story_ids = await self._story_ids(source_id, drafts)
        rows: list[dict[str, Any]] = []
        tag_rows: list[dict[str, Any]] = []
        for target in inserts:
            assert target.draft is not None  # planned inserts always carry their draft
            article_id = target.id
            rows.append(
                {
                    **target.draft.values,
                    "id": article_id,
                    "story_id": story_ids.get(article_id, article_id),
                }
            )
            tag_rows.extend(
                {"article_id": article_id, "key": key, "name": name}
                for key, name in target.draft.tags
            )
        await self._session.executemany(_INSERT, rows)
        await self._session.dialect.index_new_articles(self._session, rows)
        if tag_rows:
            await self._session.executemany(_INSERT_TAG, tag_rows)

    async def _story_ids(self, source_id: int, drafts: list[_Prepared]) -> dict[int, int]:
        """Return new article id → story id for drafts near-duplicating another source's.

        One query, answered from the covering band indexes, fetches the articles of other
        sources within each draft's window and distance (`_find_near`); a second reads their
        headlines and summaries; each draft then keeps the closest that shares its subject.
        """
        linkable = {
            int(item.values["id"]): item for item in drafts if item.simhash != 0
        }  # 0: no text to compare
        if not linkable:
            return {}
        rows = await self._session.fetchall(
            _find_near(self._session.dialect),
            {
                "drafts": json.dumps(
                    [
                        [draft_id, item.values["simhash"], item.values["story_at"]]
                        + [item.values[f"band{band}"] for band in range(4)]
                        for draft_id, item in linkable.items()
                    ]
                ),
                "window": NEAR_DUPLICATE_WINDOW // timedelta(microseconds=1),
                "source_id": source_id,
            },
        )
        if not rows:
            return {}
        near: dict[int, list[tuple[int, Row]]] = {}
        for row in rows:
            distance = hamming(linkable[row["draft"]].simhash, row["simhash"])
            near.setdefault(row["draft"], []).append((distance, row))
        wanted = sorted({int(row["id"]) for found in near.values() for _, row in found})
        subjects = {
            row["id"]: (row["title"], row["summary"])
            for row in await self._session.fetchall(
                _find_subjects(self._session.dialect), {"ids": json.dumps(wanted)}
            )
        }
        story_ids: dict[int, int] = {}
        for draft_id, found in near.items():
            best = _closest(linkable[draft_id], found, subjects)
            if best is not None:
                story_ids[draft_id] = best
        return story_ids

    async def _update(self, updates: dict[int, tuple[_Prepared, int]], now: int) -> None:
        """Rewrite changed articles in place (id, guid, story and first fetch kept)."""
        rows: list[dict[str, Any]] = []
        tag_rows: list[dict[str, Any]] = []
        for article_id, (item, first_fetched_at) in updates.items():
            published_at = item.values["published_at"]
            story_at = (
                first_fetched_at if published_at is None else min(published_at, first_fetched_at)
            )
            rows.append({**item.values, "id": article_id, "updated_at": now, "story_at": story_at})
            tag_rows.extend(
                {"article_id": article_id, "key": key, "name": name} for key, name in item.tags
            )
        await self._session.executemany(_UPDATE, rows)
        await self._session.executemany(
            "DELETE FROM article_tags WHERE article_id = :id", [{"id": key} for key in updates]
        )
        if tag_rows:
            await self._session.executemany(_INSERT_TAG, tag_rows)

    async def get(self, article_id: int) -> Article:
        row = await self._session.fetchone(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = :id", {"id": article_id}
        )
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        return article_from_row(row)

    async def get_many(self, article_ids: Iterable[int]) -> list[Article]:
        wanted = list(dict.fromkeys(article_ids))
        if not wanted:
            return []
        rows = await self._session.fetchall(
            f"SELECT {ARTICLE_COLUMNS} FROM articles "
            f"WHERE id IN ({self._session.dialect.values('ids')})",
            {"ids": json.dumps(wanted)},
        )
        found = {row["id"]: article_from_row(row) for row in rows}
        return [found[article_id] for article_id in wanted if article_id in found]

    async def versions(self, article_ids: Iterable[int]) -> dict[int, ArticleVersion]:
        wanted = list(dict.fromkeys(article_ids))
        if not wanted:
            return {}
        rows = await self._session.fetchall(
            "SELECT id, updated_at, content_hash FROM articles "
            f"WHERE id IN ({self._session.dialect.values('ids')})",
            {"ids": json.dumps(wanted)},
        )
        return {
            row["id"]: ArticleVersion(from_micros(row["updated_at"]), row["content_hash"])
            for row in rows
        }

    async def find_by_url(self, url: str) -> Article | None:
        row = await self._session.fetchone(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE url = :url ORDER BY id LIMIT 1",
            {"url": canonical_url(url)},
        )
        return None if row is None else article_from_row(row)

    async def by_story(self, story_id: int) -> list[Article]:
        rows = await self._session.fetchall(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE story_id = :story_id "
            "ORDER BY story_at, id",
            {"story_id": story_id},
        )
        return [article_from_row(row) for row in rows]

    async def latest_of_source(self, source_id: int) -> Article | None:
        row = await self._session.fetchone(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE source_id = :source_id "
            "ORDER BY story_at DESC, id DESC LIMIT 1",
            {"source_id": source_id},
        )
        return None if row is None else article_from_row(row)

    async def earlier_in_stories(
        self, articles: Sequence[Article], limit: int
    ) -> dict[int, list[Article]]:
        wanted = [
            [article.id, article.story_id]
            for article in articles
            if article.story_id != article.id
        ]
        if not wanted or limit <= 0:
            return {}
        columns = ", ".join(f"e.{name.strip()}" for name in ARTICLE_COLUMNS.split(","))
        pairs = self._session.dialect.tuples("wanted", ("a", "b"))
        earlier_ones = (
            "SELECT o.* FROM articles AS o WHERE o.story_id = j.b "
            "AND o.id < j.a ORDER BY o.id DESC LIMIT :limit"
        )
        # PostgreSQL cannot turn the correlated `IN` into a join: it tested every article
        # against every wanted pair (6-18 s at 100,000 articles under inline queries,
        # issue 12); a LATERAL subquery reads each story's rows from its index.
        joined = (
            f"CROSS JOIN LATERAL ({earlier_ones}) AS e"
            if self._session.dialect.lateral
            else f"JOIN articles AS e ON e.id IN ({earlier_ones.replace('o.*', 'o.id')})"
        )
        rows = await self._session.fetchall(
            f"SELECT j.a AS for_id, {columns} FROM {pairs} AS j {joined} "
            "ORDER BY for_id, e.id DESC",
            {"wanted": json.dumps(wanted), "limit": limit},
        )
        earlier: dict[int, list[Article]] = {}
        for row in rows:
            earlier.setdefault(row["for_id"], []).append(article_from_row(row))
        return earlier

    async def count(self, *, since: datetime | None = None, source_id: int | None = None) -> int:
        row = await self._session.fetchone(
            "SELECT count(*) FROM articles "
            "WHERE (CAST(:since AS BIGINT) IS NULL OR fetched_at >= :since) "
            "AND (CAST(:source_id AS BIGINT) IS NULL OR source_id = :source_id)",
            {"since": to_micros_or_none(since), "source_id": source_id},
        )
        return int(row[0]) if row is not None else 0

    async def daily_counts(self, *, since: datetime) -> dict[date, int]:
        rows = await self._session.fetchall(
            f"SELECT story_at / {MICROS_PER_DAY} AS day, count(*) AS n FROM articles "
            "WHERE story_at >= :since GROUP BY story_at / "
            f"{MICROS_PER_DAY}",
            {"since": to_micros(since)},
        )
        return {day_from_number(row["day"]): int(row["n"]) for row in rows}


def _closest(
    item: _Prepared,
    near: Iterable[tuple[int, Row]],
    subjects: dict[int, tuple[str, str]],
) -> int | None:
    """Return the story id of the nearest candidate sharing the draft's subject, or None."""
    best: tuple[int, int] | None = None
    for distance, row in near:
        subject = subjects.get(row["id"])
        if subject is not None and _same_subject(item, *subject):
            key = (distance, row["story_id"])
            if best is None or key < best:
                best = key
    return None if best is None else best[1]


def _same_subject(item: _Prepared, title: str, summary: str) -> bool:
    """Tell whether a draft and a stored article share a subject (headlines, summaries)."""
    values = item.values
    return is_same_story(subject_overlap(values["title"], values["summary"], title, summary))
