"""The domain entities: sources, articles, channels, routes, outbox rows, users, follows, alerts.

Typed, immutable records; the storage contract (`storage.protocols`) reads and writes them,
every engine returns them (never raw rows).

Every datetime is timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from news.models import RelatedLink


class ChannelStyle(StrEnum):
    """How a channel's posts look."""

    TEXT = "text"
    PHOTO = "photo"
    COMPACT = "compact"


class LinkPreview(StrEnum):
    """A route's link preview: none, the article's, or its large media above the text."""

    OFF = "off"
    ON = "on"
    LARGE = "large"


class OutboxState(StrEnum):
    """Where an outbox row is in its life: pending → sending → sent | failed."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class PostedAs(StrEnum):
    """How a sent post was delivered, which decides how it can be edited."""

    TEXT = "text"
    """A text message: its text is edited."""
    CAPTION = "caption"
    """A photo with the post as its caption: the caption is edited."""


@dataclass(frozen=True, slots=True)
class Source:
    """A feed or site the bot watches, with its fetch state."""

    id: int
    url: str
    name: str
    tags: tuple[str, ...]
    interval_seconds: int | None
    """Seconds between fetches; None means the global `POLL_INTERVAL_SECONDS`."""
    active: bool
    """False once deactivated after too many consecutive failures."""
    paused: bool
    """True while an admin has paused it."""
    etag: str | None
    last_modified: str | None
    last_fetched_at: datetime | None
    last_success_at: datetime | None
    next_fetch_at: datetime | None
    failure_count: int
    last_error: str | None
    created_at: datetime
    backfill: int = 0
    """How many of its newest items the first successful fetch queues for its channels."""
    skipped_entries: int = 0
    """Entries of its last fetched document that could not be read (the others were stored)."""


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article; `story_id` groups near-duplicates from different sources."""

    id: int
    source_id: int
    guid: str
    url: str
    title: str
    summary: str
    body: str
    image_url: str | None
    author: str | None
    published_at: datetime | None
    fetched_at: datetime
    updated_at: datetime
    language: str | None
    tags: tuple[str, ...]
    related: tuple[RelatedLink, ...]
    content_hash: str
    simhash: int
    """Unsigned 64-bit SimHash of the text."""
    story_id: int
    """Id of the earliest article of its near-duplicate cluster, or its own id."""
    image_urls: tuple[str, ...] = ()
    """Its http(s) images in order, at most 10: the album of a post in the `photo` style."""

    @property
    def story_time(self) -> datetime:
        """Return when the story happened: published_at, never later than fetched_at."""
        if self.published_at is None or self.published_at > self.fetched_at:
            return self.fetched_at
        return self.published_at


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What `ArticleRepository.upsert_many` did with a batch of drafts."""

    inserted: tuple[int, ...]
    """Ids of new articles, in draft order."""
    updated: tuple[int, ...]
    """Ids of existing articles whose title or text changed."""
    unchanged: int
    """Drafts that matched an existing article with the same content."""

    @property
    def total(self) -> int:
        """Return the number of drafts handled."""
        return len(self.inserted) + len(self.updated) + self.unchanged


@dataclass(frozen=True, slots=True)
class TagCount:
    """A tag (display form and normalised key) and how many articles carry it."""

    key: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class Channel:
    """A Telegram channel (or chat) the bot posts into."""

    id: int
    chat_id: int
    username: str | None
    title: str
    style: ChannelStyle
    paused: bool
    discussion_chat_id: int | None
    """The linked discussion group, when known."""
    created_at: datetime
    discussion_replies: bool = True
    """Whether the bot replies with related coverage under its posts in the linked group."""
    timezone: str | None = None
    """IANA time zone of the channel's quiet hours and daily digest (None: UTC)."""
    quiet_hours: QuietHours | None = None
    """Hours when posts wait in the queue (None: posts go at any hour)."""
    digest_hour: int | None = None
    """The local hour (0-23) of the channel's daily digest; None: no digest."""
    digest_language: str | None = None
    """The language of the digest's heading (`ru`); None: English."""


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Whole hours `start`-`end` (0-23, local time) when a channel is not posted to;
    `23-07` wraps past midnight; `end` is excluded."""

    start: int
    end: int

    def __post_init__(self) -> None:
        """Refuse hours outside 0-23 and an empty range."""
        for hour in (self.start, self.end):
            if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
                raise ValueError(f"quiet hours are whole hours 0-23, got {hour!r}")
        if self.start == self.end:
            raise ValueError("quiet hours must not start and end at the same hour")

    def __str__(self) -> str:
        """Return the `HH-HH` form."""
        return f"{self.start:02d}-{self.end:02d}"


@dataclass(frozen=True, slots=True)
class RouteOptions:
    """How a route's posts look and go out; the defaults are the channel's own."""

    template: str | None = None
    """The post's template (`news.render.template`); None: the channel style's layout."""
    link_preview: LinkPreview | None = None
    """None: the style decides (a large preview for `text`, none for `compact`)."""
    silent: bool = False
    """Send without a notification (`disable_notification`)."""
    topic_id: int | None = None
    """The forum topic (`message_thread_id`) posts go to; None: the chat itself."""
    topic_name: str | None = None
    """The topic's name, when known."""
    full_text: bool = False
    """Publish each article's full text as a Telegraph page and link it from the post."""


@dataclass(frozen=True, slots=True)
class Route:
    """Articles of a source go to a channel, filtered by words and tags, with options."""

    id: int
    """Stable: shown in `routes list`, named by `routes set ID`."""
    source_id: int
    channel_id: int
    include: tuple[str, ...]
    """When set, an article must contain at least one of these words."""
    exclude: tuple[str, ...]
    """An article containing any of these words is not posted."""
    tags: tuple[str, ...]
    """When set, an article must carry at least one of these tags (normalised keys)."""
    created_at: datetime
    options: RouteOptions = RouteOptions()
    topic_error: str | None = None
    """Telegram's answer when the route's topic was closed or deleted (admins were told
    once): its posts are failed with it, not sent, until the topic is set again."""


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One article to post (or posted) to one channel."""

    id: int
    article_id: int
    channel_id: int
    state: OutboxState
    attempts: int
    last_error: str | None
    message_id: int | None
    created_at: datetime
    available_at: datetime | None
    """Not to be claimed (or, once sent, edited) before this time (a retry later)."""
    sent_at: datetime | None
    edit_requested_at: datetime | None = None
    """Set when the article changed after it was posted: the post is to be edited."""
    posted_as: PostedAs | None = None
    """How the post was sent (None until sent, or for rows sent before this was kept)."""
    posted_digest: str | None = None
    """Digest of the posted content, to skip edits that would change nothing."""
    album: tuple[str, ...] = ()
    """Posted as a media group: the photo URLs it sent, in order (empty otherwise)."""
    album_message_ids: tuple[int, ...] = ()
    """The message ids of the album's items, recorded as soon as Telegram answered it
    (`message_id` is the first, the one with the caption)."""
    buttons_message_id: int | None = None
    """The follow-up message carrying an album's buttons, once sent."""

    @property
    def album_posted(self) -> bool:
        """Tell whether the row's media group went out (its follow-up may still be due)."""
        return bool(self.album_message_ids)


@dataclass(frozen=True, slots=True)
class User:
    """A Telegram user the bot has seen."""

    id: int
    """The Telegram user id."""
    username: str | None
    first_name: str
    language_code: str | None
    blocked: bool
    """True once the user blocked the bot (sending to them fails)."""
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A user saved an article."""

    user_id: int
    article_id: int
    created_at: datetime
    read_at: datetime | None = None
    """When the user marked it read (None: unread)."""


@dataclass(frozen=True, slots=True)
class ArticleVersion:
    """What changes when an article is edited: for caches keyed by article version."""

    updated_at: datetime
    content_hash: str


@dataclass(frozen=True, slots=True)
class InlineRender:
    """An article's inline result (one InlineQueryResultArticle as Bot API JSON text),
    rendered once for one language and kept beside the article."""

    article_id: int
    language: str
    version: ArticleVersion
    """The article's version it shows: an edit makes the render stale."""
    rendered_at: datetime
    """What else it shows (source name, related headlines) is as of this time."""
    result: str


@dataclass(frozen=True, slots=True)
class StoredRender:
    """An existing article's version and its kept inline result (None: none usable)."""

    version: ArticleVersion
    result: str | None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: the article, its score (higher is better) and a text snippet."""

    article: Article
    score: float
    snippet: str


class FollowAddOutcome(StrEnum):
    """What `FollowRepository.add` did."""

    ADDED = "added"
    DUPLICATE = "duplicate"
    """The user already follows the same search; nothing was stored."""
    LIMIT_REACHED = "limit_reached"
    """The user keeps the most follows allowed; nothing was stored."""


@dataclass(frozen=True, slots=True)
class Follow:
    """A user's standing search: new articles that match it are alerted to them."""

    id: int
    user_id: int
    query: str
    """As the user typed it (whitespace collapsed); shown in lists and alerts."""
    query_key: str
    """Canonical form (`news.follows.follow_key`): equal keys are the same follow."""
    paused: bool
    """True while the user blocks the bot: nothing is matched or sent for it."""
    created_at: datetime
    muted: bool = False
    """True while the user paused it themselves: nothing is matched for it."""


@dataclass(frozen=True, slots=True)
class FollowAdded:
    """The result of `FollowRepository.add`: the outcome and the follow it is about."""

    outcome: FollowAddOutcome
    follow: Follow | None
    """The new follow, or the existing one for a duplicate; None when the limit was hit."""


class AlertState(StrEnum):
    """Where an alert is: pending → sending → sent | dropped (never sent twice)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DROPPED = "dropped"
    """Given up: the user blocked the bot, Telegram refused it, or its send was cut off."""


@dataclass(frozen=True, slots=True)
class AlertMatch:
    """A new article matched one of a user's follows."""

    user_id: int
    article_id: int
    follow_id: int


@dataclass(frozen=True, slots=True)
class Alert:
    """An article to alert (or alerted) to a user, with the follow that matched it."""

    user_id: int
    article_id: int
    follow_id: int
    follow_query: str
    state: AlertState
    attempts: int
    """Sends tried that failed in a way worth retrying."""
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TrendingStory:
    """A story (its most engaged article) with its recent saves, shares, comments and
    reactions."""

    article: Article
    saves: int
    shares: int
    comments: int
    score: float
    reactions: int = 0
    """Reactions on its channel posts (latest totals that changed in the window)."""


class DigestState(StrEnum):
    """Where a channel's daily digest is: pending → sending → sent | failed, or empty (the
    day had no stories: nothing to post)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class DigestPost:
    """A channel's digest for one local day: claimed once, rendered when claimed."""

    channel_id: int
    day: date
    state: DigestState
    html: str
    article_ids: tuple[int, ...]
    attempts: int
    last_error: str | None
    message_id: int | None
    created_at: datetime
    available_at: datetime | None
    sent_at: datetime | None


class PageState(StrEnum):
    """Where an article's Telegraph page is: pending → created | failed."""

    PENDING = "pending"
    CREATED = "created"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FullTextPage:
    """An article's full text as a Telegraph page (Instant View), or the attempt to make it."""

    article_id: int
    state: PageState
    path: str | None
    """Telegraph's path of the page (to edit it), once created."""
    url: str | None
    """The public page, once created."""
    truncated: bool
    """The text was cut to Telegraph's size limit (the page links to the rest)."""
    content_digest: str | None
    """Digest of what the page shows: an article change that keeps it needs no edit."""
    attempts: int
    """Failed calls so far."""
    available_at: datetime | None
    """A pending page is not tried again before this."""
    last_error: str | None
    created_at: datetime
    done_at: datetime | None
