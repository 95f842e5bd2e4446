"""The storage contract: one `Protocol` per aggregate, in domain types only.

`Database` (at the end) gathers one implementation of each as an attribute (`db.sources`,
`db.articles`, `db.search`, ...). Every engine (`storage.sqlite`, ...) implements the same
methods with the same meaning and errors, and nothing outside `storage/` changes; the
contract test suite (`tests/storage/`) runs unchanged on each. The docstrings here are the
only description of each method: implementations do not restate them.

Shared rules:
- Every datetime argument must be timezone-aware (naive ones raise `ValueError`); every
  returned datetime is UTC.
- A method given an id that does not exist raises `NotFoundError`, unless it says it
  returns None or a bool instead.
- Writes that touch several rows are atomic. Called inside `Database.transaction()` they
  join the caller's transaction, so e.g. ingestion writes articles and their outbox rows
  all-or-nothing.
"""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from news.entities import (
    Alert,
    AlertMatch,
    AlertState,
    Article,
    ArticleVersion,
    Bookmark,
    Channel,
    ChannelStyle,
    DigestPost,
    Follow,
    FollowAdded,
    FullTextPage,
    InlineRender,
    OutboxItem,
    OutboxState,
    PageState,
    PostedAs,
    QuietHours,
    Route,
    RouteOptions,
    SearchHit,
    Source,
    StoredRender,
    TrendingStory,
    UpsertResult,
    User,
)
from news.models import ArticleDraft
from news.query import SearchQuery


class SourceRepository(Protocol):
    """Feeds and sites to fetch, and their fetch schedule and health."""

    async def add(
        self,
        url: str,
        name: str | None = None,
        tags: Iterable[str] = (),
        interval_seconds: int | None = None,
        *,
        backfill: int = 0,
        now: datetime | None = None,
    ) -> Source:
        """Add a source (name defaults to the URL's host); `AlreadyExistsError` if the URL is
        taken. It is due at once. Its first successful fetch queues only its `backfill`
        newest items for its channels (`ValueError` if negative)."""
        ...

    async def get(self, source_id: int) -> Source:
        """Return the source with this id."""
        ...

    async def names(self, source_ids: Iterable[int]) -> dict[int, str]:
        """Return the names of the sources with these ids (unknown ids are left out)."""
        ...

    async def ids_named(self, names: Collection[str]) -> set[int]:
        """Return the ids of the sources named (compared as tags are: case- and
        accent-insensitive) or numbered (a decimal id) by any of `names`."""
        ...

    async def get_by_url(self, url: str) -> Source | None:
        """Return the source with exactly this URL, or None."""
        ...

    async def list(self) -> builtins.list[Source]:
        """Return every source, by id."""
        ...

    async def remove(self, source_id: int) -> None:
        """Delete the source with its articles, routes and their outbox rows."""
        ...

    async def update(
        self,
        source_id: int,
        *,
        name: str | None = None,
        tags: Iterable[str] | None = None,
        interval_seconds: int | None = None,
    ) -> Source:
        """Change the source's name, tags (replaced as a whole, one per value, first kept)
        or fetch interval; None leaves a field as it is. Its articles, routes and schedule
        stay. `ValueError` for a blank name or an interval that is not positive."""
        ...

    async def set_paused(self, source_id: int, paused: bool) -> Source:
        """Pause or resume fetching (an admin's choice, unlike deactivation)."""
        ...

    async def reactivate(self, source_id: int) -> Source:
        """Make a deactivated source active again: failures reset, due now, error kept."""
        ...

    async def due(self, now: datetime) -> builtins.list[Source]:
        """Return active, unpaused sources never fetched or whose next fetch is <= now,
        the most overdue first."""
        ...

    async def claim_due(
        self, now: datetime, *, until: datetime, limit: int = 1000
    ) -> builtins.list[Source]:
        """Return the sources `due(now)` would (at most `limit`), and move each one's next
        fetch to `until` in the same statement: whichever process asks next does not get
        them again before `until` (by then the fetch is recorded, or its process died and
        another fetches it). The sources returned are as they were before the claim."""
        ...

    async def record_success(
        self,
        source_id: int,
        *,
        fetched_at: datetime,
        etag: str | None,
        last_modified: str | None,
        next_fetch_at: datetime,
        skipped_entries: int = 0,
    ) -> Source:
        """Record a fetch with content: validators stored, failures reset, and how many of
        its entries could not be read (`Source.skipped_entries`)."""
        ...

    async def record_not_modified(
        self, source_id: int, *, fetched_at: datetime, next_fetch_at: datetime
    ) -> Source:
        """Record a 304: a success that keeps the stored validators."""
        ...

    async def record_failure(
        self,
        source_id: int,
        *,
        error: str,
        failed_at: datetime,
        next_fetch_at: datetime,
        max_failures: int,
    ) -> Source:
        """Record a failed fetch: failure_count + 1, error kept, and the source deactivated
        when failure_count reaches `max_failures`."""
        ...


class ArticleRepository(Protocol):
    """Articles, their tags and near-duplicate stories."""

    async def upsert_many(
        self, source_id: int, drafts: Sequence[ArticleDraft], *, fetched_at: datetime
    ) -> UpsertResult:
        """Store a batch of drafts from one source atomically, deduplicated.

        A draft is the same article as an existing one with the same (source, guid), or
        else the same canonical URL (any source); it is updated in place when its
        content hash differs, otherwise left alone. Other drafts are inserted; a new
        article whose SimHash is within Hamming distance 3 of an article from another
        source at most 72 hours apart joins that article's story. Drafts later in the
        batch win over earlier ones with the same key.

        To write more in the same transaction (outbox rows for `result.inserted`), call
        it inside `Database.transaction()` and do the extra writes in the same block.
        """
        ...

    async def get(self, article_id: int) -> Article:
        """Return the article with this id."""
        ...

    async def get_many(self, article_ids: Iterable[int]) -> builtins.list[Article]:
        """Return the articles with these ids that exist, in the order asked."""
        ...

    async def versions(self, article_ids: Iterable[int]) -> dict[int, ArticleVersion]:
        """Return the version (updated_at, content_hash) of each of these that exists."""
        ...

    async def find_by_url(self, url: str) -> Article | None:
        """Return the article stored under this URL (compared in canonical form: tracking
        parameters, fragment and host case ignored), or None."""
        ...

    async def by_story(self, story_id: int) -> builtins.list[Article]:
        """Return the articles of one story, earliest first."""
        ...

    async def latest_of_source(self, source_id: int) -> Article | None:
        """Return the source's newest article (by story time), or None when it has none."""
        ...

    async def earlier_in_stories(
        self, articles: Sequence[Article], limit: int
    ) -> dict[int, builtins.list[Article]]:
        """Return, per article id, up to `limit` earlier articles of its story, newest first."""
        ...

    async def count(self, *, since: datetime | None = None, source_id: int | None = None) -> int:
        """Return the number of stored articles (first fetched at or after `since`, of one
        source: when given)."""
        ...

    async def daily_counts(self, *, since: datetime) -> dict[date, int]:
        """Return how many articles have their story time on each UTC day from `since` on
        (days without any are left out)."""
        ...


class ChannelRepository(Protocol):
    """Channels the bot posts into, and routes from sources to them."""

    async def add(
        self,
        chat_id: int,
        *,
        title: str = "",
        username: str | None = None,
        style: ChannelStyle = ChannelStyle.TEXT,
        now: datetime | None = None,
    ) -> Channel:
        """Add a channel; `AlreadyExistsError` if the chat id is known."""
        ...

    async def get(self, channel_id: int) -> Channel:
        """Return the channel with this id."""
        ...

    async def get_by_chat_id(self, chat_id: int) -> Channel | None:
        """Return the channel for a Telegram chat id, or None."""
        ...

    async def list(self) -> builtins.list[Channel]:
        """Return every channel, by id."""
        ...

    async def remove(self, channel_id: int) -> None:
        """Delete the channel with its routes and outbox rows."""
        ...

    async def set_paused(self, channel_id: int, paused: bool) -> Channel:
        """Pause or resume posting to the channel."""
        ...

    async def set_style(self, channel_id: int, style: ChannelStyle) -> Channel:
        """Change how the channel's posts look."""
        ...

    async def update_info(self, channel_id: int, *, title: str, username: str | None) -> Channel:
        """Store the channel's current title and username."""
        ...

    async def set_discussion_chat(
        self, channel_id: int, discussion_chat_id: int | None
    ) -> Channel:
        """Store (or clear) the channel's linked discussion group."""
        ...

    async def set_discussion_replies(self, channel_id: int, enabled: bool) -> Channel:
        """Turn related-coverage replies in the channel's discussion group on or off."""
        ...

    async def set_digest_hour(self, channel_id: int, hour: int | None) -> Channel:
        """Set the local hour (0-23) of the channel's daily digest, or None for no digest;
        `ValueError` for another hour."""
        ...

    async def set_digest_language(self, channel_id: int, language: str | None) -> Channel:
        """Set the language of the channel's digest heading (`ru`; None: English)."""
        ...

    async def route(
        self,
        source_id: int,
        channel_id: int,
        *,
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        tags: Iterable[str] = (),
        now: datetime | None = None,
    ) -> Route:
        """Send the source's articles to the channel (replacing the filters of an existing
        route); `NotFoundError` if either does not exist."""
        ...

    async def set_schedule(
        self, channel_id: int, *, timezone: str | None, quiet_hours: QuietHours | None
    ) -> Channel:
        """Store the channel's time zone (None: UTC) and quiet hours (None: none)."""
        ...

    async def get_route(self, route_id: int) -> Route:
        """Return the route with this id; `NotFoundError` if there is none."""
        ...

    async def find_route(self, source_id: int, channel_id: int) -> Route | None:
        """Return the route from a source to a channel, or None."""
        ...

    async def list_routes(self) -> builtins.list[Route]:
        """Return every route, by id."""
        ...

    async def set_route_options(self, route_id: int, options: RouteOptions) -> Route:
        """Replace a route's options (and forget a lost topic); `NotFoundError` if missing."""
        ...

    async def mark_topic_lost(self, route_id: int, error: str) -> bool:
        """Record that the route's topic is closed or gone; return True only the first
        time (until its options are set again), so that admins are told once."""
        ...

    async def unroute(self, source_id: int, channel_id: int) -> bool:
        """Remove a route; return whether there was one."""
        ...

    async def routes_for_source(self, source_id: int) -> builtins.list[Route]:
        """Return the routes from a source."""
        ...

    async def routes_for_channel(self, channel_id: int) -> builtins.list[Route]:
        """Return the routes into a channel."""
        ...


class OutboxRepository(Protocol):
    """Posts waiting to be sent to channels, claimed in order per channel."""

    async def add_many(
        self, pairs: Iterable[tuple[int, int]], *, now: datetime | None = None
    ) -> int:
        """Queue (article_id, channel_id) pairs in one round trip; return how many were
        new."""
        ...

    async def claim_next(
        self, channel_id: int, *, now: datetime | None = None
    ) -> OutboxItem | None:
        """Move the channel's oldest pending row to sending (attempts + 1) and return it;
        None when there is none or it is not claimable yet (`available_at` later than
        `now`): a channel's posts go out in order, a row waiting to be retried holds back
        the rows queued after it."""
        ...

    async def mark_sent(
        self,
        item_id: int,
        *,
        message_id: int,
        sent_at: datetime | None = None,
        posted_as: PostedAs | None = None,
        posted_digest: str | None = None,
        buttons_message_id: int | None = None,
    ) -> OutboxItem:
        """Record that the row was posted as `message_id` (how, and a digest of what, for
        later edits; for an album, the follow-up message with its buttons). A pending edit
        request is kept."""
        ...

    async def mark_album_posted(
        self, item_id: int, *, album: Sequence[str], message_ids: Sequence[int]
    ) -> OutboxItem:
        """Record that a claimed row's media group went out (its photo URLs and the ids of
        its messages, the first becoming `message_id`); the row stays `sending` until its
        follow-up is sent, and a claim of it later sends only the follow-up."""
        ...

    async def release(
        self, item_id: int, *, retry_at: datetime | None = None, error: str | None = None
    ) -> OutboxItem:
        """Give a claimed row back: pending again (claimable from `retry_at` when given),
        the claim not counted as an attempt — the send was not tried, or was refused
        before it was tried (a flood wait, the channel unavailable)."""
        ...

    async def mark_failed(
        self, item_id: int, *, error: str, retry_at: datetime | None = None
    ) -> OutboxItem:
        """Record a failed send: back to pending, claimable from `retry_at`, when given;
        otherwise failed for good."""
        ...

    async def reset_sending_on_start(self) -> int:
        """Return rows left in sending by a crash to pending; return how many."""
        ...

    async def reset_sending(self, channel_id: int) -> int:
        """Return one channel's rows left in sending to pending (a process that takes the
        channel over after its last worker died); return how many."""
        ...

    async def recent_sends(self, channel_id: int, *, since: datetime) -> builtins.list[datetime]:
        """Return when the channel's rows sent at or after `since` were sent, oldest first,
        once per message Telegram counted (an album: each photo, and its follow-up; the
        daily digest): a process taking a channel over paces it from the sends before."""
        ...

    async def pending_count(self, channel_id: int | None = None) -> int:
        """Return how many rows are pending (for one channel, or all)."""
        ...

    async def state_counts(self, channel_id: int | None = None) -> dict[OutboxState, int]:
        """Return how many rows are in each state (for one channel, or all); every state
        is present."""
        ...

    async def channels_with_work(self, *, now: datetime | None = None) -> builtins.list[int]:
        """Return the ids of unpaused channels whose next pending row is claimable or that
        have a sent post to edit now, by id."""
        ...

    async def request_edits(
        self, article_ids: Iterable[int], *, sent_since: datetime, now: datetime | None = None
    ) -> int:
        """Mark the rows of these (changed) articles sent at or after `sent_since`, or being
        sent right now, as needing their post edited; return how many were marked."""
        ...

    async def next_edit(
        self, channel_id: int, *, now: datetime | None = None
    ) -> OutboxItem | None:
        """Return the channel's oldest sent row with an edit due by `now`, or None."""
        ...

    async def finish_edit(
        self,
        item_id: int,
        *,
        requested_at: datetime,
        posted_digest: str | None = None,
        error: str | None = None,
    ) -> bool:
        """Clear a handled edit request (storing the new digest, or the error when the edit
        was given up), unless the article changed again since `requested_at`; return
        whether it was cleared."""
        ...

    async def defer_edit(self, item_id: int, *, retry_at: datetime, error: str) -> OutboxItem:
        """Keep an edit request for a retry at `retry_at`, recording why it failed."""
        ...

    async def for_article(self, article_id: int) -> builtins.list[OutboxItem]:
        """Return an article's outbox rows, by channel."""
        ...

    async def find_posted(self, channel_id: int, message_id: int) -> OutboxItem | None:
        """Return the row whose post in the channel has this Telegram message id (how a
        forwarded channel post is traced back to its article), or None. An album's first
        message and its follow-up both lead to the row."""
        ...

    async def queued_stories(
        self, story_ids: Iterable[int], channel_ids: Iterable[int]
    ) -> set[tuple[int, int]]:
        """Return the (story_id, channel_id) pairs, among these stories and channels, for
        which an article of the story is pending, sending or sent to the channel (rows that
        failed for good do not count)."""
        ...

    async def sent_count(self, *, since: datetime | None = None) -> int:
        """Return how many rows were sent (at or after `since` when given)."""
        ...

    async def daily_sent(self, *, since: datetime) -> dict[date, int]:
        """Return how many rows were sent on each UTC day from `since` on (days without
        any are left out)."""
        ...

    async def sent_by_channel(self, *, since: datetime) -> dict[int, int]:
        """Return how many rows each channel had sent at or after `since` (channels with
        none are left out)."""
        ...

    async def recent_failures(self, limit: int = 5) -> builtins.list[OutboxItem]:
        """Return up to `limit` rows that failed for good, newest first."""
        ...

    async def latest_error(self, channel_id: int) -> str | None:
        """Return the error of the channel's newest row that recorded one, or None."""
        ...


class UserRepository(Protocol):
    """Telegram users the bot has seen."""

    async def upsert(
        self,
        user_id: int,
        *,
        username: str | None,
        first_name: str,
        language_code: str | None,
        seen_at: datetime | None = None,
    ) -> User:
        """Create or refresh a user from an update; a user seen again is not blocked."""
        ...

    async def get(self, user_id: int) -> User | None:
        """Return the user, or None if never seen."""
        ...

    async def set_blocked(self, user_id: int, blocked: bool) -> User:
        """Record whether the user blocked the bot."""
        ...

    async def count(self) -> int:
        """Return the number of known users."""
        ...


class BookmarkRepository(Protocol):
    """Articles users saved."""

    async def toggle(self, user_id: int, article_id: int, *, now: datetime | None = None) -> bool:
        """Save the article for the user, or unsave it if saved; return whether it is now
        saved. `NotFoundError` if the user or article does not exist."""
        ...

    async def add(self, user_id: int, article_id: int, *, now: datetime | None = None) -> bool:
        """Save the article; return False if it was already saved."""
        ...

    async def remove(self, user_id: int, article_id: int) -> bool:
        """Unsave the article; return whether it was saved."""
        ...

    async def list(
        self, user_id: int, limit: int = 20, offset: int = 0
    ) -> builtins.list[Bookmark]:
        """Return the user's bookmarks, most recently saved first."""
        ...

    async def get(self, user_id: int, article_id: int) -> Bookmark | None:
        """Return the user's bookmark of the article, or None."""
        ...

    async def set_read(
        self, user_id: int, article_id: int, read: bool, *, now: datetime | None = None
    ) -> Bookmark | None:
        """Mark the user's bookmark read (at `now`) or unread again and return it; None when
        the user has not saved the article (nothing is changed)."""
        ...

    async def restore(self, bookmark: Bookmark) -> bool:
        """Put back a removed bookmark as it was (saved and read times kept, so an undo
        returns it to its place in the list); return False if it is saved already.
        `NotFoundError` if the user or article does not exist."""
        ...

    async def count_all(self) -> int:
        """Return how many bookmarks all users hold together."""
        ...

    async def count_for_source(self, source_id: int) -> int:
        """Return how many bookmarks (of any user) point at the source's articles."""
        ...


class ShareRepository(Protocol):
    """Stories users sent from inline mode (chosen inline results)."""

    async def record(
        self, user_id: int, article_id: int, *, result_id: str, now: datetime | None = None
    ) -> None:
        """Record that the user shared the article through inline result `result_id`;
        `NotFoundError` if the article does not exist."""
        ...

    async def count_for_article(self, article_id: int) -> int:
        """Return how many times the article was shared."""
        ...

    async def count_all(self) -> int:
        """Return how many shares were recorded, of any article."""
        ...


class InlineResultRepository(Protocol):
    """Inline results rendered once per article version and language, kept beside the
    articles (`InlineRender`): an inline page reads them with its articles' versions."""

    async def page(
        self, article_ids: Sequence[int], language: str, *, rendered_since: datetime
    ) -> dict[int, StoredRender]:
        """Return each existing article's version and its kept result in `language`, if
        one of that version was rendered at or after `rendered_since` (else None);
        articles that do not exist are left out. One query for the whole page."""
        ...

    async def store(self, renders: Sequence[InlineRender]) -> None:
        """Keep rendered results, replacing older ones of the same article and language;
        a render of a version that is no longer the article's (edited or deleted since) is
        dropped."""


class ReactionRepository(Protocol):
    """Reactions on the bot's channel posts: the latest totals Telegram reported."""

    async def record(
        self, chat_id: int, message_id: int, counts: Mapping[str, int], *, at: datetime
    ) -> int | None:
        """Replace the totals of the post `message_id` in chat `chat_id` with `counts`
        (reaction → total; zeros dropped) as of `at`, and return the post's article id.

        None, and nothing stored, when the message is not a post the bot published (its
        outbox has no such message) or when totals of a later update are stored already
        (Telegram groups these updates and may deliver them late)."""
        ...

    async def for_article(self, article_id: int) -> dict[str, int]:
        """Return an article's reactions summed over all its posts, most frequent first."""
        ...


class DigestRepository(Protocol):
    """Channels' daily digests: the day's top stories, claimed once per (channel, day), then
    sent like outbox rows (claimed pending → sending, recorded sent or failed)."""

    async def stories(
        self, channel_id: int, *, since: datetime, until: datetime, limit: int = 10
    ) -> builtins.list[TrendingStory]:
        """Return the stories the bot posted to the channel in [since, until), best first,
        with their engagement in that window (near-duplicate articles together as one)::

            score = 3 per save + 2 per share + 1 per comment + 0.5 per reaction

        (no decay: the window is the digest's day). Ties go to the earlier post. The article
        shown for a story is the one posted to the channel. At most 50."""
        ...

    async def claim_day(
        self,
        channel_id: int,
        day: date,
        *,
        html: str,
        article_ids: Sequence[int],
        now: datetime | None = None,
    ) -> bool:
        """Insert the channel's digest of `day` (pending; `empty` when `html` is blank) and
        return True, or return False when that day's digest exists already (another process
        or an earlier run claimed it). `NotFoundError` if the channel does not exist."""
        ...

    async def get(self, channel_id: int, day: date) -> DigestPost | None:
        """Return the channel's digest of `day`, if claimed."""
        ...

    async def channels_with_work(self, *, now: datetime | None = None) -> builtins.list[int]:
        """Return the unpaused channels with a pending digest that may be sent now."""
        ...

    async def claim_next(
        self, channel_id: int, *, now: datetime | None = None
    ) -> DigestPost | None:
        """Take the channel's oldest pending digest that may be sent now (pending → sending,
        attempts + 1), or None."""
        ...

    async def mark_sent(
        self, channel_id: int, day: date, *, message_id: int, sent_at: datetime | None = None
    ) -> DigestPost:
        """Record the sent message."""
        ...

    async def release(
        self,
        channel_id: int,
        day: date,
        *,
        retry_at: datetime | None = None,
        error: str | None = None,
        count_attempt: bool = False,
    ) -> DigestPost:
        """Return a digest to pending, not before `retry_at`; the claim's attempt is given
        back unless `count_attempt`."""
        ...

    async def mark_failed(self, channel_id: int, day: date, *, error: str) -> DigestPost:
        """Give a digest up for good."""
        ...

    async def reset_sending(self, channel_id: int | None = None) -> int:
        """Return digests left in `sending` (by a crash) to pending: the channel's, or all;
        return how many."""
        ...


class DiscussionRepository(Protocol):
    """Comment threads under channel posts in linked discussion groups, and their comments."""

    async def open_thread(
        self,
        chat_id: int,
        thread_id: int,
        article_id: int,
        *,
        channel_id: int | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Record that thread `thread_id` of group `chat_id` is about an article; return
        False when it was recorded already (a redelivered update)."""
        ...

    async def thread_article(self, chat_id: int, thread_id: int) -> int | None:
        """Return the article a thread is about, or None for a thread that is not ours."""
        ...

    async def add_comment(
        self,
        chat_id: int,
        message_id: int,
        article_id: int,
        *,
        user_id: int | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Count one comment message on an article; return False when this (chat,
        message) was counted already."""
        ...

    async def comment_count(self, article_id: int) -> int:
        """Return how many comments the article has had in its threads."""
        ...


class FollowRepository(Protocol):
    """Users' standing searches (`/follow`), matched against new articles."""

    async def add(
        self,
        user_id: int,
        query: str,
        query_key: str,
        *,
        max_follows: int,
        now: datetime | None = None,
    ) -> FollowAdded:
        """Store a follow, atomically: nothing is stored when the user already has one with
        this key (DUPLICATE, with it) or keeps `max_follows` (LIMIT_REACHED).
        `NotFoundError` if the user does not exist."""
        ...

    async def list(self, user_id: int) -> builtins.list[Follow]:
        """Return the user's follows, oldest first."""
        ...

    async def remove(self, user_id: int, follow_id: int) -> bool:
        """Delete the user's follow and its alerts; False when the user has no follow with
        this id (another user's follows are never touched)."""
        ...

    async def set_muted(self, user_id: int, follow_id: int, muted: bool) -> Follow | None:
        """Pause (`muted`) or resume one of the user's follows as they choose and return it;
        None when the user has no follow with this id (another user's are never touched).
        A muted follow matches nothing until resumed."""
        ...

    async def set_paused_for_user(self, user_id: int, paused: bool) -> int:
        """Pause (the user blocked the bot) or resume all the user's follows; return how
        many changed."""
        ...

    async def active(self) -> builtins.list[Follow]:
        """Return every follow neither paused nor muted, oldest first."""
        ...


class AlertRepository(Protocol):
    """New articles waiting to be matched, and the alerts owed to each user.

    An alert is keyed by (user, article): an article reaches a user at most once. Its life:
    pending → sending (committed before the send) → sent, or dropped (given up).
    """

    async def queue(self, article_ids: Iterable[int], *, max_age: timedelta) -> int:
        """Queue newly stored articles for matching (only while some follow is active, and
        only stories published at most `max_age` before they were fetched); return how many
        were queued. Call it in the transaction that stored them."""
        ...

    async def queued(self, limit: int = 500) -> builtins.list[int]:
        """Return up to `limit` queued article ids, oldest first."""
        ...

    async def record_matches(
        self,
        matches: Iterable[AlertMatch],
        *,
        matched: Iterable[int],
        now: datetime | None = None,
    ) -> int:
        """Add pending alerts and unqueue the `matched` articles, atomically; return how
        many alerts were added. A story reaches a user once: of one user's matches in one
        story (near-duplicates from several sources) only the earliest article is kept, and
        none when an article of the story was alerted to them before; matches of follows or
        articles removed meanwhile are skipped."""
        ...

    async def users_waiting(self, *, now: datetime | None = None) -> builtins.list[int]:
        """Return the users with pending alerts sendable now, by id."""
        ...

    async def claim(self, user_id: int, *, now: datetime | None = None) -> builtins.list[Alert]:
        """Move the user's sendable pending alerts to sending and return them (committed)."""
        ...

    async def mark_sent(
        self, user_id: int, article_ids: Iterable[int], *, now: datetime | None = None
    ) -> int:
        """Record claimed alerts as sent; return how many."""
        ...

    async def drop(self, user_id: int, article_ids: Iterable[int]) -> int:
        """Give up claimed alerts; return how many."""
        ...

    async def retry_later(
        self,
        user_id: int,
        article_ids: Iterable[int],
        *,
        retry_at: datetime,
        count_attempt: bool,
    ) -> int:
        """Return claimed alerts to pending from `retry_at`; return how many."""
        ...

    async def drop_all_for_user(self, user_id: int) -> int:
        """Give up every unsent alert of the user; return how many."""
        ...

    async def drop_sending_on_start(self, *, claimed_before: datetime | None = None) -> int:
        """Give up alerts a crash left in sending (they may have been sent); return how
        many. With `claimed_before`, only those claimed before then (several processes:
        the others' sends in flight are left alone)."""
        ...

    async def state_counts(self, user_id: int | None = None) -> dict[AlertState, int]:
        """Return how many alerts are in each state (one user's, or all); every state is
        present."""
        ...


class SearchRepository(Protocol):
    """Full-text search over articles, in the query language of `news.query`."""

    async def articles(
        self,
        query: SearchQuery | str,
        *,
        limit: int = 20,
        offset: int = 0,
        user_id: int | None = None,
        now: datetime | None = None,
        snippets: bool = False,
    ) -> builtins.list[SearchHit]:
        """Search articles; never raises on any query text (see `news.query.parse_query`).

        A query without words or phrases lists the latest articles that pass its filters.
        Filters: every `#tag` (exact normalised key), any `source:` (name compared like a
        tag, case- and accent-insensitive, or the numeric id), and `saved` (only
        `user_id`'s bookmarks; nothing when `user_id` is None). An unfinished last word
        (`query.prefix`) matches as a prefix, a finished one as a word.

        Score (higher is better), the same on every engine::

            relevance = 1 + 10 * [every term in the title] + 5 * [every term in the tags]
            recency   = 1 / (1 + max(0, now - story_time) / 72 h)
            score     = relevance * recency        # text queries
            score     = recency                    # queries without text

        so a title match outweighs a body-only match unless the body-only story is about
        30 days newer, and a story 72 hours older needs twice the relevance to rank equal.
        `story_time` is published_at, or fetched_at when missing or later. Text queries
        score the 200 newest matches anywhere, in titles and in tags, so at most that many
        results are reachable through `offset`. `snippets=True` cuts each snippet around
        the matching text; otherwise it is the start of the lede.
        """
        ...

    async def article_ids(
        self,
        query: SearchQuery | str,
        *,
        limit: int = 20,
        offset: int = 0,
        user_id: int | None = None,
        now: datetime | None = None,
    ) -> builtins.list[tuple[int, float]]:
        """Like `articles`, but return only (article id, score) pairs, best first (for
        callers that keep articles rendered already and load only the rest)."""
        ...

    async def matching_ids(
        self, query: SearchQuery, article_ids: Collection[int], *, user_id: int | None = None
    ) -> set[int]:
        """Return which of the given articles match the query (its text and every filter).

        For checking a few new articles against a standing search (alerts). A query
        without text or filters matches them all; `saved` without `user_id` matches none.
        """
        ...


class TrendingRepository(Protocol):
    """Stories by recent engagement: saves, shares, comments and reactions."""

    async def stories(
        self, *, limit: int = 10, now: datetime | None = None
    ) -> builtins.list[TrendingStory]:
        """Return the top stories by recent engagement, best first (at most 50).

        Score of a story (all its near-duplicate articles together), over the events of
        the last 24 h::

            weight = 3 per save (bookmark made), 2 per share (inline result sent),
                     1 per comment (reply in its discussion thread),
                     0.5 per reaction on its channel posts (the latest total, dated by
                     its last change)
            score  = sum of weight / (1 + age_of_event / 12 h)

        so a save made now counts 3, one made 12 h ago 1.5, one made 24 h ago 1. Ties go
        to the newer story. The article shown for a story is its most engaged one.
        """
        ...


class RelatedRepository(Protocol):
    """Candidates for related coverage; `bot.services.related` decides what is related."""

    async def candidates(
        self,
        terms: Iterable[str],
        *,
        since: datetime,
        until: datetime,
        exclude_stories: Iterable[int] = (),
        limit: int = 30,
    ) -> builtins.list[Article]:
        """Return articles whose story time is in [since, until] matching any of `terms`
        (as words, never as query syntax), best text matches first (title over tags over
        summary); articles of the excluded stories are left out."""
        ...


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """What `/healthz` and `/metrics` report about the data."""

    active_sources: int
    """Sources that are active and not paused."""
    pending_posts: int
    """Outbox rows waiting to be posted (in any channel, paused ones included)."""
    oldest_due_post_at: datetime | None
    """Since when the oldest post that could go out now (channel not paused) has waited."""
    last_fetch_ok_at: datetime | None
    """The latest successful fetch of any source."""
    last_publish_ok_at: datetime | None
    """The latest post Telegram accepted."""


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """Row counts and the schema version, for `newsbot check`."""

    schema_version: int
    sources: int
    active_sources: int
    articles: int
    channels: int
    pending_posts: int


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """Which engine holds the store and at which schema version, for start-up logs."""

    engine: str
    """The engine and its version, e.g. `SQLite 3.45.1`."""
    schema_version: int


class StatusRepository(Protocol):
    """Read-only figures about the store for operators (health, metrics, `newsbot check`)."""

    async def read(self, *, now: datetime) -> StoreStatus:
        """Return the store's status as of `now`."""
        ...

    async def integrity_problems(self, *, full_text: bool = True) -> builtins.list[str]:
        """Run the engine's own integrity check; return the problems found (empty: intact).

        `full_text=False` skips comparing the full-text indexes with their tables (the
        costly half; `newsbot run` checks the rest at start and everything periodically).
        """
        ...

    async def counts(self) -> StoreCounts:
        """Return row counts and the schema version."""
        ...

    async def engine(self) -> EngineInfo:
        """Return the engine's name and version and the schema version (no row counts)."""
        ...


class LeaseRepository(Protocol):
    """Named leases with an expiry, on the database's own clock: one holder per name.

    What several processes on one database share out: who polls for updates, who works a
    channel's outbox, who runs a daily job. A holder renews its leases well before they
    expire; when its process dies they expire and another takes them.
    """

    async def acquire(self, name: str, holder: str, *, seconds: float) -> bool:
        """Take (or keep) the lease `name` for `seconds` if it is free, expired or held by
        `holder` already; return whether `holder` holds it now."""
        ...

    async def renew(self, holder: str, *, seconds: float) -> builtins.list[str]:
        """Extend every unexpired lease of `holder` by `seconds` from now; return their
        names (a lease that expired meanwhile is not renewed: another may hold it)."""
        ...

    async def release(self, name: str, holder: str) -> bool:
        """Give up the lease `name` if `holder` holds it; return whether it did."""
        ...

    async def release_all(self, holder: str | None = None) -> int:
        """Give up every lease of `holder` (every lease of anyone when None); return how
        many."""
        ...

    async def holders(self, prefix: str) -> dict[str, str]:
        """Return the unexpired leases whose name starts with `prefix`: name → holder."""
        ...

    async def settle_budget(
        self,
        holder: str,
        *,
        wants: int,
        weight: int,
        keep: int,
        capacity: int,
        seconds: float,
        cooling: float,
    ) -> tuple[int, int]:
        """Settle `holder`'s part of a budget of `capacity` places shared by processes (the
        bot's overall send window); return (places held now, fair share).

        In one transaction, serialised with every other holder's: places held beyond
        `keep` are given back, still counted for `cooling` seconds (the sends made with
        them leave the window first); the fair share is `capacity` divided among the live
        holders in proportion to their `weight`, none above what it `wants` (weighted
        max-min fairness, ties broken by holder name); if the share
        is more than what is held, free places are taken up to it. A holder's places
        count for `seconds` unless settled again (a dead process's come back then). The
        places held are never more than `capacity` minus everyone else's and the cooling
        ones; a holder keeping more than its share gives the rest back at its next call.
        """
        ...


class TelegraphRepository(Protocol):
    """Full text inside Telegram: the bot's Telegraph account, which routes want full-text
    pages, and one page (or the attempt to make it) per article."""

    async def account(self) -> tuple[str, str] | None:
        """Return the stored account as (short name, access token), or None."""
        ...

    async def save_account(
        self, short_name: str, access_token: str, *, now: datetime | None = None
    ) -> tuple[str, str]:
        """Store the account unless one is stored already; return the stored one (the
        first stored wins when two processes create one at once)."""
        ...

    async def forget_account(self, access_token: str) -> bool:
        """Delete the stored account if it has this (refused) token; return whether it did."""
        ...

    async def set_full_text(self, source_id: int, channel_id: int, enabled: bool) -> None:
        """Turn the route's full-text pages on or off; `NotFoundError` if there is no route."""
        ...

    async def full_text(self, source_id: int, channel_id: int) -> bool:
        """Tell whether the route from the source to the channel wants full-text pages."""
        ...

    async def page(self, article_id: int) -> FullTextPage | None:
        """Return the article's page (or the attempt to make it), or None."""
        ...

    async def want_page(self, article_id: int, *, now: datetime | None = None) -> FullTextPage:
        """Record that the article needs a page (pending, due now) unless it has a row;
        return the row. `NotFoundError` if there is no such article."""
        ...

    async def page_created(
        self,
        article_id: int,
        *,
        path: str,
        url: str,
        truncated: bool,
        content_digest: str,
        now: datetime | None = None,
    ) -> FullTextPage:
        """Record the page Telegraph created; `NotFoundError` if there is no row."""
        ...

    async def page_edited(self, article_id: int, *, content_digest: str) -> FullTextPage:
        """Record what an edited page now shows."""
        ...

    async def page_failed(
        self,
        article_id: int,
        *,
        error: str,
        retry_at: datetime | None,
        count_attempt: bool = True,
        now: datetime | None = None,
    ) -> FullTextPage:
        """Record a failed attempt on a pending page: retried from `retry_at`, or failed
        for good when it is None. A page no longer pending is returned unchanged."""
        ...

    async def due_pages(
        self, *, now: datetime | None = None, limit: int = 20
    ) -> builtins.list[FullTextPage]:
        """Return up to `limit` pending pages due by `now`, the longest waiting first."""
        ...

    async def next_due_at(self) -> datetime | None:
        """Return when the next pending page is due (None: none pending, or one due now
        that was never tried)."""
        ...

    async def state_counts(self) -> dict[PageState, int]:
        """Return how many pages are in each state; every state is present."""
        ...


class Database(Protocol):
    """An open newsbot store: its repositories, transactions, backup and close.

    Everything outside `storage/` depends on this contract only; `storage.open_database`
    returns an engine's implementation.
    """

    sources: SourceRepository
    articles: ArticleRepository
    channels: ChannelRepository
    outbox: OutboxRepository
    users: UserRepository
    bookmarks: BookmarkRepository
    shares: ShareRepository
    inline_results: InlineResultRepository
    reactions: ReactionRepository
    digests: DigestRepository
    discussion: DiscussionRepository
    follows: FollowRepository
    alerts: AlertRepository
    search: SearchRepository
    trending: TrendingRepository
    related: RelatedRepository
    status: StatusRepository
    leases: LeaseRepository
    telegraph: TelegraphRepository

    @property
    def location(self) -> str:
        """Where the data lives, for people: a file path, `:memory:` or a URL without its
        password."""
        ...

    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Return a context manager running its block in one transaction.

        Repository calls made by the same task (and tasks it starts) inside the block join
        it and see its uncommitted rows; a nested block is a savepoint; an exception rolls
        everything back. Other tasks never see a part of it: their reads see the state
        before it or after it (engines with read connections answer at once, from before).
        """
        ...

    async def backup(self, path: Path | str, *, overwrite: bool = False) -> Path:
        """Write an online, consistent copy of the store to the file `path` and return it;
        a reader never sees a half-written copy. `AlreadyExistsError` if `path` exists and
        `overwrite` is false."""
        ...

    async def close(self) -> None:
        """Close the store (waits for other tasks' open transactions)."""
        ...

    async def __aenter__(self) -> Self:
        """Return self; the store is already open."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the store."""
        ...
