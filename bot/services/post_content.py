"""A stored article as the renderer's `PostContent`: source name and related headlines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from news.entities import Article
from news.models import RelatedLink
from news.render import PostContent
from storage import Database
from storage.errors import NotFoundError

MAX_STORY_LINKS: Final = 2
"""Earlier articles of the same story offered as related coverage."""


async def post_content(
    db: Database, article: Article, *, source_names: dict[int, str] | None = None
) -> PostContent:
    """Build what a post of `article` shows, with its related headlines.

    `source_names` (source id → name) is filled as sources are looked up.
    """
    [content] = await post_contents(db, [article], source_names=source_names)
    return content


async def post_contents(
    db: Database, articles: Sequence[Article], *, source_names: dict[int, str] | None = None
) -> list[PostContent]:
    """Build the posts of many articles (an inline page) with two queries in all: the
    earlier articles of every story at once, then the sources not yet in `source_names`."""
    names = {} if source_names is None else source_names
    earlier = await db.articles.earlier_in_stories(articles, MAX_STORY_LINKS)
    wanted = {
        source_id
        for article in articles
        for source_id in (article.source_id, *(o.source_id for o in earlier.get(article.id, ())))
        if source_id not in names
    }
    names.update(await db.sources.names(wanted))
    missing = wanted - names.keys()
    if missing:  # a source removed between reading its articles and now
        raise NotFoundError(f"no source with id {min(missing)}")
    return [_content(article, earlier.get(article.id, []), names) for article in articles]


def _content(article: Article, earlier: list[Article], names: dict[int, str]) -> PostContent:
    """Assemble one post's content from what `post_contents` looked up."""
    return PostContent(
        article_id=article.id,
        title=article.title,
        url=article.url,
        summary=article.summary or article.body,
        source_name=names[article.source_id],
        published_at=article.story_time,
        tags=article.tags,
        image_url=article.image_url,
        image_urls=article.image_urls,
        related=related_links(article, earlier, names),
        author=article.author,
    )


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
