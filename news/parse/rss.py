"""RSS 0.9x, 1.0 (RDF) and 2.0 feeds: channel metadata and items from a parsed tree."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from lxml import etree

from news.models import DocumentKind, ParsedDocument, ParsedEntry
from news.parse.entries import read_each
from news.parse.fields import EntryFields
from news.parse.links import resolve_url
from news.parse.markup import element_text, inner_markup, plain_text
from news.parse.media import MEDIA_HANDLERS, read_enclosure, read_item_image
from news.parse.namespaces import (
    ATOM_10,
    CONTENT,
    DC,
    DCTERMS,
    FEEDBURNER,
    RDF,
    RSS_CORE,
    XHTML,
    XML_LANG,
    clark,
)
from news.parse.xmltree import XmlTree

Handler = Callable[[EntryFields, etree._Element], None]
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_RDF_ABOUT = clark(RDF, "about")


def read_rss(tree: XmlTree, *, base_url: str | None = None) -> ParsedDocument:
    """Read an RSS document: the channel's title, link and language, and every complete item."""
    root = tree.root
    channel = (
        root
        if root.tag in _CHANNEL_TAGS
        else next((child for child in root if child.tag in _CHANNEL_TAGS), None)
    )
    header = channel if channel is not None else root
    title = link = language = None
    for child in header:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if (tag in _TITLE_TAGS and not title) or (tag == _DC_TITLE and title is None):
            title = plain_text(element_text(child)) or None
        elif tag in _LINK_TAGS and link is None:
            link = resolve_url(element_text(child), base_url)
        elif tag in _LANGUAGE_TAGS and language is None:
            language = element_text(child).strip() or None
    language = language or root.get(XML_LANG) or header.get(XML_LANG)
    base = base_url or link
    if header.get(_XML_BASE) is not None or root.get(_XML_BASE) is not None:
        base = header.base or base
    if tree.recovered:
        # Recovery nests an item inside the one before it when that one had an unclosed tag.
        items = list(root.iter(*_ITEM_TAGS))
        if tree.closed_items is not None:
            items = items[: tree.closed_items]  # truncated: keep the items that were finished
    else:
        items = [child for child in header if child.tag in _ITEM_TAGS]
        if header is not root:  # RSS 1.0 puts items beside the channel, some 2.0 feeds too
            items += [child for child in root if child.tag in _ITEM_TAGS]
    entries, skipped = read_each(items, lambda item: read_rss_item(item, base, language))
    return ParsedDocument(
        kind=DocumentKind.RSS,
        title=title,
        link=link,
        language=language,
        entries=entries,
        skipped=skipped,
    )


def read_rss_item(
    item: etree._Element, base: str | None, language: str | None
) -> ParsedEntry | None:
    """Read one `<item>`; None when it carries no title, link or text at all."""
    if item.get(_XML_BASE) is not None:
        base = item.base or base
    fields = EntryFields(base)
    for child in item:
        tag = child.tag
        if isinstance(tag, str):
            handler = _ITEM_HANDLERS.get(tag)
            if handler is not None:
                handler(fields, child)
    if fields.guid is None:
        fields.guid = item.get(_RDF_ABOUT) or None
    fields.language = item.get(XML_LANG) or fields.language
    return fields.to_entry(language=language)


def _core(local: str) -> frozenset[str]:
    return frozenset(clark(ns, local) for ns in RSS_CORE)


def _read_title(fields: EntryFields, element: etree._Element) -> None:
    if not fields.title:
        fields.title = plain_text(element_text(element))


def _read_dc_title(fields: EntryFields, element: etree._Element) -> None:
    if fields.fallback_title is None:
        fields.fallback_title = plain_text(element_text(element)) or None


def _read_link(fields: EntryFields, element: etree._Element) -> None:
    if fields.link is None:
        fields.link = element_text(element).strip() or element.get("href") or None


def _read_atom_link(fields: EntryFields, element: etree._Element) -> None:
    rel = element.get("rel", "alternate")
    if rel == "alternate" and fields.link is None:
        fields.link = element.get("href") or None
    elif rel == "enclosure":
        read_enclosure(fields, element)


def _read_guid(fields: EntryFields, element: etree._Element) -> None:
    if fields.guid is None:
        fields.guid = element_text(element).strip() or None
        permalink = element.get("isPermaLink", "true").strip().lower() != "false"
        fields.guid_is_link = permalink and fields.guid is not None


def _read_description(fields: EntryFields, element: etree._Element) -> None:
    if not fields.summary:
        fields.summary = inner_markup(element)


def _read_content(fields: EntryFields, element: etree._Element) -> None:
    if not fields.content:
        fields.content = inner_markup(element)


def _read_body(fields: EntryFields, element: etree._Element) -> None:
    """`<xhtml:body>`, `<body>`, `<fullitem>`: the full text of items that have no other."""
    if not fields.content:
        fields.content = inner_markup(element, xhtml=str(element.tag).startswith(_XHTML_PREFIX))


def _read_author(fields: EntryFields, element: etree._Element) -> None:
    fields.add_author(element_text(element))


def _read_published(fields: EntryFields, element: etree._Element) -> None:
    if fields.published is None:
        fields.published = element_text(element).strip() or None


def _read_updated(fields: EntryFields, element: etree._Element) -> None:
    if fields.updated is None:
        fields.updated = element_text(element).strip() or None


def _read_category(fields: EntryFields, element: etree._Element) -> None:
    fields.add_category(plain_text(element_text(element)))


def _read_language(fields: EntryFields, element: etree._Element) -> None:
    if fields.language is None:
        fields.language = element_text(element).strip() or None


def _read_original_link(fields: EntryFields, element: etree._Element) -> None:
    fields.original_link = element_text(element).strip() or None


def _read_enclosure(fields: EntryFields, element: etree._Element) -> None:
    read_enclosure(fields, element)


_TITLE_TAGS = _core("title")
_DC_TITLE = clark(DC, "title")
_XHTML_PREFIX = "{" + XHTML + "}"
_LINK_TAGS = _core("link")
_LANGUAGE_TAGS = _core("language") | {clark(DC, "language")}
_ITEM_TAGS = _core("item")
_CHANNEL_TAGS = _core("channel")

_ITEM_HANDLERS: Final[Mapping[str, Handler]] = {
    **{tag: _read_title for tag in _core("title")},
    **{tag: _read_link for tag in _core("link")},
    **{tag: _read_guid for tag in _core("guid")},
    **{tag: _read_description for tag in _core("description")},
    **{tag: _read_author for tag in _core("author")},
    **{tag: _read_published for tag in _core("pubDate")},
    **{tag: _read_category for tag in _core("category")},
    **{tag: _read_enclosure for tag in _core("enclosure")},
    **{tag: read_item_image for tag in _core("image")},
    clark(CONTENT, "encoded"): _read_content,
    **dict.fromkeys([*_core("body"), *_core("fullitem")], _read_body),
    clark(XHTML, "body"): _read_body,
    clark(XHTML, "div"): _read_body,
    clark(DC, "title"): _read_dc_title,
    clark(DC, "creator"): _read_author,
    clark(DC, "date"): _read_published,
    clark(DC, "subject"): _read_category,
    clark(DC, "description"): _read_description,
    clark(DC, "language"): _read_language,
    clark(DCTERMS, "issued"): _read_published,
    clark(DCTERMS, "created"): _read_published,
    clark(DCTERMS, "modified"): _read_updated,
    clark(ATOM_10, "updated"): _read_updated,
    clark(ATOM_10, "link"): _read_atom_link,
    clark(FEEDBURNER, "origLink"): _read_original_link,
    **MEDIA_HANDLERS,
}
