"""XML feeds: parse the bytes safely, then read them as RSS or Atom by their root element."""

from __future__ import annotations

from news.errors import ParseError
from news.models import ParsedDocument
from news.parse.atom import read_atom
from news.parse.namespaces import split_tag
from news.parse.rss import read_rss
from news.parse.xmltree import parse_feed_xml

_RSS_ROOTS = frozenset({"rss", "RDF", "rdf", "channel"})
_ATOM_ROOTS = frozenset({"feed"})


def parse_xml_feed(
    content: bytes, *, content_type: str | None = None, url: str | None = None
) -> ParsedDocument:
    """Parse RSS 0.9x/1.0/2.0 or Atom 0.3/1.0 bytes; ParseError when no feed is recoverable."""
    tree = parse_feed_xml(content, content_type=content_type, base_url=url)
    tag = tree.root.tag
    local = split_tag(tag)[1] if isinstance(tag, str) else ""
    if local in _RSS_ROOTS:
        document = read_rss(tree, base_url=url)
    elif local in _ATOM_ROOTS:
        document = read_atom(tree, base_url=url)
    else:
        raise ParseError(f"not a feed: the XML root element is <{local or '?'}>")
    if tree.recovered and not document.entries and document.title is None:
        raise ParseError(f"not a readable XML feed: {tree.error}")
    return document
