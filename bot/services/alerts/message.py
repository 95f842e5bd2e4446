"""One user's alerts as one private message: grouped by follow, within Telegram's limits.

    🔔 3 new stories match your follows

    #harbour
    1. Ferry timetable changes · Harbour Herald
    2. Lighthouse reopens · Coast Daily

    "winter market"
    3. Stalls return to the quay · Harbour Herald

    …and 2 more stories.
    Stop an alert: /following

Titles link to the stories. Stories are numbered across groups; each of the first
`MAX_SAVE_BUTTONS` gets a `🔖 n. title` button (the ordinary Save button's data). The text
is cut before Telegram's 4096 UTF-16 units (counted after HTML parsing, as Telegram does):
the stories that do not fit are counted in "and N more".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from bot.ops.i18n import Texts
from bot.services.reading_list import UNTITLED
from news.entities import Alert, Article
from news.render import (
    MAX_TEXT_UNITS,
    Keyboard,
    PostButton,
    clean_text,
    encode_save,
    escape_html,
    http_url,
    truncate_words,
    utf16_len,
)

MAX_SAVE_BUTTONS: Final = 10
MAX_TITLE_UNITS: Final = 200
MAX_BUTTON_TITLE_UNITS: Final = 40
MAX_SOURCE_UNITS: Final = 64
SAVE: Final = "🔖"


@dataclass(frozen=True, slots=True)
class AlertMessage:
    """A rendered alert message: Telegram HTML, its buttons, and what it lists."""

    html: str
    keyboard: Keyboard
    shown: tuple[int, ...]
    """Article ids listed, in order."""
    more: int
    """Stories counted in "and N more" (not listed)."""


@dataclass(frozen=True, slots=True)
class _Piece:
    """A block of the message: its HTML and the text Telegram shows for it."""

    html: str
    text: str

    @property
    def units(self) -> int:
        """Return the shown text's length in UTF-16 units."""
        return utf16_len(self.text)


def _header(texts: Texts, count: int) -> _Piece:
    """Return the first line: how many stories matched."""
    line = texts.ngettext(
        "🔔 {count} new story matches your follows",
        "🔔 {count} new stories match your follows",
        count,
    ).format(count=count)
    return _Piece(escape_html(line), line)


def _footer(texts: Texts, more: int) -> _Piece:
    """Return the last lines: how many were left out, and how to stop alerts."""
    lines = []
    if more:
        lines.append(
            texts.ngettext("…and {count} more story.", "…and {count} more stories.", more).format(
                count=more
            )
        )
    lines.append(texts.gettext("Stop an alert: /following"))
    text = "\n".join(lines)
    return _Piece(escape_html(text), text)


def _follow_line(query: str) -> _Piece:
    """Return a group's heading: the follow as the user typed it, in bold."""
    text = clean_text(query)
    return _Piece(f"<b>{escape_html(text)}</b>", text)


def _title(texts: Texts, article: Article) -> str:
    """Return the article's title as one clean line, or "Untitled"."""
    return truncate_words(clean_text(article.title), MAX_TITLE_UNITS) or texts.gettext(UNTITLED)


def _story_line(number: int, title: str, article: Article, source_name: str) -> _Piece:
    """Return one numbered story: the linked title and its source."""
    source = truncate_words(clean_text(source_name), MAX_SOURCE_UNITS)
    shown = escape_html(title)
    url = http_url(article.url)
    if url is not None:
        shown = f'<a href="{escape_html(url, quote=True)}">{shown}</a>'
    suffix = f" · {source}" if source else ""
    return _Piece(f"{number}. {shown}{escape_html(suffix)}", f"{number}. {title}{suffix}")


def render_alert(
    texts: Texts,
    alerts: Sequence[Alert],
    articles: Mapping[int, Article],
    source_names: Mapping[int, str],
    *,
    limit: int = MAX_TEXT_UNITS,
) -> AlertMessage:
    """Render one user's alerts (grouped by the follow that matched, oldest follow first)
    as one message of at most `limit` UTF-16 units; alerts without an article are skipped."""
    present = [alert for alert in alerts if alert.article_id in articles]
    groups: dict[int, list[Alert]] = {}
    for alert in sorted(present, key=lambda a: (a.follow_id, a.article_id)):
        groups.setdefault(alert.follow_id, []).append(alert)
    total = len(present)
    header = _header(texts, total)
    budget = limit - header.units - _footer(texts, total).units - 2  # two blank-line joins
    blocks: list[list[_Piece]] = []
    shown: list[tuple[int, str]] = []
    for group in groups.values():
        block = [_follow_line(group[0].follow_query)]
        for alert in group:
            article = articles[alert.article_id]
            title = _title(texts, article)
            line = _story_line(
                len(shown) + 1, title, article, source_names.get(article.source_id, "")
            )
            cost = line.units + 1 + (0 if len(block) > 1 else block[0].units + 2)
            if cost > budget:
                break
            budget -= cost
            block.append(line)
            shown.append((article.id, title))
        if len(block) > 1:
            blocks.append(block)
        if len(block) - 1 < len(group):
            break  # the group was cut: the rest are counted in "and N more"
    more = total - len(shown)
    parts = [header, *(_join(block) for block in blocks), _footer(texts, more)]
    html = "\n\n".join(part.html for part in parts)
    return AlertMessage(
        html=html,
        keyboard=_keyboard(shown),
        shown=tuple(article_id for article_id, _ in shown),
        more=more,
    )


def _join(block: list[_Piece]) -> _Piece:
    """Join a group's heading and stories, one per line."""
    return _Piece("\n".join(p.html for p in block), "\n".join(p.text for p in block))


def _keyboard(shown: list[tuple[int, str]]) -> Keyboard:
    """Return one Save button row per listed story, for the first `MAX_SAVE_BUTTONS`."""
    return tuple(
        (
            PostButton(
                f"{SAVE} {number}. {truncate_words(title, MAX_BUTTON_TITLE_UNITS)}",
                callback_data=encode_save(article_id),
            ),
        )
        for number, (article_id, title) in enumerate(shown[:MAX_SAVE_BUTTONS], 1)
    )
