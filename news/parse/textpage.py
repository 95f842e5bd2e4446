"""Scraped plain-text articles: icon-label row, date line, headline (often twice), lede, body.

The page chrome a scraper picks up is dropped: the row of icon labels, share prompts,
"Subscribe to ..." / "Follow us on ..." lines, "Read more" and cookie notices. Lines of the form
`Also on <site> <headline>` are the publisher's related coverage: they become RelatedLinks and
leave the body. The lede (first paragraph) is the summary; the content is every paragraph, lede
included, as plain text separated by blank lines.
"""

from __future__ import annotations

import re
from datetime import datetime

from news.errors import ParseError
from news.models import DocumentKind, ParsedDocument, ParsedEntry, RelatedLink
from news.parse.dates import parse_date
from news.parse.encoding import EncodingSource, charset_from_content_type, decode_document
from news.parse.markup import collapse_whitespace

_MAX_CHROME_LENGTH = 300
_MAX_DATE_LINE_LENGTH = 60
_MAX_REPLACEMENT_SHARE = 0.05
_MIN_ICON_TOKENS = 5
_ICON_TOKEN_SHARE = 0.3

_ALSO_ON_RE = re.compile(
    r"also on\s+(?P<site>(?:[a-z0-9-]+\.)+[a-z]{2,})\s*[:\-\u2013\u2014|]?\s+(?P<title>\S.*)",
    re.IGNORECASE,
)
_READ_ALSO_RE = re.compile(
    r"(?:read (?:more|also)|also read|see also|related)\s*:\s+(?P<title>\S.*)", re.IGNORECASE
)
_URL_LINE_RE = re.compile(r"(?:(?:url|link|source)\s*:\s*)?(?P<url>https?://\S+)", re.IGNORECASE)
_DATE_PREFIX_RE = re.compile(
    r"(?:published|updated|last updated|posted|date)(?:\s+(?:time|on|at))?\s*:?\s*", re.IGNORECASE
)
_CHROME_RES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"(?:think your friends would be interested\?\s*)?share this (?:story|article|page)!?",
        r"you can share this (?:story|article) on social media:?",
        r"share(?: on| via)?(?:\s+(?:facebook|twitter|x|telegram|whatsapp|email|vk|reddit))*",
        r"(?:please\s+)?subscribe to\b.{0,100}",
        r"sign up (?:for|to)\b.{0,100}",
        r"follow us\b.{0,100}",
        r"follow (?:[\w.@'&-]+\s+){1,4}on (?:twitter|x|facebook|telegram|instagram|youtube|"
        r"tiktok|vk|linkedin|threads|bluesky|rumble|odysee|social media)\b.{0,60}",
        r"read more\.*:?|read full (?:story|article)\.*|continue reading\.*",
        r"(?:click|tap) here\b.{0,100}",
        r"advertisement|sponsored content|trending(?: now)?|comments?(?: \(\d+\))?",
        r"download (?:our|the)\b.{0,40}\bapp\b.{0,60}",
        r".{0,150}\b(?:this (?:web)?site|we) uses? cookies\b.{0,200}",
        r".{0,150}\b(?:accept|agree to)(?: (?:the|our))?(?: use of)? cookies\b.{0,200}",
        r".{0,150}\bcookie (?:policy|settings|preferences|notice)\b.{0,150}",
    )
)
_SENTENCE_END = (".", "!", "?", '"', "\u201d", "\u2019", ")", ":", ";", "\u2026")
_TITLE_SUFFIX_RE = re.compile(r"\s+[\u2014\u2013|\-]\s+[^\u2014\u2013|]{2,60}")


def parse_text_article(
    content: bytes, *, content_type: str | None = None, url: str | None = None
) -> ParsedDocument:
    """Parse a scraped plain-text article into a one-entry document; ParseError if unreadable."""
    decoded = decode_document(content, declared=(charset_from_content_type(content_type),))
    text = decoded.text
    if (
        decoded.source is EncodingSource.REPLACED
        and text.count("\ufffd") > len(text) * _MAX_REPLACEMENT_SHARE
    ):
        raise ParseError("not a text article: the bytes are not text in any known encoding")
    entry = read_text_article(text, url=url)
    return ParsedDocument(
        kind=DocumentKind.TEXT_ARTICLE, title=entry.title, link=entry.url, entries=[entry]
    )


def read_text_article(text: str, *, url: str | None = None) -> ParsedEntry:
    """Split scraped text into headline, date, lede, body paragraphs and related headlines."""
    lines = [collapse_whitespace(line) for line in text.splitlines()]
    headline: str | None = None
    published: datetime | None = None
    link = url
    related: list[RelatedLink] = []
    paragraphs: list[str] = []
    continues_paragraph = False
    for line in lines:
        if not line:
            continues_paragraph = False
            continue
        if _is_icon_row(line) or _is_chrome(line):
            continue
        if not paragraphs:  # header: headline, date and URL lines come before the lede
            if published is None and (found := _date_line(line)) is not None:
                published = found
                continue
            url_line = _URL_LINE_RE.fullmatch(line)
            if url_line is not None:
                link = link or url_line["url"]
                continue
            if headline is None:
                headline = line
                continue
            if _same_headline(headline, line):
                headline = _shorter_headline(headline, line)
                continue
        link_found = _related_link(line)
        if link_found is not None:
            related.append(link_found)
            continues_paragraph = False
            continue
        if continues_paragraph and _is_wrapped(paragraphs[-1], line):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        continues_paragraph = True
    if headline is None:
        raise ParseError("not a text article: no headline found")
    if not paragraphs:
        raise ParseError(f"not a text article: no text after the headline {headline[:60]!r}")
    return ParsedEntry(
        guid=None,
        url=link,
        title=headline,
        summary=paragraphs[0],
        content="\n\n".join(paragraphs),
        published_at=published,
        related=related,
    )


def _is_icon_row(line: str) -> bool:
    """The labels of a page's icon font, e.g. "icon bookmark-bicon cameraicon chevron downicon"."""
    tokens = line.split()
    icons = sum(1 for token in tokens if "icon" in token.lower())
    return icons >= _MIN_ICON_TOKENS and icons >= len(tokens) * _ICON_TOKEN_SHARE


def _is_chrome(line: str) -> bool:
    if len(line) > _MAX_CHROME_LENGTH:
        return False
    return any(pattern.fullmatch(line) for pattern in _CHROME_RES)


def _date_line(line: str) -> datetime | None:
    if len(line) > _MAX_DATE_LINE_LENGTH or not any(char.isdigit() for char in line):
        return None
    return parse_date(_DATE_PREFIX_RE.sub("", line, count=1))


def _related_link(line: str) -> RelatedLink | None:
    match = _ALSO_ON_RE.fullmatch(line)
    if match is not None:
        return RelatedLink(title=match["title"].strip(), site=match["site"].lower())
    match = _READ_ALSO_RE.fullmatch(line)
    if match is not None:
        return RelatedLink(title=match["title"].strip())
    return None


def _same_headline(first: str, second: str) -> bool:
    """The same headline twice, or once more with a " | Site" / " - Site" suffix."""
    a, b = first.casefold(), second.casefold()
    if a == b:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    suffix = longer[len(shorter) :]
    return longer.startswith(shorter) and _TITLE_SUFFIX_RE.fullmatch(suffix) is not None


def _shorter_headline(first: str, second: str) -> str:
    return first if len(first) <= len(second) else second


def _is_wrapped(previous: str, line: str) -> bool:
    """Hard wrapping: the previous line stops mid-sentence and this one goes on in lower case."""
    return not previous.endswith(_SENTENCE_END) and line[:1].islower()
