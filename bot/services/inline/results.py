"""Inline mode answers: search results as `InlineQueryResultArticle` pages.

`inline_page` turns what a user typed after `@bot` (and the paging offset Telegram sends
back) into one page of results: the Share button's `id:<n>` resolves exactly one article,
anything else goes through the query language (`news.query`) and `db.search`. Any
text gives a valid page, possibly empty (then with a button that opens the bot).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeAlias

from bot.ops.i18n import N_, Texts, texts_for
from bot.services.inline.renders import InlineRenders
from bot.services.post_content import post_contents
from news.entities import Article, ArticleVersion, InlineRender
from news.query import parse_query
from news.render import (
    PostContent,
    clean_text,
    decode_share_query,
    format_time,
    http_url,
    keyboard_json,
    post_keyboard,
    render_inline_message,
    truncate_words,
)
from storage import Database

PAGE_SIZE: Final = 50
"""Telegram shows at most 50 results per answer."""
MAX_OFFSET: Final = 10_000
"""An offset past this (forged, or absurdly deep paging) gives an empty page."""
PUBLIC_CACHE_SECONDS: Final = 30
"""Public search results may be cached this long by Telegram: news moves."""
PERSONAL_CACHE_SECONDS: Final = 0
"""A user's bookmarks change with every Save press: never cached."""
NOTHING_FOUND_START: Final = "nothing_found"
"""Deep-link payload of the button shown when nothing matched."""
NO_BOOKMARKS_START: Final = "no_bookmarks"
"""Deep-link payload of the button shown when a `saved` search found nothing."""
NOTHING_FOUND_TEXT: Final = N_("Nothing matched. Tap for search tips")
NO_BOOKMARKS_TEXT: Final = N_("No saved stories matched. Tap to see how to save")
UNTITLED: Final = N_("Untitled")
MAX_ID_DIGITS: Final = 18
"""Article ids fit in SQLite's signed 64-bit integers; a longer result id is forged."""
MAX_TITLE_CHARS: Final = 120
MAX_DESCRIPTION_CHARS: Final = 160
RENDER_TTL: Final = timedelta(minutes=10)
"""A kept result is rendered again after this long: what it shows besides the article
(source name, earlier articles of its story) rarely changes, and is refreshed within it."""

JSONDict: TypeAlias = dict[str, Any]


@dataclass(frozen=True, slots=True)
class InlinePage:
    """One answer to an inline query: results as Bot API JSON text, ready to send."""

    results: list[str]
    """InlineQueryResultArticle objects, each as the JSON text kept for it (`InlineRenders`)."""
    next_offset: str
    """The offset Telegram sends back for the next page; empty when this is the last."""
    cache_time: int
    is_personal: bool
    button: JSONDict | None
    """An InlineQueryResultsButton object, shown above the (empty) results when nothing
    matched."""

    def results_json(self) -> str:
        """Return the results as the JSON text of one array, without parsing any of them."""
        return "[" + ",".join(self.results) + "]"

    def options(self) -> JSONDict:
        """Return the other answerInlineQuery parameters (all but the query id and results)."""
        options: JSONDict = {
            "cache_time": self.cache_time,
            "is_personal": self.is_personal,
            "next_offset": self.next_offset,
        }
        if self.button is not None:
            options["button"] = self.button
        return options


def result_id_of(article_id: int) -> str:
    """Return the inline result id of an article (its id in decimal)."""
    return str(article_id)


def article_id_of_result(result_id: str) -> int | None:
    """Return the article id an inline result id names, or None when it is not one of ours."""
    if not result_id.isascii() or not result_id.isdigit() or len(result_id) > MAX_ID_DIGITS:
        return None
    article_id = int(result_id)
    return article_id if article_id > 0 and result_id_of(article_id) == result_id else None


def parse_offset(offset: str) -> int:
    """Return the result offset Telegram sent back (our own stringified int); 0 if forged."""
    text = offset.strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_OFFSET)):
        return 0
    return int(text)


async def inline_page(
    db: Database,
    text: str,
    offset: str,
    user_id: int,
    *,
    now: datetime | None = None,
    language: Texts | None = None,
    renders: InlineRenders | None = None,
) -> InlinePage:
    """Answer an inline query: one page of results for `text` at `offset` for `user_id`.

    What only the asking user reads (the no-results button, a missing title) is in
    `language` (English by default); the message a result sends stays English, as in
    the channels, since the whole chat reads it. Results rendered here are kept through
    `renders` (written to the database after the answer); None renders without keeping.
    """
    language = language or texts_for(None)
    start = parse_offset(offset)
    shared_id = decode_share_query(text)
    moment = now or datetime.now(UTC)
    if shared_id is not None:
        ids = [shared_id] if start == 0 else []  # a gone article has no version: no result
        results = await page_results(db, ids, language, renders, moment)
        return _page(results, start, language, more=False, personal=False)
    query = parse_query(text)
    if start > MAX_OFFSET:
        hits = []
    else:
        hits = await db.search.article_ids(
            query, limit=PAGE_SIZE + 1, offset=start, user_id=user_id, now=now
        )
    ids = [article_id for article_id, _ in hits[:PAGE_SIZE]]
    results = await page_results(db, ids, language, renders, moment)
    return _page(results, start, language, more=len(hits) > PAGE_SIZE, personal=query.saved)


async def page_results(
    db: Database,
    ids: list[int],
    language: Texts,
    renders: InlineRenders | None,
    now: datetime,
) -> list[str]:
    """Return the results of these articles in order, as JSON text; gone ones left out.

    One query reads the articles' versions and their kept results; the others (new, edited,
    or rendered more than `RENDER_TTL` ago) are loaded and rendered with three queries for
    all of them, and handed to `renders` to keep.
    """
    stored = await db.inline_results.page(ids, language.language, rendered_since=now - RENDER_TTL)
    found: dict[int, str] = {}
    missing: list[int] = []
    for article_id in ids:
        entry = stored.get(article_id)
        if entry is None:
            continue
        result = entry.result
        if result is None and renders is not None:
            result = renders.waiting(article_id, language.language, entry.version)
        if result is None:
            missing.append(article_id)
        else:
            found[article_id] = result
    fresh: list[InlineRender] = []
    articles = await db.articles.get_many(missing)
    for article, content in zip(articles, await post_contents(db, articles), strict=True):
        result = result_json(article_result(article, content, language=language))
        found[article.id] = result
        fresh.append(InlineRender(article.id, language.language, version_of(article), now, result))
    if renders is not None:
        renders.reused += len(found) - len(fresh)
        renders.rendered += len(fresh)
        if fresh:
            renders.keep(db, fresh)
    return [found[article_id] for article_id in ids if article_id in found]


def _page(
    results: list[str], start: int, language: Texts, *, more: bool, personal: bool
) -> InlinePage:
    """Build the page of these results (the empty-answer button when there are none)."""
    button = None
    if not results and start == 0:
        button = {
            "text": language.gettext(NO_BOOKMARKS_TEXT if personal else NOTHING_FOUND_TEXT),
            "start_parameter": NO_BOOKMARKS_START if personal else NOTHING_FOUND_START,
        }
    return InlinePage(
        results=results,
        next_offset=str(start + len(results)) if more else "",
        cache_time=PERSONAL_CACHE_SECONDS if personal else PUBLIC_CACHE_SECONDS,
        is_personal=personal,
        button=button,
    )


def version_of(article: Article) -> ArticleVersion:
    """Return the version of an article a render shows."""
    return ArticleVersion(article.updated_at, article.content_hash)


def result_json(result: JSONDict) -> str:
    """Return a result as compact JSON text (kept, then spliced into answers unparsed)."""
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


def article_result(
    article: Article, content: PostContent, *, language: Texts | None = None
) -> JSONDict:
    """Return an article as an inline result (InlineQueryResultArticle, Bot API JSON):
    rendered like a channel post, with Save.

    Built as JSON directly: PTB's objects cost more to build and serialise than the text.
    """
    url = http_url(article.url)
    title = truncate_words(clean_text(article.title), MAX_TITLE_CHARS)
    result: JSONDict = {
        "type": "article",
        "id": result_id_of(article.id),
        "title": title or (language or texts_for(None)).gettext(UNTITLED),
        "input_message_content": {
            "message_text": render_inline_message(content),
            "parse_mode": "HTML",
            "link_preview_options": {"url": url} if url else {"is_disabled": True},
        },
        "reply_markup": keyboard_json(post_keyboard(article.id)),
        "description": describe(content.source_name, article, MAX_DESCRIPTION_CHARS),
    }
    thumbnail = http_url(article.image_url) if article.image_url else None
    if thumbnail:
        result["thumbnail_url"] = thumbnail
    return result


def describe(source_name: str, article: Article, limit: int) -> str:
    """Return `source · date · start of the lede`, cut to `limit` characters."""
    day = format_time(article.story_time).rsplit(" ", 1)[0]
    head = " · ".join(part for part in (clean_text(source_name), day) if part)
    lede = clean_text((article.summary or article.body)[: 4 * limit])
    text = f"{head} · {lede}" if lede else head
    return truncate_words(text, limit)
