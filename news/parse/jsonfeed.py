"""JSON documents: JSON Feed 1.0/1.1, and lists of article objects (what `newsbot import` reads).

A JSON Feed's summary and content come out as HTML (`content_text` and `summary` are escaped
into paragraphs), like every feed format. An article list is an import of whole articles, so its
text stays plain text with blank lines between paragraphs, like a scraped text article.

Accepted article-list shapes: `[{...}, ...]`, `{"articles": [...]}` or one article object. Keys
read (first present wins): guid/id; url/link/canonical_url; title/headline;
text/body/content/content_html/content_text; summary/description/lede/excerpt;
published_at/published/date/date_published/datePublished/pubDate/created_at (ISO 8601,
RFC 822 or Unix seconds); updated_at/date_modified/dateModified; tags/categories/keywords (a list
or a comma-separated string); image/image_url/thumbnail; author/authors/byline;
language/lang; related (a list of {title, url, site} objects or headline strings).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from news.errors import ParseError
from news.models import DocumentKind, ParsedDocument, ParsedEntry, RelatedLink
from news.parse.dates import from_timestamp, parse_date
from news.parse.encoding import decode_document
from news.parse.entries import read_each
from news.parse.links import first_image_in_html, gallery, images_in_html, resolve_url
from news.parse.markup import collapse_whitespace, plain_text, text_to_html

_MAX_ERROR_CONTEXT = 60


def parse_json_document(content: bytes, *, url: str | None = None) -> ParsedDocument:
    """Parse a JSON Feed or a JSON article list; ParseError for invalid or unknown JSON."""
    data = load_json(content)
    if isinstance(data, dict):
        if "jsonfeed.org" in str(data.get("version", "")) or isinstance(data.get("items"), list):
            return parse_json_feed(data, url=url)
        articles = data.get("articles")
        if isinstance(articles, list):
            return parse_article_objects(articles, url=url)
        if any(key in data for key in ("title", "headline", "url", "link", "text", "body")):
            return parse_article_objects([data], url=url)
        raise ParseError("JSON is neither a JSON Feed nor an article list (no 'items'/'articles')")
    if isinstance(data, list):
        return parse_article_objects(data, url=url)
    raise ParseError(f"JSON is neither a JSON Feed nor an article list: a {type(data).__name__}")


def load_json(content: bytes) -> Any:
    """Decode (BOM, UTF-8, detection) and parse JSON; ParseError with the position on failure."""
    text = decode_document(content, declared=("utf-8",)).text
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        near = text[exc.pos : exc.pos + 20].strip()
        raise ParseError(
            f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            + (f" near {near[:_MAX_ERROR_CONTEXT]!r}" if near else "")
        ) from None
    except RecursionError:
        raise ParseError("invalid JSON: nested too deeply") from None


def parse_json_feed(feed: Mapping[str, Any], *, url: str | None = None) -> ParsedDocument:
    """Read a JSON Feed 1.0/1.1 object; items that are not objects are skipped."""
    link = _string(feed.get("home_page_url"))
    base = url or _string(feed.get("feed_url")) or link
    language = _string(feed.get("language"))
    feed_author = _authors(feed.get("authors"), feed.get("author"))
    items = feed.get("items")
    entries, skipped = read_each(
        (item for item in (items if isinstance(items, list) else ()) if isinstance(item, dict)),
        lambda item: _json_feed_item(item, base, language, feed_author),
    )
    title = _string(feed.get("title"))
    return ParsedDocument(
        kind=DocumentKind.JSON_FEED,
        title=plain_text(title) if title else None,
        link=resolve_url(link, url),
        language=language,
        entries=entries,
        skipped=skipped,
    )


def parse_article_objects(items: list[Any], *, url: str | None = None) -> ParsedDocument:
    """Read a list of article objects; ParseError naming the first item that is unusable."""
    entries: list[ParsedEntry] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ParseError(f"article {index}: expected an object, got {type(item).__name__}")
        entry = _article_object(item, url)
        if entry is None:
            raise ParseError(f"article {index}: it has no title, url or text")
        entries.append(entry)
    return ParsedDocument(kind=DocumentKind.JSON_FEED, link=url, entries=entries)


def _json_feed_item(
    item: Mapping[str, Any], base: str | None, language: str | None, feed_author: str | None
) -> ParsedEntry | None:
    guid = _identifier(item.get("id"))
    link = resolve_url(_string(item.get("url")) or _string(item.get("external_url")), base)
    title = plain_text(_string(item.get("title")) or "")
    content = _string(item.get("content_html")) or ""
    if not content and (text := _string(item.get("content_text"))):
        content = text_to_html(text)
    summary_text = _string(item.get("summary"))
    summary = text_to_html(summary_text) if summary_text else ""
    if not (title or link or content or summary):
        return None
    image = resolve_url(_string(item.get("image")) or _string(item.get("banner_image")), base)
    return ParsedEntry(
        guid=guid,
        url=link,
        title=title,
        summary=summary,
        content=content,
        author=_authors(item.get("authors"), item.get("author")) or feed_author,
        published_at=_date(item.get("date_published")) or _date(item.get("date_modified")),
        image_url=image
        or _attachment_image(item.get("attachments"), base)
        or first_image_in_html(content, base),
        image_urls=gallery(
            [
                image,
                *_attachment_images(item.get("attachments"), base),
                *images_in_html(content, base),
            ]
        ),
        categories=_labels(item.get("tags")),
        language=_string(item.get("language")) or language,
    )


def _article_object(item: Mapping[str, Any], base: str | None) -> ParsedEntry | None:
    link = resolve_url(_first_string(item, "url", "link", "canonical_url"), base)
    title = plain_text(_first_string(item, "title", "headline") or "")
    content = _first_string(item, "text", "body", "content", "content_html", "content_text") or ""
    summary = _first_string(item, "summary", "description", "lede", "excerpt") or ""
    if not (title or link or content.strip()):
        return None
    published = _first_date(
        item, "published_at", "published", "date", "date_published", "datePublished", "pubDate",
        "created_at", "updated_at", "date_modified", "dateModified",
    )  # fmt: skip
    image = item.get("image") or item.get("image_url") or item.get("thumbnail")
    if isinstance(image, dict):
        image = image.get("url")
    language = _first_string(item, "language", "lang")
    return ParsedEntry(
        guid=_identifier(item.get("guid")) or _identifier(item.get("id")),
        url=link,
        title=title,
        summary=summary.strip(),
        content=content.strip(),
        author=_authors(item.get("authors"), item.get("author") or item.get("byline")),
        published_at=published,
        image_url=resolve_url(_string(image), base),
        categories=_labels(item.get("tags") or item.get("categories") or item.get("keywords")),
        language=language,
        related=_related(item.get("related")),
    )


def _string(value: object) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _first_string(item: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = _string(item.get(key))
        if value is not None:
            return value
    return None


def _identifier(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    return _string(value)


def _date(value: object) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return from_timestamp(value / 1000 if value > 1e11 else value)
    return parse_date(value) if isinstance(value, str) else None


def _first_date(item: Mapping[str, Any], *keys: str) -> datetime | None:
    for key in keys:
        found = _date(item.get(key))
        if found is not None:
            return found
    return None


def _authors(*sources: object) -> str | None:
    """Names from the first source that has any (1.1 `authors` before 1.0 `author`), joined."""
    for source in sources:
        names: list[str] = []
        for value in source if isinstance(source, list) else [source]:
            name = value.get("name") if isinstance(value, dict) else value
            clean = collapse_whitespace(name) if isinstance(name, str) else ""
            if clean and clean not in names:
                names.append(clean)
        if names:
            return ", ".join(names)
    return None


def _labels(value: object) -> list[str]:
    raw = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    labels: list[str] = []
    for item in raw:
        if isinstance(item, str) and (label := collapse_whitespace(item)) and label not in labels:
            labels.append(label)
    return labels


def _attachment_image(attachments: object, base: str | None) -> str | None:
    return next(iter(_attachment_images(attachments, base)), None)


def _attachment_images(attachments: object, base: str | None) -> list[str]:
    found: list[str] = []
    for attachment in attachments if isinstance(attachments, list) else ():
        if isinstance(attachment, dict) and str(attachment.get("mime_type", "")).startswith(
            "image/"
        ):
            url = resolve_url(_string(attachment.get("url")), base)
            if url is not None:
                found.append(url)
    return found


def _related(value: object) -> list[RelatedLink]:
    links: list[RelatedLink] = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, str) and (headline := collapse_whitespace(item)):
            links.append(RelatedLink(title=headline))
        elif isinstance(item, dict) and (title := _string(item.get("title"))):
            links.append(
                RelatedLink(
                    title=collapse_whitespace(title),
                    url=_string(item.get("url")),
                    site=_string(item.get("site")),
                )
            )
    return links
