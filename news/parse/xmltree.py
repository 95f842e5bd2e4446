"""Safe XML parsing for feeds: strict first, then repaired text, then libxml2's recovery mode.

Every parser here refuses to expand entities, load a DTD or touch the network, so an entity
bomb stays a handful of unexpanded references and an external entity (XXE) is never read.
"""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass

from lxml import etree

from news.errors import ParseError
from news.parse.encoding import (
    DecodedText,
    charset_from_content_type,
    decode_document,
    normalise_codec,
    xml_declared_encoding,
)

_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
# Characters XML 1.0 forbids even as references; scrapers and CMSes leak them into feeds.
_INVALID_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_INVALID_CHAR_REF_RE = re.compile(
    r"&#(?:0*(?:[0-8]|1[1-2]|1[4-9]|2\d|3[01])|[xX]0*(?:[0-8]|[bBcCeEfF]|1[0-9a-fA-F]));"
)
# Markup whose inside is not parsed: repairs must leave it alone.
_OPAQUE_RE = re.compile(r"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)", re.DOTALL)
_AMPERSAND_RE = re.compile(r"&(?:([A-Za-z_][\w.\-]*);|#(?:\d+|[xX][0-9a-fA-F]+);)?")
_FEED_START_RE = re.compile(r"<\?xml\s|<(?:rss|feed|rdf:RDF|RDF)[\s>]")
_ROOT_END_RE = re.compile(r"</(?:rss|feed|rdf:RDF|RDF)\s*>")
_BOM_OR_WIDE_FIRST_BYTES = frozenset(b"\xef\xfe\xff\x00")
_EBCDIC_XML_START = b"\x4c\x6f\xa7\x94"
_CLOSED_ITEM_RE = re.compile(rb"</(?:[\w.\-]+:)?(?:item|entry)\s*>")


@dataclass(frozen=True, slots=True)
class XmlTree:
    """A parsed feed root; after recovery also the parser's error and the `</item>` count."""

    root: etree._Element
    recovered: bool
    closed_items: int | None = None
    error: str | None = None


def parse_feed_xml(
    content: bytes, *, content_type: str | None = None, base_url: str | None = None
) -> XmlTree:
    """Parse feed bytes into an element tree, repairing what a strict parser rejects."""
    declared = (charset_from_content_type(content_type), xml_declared_encoding(content))
    if _plain_utf8_candidate(content, declared):
        # The common case, read without decoding the document twice: libxml2 checks the UTF-8.
        try:
            root = _parse(content if content.startswith(b"<") else content.lstrip(), base_url,
                          recover=False)  # fmt: skip
        except etree.XMLSyntaxError:
            root = None
        if root is not None:
            return XmlTree(root, recovered=False)
    decoded = decode_document(content, declared=declared)
    data = _utf8_bytes(content, decoded)
    try:
        root = _parse(data, base_url, recover=False)
    except etree.XMLSyntaxError:
        root = None
    if root is not None:
        return XmlTree(root, recovered=False)
    repaired = repair_xml(decoded.text).encode("utf-8")
    error = "no root element"
    try:
        root = _parse(repaired, base_url, recover=False)
    except etree.XMLSyntaxError as exc:
        error = str(exc)
    if root is not None:
        return XmlTree(root, recovered=False)
    try:
        root = _parse(repaired, base_url, recover=True)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise ParseError(f"not a readable XML feed: {error}")
    closed = len(_CLOSED_ITEM_RE.findall(repaired))
    return XmlTree(root, recovered=True, closed_items=closed, error=error)


def repair_xml(text: str) -> str:
    """Fix what breaks feeds most: junk before the root, bad characters, HTML entities, bare &."""
    start = _FEED_START_RE.search(text)
    if start is not None and start.start() > 0:
        text = text[start.start() :]  # whitespace or a server warning printed before the feed
    ends = list(_ROOT_END_RE.finditer(text))
    if ends and text[ends[-1].end() :].strip():
        text = text[: ends[-1].end()]  # garbage after the root element
    text = _INVALID_CHARS_RE.sub("", text)
    parts: list[str] = []
    position = 0
    for opaque in _OPAQUE_RE.finditer(text):
        parts.append(_repair_references(text[position : opaque.start()]))
        parts.append(opaque.group(0))
        position = opaque.end()
    parts.append(_repair_references(text[position:]))
    return "".join(parts)


def secure_parser(*, recover: bool) -> etree.XMLParser:
    """An XML parser that never expands entities, loads DTDs or uses the network."""
    return etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
    )


def _parse(data: bytes, base_url: str | None, *, recover: bool) -> etree._Element | None:
    return etree.fromstring(data, secure_parser(recover=recover), base_url=base_url)


def _plain_utf8_candidate(content: bytes, declared: tuple[str | None, ...]) -> bool:
    """True when the bytes may be UTF-8 as they stand: no BOM, no wide or EBCDIC layout, and
    nothing but UTF-8 (or nothing) declared."""
    if not content or content[0] in _BOM_OR_WIDE_FIRST_BYTES:
        return False
    if content[:4] == _EBCDIC_XML_START or b"\x00" in content[:4]:
        return False
    return all(label is None or normalise_codec(label) == "utf-8" for label in declared)


def _utf8_bytes(content: bytes, decoded: DecodedText) -> bytes:
    """The document as UTF-8 bytes starting at its first `<` (reusing the input when possible)."""
    if decoded.encoding in ("utf-8", "ascii") and not content.startswith(b"\xef\xbb\xbf"):
        data = content
    else:
        data = decoded.text.encode("utf-8")
    if not data.startswith(b"<"):
        data = data.lstrip()
    return data


def _repair_references(text: str) -> str:
    text = _INVALID_CHAR_REF_RE.sub("", text)
    if "&" not in text:
        return text
    return _AMPERSAND_RE.sub(_fix_reference, text)


def _fix_reference(match: re.Match[str]) -> str:
    whole = match.group(0)
    name = match.group(1)
    if whole == "&":
        return "&amp;"  # a bare ampersand, as in "Q&A" or an unescaped URL query
    if name is None:
        # A numeric reference; XML wants a lower-case x where HTML takes either ("&#X41;").
        return whole if whole[2:3] != "X" else "&#x" + whole[3:]
    if name in _XML_ENTITIES:
        return whole  # one of XML's own five
    replacement = html.entities.html5.get(name + ";")
    if replacement is None:
        return "&amp;" + whole[1:]  # unknown or DTD-declared: keep it visible, never expand it
    return "".join(f"&#{ord(char)};" for char in replacement)
