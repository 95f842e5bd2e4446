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
# The WHATWG Encoding Standard's label table (https://encoding.spec.whatwg.org/#names-and-labels):
# each Python codec with the labels that name it. Browsers decode by this table, and so do
# we: "iso-8859-1" and "ascii" mean windows-1252, "gb2312" means GBK (read as GB18030, its
# superset), "shift_jis" means windows-31j. Labels the table maps to "replacement" (ISO-2022-KR,
# HZ...) are refused like unknown ones. Labels outside the table fall back to Python's codecs.
_WHATWG_LABELS: dict[str, tuple[str, ...]] = {
    "utf-8": ("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8",
              "x-unicode20utf8"),
    "cp866": ("866", "cp866", "csibm866", "ibm866"),
    "iso8859-2": ("csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592",
                  "iso_8859-2", "iso_8859-2:1987", "l2", "latin2"),
    "iso8859-3": ("csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593",
                  "iso_8859-3", "iso_8859-3:1988", "l3", "latin3"),
    "iso8859-4": ("csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594",
                  "iso_8859-4", "iso_8859-4:1988", "l4", "latin4"),
    "iso8859-5": ("csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5",
                  "iso88595", "iso_8859-5", "iso_8859-5:1988"),
    "iso8859-6": ("arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic",
                  "ecma-114", "iso-8859-6", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127",
                  "iso8859-6", "iso88596", "iso_8859-6", "iso_8859-6:1987"),
    "iso8859-7": ("csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7",
                  "iso-ir-126", "iso8859-7", "iso88597", "iso_8859-7", "iso_8859-7:1987",
                  "sun_eu_greek"),
    "iso8859-8": ("csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e",
                  "iso-ir-138", "iso8859-8", "iso88598", "iso_8859-8", "iso_8859-8:1988",
                  "visual", "csiso88598i", "iso-8859-8-i", "logical"),
    "iso8859-10": ("csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910", "l6",
                   "latin6"),
    "iso8859-13": ("iso-8859-13", "iso8859-13", "iso885913"),
    "iso8859-14": ("iso-8859-14", "iso8859-14", "iso885914"),
    "iso8859-15": ("csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15",
                   "l9"),
    "iso8859-16": ("iso-8859-16",),
    "koi8-r": ("cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"),
    "koi8-u": ("koi8-ru", "koi8-u"),
    "mac-roman": ("csmacintosh", "mac", "macintosh", "x-mac-roman"),
    "cp874": ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"),
    "cp1250": ("cp1250", "windows-1250", "x-cp1250"),
    "cp1251": ("cp1251", "windows-1251", "x-cp1251"),
    "cp1252": ("ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819",
               "iso-8859-1", "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1",
               "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252", "x-cp1252"),
    "cp1253": ("cp1253", "windows-1253", "x-cp1253"),
    "cp1254": ("cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599",
               "iso_8859-9", "iso_8859-9:1989", "l5", "latin5", "windows-1254", "x-cp1254"),
    "cp1255": ("cp1255", "windows-1255", "x-cp1255"),
    "cp1256": ("cp1256", "windows-1256", "x-cp1256"),
    "cp1257": ("cp1257", "windows-1257", "x-cp1257"),
    "cp1258": ("cp1258", "windows-1258", "x-cp1258"),
    "mac-cyrillic": ("x-mac-cyrillic", "x-mac-ukrainian"),
    "gb18030": ("chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80",
                "gbk", "iso-ir-58", "x-gbk", "gb18030"),
    "big5hkscs": ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    "euc_jp": ("cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"),
    "iso2022_jp": ("csiso2022jp", "iso-2022-jp"),
    "cp932": ("csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis",
              "windows-31j", "x-sjis"),
    "cp949": ("cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987",
              "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949"),
    "utf-16-be": ("unicodefffe", "utf-16be"),
    "utf-16-le": ("csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16",
                  "utf-16le"),
}  # fmt: skip
_REPLACEMENT_LABELS = frozenset(
    {"csiso2022kr", "hz-gb-2312", "iso-2022-cn", "iso-2022-cn-ext", "iso-2022-kr", "replacement"}
)
_CODEC_OF_LABEL: dict[str, str] = {
    label: codec for codec, labels in _WHATWG_LABELS.items() for label in labels
}
# Beyond the table: common spellings Python knows under another name, read as browsers would.
_CODEC_OF_LABEL.update({"latin-1": "cp1252", "iso8859_1": "cp1252", "iso_8859_1": "cp1252"})
# Windows-1252 as WHATWG defines it: the five bytes Python's cp1252 leaves undefined decode
# to the C1 code points of the same value instead of failing.
_CP1252_TABLE = {
    code: bytes([code]).decode("cp1252", errors="ignore") or chr(code)
    for code in range(0x80, 0xA0)
}
# EBCDIC: "<?xm" in code page 037 and its relatives (XML 1.0, appendix F).
_EBCDIC_XML = b"\x4c\x6f\xa7\x94"
_EBCDIC_DECLARATION_RE = re.compile(r"encoding\s*=\s*[\"']([A-Za-z0-9._:\-]+)[\"']")
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
    """Return the Python codec for a charset label (by the WHATWG table), or None when unknown."""
    if not name:
        return None
    label = name.strip(" \t\n\f\r").lower()
    codec = _CODEC_OF_LABEL.get(label)
    if codec is not None:
        return codec
    if label in _REPLACEMENT_LABELS:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def ebcdic_codec(content: bytes) -> str | None:
    """The EBCDIC code page of an XML document that starts with `<?xml` in EBCDIC, else None."""
    if not content.startswith(_EBCDIC_XML):
        return None
    declared = _EBCDIC_DECLARATION_RE.search(content[:200].decode("cp037"))
    if declared is not None:
        try:
            codec = codecs.lookup(declared.group(1)).name
        except LookupError:
            codec = ""
        if codec in _EBCDIC_CODECS:
            return codec
    return "cp037"


_EBCDIC_CODECS = frozenset({"cp037", "cp273", "cp424", "cp500", "cp875", "cp1026", "cp1140"})


def decode_bytes(content: bytes, codec: str, errors: str = "strict") -> str:
    """Decode with a Python codec; windows-1252 as WHATWG defines it (no undefined bytes)."""
    if codec == "cp1252":
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            return content.decode("latin-1").translate(_CP1252_TABLE)  # undefined bytes present
    return content.decode(codec, errors)


def decode_document(content: bytes, *, declared: tuple[str | None, ...] = ()) -> DecodedText:
    """Decode bytes to text: BOM, then valid UTF-8, then each declared charset, then detection."""
    bom = bom_encoding(content)
    if bom is not None:
        name, size = bom
        return _decode_with(content[size:], name, EncodingSource.BOM)
    wide = utf16_or_32_without_bom(content)
    if wide is not None:
        return _decode_with(content, wide, EncodingSource.DETECTED)
    ebcdic = ebcdic_codec(content)
    if ebcdic is not None:
        return DecodedText(content.decode(ebcdic), ebcdic, EncodingSource.DETECTED)
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
            text = decode_bytes(content, codec)
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
    text = decode_bytes(content, fallback, errors="replace")
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
        return DecodedText(decode_bytes(content, codec), codec, EncodingSource.DETECTED)
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
