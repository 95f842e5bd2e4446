"""What an admin sees in the Mini App: sources with state and counts, a 30-day chart of
articles and posts per day, channels with their posting rate and last error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from bot.services.admin.labels import channel_label, shorten
from news.entities import Source
from storage import Database

CHART_DAYS: Final = 30
ERROR_CHARS: Final = 200


class SourceState(StrEnum):
    """How a source stands, for people."""

    OK = "ok"
    NEW = "new"
    FAILING = "failing"
    PAUSED = "paused"
    DEACTIVATED = "deactivated"


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One source in the admin list."""

    id: int
    name: str
    url: str
    state: SourceState
    articles: int
    articles_today: int
    last_success_at: datetime | None
    failure_count: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class DayCount:
    """One day of the chart: articles by story time, posts by time sent (UTC days)."""

    day: date
    articles: int
    posts: int


@dataclass(frozen=True, slots=True)
class ChannelRow:
    """One channel in the admin list."""

    id: int
    label: str
    paused: bool
    posts_last_day: int
    posts_per_hour: float
    pending: int
    last_error: str | None


def source_state(source: Source) -> SourceState:
    """Return how a source stands: deactivated, paused, failing, new or ok."""
    if not source.active:
        return SourceState.DEACTIVATED
    if source.paused:
        return SourceState.PAUSED
    if source.failure_count > 0:
        return SourceState.FAILING
    if source.last_success_at is None:
        return SourceState.NEW
    return SourceState.OK


async def sources_overview(db: Database, *, now: datetime) -> list[SourceRow]:
    """Return every source with its state and article counts (in all, last 24 h)."""
    rows = []
    for source in await db.sources.list():
        rows.append(
            SourceRow(
                id=source.id,
                name=source.name,
                url=source.url,
                state=source_state(source),
                articles=await db.articles.count(source_id=source.id),
                articles_today=await db.articles.count(
                    source_id=source.id, since=now - timedelta(days=1)
                ),
                last_success_at=source.last_success_at,
                failure_count=source.failure_count,
                last_error=shorten(source.last_error, ERROR_CHARS) if source.last_error else None,
            )
        )
    return rows


async def daily_chart(db: Database, *, now: datetime, days: int = CHART_DAYS) -> list[DayCount]:
    """Return the last `days` UTC days (today last) with articles and posts per day."""
    first = now.date() - timedelta(days=days - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=now.tzinfo)
    articles = await db.articles.daily_counts(since=since)
    posts = await db.outbox.daily_sent(since=since)
    return [
        DayCount(day, articles.get(day, 0), posts.get(day, 0))
        for day in (first + timedelta(days=n) for n in range(days))
    ]


async def channels_overview(db: Database, *, now: datetime) -> list[ChannelRow]:
    """Return every channel with its posts in the last 24 h, pending posts and last error."""
    sent = await db.outbox.sent_by_channel(since=now - timedelta(days=1))
    rows = []
    for channel in await db.channels.list():
        error = await db.outbox.latest_error(channel.id)
        posts = sent.get(channel.id, 0)
        rows.append(
            ChannelRow(
                id=channel.id,
                label=channel_label(channel),
                paused=channel.paused,
                posts_last_day=posts,
                posts_per_hour=round(posts / 24, 2),
                pending=await db.outbox.pending_count(channel.id),
                last_error=shorten(error, ERROR_CHARS) if error else None,
            )
        )
    return rows
