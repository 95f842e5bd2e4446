"""Turn parsed entries into article drafts: clean text, canonical URL, guid, tags, fingerprints."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import replace

from news.clean import (
    drop_boilerplate,
    html_to_text,
    lede,
    plain_to_text,
    split_sentences,
    tidy_summary,
)
from news.clean import truncate as truncate_text
from news.dedupe import article_simhash, canonical_url, clean_content_hash
from news.models import ArticleDraft, ParsedEntry, RelatedLink
from news.parse.links import gallery
from news.render.html import http_url
from news.tags import (
    common_categories,
    derive_tags,
    merge_tags,
    source_name_keys,
    useful_categories,
)
from news.text import has_surrogates, scrub_surrogates

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
    source_names: Sequence[str | None] = (),
) -> list[ArticleDraft]:
    """Clean one source's batch of entries into drafts, in the same order.

    The drafts of :func:`draft_batch`, without its count of unreadable entries.
    """
    return draft_batch(
        entries, source_tags=source_tags, fallback_url=fallback_url, source_names=source_names
    )[0]


def draft_batch(
    entries: list[ParsedEntry],
    *,
    source_tags: Sequence[str] = (),
    fallback_url: str | None = None,
    source_names: Sequence[str | None] = (),
) -> tuple[list[ArticleDraft], int]:
    """Clean one source's batch of entries into drafts; return them and how many failed.

    Per entry: body = clean text of ``content`` (or of ``summary`` when the content has
    no text), with paragraphs recurring across the batch and known chrome dropped;
    summary = the feed's summary as text (cut with :func:`lede` beyond
    :data:`SUMMARY_MAX_CHARS`), else the lede of the body; title = the entry's title,
    else the body's first sentence cut to :data:`TITLE_MAX_CHARS`.

    URL = :func:`canonical_url` of the entry's link; without one, ``fallback_url`` — but
    only when the batch has a single entry (an article page), since in a feed it would
    make every link-less entry the same article — else ``urn:newsbot:<hash>``.
    guid = the entry's guid, else the URL (unless a urn), else sha256 of title + date.
    Tags = the entry's categories that help readers (`news.tags.useful_categories`: not a
    kind of page such as ``News``, not a code, not on more than half of a batch of eight
    or more entries, not the source's own name — ``source_names``: its name, the feed's
    title, its URL), else up to five derived from the text, then ``source_tags``; each in
    its `news.tags.canonical_tag` form, one per normalised key.

    Lone surrogates in any field become U+FFFD first (they cannot be stored). Entries with
    neither a title nor any text are skipped (logged at INFO with a count): there is nothing
    to post or search. An entry whose cleaning raises is left out and counted; the others
    are kept.
    """
    failed = 0
    readable: list[tuple[ParsedEntry, str, str]] = []
    for raw in entries:
        try:
            entry = _scrubbed(raw)
            content = html_to_text(entry.content) if entry.content else ""
            summary = html_to_text(entry.summary) if entry.summary else ""
        except Exception:  # this entry alone is unreadable: count it, keep the batch
            failed += 1
            logger.info("entry_unreadable", exc_info=True)
            continue
        readable.append((entry, content or summary, summary if content else ""))
    dropped = common_categories([entry.categories for entry, _, _ in readable])
    dropped |= source_name_keys(source_names)
    bodies = drop_boilerplate([body for _, body, _ in readable])
    summaries = drop_boilerplate([summary for _, _, summary in readable])
    single = len(entries) == 1
    drafts = []
    skipped = 0
    for (entry, _, _), body, feed_summary in zip(readable, bodies, summaries, strict=True):
        try:
            draft = _draft(
                entry,
                body,
                feed_summary,
                source_tags=source_tags,
                fallback_url=fallback_url if single else None,
                dropped=dropped,
            )
        except Exception:  # this entry alone is unreadable: count it, keep the batch
            failed += 1
            logger.info("entry_unreadable", exc_info=True)
            continue
        if draft is None:
            skipped += 1
        else:
            drafts.append(draft)
    if skipped:
        logger.info(
            "entries_skipped",
            extra={"skipped": skipped, "entries": len(entries), "cause": "neither title nor text"},
        )
    return drafts, failed


def _scrubbed(entry: ParsedEntry) -> ParsedEntry:
    """The entry with lone surrogates replaced in every text field."""
    fields = (entry.guid, entry.url, entry.title, entry.summary, entry.content, entry.author)
    texts = [*fields, entry.image_url, *entry.image_urls, entry.language, *entry.categories]
    texts += [text for link in entry.related for text in (link.title, link.url, link.site)]
    if not any(text is not None and has_surrogates(text) for text in texts):
        return entry
    return replace(
        entry,
        guid=_scrub(entry.guid),
        url=_scrub(entry.url),
        title=scrub_surrogates(entry.title),
        summary=scrub_surrogates(entry.summary),
        content=scrub_surrogates(entry.content),
        author=_scrub(entry.author),
        image_url=_scrub(entry.image_url),
        image_urls=[scrub_surrogates(url) for url in entry.image_urls],
        language=_scrub(entry.language),
        categories=[scrub_surrogates(label) for label in entry.categories],
        related=[
            RelatedLink(scrub_surrogates(link.title), _scrub(link.url), _scrub(link.site))
            for link in entry.related
        ],
    )


def _scrub(text: str | None) -> str | None:
    return None if text is None else scrub_surrogates(text)


def _draft(
    entry: ParsedEntry,
    body: str,
    feed_summary: str,
    *,
    source_tags: Sequence[str],
    fallback_url: str | None,
    dropped: frozenset[str] = frozenset(),
) -> ArticleDraft | None:
    title = " ".join(plain_to_text(entry.title).split())  # plain text: never tag-stripped
    if not title and not body:
        return None
    if not title:
        title = truncate_text(split_sentences(lede(body, 10_000))[0], TITLE_MAX_CHARS)
    summary = _summary(feed_summary, body)
    digest = clean_content_hash(title, summary, body)  # each is clean text
    url = _url(entry.url) or _url(fallback_url) or f"{URN_PREFIX}{digest[:32]}"
    guid = (entry.guid or "").strip()
    if not guid:
        guid = url if not url.startswith(URN_PREFIX) else _fallback_guid(title, entry)
    categories = useful_categories(entry.categories, dropped=dropped)
    derived = [] if categories else derive_tags(title, body)
    return ArticleDraft(
        guid=guid,
        url=url,
        title=title,
        summary=summary,
        body=body,
        image_url=http_url(entry.image_url),
        author=(entry.author or "").strip() or None,
        published_at=entry.published_at,
        language=entry.language,
        tags=merge_tags(categories, derived, source_tags),
        related=[_web_link(link) for link in entry.related],
        content_hash=digest,
        simhash=article_simhash(title, body),
        image_urls=gallery(http_url(url) for url in entry.image_urls),
    )


def _web_link(link: RelatedLink) -> RelatedLink:
    """The related link with its URL kept only when it is an http(s) link."""
    url = _url(link.url) or None
    return link if url == link.url else RelatedLink(link.title, url, link.site)


def _summary(feed_summary: str, body: str) -> str:
    """The feed's summary when it has one (a copy of the body's start is fine), else a lede."""
    if feed_summary:
        if len(feed_summary) > SUMMARY_MAX_CHARS:
            return lede(feed_summary, LEDE_MAX_CHARS)
        return tidy_summary(feed_summary)
    return lede(body, LEDE_MAX_CHARS)


def _url(url: str | None) -> str:
    """The canonical form of an http(s) link, or "" for anything else (`tg:`, `ftp:`,
    `java\tscript:`, a link without a host): only web links are stored."""
    return (http_url(canonical_url(url)) or "") if url else ""


def _fallback_guid(title: str, entry: ParsedEntry) -> str:
    published = entry.published_at.isoformat() if entry.published_at else ""
    return hashlib.sha256(f"{title}\x1f{published}".encode()).hexdigest()
