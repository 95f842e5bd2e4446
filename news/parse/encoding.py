"""Bytes to text: byte-order mark first, then UTF-8 and declared charsets strictly, then detection.

A declaration is a claim, not a fact: a prolog that says utf-8 over windows-1251 bytes fails the
strict decode and falls through to detection; a header that says iso-8859-1 over bytes that are
valid UTF-8 loses to UTF-8, because non-ASCII text that happens to be valid UTF-8 is almost never
anything else.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from enum import StrEnum

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET_PARAM_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:\-]+)", re.IGNORECASE)
_XML_DECLARATION_RE = re.compile(
    rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:\-]+)[\"']", re.IGNORECASE
)
_HTML_META_CHARSET_RE = re.compile(
    rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9._:\-]+)", re.IGNORECASE
)
# Encodings whose every byte sequence decodes, so a strict decode proves nothing.
_PERMISSIVE = frozenset(
    {"iso8859-1", "iso8859-15", "cp1252", "iso8859-2", "cp1250", "iso8859-9", "cp1254"}
)
# Latin-1 letters with diacritics; Cyrillic or Greek bytes misread as Latin-1 are mostly these.
_ACCENTED_RUN_RE = re.compile("[\u00c0-\u00ff]{4,}")
_MOJIBAKE_RUNS = 3
_HTML_SNIFF_BYTES = 4096


class EncodingSource(StrEnum):
    """How the encoding of a document was established."""

    BOM = "bom"
    DECLARED = "declared"
    UTF8 = "utf-8"
    DETECTED = "detected"
    REPLACED = "replaced"  # nothing fitted; undecodable bytes became U+FFFD


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A document's text, the Python codec that produced it, and how that codec was chosen."""

    text: str
    encoding: str
    source: EncodingSource


def charset_from_content_type(content_type: str | None) -> str | None:
    """Return the `charset` parameter of an HTTP Content-Type header, if any."""
    if not content_type:
        return None
    match = _CHARSET_PARAM_RE.search(content_type)
    return match.group(1) if match else None


def xml_declared_encoding(content: bytes) -> str | None:
    """Return the encoding named in an XML declaration (`<?xml ... encoding="..."?>`)."""
    match = _XML_DECLARATION_RE.match(content[:300])
    return match.group(1).decode("ascii") if match else None


def html_declared_encoding(content: bytes) -> str | None:
    """Return the charset of a `<meta charset>` or `<meta http-equiv>` near the top of a page."""
    match = _HTML_META_CHARSET_RE.search(content[:_HTML_SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else None


def bom_encoding(content: bytes) -> tuple[str, int] | None:
    """Return (codec, BOM length) when the bytes start with a Unicode byte-order mark."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name, len(bom)
    return None


def utf16_or_32_without_bom(content: bytes) -> str | None:
    """Guess UTF-16/32 from the NUL layout of the first characters (XML 1.0, appendix F)."""
    head = content[:4]
    if len(head) < 4 or b"\x00" not in head:
        return None
    if head[:3] == b"\x00\x00\x00":
        return "utf-32-be"
    if head[1:4] == b"\x00\x00\x00":
        return "utf-32-le"
    if head[0] == 0 and head[2] == 0:
        return "utf-16-be"
    if head[1] == 0 and head[3] == 0:
        return "utf-16-le"
    return None


def normalise_codec(name: str | None) -> str | None:
    """Return Python's canonical codec name for a charset label, or None when unknown."""
    if not name:
        return None
    label = name.strip().lower()
    if label in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        label = "cp1252"  # what browsers and real feeds mean by these labels (WHATWG)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_document(content: bytes, *, declared: tuple[str | None, ...] = ()) -> DecodedText:
    """Decode bytes to text: BOM, then valid UTF-8, then each declared charset, then detection."""
    bom = bom_encoding(content)
    if bom is not None:
        name, size = bom
        return _decode_with(content[size:], name, EncodingSource.BOM)
    wide = utf16_or_32_without_bom(content)
    if wide is not None:
        return _decode_with(content, wide, EncodingSource.DETECTED)
    codecs_declared = [codec for codec in map(normalise_codec, declared) if codec is not None]
    if content.isascii() and not any(_is_stateful_7bit(c) for c in codecs_declared):
        return DecodedText(content.decode("ascii"), "ascii", EncodingSource.DECLARED)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        source = EncodingSource.DECLARED if "utf-8" in codecs_declared else EncodingSource.UTF8
        return DecodedText(text, "utf-8", source)
    for codec in codecs_declared:
        if codec == "utf-8":
            continue
        try:
            text = content.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if codec in _PERMISSIVE and _looks_misread(text):
            detected = _detect(content)
            if detected is not None and detected.encoding not in _PERMISSIVE:
                return detected
        return DecodedText(text, codec, EncodingSource.DECLARED)
    detected = _detect(content)
    if detected is not None:
        return detected
    fallback = codecs_declared[0] if codecs_declared else "utf-8"
    text = content.decode(fallback, errors="replace")
    return DecodedText(text, fallback, EncodingSource.REPLACED)


def _decode_with(content: bytes, codec: str, source: EncodingSource) -> DecodedText:
    try:
        return DecodedText(content.decode(codec), codec, source)
    except UnicodeDecodeError:
        return DecodedText(content.decode(codec, errors="replace"), codec, EncodingSource.REPLACED)


def _detect(content: bytes) -> DecodedText | None:
    best = from_bytes(content).best()
    if best is None or best.encoding is None:
        return None
    codec = normalise_codec(best.encoding) or best.encoding
    try:
        return DecodedText(content.decode(codec), codec, EncodingSource.DETECTED)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_misread(text: str) -> bool:
    """True when Latin-1 text has several long runs of accented letters (likely Cyrillic bytes)."""
    for runs, _ in enumerate(_ACCENTED_RUN_RE.finditer(text), start=1):
        if runs >= _MOJIBAKE_RUNS:
            return True
    return False


def _is_stateful_7bit(codec: str) -> bool:
    return codec.startswith("iso2022") or codec in ("utf-7", "hz")
