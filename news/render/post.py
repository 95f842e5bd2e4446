"""Channel posts and inline messages as Telegram HTML, always within Telegram's limits.

Layout of the `text` and `photo` styles (blocks separated by a blank line, empty ones left
out)::

    <b><a href="URL">Title</a></b>

    The lede, cut at a sentence or word boundary.

    Source · 30 Nov 2026 14:05
    #Syria #Idlib

    Also: <a href="URL1">Earlier headline</a>
    Also: <a href="URL2">Another one</a>

    <a href="PAGE">Read in Telegram</a> · <a href="URL">Original</a>

The last line is there only when the article's full text has a Telegraph page (a route
with `full_text`); a `text` post then previews that page (Instant View) instead of the
article. In the `photo` style an article with 2-10 usable images is an album: the same
layout is the caption of its first photo, and a follow-up message (the source's name
linked to the article) carries the buttons, since an album cannot. `compact` is the linked
title and the source name on the next line (and the full-text line under them). Dates are
UTC. Only
http(s) URLs are linked; a title whose URL is not is shown bold without a link, a related
headline without one is shown as plain text.

Every text is cleaned (one line, controls removed) and escaped, so the parsed text is
exactly the plain text assembled here and its length is known before any markup is
written. When it is over the limit (4096 UTF-16 units for messages, 1024 for captions) the
parts are given up in this order: the lede is cut (or dropped when too little of it would
remain), then the related lines, then the hashtags, then the title text is cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from news.models import RelatedLink
from news.render.buttons import Keyboard, post_keyboard
from news.render.hashtags import hashtags
from news.render.html import clean_text, escape_html, http_url, truncate_words, utf16_len

MAX_TEXT_UNITS = 4096
MAX_CAPTION_UNITS = 1024
MIN_ALBUM_PHOTOS = 2
MAX_ALBUM_PHOTOS = 10
"""A Telegram album (media group) holds 2-10 items."""
READ_MORE = "Read the article"
"""The follow-up of an album links the article with the source's name, or with this."""
POST_LEDE_UNITS = 700
"""The lede of a channel post is cut to this many UTF-16 units even when more would fit."""
INLINE_LEDE_UNITS = 300
"""The lede of a message sent from an inline result is shorter: a share, not a read."""
MIN_LEDE_UNITS = 40
"""When fitting a limit leaves less than this for the lede, the lede is dropped instead."""
MAX_SOURCE_UNITS = 64
MAX_RELATED_TITLE_UNITS = 150
MAX_RELATED = 2
UNTITLED = "Untitled"
RELATED_PREFIX = "Also: "
FULL_TEXT_LABEL = "Read in Telegram"
"""The link to the article's full text on its Telegraph page (Instant View)."""
ORIGINAL_LABEL = "Original"
LINK_SEPARATOR = " · "
# Characters Telegram strips as "empty" around a text: a title of only these shows nothing.
_INVISIBLE = " \u180e\u200b\u200c\u200d\u200e\u200f\u2800\u3164\ufeff\uffa0"
INVISIBLE = _INVISIBLE
"""What Telegram strips around a text as empty (a text of only these shows nothing)."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class PostStyle(StrEnum):
    """How a channel shows its posts."""

    TEXT = "text"
    """A text message with a large link preview of the article."""
    PHOTO = "photo"
    """The article's image with the post as its caption (<= 1024); `text` without an image."""
    COMPACT = "compact"
    """The linked title and the source only, no preview."""


@dataclass(frozen=True, slots=True)
class PostContent:
    """What a post shows, independent of storage and Telegram; texts are plain (not HTML)."""

    article_id: int
    title: str
    url: str
    summary: str = ""
    """The lede: the first paragraph or the feed's summary, plain text."""
    source_name: str = ""
    published_at: datetime | None = None
    """Timezone-aware; shown in UTC."""
    tags: tuple[str, ...] = ()
    """Tags in their display forms; each becomes a hashtag when it can."""
    image_url: str | None = None
    related: tuple[RelatedLink, ...] = ()
    """Earlier related articles, newest first; the first two are shown."""
    author: str | None = None
    """The article's author, when the feed names one (route templates can show it)."""
    image_urls: tuple[str, ...] = ()
    """Every image of the article in order: with two or more, a `photo` post is an album."""
    full_text_url: str | None = None
    """The article's full text as a Telegraph page, linked beside the original."""

    def __post_init__(self) -> None:
        """Refuse an invalid article id or a naive publication time."""
        if isinstance(self.article_id, bool) or not isinstance(self.article_id, int):
            raise TypeError(f"article_id must be an int, got {self.article_id!r}")
        if self.article_id <= 0:
            raise ValueError(f"article_id must be positive, got {self.article_id}")
        if self.published_at is not None and self.published_at.utcoffset() is None:
            raise ValueError("published_at must be timezone-aware")


@dataclass(frozen=True, slots=True)
class RenderedPost:
    """A post ready to send: HTML text (or caption), how to send it, and its buttons."""

    style: PostStyle
    """The style used: `photo` becomes `text` when the article has no usable image."""
    text: str
    """Telegram HTML (parse_mode HTML): the message text, or the photo's caption."""
    text_length: int
    """Length of the text after entity parsing, in UTF-16 units (within the limit)."""
    photo_url: str | None
    """For `photo`: the image to send with sendPhoto; else None."""
    link_preview_url: str | None
    """For `text`: the URL to preview (the article); None means no link preview."""
    prefer_large_media: bool
    """Ask for the large version of the preview's media."""
    buttons: Keyboard
    """Rows of inline buttons: Save and Share."""
    show_above: bool = False
    """Show the link preview above the text (a route's `large` preview)."""
    album: tuple[str, ...] = ()
    """For `photo` with 2-10 usable images: the album's photos, in order (the caption goes
    on the first); empty for a single photo."""
    follow_up: str | None = None
    """For an album: the HTML of the message after it that carries the buttons (an album
    cannot): the article linked with its source's name."""

    @property
    def disable_link_preview(self) -> bool:
        """Tell whether the message should be sent without a link preview."""
        return self.link_preview_url is None


def render_post(
    content: PostContent, *, style: str, lede_units: int = POST_LEDE_UNITS
) -> RenderedPost:
    """Render a channel post in a style (`text`, `photo` or `compact`); raise on other styles."""
    chosen = PostStyle(style)
    album = album_photos(content) if chosen is PostStyle.PHOTO else ()
    photo_url = http_url(content.image_url) if chosen is PostStyle.PHOTO else None
    if album:
        photo_url = album[0]
    if chosen is PostStyle.PHOTO and photo_url is None:
        chosen = PostStyle.TEXT
    buttons = post_keyboard(content.article_id)
    if chosen is PostStyle.COMPACT:
        layout = _compact_layout(content)
        layout.fit(MAX_TEXT_UNITS)
        return RenderedPost(chosen, layout.html(), layout.length, None, None, False, buttons)
    layout = _full_layout(content, lede_units)
    if chosen is PostStyle.PHOTO:
        layout.fit(MAX_CAPTION_UNITS)
        follow_up = _follow_up(content) if album else None
        return RenderedPost(
            chosen,
            layout.html(),
            layout.length,
            photo_url,
            None,
            False,
            buttons,
            album=album,
            follow_up=follow_up,
        )
    layout.fit(MAX_TEXT_UNITS)
    preview = http_url(content.full_text_url) or layout.title_url
    return RenderedPost(
        chosen, layout.html(), layout.length, None, preview, preview is not None, buttons
    )


def album_photos(content: PostContent) -> tuple[str, ...]:
    """Return the http(s) images of an article for an album (2-10, in order, each once), or
    () when fewer than two are usable."""
    photos: list[str] = []
    for url in content.image_urls:
        usable = http_url(url)
        if usable is not None and usable not in photos:
            photos.append(usable)
    return tuple(photos[:MAX_ALBUM_PHOTOS]) if len(photos) >= MIN_ALBUM_PHOTOS else ()


def _follow_up(content: PostContent) -> str:
    """Return the follow-up of an album: the article linked with its source's name."""
    label = _source(content) or READ_MORE
    return _Part(label, http_url(content.url)).link_html()


def render_inline_message(content: PostContent, *, lede_units: int = INLINE_LEDE_UNITS) -> str:
    """Render the message an inline result sends: the `text` layout with a shorter lede."""
    layout = _full_layout(content, lede_units)
    layout.fit(MAX_TEXT_UNITS)
    return layout.html()


def format_time(moment: datetime) -> str:
    """Format a timezone-aware time as `30 Nov 2026 14:05` in UTC (locale-independent)."""
    utc = moment.astimezone(UTC)
    return f"{utc.day} {_MONTHS[utc.month - 1]} {utc.year} {utc.hour:02d}:{utc.minute:02d}"


@dataclass(slots=True)
class _Part:
    """A piece of plain text, its link when it has one, and its length in UTF-16 units."""

    text: str
    url: str | None = None
    length: int = field(init=False)

    def __post_init__(self) -> None:
        """Measure the text once."""
        self.length = utf16_len(self.text)

    def link_html(self) -> str:
        """Return the text escaped, inside a link when there is a URL."""
        if self.url is None:
            return escape_html(self.text)
        return f'<a href="{escape_html(self.url, quote=True)}">{escape_html(self.text)}</a>'


@dataclass(slots=True)
class _Layout:
    """The parts of a post in plain text, measured, and cut down until they fit."""

    title: _Part
    lede: _Part
    meta: _Part
    tags: list[_Part]
    related: list[_Part]
    block_separator: str = "\n\n"
    links: list[_Part] = field(default_factory=list)
    """The full-text page and the original, on the last line (never cut)."""

    @property
    def title_url(self) -> str | None:
        """Return the article URL when the title links to it."""
        return self.title.url

    @property
    def length(self) -> int:
        """Return the length of the parsed text in UTF-16 units."""
        blocks = [self.title.length]
        if self.lede.length:
            blocks.append(self.lede.length)
        meta_lines = [self.meta.length] if self.meta.length else []
        if self.tags:
            meta_lines.append(sum(tag.length for tag in self.tags) + len(self.tags) - 1)
        if meta_lines:
            blocks.append(sum(meta_lines) + len(meta_lines) - 1)
        if self.related:
            related = (len(RELATED_PREFIX) + part.length for part in self.related)
            blocks.append(sum(related) + len(self.related) - 1)
        if self.links:
            separators = len(LINK_SEPARATOR) * (len(self.links) - 1)
            blocks.append(sum(part.length for part in self.links) + separators)
        return sum(blocks) + len(self.block_separator) * (len(blocks) - 1)

    def fit(self, limit: int) -> None:
        """Cut the lede, then drop related lines and hashtags, then cut the title, to fit."""
        over = self.length - limit
        if over > 0 and self.lede.length:
            keep = self.lede.length - over
            lede = truncate_words(self.lede.text, keep) if keep >= MIN_LEDE_UNITS else ""
            self.lede = _Part(lede)
            over = self.length - limit
        while over > 0 and self.related:
            self.related.pop()
            over = self.length - limit
        while over > 0 and self.tags:
            self.tags.pop()
            over = self.length - limit
        if over > 0:
            # The source line is capped (MAX_SOURCE_UNITS plus a date), so with everything
            # else gone at least ~930 units are left for the title even in a caption.
            self.title = _Part(
                truncate_words(self.title.text, self.title.length - over), self.title.url
            )
        assert self.length <= limit, "the source line is capped far below any limit"

    def html(self) -> str:
        """Return the Telegram HTML of the parts."""
        blocks = [f"<b>{self.title.link_html()}</b>"]
        if self.lede.length:
            blocks.append(escape_html(self.lede.text))
        meta_lines = [escape_html(self.meta.text)] if self.meta.length else []
        if self.tags:
            meta_lines.append(" ".join(escape_html(tag.text) for tag in self.tags))
        if meta_lines:
            blocks.append("\n".join(meta_lines))
        if self.related:
            blocks.append("\n".join(RELATED_PREFIX + part.link_html() for part in self.related))
        if self.links:
            blocks.append(LINK_SEPARATOR.join(part.link_html() for part in self.links))
        return self.block_separator.join(blocks)


def _title_part(content: PostContent) -> _Part:
    """Return the title (never blank) linked to the article when its URL is http(s)."""
    title = clean_text(content.title)
    if not title.strip(_INVISIBLE):
        title = UNTITLED
    return _Part(title, http_url(content.url))


def _source(content: PostContent) -> str:
    """Return the cleaned source name, cut to `MAX_SOURCE_UNITS`."""
    return truncate_words(clean_text(content.source_name), MAX_SOURCE_UNITS)


def _full_layout(content: PostContent, lede_units: int) -> _Layout:
    """Build the parts of the `text`/`photo` layout, lede cut to its budget."""
    source = _source(content)
    when = format_time(content.published_at) if content.published_at else ""
    meta = " · ".join(part for part in (source, when) if part)
    return _Layout(
        title=_title_part(content),
        lede=_Part(post_lede(content.summary, lede_units)),
        meta=_Part(meta),
        tags=[_Part(tag) for tag in hashtags(content.tags)],
        related=_related_parts(content.related),
        links=_full_text_links(content),
    )


def post_lede(summary: str, units: int) -> str:
    """Return the cleaned lede cut to `units`, cleaning only the start of a long summary."""
    # Cleaning only collapses whitespace, so the cleaned start of the text is the start of
    # the cleaned text; it is enough when it reaches past the cut (the character after the
    # cut decides whether the cut falls on a word boundary).
    head = clean_text(summary[: 4 * units + 64])
    if len(head) <= units + 1 and len(summary) > 4 * units + 64:
        head = clean_text(summary)
    return truncate_words(head, units)


def _compact_layout(content: PostContent) -> _Layout:
    """Build the parts of the `compact` layout: title and source."""
    return _Layout(
        title=_title_part(content),
        lede=_Part(""),
        meta=_Part(_source(content)),
        tags=[],
        related=[],
        block_separator="\n",
        links=_full_text_links(content),
    )


def _full_text_links(content: PostContent) -> list[_Part]:
    """Return the full-text page and the original as links, when there is a page."""
    page = http_url(content.full_text_url)
    if page is None:
        return []
    original = http_url(content.url)
    links = [_Part(FULL_TEXT_LABEL, page)]
    if original is not None:
        links.append(_Part(ORIGINAL_LABEL, original))
    return links


def _related_parts(related: Sequence[RelatedLink]) -> list[_Part]:
    """Return up to `MAX_RELATED` related headlines with a title, each cut to a line."""
    parts: list[_Part] = []
    for link in related:
        title = truncate_words(clean_text(link.title), MAX_RELATED_TITLE_UNITS)
        if title:
            parts.append(_Part(title, http_url(link.url)))
            if len(parts) == MAX_RELATED:
                break
    return parts
