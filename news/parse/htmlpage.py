"""A single HTML article page: metadata from the head, main text extracted with trafilatura.

The content is plain text: one paragraph (or heading, quote, list item) per block, blocks
separated by blank lines, so the cleaner keeps the paragraphs.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from news.errors import ParseError
from news.models import DocumentKind, ParsedDocument, ParsedEntry
from news.parse.encoding import (
    charset_from_content_type,
    decode_document,
    html_declared_encoding,
)
from news.parse.htmlmeta import PageMetadata, read_page_metadata
from news.parse.markup import collapse_whitespace

_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_BLOCK_TAGS = frozenset({"p", "head", "quote", "code", "item", "cell"})


def parse_html_article(
    content: bytes, *, content_type: str | None = None, url: str | None = None
) -> ParsedDocument:
    """Parse an article page into a one-entry document; ParseError when it holds no article."""
    decoded = decode_document(
        content,
        declared=(charset_from_content_type(content_type), html_declared_encoding(content)),
    )
    text = _XML_DECLARATION_RE.sub("", decoded.text, count=1)
    root = _parse_html(text)
    metadata = read_page_metadata(root, url=url)
    paragraphs = extract_paragraphs(text, url=metadata.url or url)
    if paragraphs and metadata.title and paragraphs[0].casefold() == metadata.title.casefold():
        paragraphs = paragraphs[1:]  # the page's own <h1>, already the title
    if not paragraphs:
        raise ParseError(_no_article_message(metadata))
    title = metadata.title or paragraphs[0][:200]
    entry = ParsedEntry(
        guid=None,
        url=metadata.url,
        title=title,
        summary=metadata.description or "",
        content="\n\n".join(paragraphs),
        author=metadata.author,
        published_at=metadata.published_at,
        image_url=metadata.image_url,
        categories=metadata.tags,
        language=metadata.language,
    )
    return ParsedDocument(
        kind=DocumentKind.HTML_ARTICLE,
        title=metadata.site_name or title,
        link=metadata.url,
        language=metadata.language,
        entries=[entry],
    )


def extract_paragraphs(page: str, *, url: str | None = None) -> list[str]:
    """The main text of a page as paragraphs (trafilatura, precision first, then recall)."""
    # Imported here: trafilatura takes about a second to import and only page imports need it.
    import trafilatura

    for recall in (False, True):
        document: Any = trafilatura.bare_extraction(
            page,
            url=url,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            with_metadata=False,
            deduplicate=False,
            favor_recall=recall,
        )
        body = getattr(document, "body", None) if document is not None else None
        if body is not None:
            paragraphs = _blocks(body)
            if paragraphs:
                return paragraphs
    return []


def _parse_html(text: str) -> lxml_html.HtmlElement:
    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        return lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"not a readable HTML page: {exc}") from None


def _blocks(body: etree._Element) -> list[str]:
    """Text of each block element of trafilatura's output tree, line breaks kept."""
    paragraphs: list[str] = []
    for element in body.iter():
        if element.tag not in _BLOCK_TAGS or _inside_block(element):
            continue
        for line_break in element.iter("lb"):
            line_break.tail = "\n" + (line_break.tail or "")
        lines = (collapse_whitespace(line) for line in "".join(element.itertext()).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(f"- {text}" if element.tag == "item" else text)
    return paragraphs


def _inside_block(element: etree._Element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in _BLOCK_TAGS:
            return True
        parent = parent.getparent()
    return False


def _no_article_message(metadata: PageMetadata) -> str:
    message = "not an article page: no main text found"
    if metadata.feed_links:
        message += f" (the page links a feed: {metadata.feed_links[0]})"
    return message
