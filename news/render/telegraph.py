"""Telegraph pages (Instant View): HTML to Telegraph's node format, within its limits.

Telegraph takes a page's content as a JSON array of nodes: a node is a string (text) or
an element `{"tag": ..., "attrs": {"href" | "src": ...}, "children": [...]}`. Only these
tags are allowed: a, aside, b, blockquote, br, code, em, figcaption, figure, h3, h4, hr,
i, iframe, img, li, ol, p, pre, s, strong, u, ul, video; attributes are `href` and `src`.
The whole content may be at most 64 KB (its JSON, UTF-8), and a title 1-256 characters.

`html_to_nodes` converts any HTML fragment: other headings become h3/h4, formatting tags
their allowed equivalent, unknown containers are unwrapped (their content kept), scripts,
styles and forms are dropped with their content, links and sources must be http(s).
`fit_nodes` cuts the content to the limit at a block (or inside the last text that fits)
and ends it with a link to continue on the original. `article_page` builds an article's page.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Final, TypeAlias

from news.render.html import escape_html, http_url, truncate_words

Node: TypeAlias = "str | dict[str, object]"
"""A Telegraph node: text, or an element with `tag`, optional `attrs` and `children`."""

ALLOWED_TAGS: Final = frozenset(
    {
        "a", "aside", "b", "blockquote", "br", "code", "em", "figcaption", "figure", "h3",
        "h4", "hr", "i", "iframe", "img", "li", "ol", "p", "pre", "s", "strong", "u", "ul",
        "video",
    }
)  # fmt: skip
VOID_TAGS: Final = frozenset({"br", "hr", "img"})
ALLOWED_ATTRS: Final = frozenset({"href", "src"})
MAX_CONTENT_BYTES: Final = 64 * 1024
"""Telegraph's limit on a page's content: its JSON encoding, in bytes."""
MAX_TITLE_CHARS: Final = 256
MAX_AUTHOR_NAME_CHARS: Final = 128
MAX_AUTHOR_URL_CHARS: Final = 512
CONTINUE_TEXT: Final = "Continue reading on the original"
ORIGINAL_TEXT: Final = "Original article"
UNTITLED: Final = "Untitled"

_RENAMED: Final = {
    "h1": "h3", "h2": "h3", "h5": "h4", "h6": "h4", "del": "s", "strike": "s", "ins": "u",
    "tt": "code", "kbd": "code", "samp": "code", "cite": "i", "dfn": "i", "var": "i",
    "mark": "b", "section": "p", "article": "p", "main": "p", "div": "p",
}  # fmt: skip
_DROPPED: Final = frozenset(
    {
        "script", "style", "noscript", "template", "object", "svg", "math", "canvas", "nav",
        "form", "button", "select", "textarea", "head", "audio", "title",
    }
)  # fmt: skip
_BLOCKS: Final = frozenset(
    {"p", "aside", "blockquote", "figure", "h3", "h4", "hr", "ol", "ul", "pre", "li"}
)
_SOURCE_TAGS: Final = frozenset({"img", "iframe", "video"})


def node_size(node: Node) -> int:
    """Return a node's size as Telegraph counts it: the bytes of its JSON encoding."""
    return len(_json(node).encode())


def content_size(nodes: Sequence[Node]) -> int:
    """Return the size of a page's content (the JSON array of its nodes), in bytes."""
    if not nodes:
        return 2
    return 2 + sum(node_size(node) for node in nodes) + len(nodes) - 1


def content_json(nodes: Sequence[Node]) -> str:
    """Return the content as Telegraph's `content` parameter takes it."""
    return _json(list(nodes))


def _json(value: object) -> str:
    """Encode compactly, non-ASCII as is (the way the size is counted)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Converter(HTMLParser):
    """Builds Telegraph nodes from HTML as it is parsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Node] = []
        self._stack: list[tuple[str, list[Node]]] = []
        self._dropping = 0
        self._dropped_tag = ""

    def _children(self) -> list[Node]:
        """Return the list new nodes go into."""
        return self._stack[-1][1] if self._stack else self.root

    def _in_pre(self) -> bool:
        """Tell whether text is inside a `pre` (whitespace kept)."""
        return any(tag == "pre" for tag, _ in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an allowed element, or note a dropped or unwrapped one."""
        if self._dropping:
            if tag == self._dropped_tag:
                self._dropping += 1
            return
        if tag in _DROPPED:
            self._dropping, self._dropped_tag = 1, tag
            return
        name = _RENAMED.get(tag, tag)
        if name not in ALLOWED_TAGS:
            return  # unwrapped: its content flows into the parent
        kept = _attrs(name, attrs)
        if (name in _SOURCE_TAGS and "src" not in kept) or (name == "a" and not kept):
            return  # media without a source is dropped, a link without a target unwrapped
        if name in _BLOCKS and self._stack and self._stack[-1][0] == "p" and name != "li":
            self._close("p")  # a block inside a paragraph ends the paragraph, as browsers do
        if name in ("p", "h3", "h4", "li") and self._stack and self._stack[-1][0] == name:
            self._close(name)
        element: dict[str, object] = {"tag": name}
        if kept:
            element["attrs"] = kept
        self._children().append(element)
        if name in VOID_TAGS:
            return
        children: list[Node] = []
        element["children"] = children
        self._stack.append((name, children))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Treat `<br/>` like `<br>`; a self-closed container opens and closes at once."""
        self.handle_starttag(tag, attrs)
        if _RENAMED.get(tag, tag) not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        """Close the innermost open element of this name (and any left open inside it)."""
        if self._dropping:
            if tag == self._dropped_tag:
                self._dropping -= 1
            return
        self._close(_RENAMED.get(tag, tag))

    def _close(self, name: str) -> None:
        """Pop open elements up to and including the innermost `name`; none if not open."""
        if not any(tag == name for tag, _ in self._stack):
            return
        while self._stack:
            tag, _ = self._stack.pop()
            if tag == name:
                return

    def handle_data(self, data: str) -> None:
        """Add text; whitespace runs collapse to one space outside `pre`."""
        if self._dropping or not data:
            return
        text = data if self._in_pre() else " ".join(data.split())
        if not self._in_pre():
            if data[:1].isspace():
                text = " " + text
            if data[-1:].isspace() and text.strip():
                text += " "
            if not text.strip():
                text = " "
        children = self._children()
        if children and isinstance(children[-1], str):
            joined = children[-1] + text
            children[-1] = joined.replace("  ", " ") if not self._in_pre() else joined
        else:
            children.append(text)


def _attrs(tag: str, attrs: list[tuple[str, str | None]]) -> dict[str, str]:
    """Return the allowed attributes of an element: `href` of a link, `src` of media,
    only http(s) URLs."""
    kept: dict[str, str] = {}
    for name, value in attrs:
        if name not in ALLOWED_ATTRS or value is None:
            continue
        if (name == "href") != (tag == "a"):
            continue
        url = http_url(value.strip())
        if url is not None:
            kept[name] = url
    return kept


def html_to_nodes(html: str) -> list[Node]:
    """Convert an HTML fragment to Telegraph nodes (see the module's rules)."""
    converter = _Converter()
    converter.feed(html)
    converter.close()
    return _tidy(converter.root, top=True)


def _tidy(nodes: list[Node], *, top: bool = False) -> list[Node]:
    """Drop empty elements and blank text at block edges, recursively."""
    tidy: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            if node.strip() or (not top and tidy):
                tidy.append(node)
            continue
        children = node.get("children")
        if isinstance(children, list):
            node["children"] = _tidy(children)
            if not node["children"] and node["tag"] not in _SOURCE_TAGS | {"a"}:
                continue
            if not node["children"] and node["tag"] == "a":
                continue
        tidy.append(node)
    while tidy and isinstance(tidy[-1], str) and not tidy[-1].strip():
        tidy.pop()
    return tidy


def continue_node(url: str | None) -> dict[str, object]:
    """Return the closing paragraph of a cut page: a link to the rest on the original
    (an ellipsis when the original has no http(s) URL)."""
    if url is None:
        return {"tag": "p", "children": ["…"]}
    link = {"tag": "a", "attrs": {"href": url}, "children": [CONTINUE_TEXT + " →"]}
    return {"tag": "p", "children": [link]}


@dataclass(frozen=True, slots=True)
class FittedContent:
    """A page's content within the limit, and whether it had to be cut."""

    nodes: list[Node]
    truncated: bool
    size: int


def fit_nodes(
    nodes: Sequence[Node], original_url: str | None, *, limit: int = MAX_CONTENT_BYTES
) -> FittedContent:
    """Keep the nodes that fit in `limit` bytes; when some do not, cut the first of them
    (its text at a word) and end with a link to continue on `original_url`."""
    size = content_size(nodes)
    if size <= limit:
        return FittedContent(list(nodes), False, size)
    tail = continue_node(original_url)
    budget = limit - 2 - node_size(tail) - 1  # brackets, the tail and its comma
    kept: list[Node] = []
    used = 0
    for node in nodes:
        cost = node_size(node) + (1 if kept else 0)
        if used + cost <= budget:
            kept.append(node)
            used += cost
            continue
        room = budget - used - (1 if kept else 0)
        cut = _cut_node(node, room)
        if cut is not None:
            kept.append(cut)
        break
    kept.append(tail)
    return FittedContent(kept, True, content_size(kept))


def _cut_node(node: Node, room: int) -> Node | None:
    """Return the start of a node within `room` bytes (text cut at a word), or None."""
    if room <= 16:
        return None
    if isinstance(node, str):
        return _cut_text(node, room)
    children = node.get("children")
    if not isinstance(children, list) or not children:
        return None
    shell = {key: value for key, value in node.items() if key != "children"}
    overhead = node_size({**shell, "children": []})
    budget = room - overhead
    kept: list[Node] = []
    used = 0
    for child in children:
        cost = node_size(child) + (1 if kept else 0)
        if used + cost <= budget:
            kept.append(child)
            used += cost
            continue
        cut = _cut_node(child, budget - used - (1 if kept else 0))
        if cut is not None:
            kept.append(cut)
        break
    if not kept:
        return None
    return {**shell, "children": kept}


def _cut_text(text: str, room: int) -> str | None:
    """Return the start of a text whose JSON fits in `room` bytes, cut at a word."""
    low, high = 0, len(text)
    while low < high:  # the longest prefix whose JSON fits
        middle = (low + high + 1) // 2
        if node_size(text[:middle] + "…") <= room:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return None
    cut = truncate_words(text, low + 1)
    while cut and node_size(cut) > room:
        cut = cut[:-2] + "…"
    return cut or None


@dataclass(frozen=True, slots=True)
class PageDraft:
    """A page to create: its title, byline and content within Telegraph's limits."""

    title: str
    author_name: str
    author_url: str | None
    nodes: list[Node]
    truncated: bool


def article_html(body: str, image_url: str | None, url: str) -> str:
    """Return an article as HTML: its image, its paragraphs (plain text, blank-line
    separated, single newlines kept as line breaks), then a link to the original."""
    parts: list[str] = []
    image = http_url(image_url) if image_url else None
    if image is not None:
        parts.append(f'<figure><img src="{escape_html(image, quote=True)}"></figure>')
    for paragraph in body.split("\n\n"):
        lines = [escape_html(line.strip()) for line in paragraph.split("\n") if line.strip()]
        if lines:
            parts.append("<p>" + "<br>".join(lines) + "</p>")
    link = http_url(url)
    if link is not None:
        parts.append(f'<p><a href="{escape_html(link, quote=True)}">{ORIGINAL_TEXT} →</a></p>')
    return "".join(parts)


def article_page(
    *,
    title: str,
    body: str,
    url: str,
    image_url: str | None = None,
    source_name: str = "",
    limit: int = MAX_CONTENT_BYTES,
) -> PageDraft:
    """Build the page of an article: title and byline cut to Telegraph's limits, content
    converted and fitted to `limit` bytes (a cut page ends with a link to the rest)."""
    clean_title = " ".join(title.split())[: MAX_TITLE_CHARS * 4]
    page_title = truncate_words(clean_title, MAX_TITLE_CHARS) if clean_title else UNTITLED
    page_title = page_title[:MAX_TITLE_CHARS] or UNTITLED
    author = " ".join(source_name.split())[:MAX_AUTHOR_NAME_CHARS]
    link = http_url(url)
    author_url = link if link is not None and len(link) <= MAX_AUTHOR_URL_CHARS else None
    fitted = fit_nodes(html_to_nodes(article_html(body, image_url, url)), link, limit=limit)
    return PageDraft(page_title, author, author_url, fitted.nodes, fitted.truncated)
