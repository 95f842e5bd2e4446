"""What the admin's `/channels` and `/stats` show, read from the database in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from news.entities import AlertState, Article, Channel, OutboxItem, OutboxState, Route, Source
from storage import Database

RECENT_ERRORS: Final = 5
"""How many source errors and how many failed posts `/stats` lists."""
DAY: Final = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    """A channel with its routes, posting counts and, when lost, why."""

    channel: Channel
    routes: tuple[tuple[Route, Source], ...]
    sent: int
    pending: int
    failed: int
    lost_reason: str | None
    """The last error Telegram gave for the channel, when it is lost (paused)."""

    @property
    def lost(self) -> bool:
        """Tell whether posting to the channel stopped (the bot lost its right to post)."""
        return self.channel.paused


@dataclass(frozen=True, slots=True)
class FailedPost:
    """A post that failed for good: the row, its article and its channel."""

    item: OutboxItem
    article: Article | None
    channel: Channel | None


@dataclass(frozen=True, slots=True)
class BotStats:
    """The counts and recent errors `/stats` shows."""

    articles: int
    articles_day: int
    posts_sent: int
    posts_sent_day: int
    outbox_pending: int
    outbox_failed: int
    bookmarks: int
    users: int
    shares: int
    alerts_waiting: int
    """Alerts matched and not sent yet (pending or being sent)."""
    alerts_sent: int
    sources_active: int
    sources_paused: int
    sources_deactivated: int
    source_errors: tuple[Source, ...]
    """Sources failing now, latest failure first."""
    failed_posts: tuple[FailedPost, ...]
    """Posts that failed for good, newest first."""


async def channel_statuses(db: Database) -> list[ChannelStatus]:
    """Return every channel with its routes, counts and lost reason, by id."""
    sources = {source.id: source for source in await db.sources.list()}
    statuses = []
    for channel in await db.channels.list():
        routes = await db.channels.routes_for_channel(channel.id)
        counts = await db.outbox.state_counts(channel.id)
        statuses.append(
            ChannelStatus(
                channel=channel,
                routes=tuple((r, sources[r.source_id]) for r in routes if r.source_id in sources),
                sent=counts[OutboxState.SENT],
                pending=counts[OutboxState.PENDING] + counts[OutboxState.SENDING],
                failed=counts[OutboxState.FAILED],
                lost_reason=await db.outbox.latest_error(channel.id) if channel.paused else None,
            )
        )
    return statuses


async def bot_stats(db: Database, now: datetime) -> BotStats:
    """Return the counts of everything and the latest errors, as of `now`."""
    sources = await db.sources.list()
    outbox = await db.outbox.state_counts()
    alerts = await db.alerts.state_counts()
    return BotStats(
        articles=await db.articles.count(),
        articles_day=await db.articles.count(since=now - DAY),
        posts_sent=await db.outbox.sent_count(),
        posts_sent_day=await db.outbox.sent_count(since=now - DAY),
        outbox_pending=outbox[OutboxState.PENDING] + outbox[OutboxState.SENDING],
        outbox_failed=outbox[OutboxState.FAILED],
        bookmarks=await db.bookmarks.count_all(),
        users=await db.users.count(),
        shares=await db.shares.count_all(),
        alerts_waiting=alerts[AlertState.PENDING] + alerts[AlertState.SENDING],
        alerts_sent=alerts[AlertState.SENT],
        sources_active=sum(1 for s in sources if s.active and not s.paused),
        sources_paused=sum(1 for s in sources if s.paused),
        sources_deactivated=sum(1 for s in sources if not s.active and not s.paused),
        source_errors=tuple(failing_sources(sources)[:RECENT_ERRORS]),
        failed_posts=tuple(await failed_posts(db, RECENT_ERRORS)),
    )


def failing_sources(sources: list[Source]) -> list[Source]:
    """Return the sources whose latest fetches failed, latest failure first."""
    failing = [s for s in sources if s.failure_count and s.last_error]
    return sorted(failing, key=lambda s: s.last_fetched_at or s.created_at, reverse=True)


async def failed_posts(db: Database, limit: int) -> list[FailedPost]:
    """Return up to `limit` posts that failed for good, newest first, with their articles."""
    items = await db.outbox.recent_failures(limit)
    articles = {a.id: a for a in await db.articles.get_many(i.article_id for i in items)}
    channels = {c.id: c for c in await db.channels.list()} if items else {}
    return [
        FailedPost(item, articles.get(item.article_id), channels.get(item.channel_id))
        for item in items
    ]
