"""XML namespace URIs of the feed formats and the extensions the parsers read."""

from __future__ import annotations

# Core RSS elements: no namespace (0.91/0.92/2.0), RSS 1.0 and 0.90 RDF, and the two URIs some
# RSS 2.0 generators wrongly declare as the default namespace.
RSS_CORE = (
    "",
    "http://purl.org/rss/1.0/",
    "http://my.netscape.com/rdf/simple/0.9/",
    "http://backend.userland.com/rss2",
    "http://backend.userland.com/rss",
    "http://blogs.law.harvard.edu/tech/rss",
    "http://purl.org/rss/1.0/modules/rss091#",
)
ATOM_10 = "http://www.w3.org/2005/Atom"
ATOM_03 = "http://purl.org/atom/ns#"  # Atom 0.2 and 0.3
# The drafts before Atom 0.2, when the format was called Echo, Pie or Necho.
ATOM_DRAFTS = (
    "http://purl.org/echo/",
    "http://purl.org/pie/",
    "http://example.com/newformat#",
    "http://example.com/necho",
    "uri/of/echo/namespace#",
)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
MEDIA = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")
# iTunes podcast tags: the URI in Apple's documentation, and the upper-case spelling most
# podcasts (and Apple's own early examples) declare; XML namespaces are case-sensitive.
ITUNES = (
    "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "http://www.itunes.com/DTDs/Podcast-1.0.dtd",
)
FEEDBURNER = "http://rssnamespace.org/feedburner/ext/1.0"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def clark(namespace: str, local: str) -> str:
    """The `{namespace}local` tag name lxml uses (just `local` without a namespace)."""
    return f"{{{namespace}}}{local}" if namespace else local


def split_tag(tag: str) -> tuple[str, str]:
    """Split a Clark tag name into (namespace, local name)."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag
