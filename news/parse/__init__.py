"""Document parsers: bytes of a feed, article page, scraped text or JSON in, ParsedDocument out.

`parse_document` is the one entry point. It never fetches anything: `url` is only the base for
relative links. What it reads, picked by sniffing the bytes (the content type is a hint):

* XML feeds: RSS 0.9x, RSS 1.0 (RDF), RSS 2.0, Atom 0.3 and 1.0 -> kind RSS or ATOM;
* JSON: JSON Feed 1.0/1.1, or a list of article objects (what `newsbot import` reads) -> JSON_FEED;
* HTML: a single article page -> HTML_ARTICLE with one entry;
* plain text: a scraped article (icon row, date line, headline, lede, body) -> TEXT_ARTICLE.

Everything unreadable raises `news.errors.ParseError` with a message saying why.
"""

from __future__ import annotations

from news.errors import ParseError
from news.models import ParsedDocument
from news.parse.detect import DocumentFormat, detect_format
from news.parse.discover import discover_feed_links
from news.parse.feeds import parse_xml_feed
from news.parse.htmlpage import parse_html_article
from news.parse.jsonfeed import parse_json_document
from news.parse.textpage import parse_text_article

__all__ = ["ParseError", "discover_feed_links", "parse_document"]


def parse_document(
    content: bytes, *, content_type: str | None = None, url: str | None = None
) -> ParsedDocument:
    """Parse a feed, article page, scraped text or JSON article list from bytes."""
    document_format = detect_format(content, content_type)
    if document_format is DocumentFormat.XML_FEED:
        return parse_xml_feed(content, content_type=content_type, url=url)
    if document_format is DocumentFormat.JSON:
        return parse_json_document(content, url=url)
    if document_format is DocumentFormat.HTML:
        return parse_html_article(content, content_type=content_type, url=url)
    return parse_text_article(content, content_type=content_type, url=url)
