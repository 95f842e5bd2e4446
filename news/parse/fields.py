"""The fields of one feed item as read so far, and their conversion into a ParsedEntry."""

from __future__ import annotations

import re
from enum import IntEnum

from news.models import ParsedEntry
from news.parse.dates import parse_date
from news.parse.links import first_image_in_html, gallery, images_in_html, resolve_url
from news.parse.markup import collapse_whitespace, plain_text, text_to_html

# "Name (mail@host)", "mail@host (Name)", "Name <mail@host>".
_NAME_AND_ADDRESS_RE = re.compile(r"(?P<outer>[^()<>]*?)\s*[(<](?P<inner>[^()<>]*)[)>]")
_ADDRESS_RE = re.compile(r"\S+@\S+\.\S+|\S+@\S+")


def author_name(value: str) -> str:
    """An author's name from how feeds write it; "" for a bare e-mail address."""
    name = plain_text(value)
    if "@" not in name:
        return name
    found = _NAME_AND_ADDRESS_RE.fullmatch(name)
    if found is not None:
        outer, inner = found["outer"].strip(), found["inner"].strip()
        if "@" in outer and "@" not in inner:
            return inner
        if "@" in inner and "@" not in outer:
            return outer
    if _ADDRESS_RE.fullmatch(name):
        return ""
    return name


class ImageRank(IntEnum):
    """Where an image came from; a lower rank wins, then the wider image."""

    MEDIA_CONTENT = 0
    MEDIA_THUMBNAIL = 1
    ENCLOSURE = 2
    OTHER = 3


class EntryFields:
    """Raw values collected from an item's children; the first value of a field wins."""

    __slots__ = (
        "authors",
        "base",
        "categories",
        "content",
        "fallback_title",
        "gallery",
        "guid",
        "guid_is_link",
        "image",
        "image_key",
        "language",
        "link",
        "link_is_html",
        "media_description",
        "original_link",
        "published",
        "summary",
        "title",
        "updated",
    )

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.guid: str | None = None
        self.guid_is_link = False
        self.link: str | None = None
        self.link_is_html = False
        self.original_link: str | None = None
        self.title: str | None = None  # plain text, as each reader makes it
        self.summary = ""
        self.content = ""
        self.authors: list[str] = []
        self.published: str | None = None
        self.updated: str | None = None
        self.categories: list[str] = []
        self.language: str | None = None
        self.image: str | None = None
        self.image_key: tuple[int, int] = (99, 0)
        self.gallery: list[str] = []  # full-size images (media:content, enclosures), in order
        self.fallback_title: str | None = None  # dc:title, media:title: plain text
        self.media_description: str | None = None

    def offer_image(self, url: str | None, rank: ImageRank, width: str | None = None) -> None:
        """Keep `url` as the entry's image if it beats the current one (rank, then width)."""
        if not url:
            return
        try:
            pixels = int(width) if width else 0
        except ValueError:
            pixels = 0
        key = (int(rank), -pixels)
        if key < self.image_key:
            resolved = resolve_url(url, self.base)
            if resolved is not None:
                self.image, self.image_key = resolved, key

    def add_gallery_image(self, url: str) -> None:
        """Add a full-size image of the item to its gallery (the album of a photo post)."""
        resolved = resolve_url(url, self.base)
        if resolved is not None and resolved not in self.gallery:
            self.gallery.append(resolved)

    def add_category(self, value: str | None) -> None:
        """Add a category label, whitespace collapsed, skipping empty ones and repeats."""
        if value:
            label = collapse_whitespace(value)
            if label and label not in self.categories:
                self.categories.append(label)

    def add_author(self, value: str | None) -> None:
        """Add an author name; `Name (mail@host)`, `mail@host (Name)` keep the name only."""
        if not value:
            return
        name = author_name(value)
        if name and name not in self.authors:
            self.authors.append(name)

    def to_entry(
        self, *, language: str | None = None, author: str | None = None
    ) -> ParsedEntry | None:
        """Build the entry (feed-level language/author as fallbacks); None when it is empty."""
        title = self.title or self.fallback_title or ""
        url = resolve_url(self.original_link or self.link, self.base)
        if url is None and self.guid_is_link and self.guid:
            url = resolve_url(self.guid, None)
        summary = self.summary.strip()
        if not summary and self.media_description:
            summary = text_to_html(self.media_description)
        content = self.content.strip()
        if not (title or url or summary or content):
            return None
        image = self.image
        if image is None:
            image = first_image_in_html(content, self.base) or first_image_in_html(
                summary, self.base
            )
        published = parse_date(self.published) or parse_date(self.updated)
        base = self.base
        images = gallery(
            [*self.gallery, *images_in_html(content, base), *images_in_html(summary, base)]
        )
        return ParsedEntry(
            guid=self.guid,
            url=url,
            title=title,
            summary=summary,
            content=content,
            author=", ".join(self.authors) if self.authors else author,
            published_at=published,
            image_url=image,
            image_urls=images,
            categories=self.categories,
            language=self.language or language,
        )
