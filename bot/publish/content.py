"""A stored article as the renderer's `PostContent`: source name and related headlines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from news.models import RelatedLink
from news.render import PostContent
from storage.database import Database
from storage.models import Article

MAX_STORY_LINKS: Final = 2
"""Earlier articles of the same story offered as related coverage."""


async def post_content(
    db: Database, article: Article, *, source_names: dict[int, str] | None = None
) -> PostContent:
    """Build what a post of `article` shows, with its related headlines.

    `source_names` (source id → name) is filled as sources are looked up; pass the same
    dict for many articles (an inline page) so each source is read once.
    """
    names = {} if source_names is None else source_names
    earlier = await earlier_in_story(db, article)
    for source_id in (article.source_id, *(other.source_id for other in earlier)):
        if source_id not in names:
            names[source_id] = (await db.sources.get(source_id)).name
    return PostContent(
        article_id=article.id,
        title=article.title,
        url=article.url,
        summary=article.summary or article.body,
        source_name=names[article.source_id],
        published_at=article.story_time,
        tags=article.tags,
        image_url=article.image_url,
        related=related_links(article, earlier, names),
    )


async def earlier_in_story(db: Database, article: Article) -> list[Article]:
    """Return up to `MAX_STORY_LINKS` articles of the same story stored before it, newest
    first (near-duplicates from other sources: "also on ...")."""
    if article.story_id == article.id:
        return []  # the first article of its story: nothing came before it
    story = await db.articles.by_story(article.story_id)
    earlier = [other for other in story if other.id < article.id]
    earlier.sort(key=lambda other: other.id, reverse=True)
    return earlier[:MAX_STORY_LINKS]


def related_links(
    article: Article, earlier: Sequence[Article], source_names: dict[int, str]
) -> tuple[RelatedLink, ...]:
    """Return the article's own related links, then the earlier story articles, without
    repeating a URL (or linking the article to itself)."""
    seen = {article.url}
    links: list[RelatedLink] = []
    candidates = [
        *article.related,
        *(RelatedLink(o.title, o.url, source_names.get(o.source_id)) for o in earlier),
    ]
    for link in candidates:
        if link.url is not None and link.url in seen:
            continue
        if link.url is not None:
            seen.add(link.url)
        links.append(link)
    return tuple(links)
