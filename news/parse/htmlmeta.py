"""Article metadata of an HTML page: Open Graph, Twitter, `<meta>`, JSON-LD and `<time>`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import html as lxml_html

from news.parse.dates import parse_date
from news.parse.links import resolve_url
from news.parse.markup import collapse_whitespace, plain_text
from news.parse.namespaces import XML_LANG

_ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
     "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
     "techarticle", "scholarlyarticle", "report", "socialmediaposting"}
)  # fmt: skip
_PUBLISHED_METAS = (
    "date", "pubdate", "publishdate", "publish-date", "publish_date", "dc.date", "dc.date.issued",
    "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date", "article.published",
    "og:published_time", "datepublished", "citation_publication_date",
)  # fmt: skip
_MODIFIED_METAS = ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified")
_AUTHOR_METAS = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "byl",
    "dc.creator",
)
_IMAGE_METAS = (
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
)
_BYLINE_PREFIX_RE = re.compile(r"^by\s+", re.IGNORECASE)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


@dataclass(slots=True)
class PageMetadata:
    """What a page says about its article, each field from its most reliable source."""

    title: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    image_url: str | None = None
    tags: list[str] = field(default_factory=list)
    author: str | None = None
    language: str | None = None
    description: str | None = None
    site_name: str | None = None
    is_article: bool = False
    feed_links: list[str] = field(default_factory=list)


def read_page_metadata(root: lxml_html.HtmlElement, *, url: str | None) -> PageMetadata:
    """Collect the article's metadata from a parsed HTML document."""
    metas = _meta_values(root)
    article = _json_ld_article(root)
    canonical = _link_href(root, "canonical")
    page_url = (
        resolve_url(canonical, url)
        or resolve_url(_first(metas, "og:url"), url)
        or resolve_url(_ld_url(article), url)
        or url
    )
    base = page_url or url
    site_name = _first(metas, "og:site_name")
    image = _first(metas, *_IMAGE_METAS) or _ld_image(article) or _link_href(root, "image_src")
    return PageMetadata(
        title=_title(root, metas, article, site_name),
        url=page_url,
        published_at=_published(root, metas, article),
        image_url=resolve_url(image, base),
        tags=_tags(metas, article),
        author=_author(metas, article),
        language=_language(root, metas, article),
        description=_first(metas, "og:description", "description", "twitter:description")
        or _ld_string(article, "description"),
        site_name=site_name,
        is_article=article is not None
        or _first(metas, "og:type") == "article"
        or "article:published_time" in metas,
        feed_links=_feed_links(root, base),
    )


def _meta_values(root: lxml_html.HtmlElement) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        key = key or meta.get("http-equiv")
        content = meta.get("content")
        if key and content and (cleaned := collapse_whitespace(content)):
            values.setdefault(key.strip().lower(), []).append(cleaned)
    return values


def _first(metas: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        found = metas.get(key)
        if found:
            return found[0]
    return None


def _link_href(root: lxml_html.HtmlElement, rel: str) -> str | None:
    for link in root.iter("link"):
        if rel in (link.get("rel") or "").lower().split():
            href = link.get("href")
            if href:
                return href.strip()
    return None


def _feed_links(root: lxml_html.HtmlElement, base: str | None) -> list[str]:
    found: list[str] = []
    for link in root.iter("link"):
        kind = (link.get("type") or "").lower()
        if "alternate" in (link.get("rel") or "").lower().split() and kind in _FEED_TYPES:
            href = resolve_url(link.get("href"), base)
            if href is not None:
                found.append(href)
    return found


def _json_ld_article(root: lxml_html.HtmlElement) -> dict[str, Any] | None:
    """The first Article-like object in the page's JSON-LD blocks (lists and @graph unpacked)."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, RecursionError):
            continue
        for item in _ld_objects(data):
            kinds = item.get("@type")
            names = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(n, str) and n.lower() in _ARTICLE_TYPES for n in names):
                return item
    return None


def _ld_objects(data: object) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _ld_objects(item)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if isinstance(graph, list):
            yield from _ld_objects(graph)


def _ld_string(article: dict[str, Any] | None, key: str) -> str | None:
    if article is None:
        return None
    value = article.get(key)
    return collapse_whitespace(value) or None if isinstance(value, str) else None


def _ld_url(article: dict[str, Any] | None) -> str | None:
    if article is None:
        return None
    main = article.get("mainEntityOfPage")
    if isinstance(main, dict) and isinstance(main.get("@id"), str):
        return str(main["@id"])
    return _ld_string(article, "url") or (main if isinstance(main, str) else None)


def _ld_image(article: dict[str, Any] | None) -> str | None:
    value = article.get("image") if article is not None else None
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value if isinstance(value, str) else None


def _title(
    root: lxml_html.HtmlElement,
    metas: dict[str, list[str]],
    article: dict[str, Any] | None,
    site_name: str | None,
) -> str | None:
    found = _first(metas, "og:title", "twitter:title") or _ld_string(article, "headline")
    if found:
        return plain_text(found)
    title = root.find(".//title")
    if title is not None and (text := plain_text(title.text_content())):
        if site_name:
            for separator in (" | ", " - ", " \u2014 ", " \u2013 ", " :: "):
                if text.endswith(separator + site_name):
                    return text[: -len(separator + site_name)].strip()
        return text
    heading = root.find(".//h1")
    return plain_text(heading.text_content()) or None if heading is not None else None


def _published(
    root: lxml_html.HtmlElement, metas: dict[str, list[str]], article: dict[str, Any] | None
) -> datetime | None:
    candidates: list[str | None] = [
        _first(metas, "article:published_time"),
        _ld_string(article, "datePublished"),
        _article_time(root),
        _first(metas, *_PUBLISHED_METAS),
        _any_time(root),
        _first(metas, *_MODIFIED_METAS),
        _ld_string(article, "dateModified"),
    ]
    for candidate in candidates:
        found = parse_date(candidate)
        if found is not None:
            return found
    return None


def _article_time(root: lxml_html.HtmlElement) -> str | None:
    """A `<time>` marked as the publication time, or the first one inside `<article>`."""
    for time in root.iter("time"):
        if time.get("itemprop") == "datePublished" or time.get("pubdate") is not None:
            return time.get("datetime") or time.text_content()
    article = root.find(".//article")
    if article is not None:
        for time in article.iter("time"):
            if time.get("datetime"):
                return time.get("datetime")
    return None


def _any_time(root: lxml_html.HtmlElement) -> str | None:
    for time in root.iter("time"):
        if time.get("datetime"):
            return time.get("datetime")
    return None


def _tags(metas: dict[str, list[str]], article: dict[str, Any] | None) -> list[str]:
    raw: list[str] = list(metas.get("article:tag", []))
    for key in ("keywords", "news_keywords"):
        for value in metas.get(key, []):
            raw.extend(value.split(","))
    keywords = article.get("keywords") if article is not None else None
    if isinstance(keywords, str):
        raw.extend(keywords.split(","))
    elif isinstance(keywords, list):
        raw.extend(k for k in keywords if isinstance(k, str))
    tags: list[str] = []
    seen: set[str] = set()
    for value in raw:
        tag = collapse_whitespace(value)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def _author(metas: dict[str, list[str]], article: dict[str, Any] | None) -> str | None:
    names: list[str] = []
    value = article.get("author") if article is not None else None
    for item in value if isinstance(value, list) else [value]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and (clean := collapse_whitespace(name)) and clean not in names:
            names.append(clean)
    if names:
        return ", ".join(names)
    for key in _AUTHOR_METAS:
        for candidate in metas.get(key, []):
            if not candidate.startswith(("http://", "https://")):
                return _BYLINE_PREFIX_RE.sub("", candidate)
    return None


def _language(
    root: lxml_html.HtmlElement, metas: dict[str, list[str]], article: dict[str, Any] | None
) -> str | None:
    # The HTML parser keeps an XHTML page's `xml:lang` as a plain attribute name.
    lang = (root.get("lang") or root.get("xml:lang") or root.get(XML_LANG) or "").strip()
    if lang:
        return lang
    found = _first(metas, "content-language", "og:locale") or _ld_string(article, "inLanguage")
    return found.replace("_", "-").split(",")[0].strip() if found else None
