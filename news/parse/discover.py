"""Feed discovery: the feeds an HTML page links with `<link rel="alternate" type=...>`."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from news.errors import ParseError
from news.parse.detect import DocumentFormat, detect_format
from news.parse.encoding import (
    charset_from_content_type,
    decode_document,
    html_declared_encoding,
)
from news.parse.htmlmeta import read_page_metadata

_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")


def discover_feed_links(
    content: bytes, *, content_type: str | None = None, url: str | None = None
) -> list[str]:
    """Return the absolute URLs of the feeds a site's HTML page links (RSS, Atom, JSON Feed),
    in page order; empty for anything else: not HTML, no feed linked, or a page that says it
    is one article (JSON-LD, `og:type` article, a publication time), which is watched as is."""
    try:
        if detect_format(content, content_type) is not DocumentFormat.HTML:
            return []
        decoded = decode_document(
            content,
            declared=(charset_from_content_type(content_type), html_declared_encoding(content)),
        )
    except ParseError:  # binary or undecodable: no page to read links from
        return []
    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml_html.document_fromstring(
            _XML_DECLARATION_RE.sub("", decoded.text, count=1), parser=parser
        )
    except (etree.ParserError, ValueError):
        return []
    metadata = read_page_metadata(root, url=url)
    return [] if metadata.is_article else list(dict.fromkeys(metadata.feed_links))
