"""A route's own post format: a small, safe template language over Telegram HTML.

A template is Telegram HTML with fields in braces::

    <b>{title}</b>\\n{lede}\\n\\n<a href="{link}">{source}</a> · {time}\\n{tags}

Fields: `title`, `link`, `lede`, `source`, `time`, `tags`, `author`, `image`. Every field
value is escaped for Telegram HTML (quotes too, so `href="{link}"` is safe); nothing a feed
writes can add markup. `{{` and `}}` are literal braces; `\\n` (two characters, as typed in
a shell or a chat) is a line break. The template's own markup may use only the tags
Telegram accepts (`b`, `i`, `u`, `s`, `a href`, `code`, `pre`, `blockquote`, `tg-spoiler`
and their aliases), balanced; `<`, `>` and `&` elsewhere must be written `&lt;`, `&gt;`,
`&amp;`.

Rendering leaves out the lines that only held empty fields, then fits Telegram's limit
(4096 UTF-16 units for a message, 1024 for a caption, counted after entity parsing): the
lede is cut (or dropped), then the title. A template whose fixed text alone is over the
limit is refused when it is set (`validate_template`).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from news.render.hashtags import hashtags
from news.render.html import clean_text, escape_html, http_url, truncate_words, utf16_len
from news.render.post import (
    INVISIBLE,
    MAX_CAPTION_UNITS,
    MAX_SOURCE_UNITS,
    MAX_TEXT_UNITS,
    MIN_LEDE_UNITS,
    POST_LEDE_UNITS,
    UNTITLED,
    PostContent,
    format_time,
    post_lede,
)

FIELDS: Final = ("title", "link", "lede", "source", "time", "tags", "author", "image")
MAX_TEMPLATE_CHARS: Final = 2000
"""The longest template accepted (a post template, not a page)."""
ALLOWED_TAGS: Final = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-spoiler",
    }
)
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*"
    r"(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*(/?)>"
)
_ATTRIBUTE = re.compile(
    r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?"
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_FIELD_MARK = "\ue000"
"""Stands in for a field while the template's own markup is checked."""
_MIN_TITLE_UNITS = 20


class TemplateError(ValueError):
    """A template that cannot be used, with one line saying why."""


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed, checked template: literal HTML pieces and field names, in order."""

    source: str
    """As the admin wrote it."""
    pieces: tuple[tuple[bool, str], ...]
    """`(True, name)` for a field, `(False, html)` for literal markup."""

    @property
    def fields(self) -> frozenset[str]:
        """Return the names of the fields the template uses."""
        return frozenset(text for is_field, text in self.pieces if is_field)


def parse_template(text: str) -> Template:
    """Parse and check a template; `TemplateError` (one line) when it cannot be used."""
    if not text.strip():
        raise TemplateError("the template is empty")
    if len(text) > MAX_TEMPLATE_CHARS:
        raise TemplateError(
            f"the template is {len(text)} characters long, more than {MAX_TEMPLATE_CHARS}"
        )
    unescaped = text.replace("\\n", "\n")
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in _TOKEN.finditer(unescaped):
        if match.start() > position:
            pieces.append((False, unescaped[position : match.start()]))
        token = match.group(0)
        if token in ("{{", "}}"):
            pieces.append((False, token[0]))
        elif match.group(1) is None:
            raise TemplateError(
                f"unmatched {token!r} at character {match.start() + 1}: "
                f"write {token * 2} for a brace"
            )
        else:
            name = match.group(1).strip()
            if name not in FIELDS:
                raise TemplateError(f"unknown field {{{name}}}: use one of " + ", ".join(FIELDS))
            pieces.append((True, name))
        position = match.end()
    if position < len(unescaped):
        pieces.append((False, unescaped[position:]))
    merged = _merge_literals(pieces)
    _check_markup("".join(_FIELD_MARK if is_field else text for is_field, text in merged))
    return Template(text, merged)


def validate_template(text: str, *, caption: bool = False) -> Template:
    """Parse a template and render it on a long sample article; `TemplateError` when it
    cannot be used or its fixed text leaves no room within Telegram's limit."""
    template = parse_template(text)
    render_template(template, SAMPLE, limit=MAX_CAPTION_UNITS if caption else MAX_TEXT_UNITS)
    return template


def field_values(content: PostContent) -> dict[str, str]:
    """Return every field's plain text for one post (empty when the article lacks it)."""
    title = clean_text(content.title)
    return {
        "title": title if title.strip(INVISIBLE) else UNTITLED,
        "link": http_url(content.url) or "",
        "lede": post_lede(content.summary, POST_LEDE_UNITS),
        "source": truncate_words(clean_text(content.source_name), MAX_SOURCE_UNITS),
        "time": format_time(content.published_at) if content.published_at else "",
        "tags": " ".join(hashtags(content.tags)),
        "author": clean_text(content.author or ""),
        "image": http_url(content.image_url) or "",
    }


def render_template(template: Template, content: PostContent, *, limit: int) -> tuple[str, int]:
    """Render a template on a post's content within `limit` UTF-16 units (after entity
    parsing); return the HTML and that length. `TemplateError` when even with the lede
    dropped and the title cut it does not fit, or when nothing is left to show (a template
    of fields this article lacks: the post then keeps the channel style's layout)."""
    values = field_values(content)
    rendered = _assemble(template, values)
    length = parsed_length(rendered)
    for name, floor in (("lede", MIN_LEDE_UNITS), ("title", _MIN_TITLE_UNITS)):
        uses = sum(1 for is_field, text in template.pieces if is_field and text == name)
        if length <= limit or not uses or not values[name]:
            continue
        keep = utf16_len(values[name]) - math.ceil((length - limit) / uses)
        if keep >= floor:
            values[name] = truncate_words(values[name], keep)
        else:
            values[name] = "" if name == "lede" else truncate_words(values[name], floor)
        rendered = _assemble(template, values)
        length = parsed_length(rendered)
    if not html.unescape(_TAG.sub("", rendered)).strip(INVISIBLE + "\n\t"):
        raise TemplateError("the template renders to an empty post for this article")
    if length > limit:
        raise TemplateError(
            f"the template renders to {length} characters, over Telegram's limit of {limit}"
            + (" for a photo caption" if limit == MAX_CAPTION_UNITS else "")
        )
    return rendered, length


def parsed_length(markup: str) -> int:
    """Return the length, in UTF-16 units, of the text Telegram shows for this HTML."""
    return utf16_len(html.unescape(_TAG.sub("", markup)))


def _assemble(template: Template, values: Mapping[str, str]) -> str:
    """Join the pieces with escaped values; drop lines left blank, trim the ends."""
    text = "".join(
        escape_html(values[text], quote=True) if is_field else text
        for is_field, text in template.pieces
    )
    return _BLANK_LINES.sub("\n\n", text).strip()


def _merge_literals(pieces: list[tuple[bool, str]]) -> tuple[tuple[bool, str], ...]:
    """Join neighbouring literal pieces (an escaped brace splits them)."""
    merged: list[tuple[bool, str]] = []
    for is_field, text in pieces:
        if merged and not is_field and not merged[-1][0]:
            merged[-1] = (False, merged[-1][1] + text)
        else:
            merged.append((is_field, text))
    return tuple(merged)


def _check_markup(skeleton: str) -> None:
    """Refuse markup Telegram would refuse: unknown or unbalanced tags, a bare `<` or `&`."""
    open_tags: list[str] = []
    position = 0
    while position < len(skeleton):
        char = skeleton[position]
        if char == "<":
            tag = _TAG.match(skeleton, position)
            if tag is None:
                raise TemplateError(
                    f"a bare '<' in {_near(skeleton, position)}: write &lt; for the sign"
                )
            _check_tag(tag, open_tags)
            position = tag.end()
        elif char == "&":
            if _ENTITY.match(skeleton, position) is None:
                raise TemplateError(
                    f"a bare '&' in {_near(skeleton, position)}: write &amp; for the sign"
                )
            position += 1
        elif char == ">":
            raise TemplateError(
                f"a bare '>' in {_near(skeleton, position)}: write &gt; for the sign"
            )
        else:
            position += 1
    if open_tags:
        raise TemplateError(f"<{open_tags[-1]}> is never closed")


def _near(skeleton: str, position: int) -> str:
    """Quote the template around a position (fields shown as `{…}`), on one line."""
    around = skeleton[max(0, position - 10) : position + 10].replace(_FIELD_MARK, "{…}")
    return repr(" ".join(around.split()))


def _check_tag(tag: re.Match[str], open_tags: list[str]) -> None:
    """Check one tag against the allowed set and the tags still open."""
    closing, name = tag.group(1) == "/", tag.group(2).lower()
    if name not in ALLOWED_TAGS:
        raise TemplateError(
            f"Telegram does not accept the tag <{name}>: use " + ", ".join(sorted(ALLOWED_TAGS))
        )
    if closing:
        if not open_tags or open_tags[-1] != name:
            raise TemplateError(f"</{name}> closes a tag that is not open")
        open_tags.pop()
        return
    if tag.group(4):
        raise TemplateError(f"<{name}/> must be written as <{name}></{name}>")
    attributes = {m.group(1).lower() for m in _ATTRIBUTE.finditer(tag.group(3))}
    if name == "a" and "href" not in attributes:
        raise TemplateError('<a> needs an address: <a href="{link}">')
    open_tags.append(name)


SAMPLE: Final = PostContent(
    article_id=1,
    title="A long headline about the harbour council's winter ferry timetable " * 3,
    url="https://news.example/2026/11/30/harbour-council-votes-on-the-winter-ferry-timetable",
    summary="Councillors met late on Tuesday to settle the winter timetable. " * 20,
    source_name="The Harbour Courier",
    published_at=datetime(2026, 11, 30, 14, 5, tzinfo=UTC),
    tags=("Harbour", "Ferries", "Council", "Winter"),
    image_url="https://news.example/images/harbour-ferry-at-dawn.jpg",
    author="Staff Writer",
)
"""A long article: a template that fits with it fits with (nearly) any."""
