"""The CPU-bound half of ingestion as one picklable function: bytes → article drafts.

Kept apart so the ingestion cycle can run it in a worker process (the event loop and the
SQLite thread keep the other core busy) or inline (tests, tiny runs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from news.drafts import draft_batch
from news.models import ArticleDraft, DocumentKind, ParsedDocument
from news.parse import parse_document

# A document that is one article may take its page URL as the article's URL.
_SINGLE_ARTICLE_KINDS = frozenset({DocumentKind.HTML_ARTICLE, DocumentKind.TEXT_ARTICLE})


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """Drafts made from one document, and how many entries the document held."""

    kind: DocumentKind
    entries: int
    drafts: list[ArticleDraft]
    skipped: int = 0
    """Entries that could not be read or cleaned: left out, the others kept."""


def drafts_from_document(
    document: ParsedDocument,
    *,
    source_tags: Sequence[str] = (),
    page_url: str | None = None,
    source_name: str | None = None,
) -> PreparedDocument:
    """Clean a parsed document's entries into drafts (categories naming the source — its
    name, the feed's title or site — are not tags)."""
    single = document.kind in _SINGLE_ARTICLE_KINDS
    fallback = (page_url or document.link) if single else None
    names = [source_name] if single else [source_name, document.title, document.link, page_url]
    drafts, failed = draft_batch(
        document.entries, source_tags=source_tags, fallback_url=fallback, source_names=names
    )
    skipped = document.skipped + failed
    return PreparedDocument(
        document.kind, len(document.entries) + document.skipped, drafts, skipped
    )


def prepare_document(
    content: bytes,
    *,
    content_type: str | None,
    url: str | None,
    source_tags: Sequence[str] = (),
    source_name: str | None = None,
) -> PreparedDocument:
    """Parse `content` and clean its entries into drafts (raises `ParseError`)."""
    document = parse_document(content, content_type=content_type, url=url)
    return drafts_from_document(
        document, source_tags=source_tags, page_url=url, source_name=source_name
    )
