"""Domain types that flow through ingestion: parsed entries in, cleaned article drafts out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class DocumentKind(StrEnum):
    """What a fetched or imported document turned out to be."""

    RSS = "rss"
    ATOM = "atom"
    JSON_FEED = "json"
    HTML_ARTICLE = "html"
    TEXT_ARTICLE = "text"


@dataclass(frozen=True, slots=True)
class RelatedLink:
    """A headline the publisher links as related coverage ("Also on ..."), URL when known."""

    title: str
    url: str | None = None
    site: str | None = None


@dataclass(slots=True)
class ParsedEntry:
    """One item as the parser read it: `title` is plain text; summary and content are HTML."""

    guid: str | None
    url: str | None
    title: str
    summary: str = ""
    content: str = ""
    author: str | None = None
    published_at: datetime | None = None  # always timezone-aware UTC when set
    image_url: str | None = None
    image_urls: list[str] = field(default_factory=list)
    """The item's full-size images in order (feed media, enclosures, the body's), at most 10."""
    categories: list[str] = field(default_factory=list)
    language: str | None = None
    related: list[RelatedLink] = field(default_factory=list)


@dataclass(slots=True)
class ParsedDocument:
    """A feed (many entries) or a single article page (one entry) read from bytes."""

    kind: DocumentKind
    title: str | None = None
    link: str | None = None
    language: str | None = None
    entries: list[ParsedEntry] = field(default_factory=list)
    skipped: int = 0
    """Items that could not be read (an invalid character, a malformed field): left out."""


@dataclass(slots=True)
class ArticleDraft:
    """A cleaned article ready to be stored: plain text, canonical URL, tags and fingerprints."""

    guid: str
    url: str
    title: str
    summary: str
    body: str
    image_url: str | None
    author: str | None
    published_at: datetime | None
    language: str | None
    tags: list[str]
    related: list[RelatedLink]
    content_hash: str
    simhash: int  # unsigned 64-bit
    image_urls: list[str] = field(default_factory=list)
    """http(s) images of the article in order, at most 10: a photo post's album."""
