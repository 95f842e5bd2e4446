"""Related coverage of an article: other sources on the same story, and earlier stories it
follows up; rendered as the Telegram HTML the bot posts under a story in its comments.

- Same story: the article's near-duplicates (one `story_id`, news.dedupe) from other
  sources that also share most of its subject (`news.related.is_same_story`: stories merged
  before that check existed, or joined through a third article, are filtered here),
  earliest first, one per source.
- Earlier coverage: articles of the 72 hours before it, found by its headline and tag words,
  that share its subject (`news.related.subject_overlap`: each headline's terms mentioned by
  the other story, enough of them), best match first, one per story; its own story
  (near-duplicates, same source or not) is left out.

At most `MAX_RELATED` links in all; nothing related gives None (the bot stays silent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Final

from bot.ops.i18n import N_, Texts, texts_for
from news.dedupe import canonical_url
from news.entities import Article
from news.related import is_related, is_same_story, key_terms, subject_overlap
from news.render import clean_text, escape_html, format_time, http_url, truncate_words
from storage import Database
from storage.errors import NotFoundError

MAX_RELATED: Final = 5
MAX_SAME_STORY: Final = 3
"""Links to the same story kept when earlier coverage would fill the rest."""
FOLLOW_UP_WINDOW: Final = timedelta(hours=72)
MAX_TITLE_UNITS: Final = 120

SAME_STORY_HEADING: Final = N_("Also reported by")
EARLIER_HEADING: Final = N_("Earlier coverage")
UNTITLED: Final = N_("Untitled")


class RelatedKind(Enum):
    """Why a story is shown as related."""

    SAME_STORY = "same story"
    EARLIER = "earlier"


@dataclass(frozen=True, slots=True)
class RelatedStory:
    """One related article, the name of its source and why it is related."""

    article: Article
    source_name: str
    kind: RelatedKind


async def find_related(db: Database, article: Article) -> list[RelatedStory]:
    """Return up to `MAX_RELATED` related articles: the same story first, then earlier."""
    same = await _same_story(db, article)
    earlier = await _earlier(db, article, {a.url for a in same} | {article.url})
    kept_same = same[: max(MAX_SAME_STORY, MAX_RELATED - len(earlier))]
    chosen = [(a, RelatedKind.SAME_STORY) for a in kept_same]
    chosen += [(a, RelatedKind.EARLIER) for a in earlier[: MAX_RELATED - len(kept_same)]]
    names: dict[int, str] = {}
    for found, _kind in chosen:
        if found.source_id not in names:
            names[found.source_id] = (await db.sources.get(found.source_id)).name
    return [RelatedStory(found, names[found.source_id], kind) for found, kind in chosen]


async def _same_story(db: Database, article: Article) -> list[Article]:
    """Return the story's articles from other sources, one per source, earliest first."""
    seen_sources = {article.source_id}
    seen_urls = {canonical_url(article.url)}
    found = []
    for other in await db.articles.by_story(article.story_id):
        url = canonical_url(other.url)
        if other.source_id in seen_sources or url in seen_urls:
            continue
        if not is_same_story(
            subject_overlap(article.title, article.summary, other.title, other.summary)
        ):
            continue
        seen_sources.add(other.source_id)
        seen_urls.add(url)
        found.append(other)
    return found


async def _earlier(db: Database, article: Article, shown_urls: set[str]) -> list[Article]:
    """Return earlier articles of other stories that are related enough, best first."""
    terms = key_terms(article.title, article.tags)
    if not terms:
        return []
    moment = article.story_time
    candidates = await db.related.candidates(
        terms,
        since=moment - FOLLOW_UP_WINDOW,
        until=moment,
        exclude_stories={article.story_id},
    )
    seen_urls = {canonical_url(url) for url in shown_urls}
    seen_stories: set[int] = set()
    scored = []
    for candidate in candidates:
        url = canonical_url(candidate.url)
        if candidate.story_id in seen_stories or url in seen_urls:
            continue
        score = subject_overlap(article.title, article.summary, candidate.title, candidate.summary)
        if not is_related(score):
            continue
        seen_stories.add(candidate.story_id)
        seen_urls.add(url)
        scored.append((score, candidate))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].story_time.timestamp(), pair[1].id))
    return [candidate for _score, candidate in scored]


def render_related(stories: list[RelatedStory], texts: Texts) -> str | None:
    """Return the related stories as Telegram HTML under two headings, or None if none."""
    if not stories:
        return None
    _ = texts.gettext
    sections = []
    for kind, heading in (
        (RelatedKind.SAME_STORY, SAME_STORY_HEADING),
        (RelatedKind.EARLIER, EARLIER_HEADING),
    ):
        lines = [_line(story, texts) for story in stories if story.kind is kind]
        if lines:
            sections.append("\n".join([f"<b>{escape_html(_(heading))}</b>", *lines]))
    return "\n\n".join(sections)


def _line(story: RelatedStory, texts: Texts) -> str:
    """Return one bullet: the linked headline, then its source (and date when earlier)."""
    title = truncate_words(clean_text(story.article.title), MAX_TITLE_UNITS)
    title_html = escape_html(title or texts.gettext(UNTITLED))
    url = http_url(story.article.url)
    if url is not None:
        title_html = f'<a href="{escape_html(url, quote=True)}">{title_html}</a>'
    meta = truncate_words(clean_text(story.source_name), 64)
    if story.kind is RelatedKind.EARLIER:
        day = format_time(story.article.story_time).rsplit(" ", 1)[0]
        meta = f"{meta}, {day}" if meta else day
    return f"• {title_html} — {escape_html(meta)}" if meta else f"• {title_html}"


async def related_coverage_html(
    db: Database, article_id: int, *, language_code: str | None = None
) -> str | None:
    """Return the related-coverage reply for a stored article, or None when nothing is
    related (or there is no such article); in the article's language unless given."""
    try:
        article = await db.articles.get(article_id)
    except NotFoundError:
        return None
    stories = await find_related(db, article)
    return render_related(stories, texts_for(language_code or article.language))
