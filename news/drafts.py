"""Turn parsed entries into article drafts: clean text, canonical URL, guid, tags, fingerprints."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from news.clean import (
    drop_boilerplate,
    html_to_text,
    lede,
    plain_to_text,
    split_sentences,
    tidy_summary,
)
from news.clean import truncate as truncate_text
from news.dedupe import article_simhash, canonical_url, content_hash
from news.models import ArticleDraft, ParsedEntry
from news.tags import derive_tags, merge_tags

logger = logging.getLogger(__name__)

SUMMARY_MAX_CHARS = 600  # a feed summary up to this long is kept whole; longer ones cut
LEDE_MAX_CHARS = 400  # the cut: lede() of the summary or of the body
TITLE_MAX_CHARS = 120  # a title made from the first sentence of the body is cut here
URN_PREFIX = "urn:newsbot:"


def build_drafts(
    entries: list[ParsedEntry],
    *,
    source_tags: Sequence[str] = (),
    fallback_url: str | None = None,
) -> list[ArticleDraft]:
    """Clean one source's batch of entries into drafts, in the same order.

    Per entry: body = clean text of ``content`` (or of ``summary`` when the content has
    no text), with paragraphs recurring across the batch and known chrome dropped;
    summary = the feed's summary as text (cut with :func:`lede` beyond
    :data:`SUMMARY_MAX_CHARS`), else the lede of the body; title = the entry's title,
    else the body's first sentence cut to :data:`TITLE_MAX_CHARS`.

    URL = :func:`canonical_url` of the entry's link; without one, ``fallback_url`` — but
    only when the batch has a single entry (an article page), since in a feed it would
    make every link-less entry the same article — else ``urn:newsbot:<hash>``.
    guid = the entry's guid, else the URL (unless a urn), else sha256 of title + date.
    Tags = the entry's categories, else up to five derived from the text, then
    ``source_tags``; one per normalised key.

    Entries with neither a title nor any text are skipped (logged at INFO with a count):
    there is nothing to post or search.
    """
    bodies: list[str] = []
    summaries: list[str] = []
    for entry in entries:
        content = html_to_text(entry.content) if entry.content else ""
        summary = html_to_text(entry.summary) if entry.summary else ""
        bodies.append(content or summary)
        summaries.append(summary if content else "")
    bodies = drop_boilerplate(bodies)
    summaries = drop_boilerplate(summaries)
    single = len(entries) == 1
    drafts = []
    skipped = 0
    for entry, body, feed_summary in zip(entries, bodies, summaries, strict=True):
        draft = _draft(
            entry,
            body,
            feed_summary,
            source_tags=source_tags,
            fallback_url=fallback_url if single else None,
        )
        if draft is None:
            skipped += 1
        else:
            drafts.append(draft)
    if skipped:
        logger.info(
            "entries_skipped",
            extra={"skipped": skipped, "entries": len(entries), "cause": "neither title nor text"},
        )
    return drafts


def _draft(
    entry: ParsedEntry,
    body: str,
    feed_summary: str,
    *,
    source_tags: Sequence[str],
    fallback_url: str | None,
) -> ArticleDraft | None:
    title = " ".join(plain_to_text(entry.title).split())  # plain text: never tag-stripped
    if not title and not body:
        return None
    if not title:
        title = truncate_text(split_sentences(lede(body, 10_000))[0], TITLE_MAX_CHARS)
    summary = _summary(feed_summary, body)
    digest = content_hash(title, summary, body)
    url = _url(entry.url) or _url(fallback_url) or f"{URN_PREFIX}{digest[:32]}"
    guid = (entry.guid or "").strip()
    if not guid:
        guid = url if not url.startswith(URN_PREFIX) else _fallback_guid(title, entry)
    derived = [] if entry.categories else derive_tags(title, body)
    return ArticleDraft(
        guid=guid,
        url=url,
        title=title,
        summary=summary,
        body=body,
        image_url=entry.image_url,
        author=(entry.author or "").strip() or None,
        published_at=entry.published_at,
        language=entry.language,
        tags=merge_tags(entry.categories, derived, source_tags),
        related=list(entry.related),
        content_hash=digest,
        simhash=article_simhash(title, body),
    )


def _summary(feed_summary: str, body: str) -> str:
    """The feed's summary when it has one (a copy of the body's start is fine), else a lede."""
    if feed_summary:
        if len(feed_summary) > SUMMARY_MAX_CHARS:
            return lede(feed_summary, LEDE_MAX_CHARS)
        return tidy_summary(feed_summary)
    return lede(body, LEDE_MAX_CHARS)


def _url(url: str | None) -> str:
    return canonical_url(url) if url else ""


def _fallback_guid(title: str, entry: ParsedEntry) -> str:
    published = entry.published_at.isoformat() if entry.published_at else ""
    return hashlib.sha256(f"{title}\x1f{published}".encode()).hexdigest()
