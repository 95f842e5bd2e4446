"""`/trending`: the top stories of the last 24 h as one message with a Save button each.

The ranking is `TrendingRepository.stories` (3 per save, 2 per share, 1 per comment, 0.5
per reaction on its channel posts, each divided by 1 + its age / 12 h). The message lists
up to `MAX_SHOWN` stories, numbered, with their source and the day's counts; under it
`🔖 n` buttons toggle the presser's bookmark of story n (the Save button's data, `s1:<id>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.ops.i18n import N_, Texts
from news.entities import TrendingStory
from news.render import (
    Keyboard,
    PostButton,
    clean_text,
    encode_save,
    escape_html,
    http_url,
    truncate_words,
)
from storage import Database

MAX_SHOWN: Final = 10
BUTTONS_PER_ROW: Final = 5
MAX_TITLE_UNITS: Final = 150
SAVE: Final = "🔖"

HEADING: Final = N_("Trending in the last 24 hours:")
NOTHING_TRENDING: Final = N_(
    "Nothing is trending yet. Stories show up here once people save, share or discuss "
    "them — press 🔖 Save under a story you like."
)
UNTITLED: Final = N_("Untitled")


@dataclass(frozen=True, slots=True)
class TrendingView:
    """The /trending message: Telegram HTML, its buttons and the articles shown."""

    html: str
    keyboard: Keyboard
    article_ids: tuple[int, ...]


async def trending_view(
    db: Database, texts: Texts, *, now: datetime | None = None
) -> TrendingView:
    """Return the /trending message in the reader's language."""
    stories = await db.trending.stories(limit=MAX_SHOWN, now=now)
    if not stories:
        return TrendingView(escape_html(texts.gettext(NOTHING_TRENDING)), (), ())
    names: dict[int, str] = {}
    for story in stories:
        source_id = story.article.source_id
        if source_id not in names:
            names[source_id] = (await db.sources.get(source_id)).name
    lines = [f"<b>{escape_html(texts.gettext(HEADING))}</b>"]
    lines.extend(
        _item(number, story, names[story.article.source_id], texts)
        for number, story in enumerate(stories, 1)
    )
    buttons = [
        PostButton(f"{SAVE} {number}", callback_data=encode_save(story.article.id))
        for number, story in enumerate(stories, 1)
    ]
    keyboard = tuple(
        tuple(buttons[start : start + BUTTONS_PER_ROW])
        for start in range(0, len(buttons), BUTTONS_PER_ROW)
    )
    return TrendingView("\n\n".join(lines), keyboard, tuple(story.article.id for story in stories))


def _item(number: int, story: TrendingStory, source_name: str, texts: Texts) -> str:
    """Return one numbered story: its linked headline, then source and counts."""
    title = truncate_words(clean_text(story.article.title), MAX_TITLE_UNITS)
    title_html = escape_html(title or texts.gettext(UNTITLED))
    url = http_url(story.article.url)
    if url is not None:
        title_html = f'<a href="{escape_html(url, quote=True)}">{title_html}</a>'
    parts = [truncate_words(clean_text(source_name), 64), *_counts(story, texts)]
    meta = " · ".join(part for part in parts if part)
    return f"{number}. <b>{title_html}</b>\n{escape_html(meta)}"


def _counts(story: TrendingStory, texts: Texts) -> list[str]:
    """Return the non-zero counts of a story, as words ("2 saves", "1 comment", "5
    reactions")."""
    counts = []
    if story.saves:
        counts.append(texts.ngettext("{n} save", "{n} saves", story.saves).format(n=story.saves))
    if story.shares:
        counts.append(
            texts.ngettext("{n} share", "{n} shares", story.shares).format(n=story.shares)
        )
    if story.comments:
        counts.append(
            texts.ngettext("{n} comment", "{n} comments", story.comments).format(n=story.comments)
        )
    if story.reactions:
        counts.append(
            texts.ngettext("{n} reaction", "{n} reactions", story.reactions).format(
                n=story.reactions
            )
        )
    return counts
