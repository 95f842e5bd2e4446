"""Tell an XML feed, a JSON document, an HTML page and plain text apart from their first bytes."""

from __future__ import annotations

import re
from enum import StrEnum

from news.errors import ParseError
from news.parse.encoding import bom_encoding, ebcdic_codec, utf16_or_32_without_bom

_SNIFF_BYTES = 4096
# Signatures of binary formats a misconfigured source may serve instead of a feed.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed data (decompress it before parsing)"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"\x00\x00\x00\x18ftyp", "an MP4/HEIF file"),
    (b"\x00\x00\x00\x1cftyp", "an MP4/HEIF file"),
    (b"\x00\x00\x00 ftyp", "an MP4/HEIF file"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg file"),
    (b"\x7fELF", "an executable"),
)
# Skip the prolog: XML declaration, processing instructions, comments and a DOCTYPE (which may
# carry an internal subset in brackets).
_PROLOG_RE = re.compile(
    r"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]*\[.*?\])?[^>]*>)*", re.DOTALL | re.IGNORECASE
)
_ROOT_TAG_RE = re.compile(r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")
_FEED_ROOTS = frozenset({"rss", "rdf", "feed", "channel"})
_FEED_START_RE = re.compile(r"<\?xml\s|<(?:rss|feed|rdf:RDF)[\s>]")
_FEED_ROOT_BYTES_RE = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")
# An object or an array of JSON values: a "[Updated] ..." line of text is not JSON.
_JSON_START_RE = re.compile(r"\{|\[\s*(?:[{\[\]\"\d-]|true|false|null)")
_HTML_ROOTS = frozenset(
    {"html", "head", "body", "meta", "title", "link", "div", "p", "article", "main", "section",
     "header", "script", "style", "span", "h1", "h2", "table", "br", "a", "img", "noscript"}
)  # fmt: skip
_MAX_CONTROL_SHARE = 0.01
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f]")


class DocumentFormat(StrEnum):
    """The syntax a document is written in, which picks the parser."""

    XML_FEED = "xml-feed"
    JSON = "json"
    HTML = "html"
    TEXT = "text"


def sniff_head(content: bytes) -> str:
    """Decode the first few KB leniently, honouring a BOM or a UTF-16/32 NUL layout."""
    head = content[:_SNIFF_BYTES]
    bom = bom_encoding(head)
    if bom is not None:
        return head[bom[1] :].decode(bom[0], errors="replace")
    wide = utf16_or_32_without_bom(head)
    if wide is not None:
        return head.decode(wide, errors="replace")
    ebcdic = ebcdic_codec(head)
    if ebcdic is not None:
        return head.decode(ebcdic)
    return head.decode("latin-1")


def detect_format(content: bytes, content_type: str | None = None) -> DocumentFormat:
    """Say which parser reads these bytes; ParseError for empty or binary input."""
    if not content.strip():
        raise ParseError("empty document: there is nothing to parse")
    for signature, what in _BINARY_SIGNATURES:
        if content.startswith(signature):
            raise ParseError(f"not a feed or article: the body is {what}")
    head = sniff_head(content)
    if _looks_binary(head):
        raise ParseError("not a feed or article: the body looks like binary data")
    stripped = head.lstrip()
    if _JSON_START_RE.match(stripped):
        return DocumentFormat.JSON
    if stripped.startswith("<"):
        return _markup_format(stripped, content)
    if _is_json_type(content_type):
        return DocumentFormat.JSON
    found = _FEED_START_RE.search(head)
    if found is not None and "<html" not in head[: found.start()].lower():
        return DocumentFormat.XML_FEED  # text before the feed: a PHP warning, a stray banner
    return DocumentFormat.TEXT


def _markup_format(text: str, content: bytes) -> DocumentFormat:
    prolog = _PROLOG_RE.match(text)
    rest = text[prolog.end() :] if prolog else text
    root = _ROOT_TAG_RE.match(rest)
    if root is None:
        # A prolog longer than the sniffed head (a big DTD subset): look for a feed root.
        if _FEED_ROOT_BYTES_RE.search(content) is not None:
            return DocumentFormat.XML_FEED
        return DocumentFormat.HTML
    name = root.group(1).rsplit(":", 1)[-1].lower()
    if name in _FEED_ROOTS:
        return DocumentFormat.XML_FEED
    if name in _HTML_ROOTS or not text.startswith("<?xml"):
        return DocumentFormat.HTML
    raise ParseError(f"unsupported XML document: the root element is <{root.group(1)}>")


def _is_json_type(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type in ("application/json", "application/feed+json", "text/json") or (
        media_type.endswith("+json")
    )


def _looks_binary(head: str) -> bool:
    if "\x00" in head:
        return True
    controls = len(_CONTROL_RE.findall(head))
    return controls > max(2, len(head) * _MAX_CONTROL_SHARE)
