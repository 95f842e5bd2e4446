"""Saving a pasted link to a page the bot does not have: fetch, extract, store, bookmark.

The page is fetched with the bot's `Fetcher` (the sources' safety: public addresses only
unless ALLOW_PRIVATE_ADDRESSES, size and time limits), extracted like an imported HTML
page, and stored under the per-bot "Saved links" source (paused: never fetched itself).
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import Executor
from datetime import UTC, datetime
from typing import Final

from bot.ops.i18n import N_
from bot.services.local_sources import import_source
from bot.services.saving.forwards import SaveOutcome, SaveResult, save_article
from news.errors import (
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    ParseError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    UnsafeURLError,
)
from news.fetch import Fetcher
from news.models import ArticleDraft, DocumentKind
from news.prepare import prepare_document
from storage import Database

SAVED_LINKS_SOURCE: Final = "Saved links"
"""Name of the source that holds pages users saved by pasting a link."""

NOT_AN_ARTICLE: Final = N_("the page does not look like a single article")
REFUSED: Final = N_("I only fetch public http and https addresses")
TOO_LARGE: Final = N_("the page is too large")
TOO_SLOW: Final = N_("the page took too long to answer")
REDIRECTS: Final = N_("the page redirects too many times")
UNREACHABLE: Final = N_("I could not reach the page")
HTTP_STATUS: Final = N_("the page answered with an error (HTTP {status})")

_ARTICLE_KINDS: Final = frozenset({DocumentKind.HTML_ARTICLE, DocumentKind.TEXT_ARTICLE})


class PageError(Exception):
    """A pasted page could not be saved; the message is the reason, fit for the user.

    `reason` is the English text (marked for translation) and `fields` fill its `{name}`s.
    """

    def __init__(self, reason: str, **fields: object) -> None:
        """Keep the reason's text and fields apart, so it can be translated."""
        super().__init__(reason.format(**fields))
        self.reason = reason
        self.fields = fields


def fetchable_url(link: str) -> str:
    """Return the link with `https://` in front when the user wrote none (`example.com/x`)."""
    link = link.strip()
    return link if "://" in link else f"https://{link}"


def fetch_failure(error: FetchError) -> PageError:
    """Return a short, polite reason for a failed fetch."""
    if isinstance(error, UnsafeURLError):
        return PageError(REFUSED)
    if isinstance(error, HTTPStatusError):
        return PageError(HTTP_STATUS, status=error.status)
    if isinstance(error, ResponseTooLargeError):
        return PageError(TOO_LARGE)
    if isinstance(error, FetchTimeoutError):
        return PageError(TOO_SLOW)
    if isinstance(error, TooManyRedirectsError):
        return PageError(REDIRECTS)
    return PageError(UNREACHABLE)


async def fetch_article_draft(
    fetcher: Fetcher, link: str, *, executor: Executor | None = None
) -> ArticleDraft:
    """Fetch the page and extract its one article; `PageError` with the reason otherwise."""
    try:
        page = await fetcher.fetch(fetchable_url(link))
    except FetchError as exc:
        raise fetch_failure(exc) from exc
    prepare = functools.partial(
        prepare_document, page.content, content_type=page.content_type, url=page.final_url
    )
    try:
        prepared = await asyncio.get_running_loop().run_in_executor(executor, prepare)
    except ParseError as exc:
        raise PageError(NOT_AN_ARTICLE) from exc
    if prepared.kind not in _ARTICLE_KINDS or len(prepared.drafts) != 1:
        raise PageError(NOT_AN_ARTICLE)
    return prepared.drafts[0]


async def save_new_page(
    db: Database,
    fetcher: Fetcher,
    user_id: int,
    link: str,
    *,
    executor: Executor | None = None,
    now: datetime | None = None,
) -> SaveOutcome:
    """Fetch and store the page a link points to, then bookmark it for the user; on failure
    the outcome is FAILED with the reason and nothing is stored."""
    try:
        draft = await fetch_article_draft(fetcher, link, executor=executor)
    except PageError as exc:
        return SaveOutcome(SaveResult.FAILED, reason=exc.reason, reason_fields=exc.fields)
    async with db.transaction():
        source = await import_source(db, SAVED_LINKS_SOURCE)
        stored = await db.articles.upsert_many(
            source.id, [draft], fetched_at=now or datetime.now(UTC)
        )
        changed = stored.inserted + stored.updated
        article = (
            await db.articles.get(changed[0])
            if changed
            else await db.articles.find_by_url(draft.url)
        )
    if article is None:  # cannot happen: the draft was just stored under its URL
        return SaveOutcome(SaveResult.FAILED, reason=NOT_AN_ARTICLE)
    return await save_article(db, user_id, article.id)
