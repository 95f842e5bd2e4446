"""What an admin does to sources from the chat: add (checked by fetching), pause, resume,
remove (after seeing what goes with it).

Every refusal is a `SourceAdminError` whose `message` is an English text marked for
translation, with `fields` for its `{name}`s: the handler translates, then formats.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from bot.ops.i18n import N_, Texts
from bot.services.local_sources import IMPORT_SCHEME
from bot.services.saving.links import fetch_failure
from news.dedupe import feed_key
from news.entities import Channel, Source
from news.errors import FetchError, ParseError
from news.fetch import Fetcher, FetchResult
from news.models import ParsedDocument
from news.parse import discover_feed_links, parse_document
from storage import Database
from storage.errors import AlreadyExistsError, NotFoundError

BAD_URL: Final = N_("{url} is not a web address: give one that starts with http:// or https://")
DUPLICATE: Final = N_("{url} is already watched as source {id} ({name})")
UNKNOWN_CHANNEL: Final = N_(
    "no channel {channel} has been added: add it first with /addchannel {channel}"
)
UNREADABLE: Final = N_("{url} is neither a feed (RSS, Atom, JSON Feed) nor an article page")
CANNOT_FETCH: Final = N_("cannot fetch {url}: {reason}")
NO_SOURCE: Final = N_("there is no source {id}: see /sources")
NOT_FETCHED: Final = N_(
    "source {id} ({name}) holds saved or imported articles and is never fetched"
)


class SourceAdminError(Exception):
    """An admin's request about a source cannot be done; `message` says why (English,
    marked for translation) and `fields` fill it in. A fetch failure's own reason is
    `reason` with `reason_fields`, translated the same way."""

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        reason_fields: dict[str, object] | None = None,
        **fields: object,
    ) -> None:
        """Keep the message's text, its fields and the optional nested reason apart."""
        self.message = message
        self.fields = fields
        self.reason = reason
        self.reason_fields = reason_fields or {}
        nested = {"reason": reason.format(**self.reason_fields)} if reason else {}
        super().__init__(message.format(**{**fields, **nested}))

    def explain(self, language: Texts) -> str:
        """Return the message in `language`, its fields (and reason) filled in."""
        _ = language.gettext
        nested = {"reason": _(self.reason).format(**self.reason_fields)} if self.reason else {}
        return _(self.message).format(**{**self.fields, **nested})


@dataclass(frozen=True, slots=True)
class SourceAdded:
    """A source added (after its first fetch showed it can be read, unless unchecked)."""

    source: Source
    channels: tuple[Channel, ...]
    """The channels its articles go to, in the order given."""
    entries: int | None
    """How many items the document held when it was checked; None when not checked."""
    found_from: str | None = None
    """The site page the feed was discovered from, when the URL given was not the feed."""

    @property
    def channel(self) -> Channel | None:
        """The first channel its articles go to, if any."""
        return self.channels[0] if self.channels else None


@dataclass(frozen=True, slots=True)
class RemovalImpact:
    """What removing a source takes with it."""

    source: Source
    articles: int
    bookmarks: int
    """Bookmarks users hold of its articles (removed with them)."""


def check_source_url(text: str) -> str:
    """Return the URL when it is an absolute http(s) address, else `SourceAdminError`."""
    url = text.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise SourceAdminError(BAD_URL, url=url)
    return url


async def add_fetched_source(
    db: Database,
    fetcher: Fetcher,
    url_text: str,
    *,
    channel: str | None = None,
    channels: Sequence[str] = (),
    name: str | None = None,
    tags: Sequence[str] = (),
    interval_seconds: int | None = None,
    backfill: int = 0,
    check: bool = True,
    executor: Executor | None = None,
) -> SourceAdded:
    """Fetch the URL with the fetcher's safety, read it (a site page that links a feed gives
    that feed), then add it as a source named by its title unless `name` is given, routed to
    the known channels given. `check=False` adds the URL unread. Nothing is stored on
    failure; a feed already watched (compared by `feed_key`) is refused."""
    url = check_source_url(url_text)
    await _refuse_duplicate(db, url)
    wanted = [*([channel] if channel else []), *channels]
    targets = tuple(dict.fromkeys([await _known_channel(db, text) for text in wanted]))
    entries: int | None = None
    found_from: str | None = None
    title: str | None = None
    if check:
        feed_url, document = await _read_source(fetcher, url, executor)
        if feed_url != url:
            found_from, url = url, feed_url
            await _refuse_duplicate(db, url)
        title = " ".join((document.title or "").split()) or None
        entries = len(document.entries)
    try:
        async with db.transaction():
            source = await db.sources.add(
                url,
                name=(name or "").strip() or title,
                tags=tuple(tags),
                interval_seconds=interval_seconds,
                backfill=backfill,
            )
            for target in targets:
                await db.channels.route(source.id, target.id)
    except AlreadyExistsError:  # added by someone else while this one was fetching
        await _refuse_duplicate(db, url)
        raise
    return SourceAdded(source, targets, entries, found_from)


async def _read_source(
    fetcher: Fetcher, url: str, executor: Executor | None
) -> tuple[str, ParsedDocument]:
    """Fetch and parse `url`; when it is a site page linking feeds, the first feed that
    reads. Return the URL to watch with its document, or `SourceAdminError`."""
    result = await _fetch(fetcher, url)
    loop = asyncio.get_running_loop()
    found = functools.partial(
        discover_feed_links, result.content, content_type=result.content_type, url=url
    )
    for link in await loop.run_in_executor(executor, found):
        try:
            feed = await fetcher.fetch(link)
            read = functools.partial(
                parse_document, feed.content, content_type=feed.content_type, url=feed.final_url
            )
            return link, await loop.run_in_executor(executor, read)
        except (FetchError, ParseError):
            continue  # a dead or broken feed link: try the next, then the page itself
    read = functools.partial(
        parse_document, result.content, content_type=result.content_type, url=result.final_url
    )
    try:
        return url, await loop.run_in_executor(executor, read)
    except ParseError as exc:
        raise SourceAdminError(UNREADABLE, url=url) from exc


async def _fetch(fetcher: Fetcher, url: str) -> FetchResult:
    """Fetch `url`, or raise `SourceAdminError` with the polite reason."""
    try:
        return await fetcher.fetch(url)
    except FetchError as exc:
        page_error = fetch_failure(exc)
        raise SourceAdminError(
            CANNOT_FETCH, url=url, reason=page_error.reason, reason_fields=page_error.fields
        ) from exc


async def find_watched(db: Database, url: str) -> Source | None:
    """Return the source watching the same feed as `url` (compared by `feed_key`: scheme
    and host case, tracking parameters, a trailing slash), or None."""
    exact = await db.sources.get_by_url(url)
    if exact is not None:
        return exact
    key = feed_key(url)
    return next((s for s in await db.sources.list() if feed_key(s.url) == key), None)


async def _refuse_duplicate(db: Database, url: str) -> None:
    """Raise `SourceAdminError` when a source already watches this feed."""
    existing = await find_watched(db, url)
    if existing is not None:
        raise SourceAdminError(DUPLICATE, url=url, id=existing.id, name=existing.name)


async def _known_channel(db: Database, text: str) -> Channel:
    """Return the added channel named by `text`, else `SourceAdminError`."""
    channel = await find_added_channel(db, text)
    if channel is None:
        raise SourceAdminError(UNKNOWN_CHANNEL, channel=text.strip())
    return channel


async def find_added_channel(db: Database, text: str) -> Channel | None:
    """Return the added channel named `@username` (or `t.me/username`), by its Telegram
    chat id (`-100…`) or by its id in /channels; None when there is none."""
    value = text.strip()
    for prefix in ("https://t.me/", "http://t.me/", "t.me/"):
        value = value.removeprefix(prefix)
    if value.isdecimal() and len(value) <= 18:
        try:
            return await db.channels.get(int(value))
        except NotFoundError:
            return None
    if value.startswith("-") and value[1:].isdecimal() and len(value) <= 19:
        return await db.channels.get_by_chat_id(int(value))
    username = value.removeprefix("@").casefold()
    return next(
        (c for c in await db.channels.list() if c.username and c.username.casefold() == username),
        None,
    )


async def get_source(db: Database, source_id: int) -> Source:
    """Return the source, or `SourceAdminError` when there is none with this id."""
    try:
        return await db.sources.get(source_id)
    except NotFoundError:
        raise SourceAdminError(NO_SOURCE, id=source_id) from None


def is_fetched(source: Source) -> bool:
    """Tell whether the source is a feed or page the bot fetches (not an import holder)."""
    return not source.url.startswith(IMPORT_SCHEME)


async def pause_source(db: Database, source_id: int) -> Source:
    """Stop fetching the source until it is resumed (its articles stay)."""
    source = await get_source(db, source_id)
    if not is_fetched(source):
        raise SourceAdminError(NOT_FETCHED, id=source.id, name=source.name)
    return await db.sources.set_paused(source_id, True)


async def resume_source(db: Database, source_id: int) -> Source:
    """Fetch the source again, as `newsbot sources resume` does: unpaused, reactivated,
    failure count reset, due now."""
    source = await get_source(db, source_id)
    if not is_fetched(source):
        raise SourceAdminError(NOT_FETCHED, id=source.id, name=source.name)
    async with db.transaction():
        await db.sources.set_paused(source_id, False)
        return await db.sources.reactivate(source_id)


async def removal_impact(db: Database, source_id: int) -> RemovalImpact:
    """Return the source with how many articles and bookmarks its removal deletes."""
    source = await get_source(db, source_id)
    return RemovalImpact(
        source,
        articles=await db.articles.count(source_id=source_id),
        bookmarks=await db.bookmarks.count_for_source(source_id),
    )


async def remove_source(db: Database, source_id: int) -> RemovalImpact:
    """Delete the source with its articles (and so the bookmarks of them); return what
    went."""
    async with db.transaction():
        impact = await removal_impact(db, source_id)
        await db.sources.remove(source_id)
    return impact
