"""OPML 1.0/2.0 subscription lists: read outlines from bytes, write them back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from lxml import etree

from news.errors import ParseError


@dataclass(frozen=True, slots=True)
class Subscription:
    """One feed outline: its URL, a display name and the folder names above it as tags."""

    url: str
    name: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)


def parse_opml(content: bytes) -> list[Subscription]:
    """Return every feed outline (`xmlUrl`) in an OPML document, nested folders as tags."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"not an OPML document: {exc}") from None
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise ParseError("not an OPML document: the root element is not <opml>")
    body = next((el for el in root if _local(el) == "body"), None)
    if body is None:
        raise ParseError("not an OPML document: no <body>")
    found: list[Subscription] = []
    seen: set[str] = set()
    _collect(body, (), found, seen)
    return found


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _collect(
    parent: etree._Element, folders: tuple[str, ...], found: list[Subscription], seen: set[str]
) -> None:
    for outline in parent:
        if _local(outline) != "outline":
            continue
        attrs = {str(k).lower(): str(v).strip() for k, v in outline.attrib.items()}
        name = attrs.get("title") or attrs.get("text") or None
        url = attrs.get("xmlurl")
        if url:
            if url not in seen:
                seen.add(url)
                found.append(Subscription(url=url, name=name, tags=folders))
        else:
            _collect(outline, (*folders, name) if name else folders, found, seen)


def render_opml(subscriptions: Iterable[Subscription], *, title: str = "newsbot sources") -> str:
    """Render subscriptions as an OPML 2.0 document, grouped by their first tag."""
    groups: dict[str, list[Subscription]] = {}
    for sub in subscriptions:
        groups.setdefault(sub.tags[0] if sub.tags else "", []).append(sub)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_text(title)}</title></head>",
        "  <body>",
    ]
    for folder, subs in groups.items():
        indent = "    "
        if folder:
            lines.append(f"    <outline text={quoteattr(folder)} title={quoteattr(folder)}>")
            indent = "      "
        for sub in subs:
            name = sub.name or sub.url
            lines.append(
                f'{indent}<outline type="rss" text={quoteattr(name)} '
                f"title={quoteattr(name)} xmlUrl={quoteattr(sub.url)}/>"
            )
        if folder:
            lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
