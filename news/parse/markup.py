"""Small text helpers shared by the parsers: element text, inner markup, plain-text titles."""

from __future__ import annotations

import html
import re

from lxml import etree

_TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^<>]*>|<!--.*?-->", re.DOTALL)
_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "em", "font", "i", "kbd", "mark", "q", "s",
     "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"}
)  # fmt: skip
_ENTITY_RE = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_XMLNS_RE = re.compile(r'\s+xmlns(?::[\w.\-]+)?="[^"]*"')
_BLANK_LINES_RE = re.compile(r"\n\s*\n")


def collapse_whitespace(value: str) -> str:
    """Join all runs of whitespace (including newlines and NBSP) into single spaces."""
    return " ".join(value.split())


def plain_text(value: str, *, markup: bool = False) -> str:
    """One line of plain text: tags stripped, entities decoded (always when `markup` is set)."""
    if "<" in value:
        value = _TAG_RE.sub(_tag_replacement, value)
    if "&" in value and (markup or _ENTITY_RE.search(value)):
        value = html.unescape(value)
    return collapse_whitespace(value)


def element_text(element: etree._Element) -> str:
    """All text inside an element (children included), unexpanded entities kept as `&name;`."""
    if len(element) == 0:
        return element.text or ""
    return "".join(element.itertext())


def inner_markup(element: etree._Element) -> str:
    """An element's content as a markup string: its (escaped-HTML) text, or its children."""
    if len(element) == 0:
        return element.text or ""
    if not has_child_elements(element):
        # Only unexpanded entity references (a DTD we did not load): they are markup already.
        return "".join(element.itertext())
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(etree.tostring(child, encoding="unicode", with_tail=True))
        else:
            parts.append(child.text or "" if _is_entity(child) else "")
            parts.append(html.escape(child.tail or "", quote=False))
    return _XMLNS_RE.sub("", "".join(parts))


def has_child_elements(element: etree._Element) -> bool:
    """True when an element has element children (not just entity references)."""
    return any(isinstance(child.tag, str) for child in element)


def text_to_html(text: str) -> str:
    """Escape plain text as HTML, one `<p>` per blank-line-separated paragraph."""
    paragraphs = [p.strip() for p in _BLANK_LINES_RE.split(text.strip()) if p.strip()]
    return "".join(
        f"<p>{html.escape(p, quote=False).replace(chr(10), '<br>')}</p>" for p in paragraphs
    )


def _tag_replacement(match: re.Match[str]) -> str:
    """Inline tags vanish ("<b>Big</b>s"), block tags leave a space between words."""
    name = match.group(1)
    return "" if name is not None and name.lower() in _INLINE_TAGS else " "


def _is_entity(node: etree._Element) -> bool:
    return isinstance(node, etree._Entity)
