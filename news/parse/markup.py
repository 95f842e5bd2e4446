"""Small text helpers shared by the parsers: element text, inner markup, plain-text titles.

Titles come in three kinds. Plain text (Atom `type="text"`, XHTML text) is shown as written:
it is never tag-stripped, so "History of the <blink> tag" keeps its `<blink>`. HTML (Atom
`type="html"`) loses its tags, and `<script>`/`<style>` elements and comments vanish with
their content. Untyped text (RSS, JSON Feed, categories) is read as HTML only when it looks
like HTML (a known tag, a closing tag, a comment), else as plain text.
"""

from __future__ import annotations

import html
import re
from copy import deepcopy

from lxml import etree

from news.clean import html_fragment_to_text, html_to_text, plain_to_text, tidy_line

_XMLNS_RE = re.compile(r'\s+xmlns(?::[\w.\-]+)?="[^"]*"')
_BLANK_LINES_RE = re.compile(r"\n\s*\n")
_HIDDEN_ELEMENTS = frozenset({"script", "style"})
_XHTML_PREFIX = "{http://www.w3.org/1999/xhtml}"


def collapse_whitespace(value: str) -> str:
    """Join all runs of whitespace (including newlines and NBSP) into single spaces."""
    return " ".join(value.split())


def plain_text(value: str, *, markup: bool = False) -> str:
    """One line of plain text from HTML (`markup`) or from text that may look like HTML."""
    if "<" not in value and "&" not in value:
        line = " ".join(value.split())
        return line if line.isascii() and line.isprintable() else tidy_line(line)
    text = html_fragment_to_text(value) if markup else html_to_text(value)
    return " ".join(text.split())


def literal_text(value: str) -> str:
    """One line of plain text as written: never tag-stripped, complete entities decoded."""
    if "&" not in value:
        line = " ".join(value.split())
        return line if line.isascii() and line.isprintable() else tidy_line(line)
    return " ".join(plain_to_text(value).split())


def element_text(element: etree._Element) -> str:
    """All text inside an element (children included), unexpanded entities kept as `&name;`."""
    if len(element) == 0:
        return element.text or ""
    return "".join(element.itertext())


def visible_text(element: etree._Element) -> str:
    """The text of an XHTML element and its descendants, without `<script>`/`<style>` ones."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            if tag.rpartition("}")[2].lower() not in _HIDDEN_ELEMENTS:
                parts.append(visible_text(child))
        elif _is_entity(child):
            parts.append(child.text or "")
        parts.append(child.tail or "")
    return "".join(parts)


def inner_markup(element: etree._Element, *, xhtml: bool = False) -> str:
    """An element's content as a markup string: its (escaped-HTML) text, or its children.

    The text of an `xhtml` element is text, not markup: its `<` and `&` are escaped.
    """
    if len(element) == 0:
        text = element.text or ""
        if not xhtml:
            return text
        # Text that mentions tags (&lt;p&gt;) is wrapped, so it is never taken for escaped HTML.
        text = html.escape(text, quote=False)
        return f"<div>{text}</div>" if "&lt;" in text else text
    if not has_child_elements(element):
        # Only unexpanded entity references (a DTD we did not load): they are markup already.
        return "".join(element.itertext())
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_serialize(child))
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


def _serialize(element: etree._Element) -> str:
    """An element as markup; XHTML written with a prefix (`<xhtml:p>`) loses it (`<p>`)."""
    if not any(node.prefix for node in element.iter() if isinstance(node.tag, str)):
        return etree.tostring(element, encoding="unicode", with_tail=True)
    copy = deepcopy(element)
    for node in copy.iter():
        if isinstance(node.tag, str) and node.tag.startswith(_XHTML_PREFIX):
            node.tag = node.tag[len(_XHTML_PREFIX) :]
    etree.cleanup_namespaces(copy)
    return etree.tostring(copy, encoding="unicode", with_tail=True)


def _is_entity(node: etree._Element) -> bool:
    return isinstance(node, etree._Entity)
