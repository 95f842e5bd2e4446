"""Atom 1.0 and 0.3 feeds: feed metadata and entries, with xml:base-relative links resolved."""

from __future__ import annotations

import base64
import binascii
import html
from collections.abc import Callable, Mapping
from typing import Final

from lxml import etree

from news.clean import looks_like_html
from news.models import DocumentKind, ParsedDocument, ParsedEntry
from news.parse.entries import read_each
from news.parse.fields import EntryFields
from news.parse.links import resolve_url
from news.parse.markup import (
    element_text,
    has_child_elements,
    inner_markup,
    literal_text,
    plain_text,
    text_to_html,
    visible_text,
)
from news.parse.media import MEDIA_HANDLERS, read_enclosure
from news.parse.namespaces import ATOM_03, ATOM_10, ATOM_DRAFTS, DC, FEEDBURNER, XML_LANG, clark
from news.parse.xmltree import XmlTree

Handler = Callable[[EntryFields, etree._Element], None]
_ATOM_CORE = (ATOM_10, ATOM_03, *ATOM_DRAFTS, "")
_HTML_TYPES = frozenset({"html", "text/html"})
_XHTML_TYPES = frozenset({"xhtml", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text", "text/plain"})
# Category schemes that classify the entry itself rather than its subject.
_SKIPPED_CATEGORY_SCHEMES = ("http://schemas.google.com/g/2005#kind",)


def read_atom(tree: XmlTree, *, base_url: str | None = None) -> ParsedDocument:
    """Read an Atom document: the feed's title, link and language, and every complete entry."""
    root = tree.root
    title = link = author = None
    entries_elements: list[etree._Element] = []
    for child in root:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag in _ENTRY_TAGS:
            entries_elements.append(child)
        elif tag in _TITLE_TAGS and title is None:
            title = _text_construct_plain(child) or None
        elif tag in _LINK_TAGS and link is None and _is_alternate(child):
            link = _href(child)
        elif tag in _AUTHOR_TAGS and author is None:
            author = ", ".join(_author_names(child)) or None
    language = root.get(XML_LANG) or None
    feed_base = base_url or link
    if tree.recovered:
        entries_elements = list(root.iter(*_ENTRY_TAGS))  # see read_rss: recovery nests entries
        if tree.closed_items is not None:
            entries_elements = entries_elements[: tree.closed_items]
    entries, skipped = read_each(
        entries_elements, lambda element: read_atom_entry(element, feed_base, language, author)
    )
    return ParsedDocument(
        kind=DocumentKind.ATOM,
        title=title,
        link=link,
        language=language,
        entries=entries,
        skipped=skipped,
    )


def read_atom_entry(
    entry: etree._Element, feed_base: str | None, language: str | None, author: str | None
) -> ParsedEntry | None:
    """Read one `<entry>`; None when it carries no title, link or text at all."""
    fields = EntryFields(entry.base or feed_base)
    for child in entry:
        tag = child.tag
        if isinstance(tag, str):
            handler = _ENTRY_HANDLERS.get(tag)
            if handler is not None:
                handler(fields, child)
    fields.language = entry.get(XML_LANG) or fields.language
    return fields.to_entry(language=language, author=author)


def _is_alternate(link: etree._Element) -> bool:
    return link.get("rel", "alternate").strip().lower() == "alternate"


def _href(link: etree._Element) -> str | None:
    href = link.get("href")
    if not href:
        return None
    if href.startswith(("http://", "https://")):
        return href
    return resolve_url(href, link.base)


def _author_names(author: etree._Element) -> list[str]:
    return [
        name
        for child in author
        if child.tag in _NAME_TAGS and (name := plain_text(element_text(child)))
    ]


def _text_construct_plain(element: etree._Element) -> str:
    """A title-like text construct as one line of plain text, whatever its type."""
    kind = (element.get("type") or "text").lower()
    if _is_base64(element, kind):
        decoded = _base64_text(element)
        if kind in _HTML_TYPES or kind in _XHTML_TYPES:
            return plain_text(decoded, markup=True)
        return literal_text(decoded)
    if kind in _XHTML_TYPES:
        wrapper = _xhtml_div(element)
        return literal_text(visible_text(wrapper if wrapper is not None else element))
    if kind in _HTML_TYPES or (element.get("mode") or "").lower() == "escaped":
        return plain_text(element_text(element), markup=True)
    if kind in _TEXT_TYPES:
        if has_child_elements(element):
            return literal_text(visible_text(element))  # markup where text was promised
        return literal_text(element_text(element))
    return plain_text(element_text(element))


def _text_construct_html(element: etree._Element) -> str:
    """A summary or content construct as an HTML string (plain text is escaped)."""
    if element.get("src"):
        return ""  # out-of-line content: a link, not text we have
    kind = (element.get("type") or "").lower()
    mode = (element.get("mode") or "").lower()  # Atom 0.3: xml, escaped or base64
    if _is_base64(element, kind):
        decoded = _base64_text(element)
        if kind in _HTML_TYPES or kind in _XHTML_TYPES:
            return decoded
        if kind in _TEXT_TYPES or not looks_like_html(decoded):
            return text_to_html(decoded)
        return decoded
    if kind in _XHTML_TYPES:
        wrapper = _xhtml_div(element)
        return inner_markup(wrapper if wrapper is not None else element, xhtml=True)
    if kind in _HTML_TYPES or mode == "escaped":
        if has_child_elements(element):
            # Escaped HTML wrapped in a <div>: the text is the markup; else real elements.
            text = element_text(element)
            return text if "<" in text else inner_markup(element)
        return element_text(element)
    if has_child_elements(element):
        return inner_markup(element)
    if kind in _TEXT_TYPES or not kind or kind.startswith("text/"):
        text = element_text(element)
        return text_to_html(html.unescape(text) if len(element) else text)  # entity refs
    return ""


def _is_base64(element: etree._Element, kind: str) -> bool:
    """Atom 0.3 `mode="base64"`, or Atom 1.0 content of a non-text, non-XML media type."""
    if (element.get("mode") or "").lower() == "base64":
        return True
    if not kind or "/" not in kind or kind.startswith("text/"):
        return False
    return not (kind.endswith(("/xml", "+xml")) or kind in _XHTML_TYPES)


def _base64_text(element: etree._Element) -> str:
    try:
        raw = base64.b64decode("".join(element_text(element).split()), validate=False)
    except (binascii.Error, ValueError):
        return ""
    return raw.decode("utf-8", errors="replace")


def _xhtml_div(element: etree._Element) -> etree._Element | None:
    """The one `<div>` an XHTML construct wraps its content in (the div itself is not content)."""
    children = [child for child in element if isinstance(child.tag, str)]
    if (
        len(children) == 1
        and str(children[0].tag).rpartition("}")[2] == "div"
        and not (element.text or "").strip()
        and not (children[0].tail or "").strip()
    ):
        return children[0]
    return None


def _read_id(fields: EntryFields, element: etree._Element) -> None:
    if fields.guid is None:
        fields.guid = element_text(element).strip() or None


def _read_title(fields: EntryFields, element: etree._Element) -> None:
    if fields.title is None:
        fields.title = _text_construct_plain(element)


def _read_link(fields: EntryFields, element: etree._Element) -> None:
    rel = element.get("rel", "alternate").strip().lower()
    if rel == "alternate":
        preferred = (element.get("type") or "text/html").lower() in ("text/html", "html")
        if fields.link is None or (preferred and not fields.link_is_html):
            fields.link = _href(element)
            fields.link_is_html = preferred
    elif rel == "enclosure":
        read_enclosure(fields, element)


def _read_summary(fields: EntryFields, element: etree._Element) -> None:
    if not fields.summary:
        fields.summary = _text_construct_html(element)


def _read_content(fields: EntryFields, element: etree._Element) -> None:
    if not fields.content:
        fields.content = _text_construct_html(element)


def _read_published(fields: EntryFields, element: etree._Element) -> None:
    if fields.published is None:
        fields.published = element_text(element).strip() or None


def _read_updated(fields: EntryFields, element: etree._Element) -> None:
    if fields.updated is None:
        fields.updated = element_text(element).strip() or None


def _read_author(fields: EntryFields, element: etree._Element) -> None:
    for name in _author_names(element):
        fields.add_author(name)


def _read_dc_creator(fields: EntryFields, element: etree._Element) -> None:
    fields.add_author(element_text(element))


def _read_category(fields: EntryFields, element: etree._Element) -> None:
    if element.get("scheme") in _SKIPPED_CATEGORY_SCHEMES:
        return
    label = element.get("label") or element.get("term") or element_text(element)
    if label and not label.startswith(("http://", "https://")):
        fields.add_category(plain_text(label))


def _read_dc_title(fields: EntryFields, element: etree._Element) -> None:
    if fields.fallback_title is None:
        fields.fallback_title = plain_text(element_text(element)) or None


def _read_dc_subject(fields: EntryFields, element: etree._Element) -> None:
    fields.add_category(plain_text(element_text(element)))


def _read_original_link(fields: EntryFields, element: etree._Element) -> None:
    fields.original_link = element_text(element).strip() or None


def _atom(*locals_: str) -> frozenset[str]:
    return frozenset(clark(ns, local) for ns in _ATOM_CORE for local in locals_)


_ENTRY_TAGS = _atom("entry")
_TITLE_TAGS = _atom("title")
_LINK_TAGS = _atom("link")
_AUTHOR_TAGS = _atom("author")
_NAME_TAGS = _atom("name")

_ENTRY_HANDLERS: Final[Mapping[str, Handler]] = {
    **dict.fromkeys(_atom("id"), _read_id),
    **dict.fromkeys(_atom("title"), _read_title),
    **dict.fromkeys(_atom("link"), _read_link),
    **dict.fromkeys(_atom("summary"), _read_summary),
    **dict.fromkeys(_atom("content"), _read_content),
    **dict.fromkeys(_atom("published", "issued", "created"), _read_published),
    **dict.fromkeys(_atom("updated", "modified"), _read_updated),
    **dict.fromkeys(_atom("author"), _read_author),
    **dict.fromkeys(_atom("category"), _read_category),
    clark(DC, "creator"): _read_dc_creator,
    clark(DC, "subject"): _read_dc_subject,
    clark(DC, "title"): _read_dc_title,
    clark(DC, "date"): _read_published,
    clark(FEEDBURNER, "origLink"): _read_original_link,
    **MEDIA_HANDLERS,
}
