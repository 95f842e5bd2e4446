"""A channel's daily digest as one Telegram HTML message: a heading, then numbered stories,
each a linked headline and a one-line lede, within Telegram's 4096-unit limit.

The limit counts the text after entity parsing (what readers see), in UTF-16 units, so each
part's visible length is counted as it is built; stories that would not fit are left out
(the best come first), and a story whose own text is long has its lede and title cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from news.render.html import clean_text, escape_html, http_url, truncate_words, utf16_len
from news.render.post import MAX_TEXT_UNITS

MAX_TITLE_UNITS: Final = 150
MAX_LEDE_UNITS: Final = 200
MARK: Final = "🗞"


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One story of a digest: its headline, link and lede (any text; escaped here)."""

    title: str
    url: str | None
    lede: str


@dataclass(frozen=True, slots=True)
class RenderedDigest:
    """The digest message and how many of the given stories it holds (the first ones)."""

    html: str
    shown: int


def render_digest(
    heading: str, items: Sequence[DigestItem], *, limit: int = MAX_TEXT_UNITS
) -> RenderedDigest:
    """Render the heading and as many stories, in order, as fit in `limit` visible units."""
    head_text = f"{MARK} {clean_text(heading)}"
    html_parts = [f"<b>{escape_html(head_text)}</b>"]
    visible = utf16_len(head_text)
    shown = 0
    for number, item in enumerate(items, 1):
        text, html = _story(number, item)
        cost = 2 + utf16_len(text)  # the blank line before it
        if visible + cost > limit:
            break
        html_parts.append(html)
        visible += cost
        shown += 1
    return RenderedDigest("\n\n".join(html_parts), shown)


def _story(number: int, item: DigestItem) -> tuple[str, str]:
    """Return one story as (visible text, HTML): `n. headline` linked, then its lede."""
    title = truncate_words(clean_text(item.title), MAX_TITLE_UNITS) or "…"
    lede = truncate_words(clean_text(item.lede), MAX_LEDE_UNITS)
    title_html = escape_html(title)
    url = http_url(item.url)
    if url is not None:
        title_html = f'<a href="{escape_html(url, quote=True)}">{title_html}</a>'
    text = f"{number}. {title}"
    html = f"{number}. <b>{title_html}</b>"
    if lede:
        text += f"\n{lede}"
        html += f"\n{escape_html(lede)}"
    return text, html
