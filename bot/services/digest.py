"""Daily digests: at a channel's hour, its day's top stories claimed once as one post.

Every process runs `claim_due_digests` on a timer (`DIGEST_CHECK_SECONDS`). For each
channel with a digest hour whose local day has reached it, the day's stories are ranked
(`DigestRepository.stories`: saves, shares, comments and reactions; near-duplicates as one
story), rendered, and the (channel, day) row is inserted: the insert is the claim, so
whichever process or run gets there first composes the day's one digest, and the others
(or a restart) find the row and do nothing. The publisher then sends it like an outbox row
(`bot.delivery.digest_poster`), under the channel's lease and pacing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from bot.ops.i18n import N_, texts_for
from news.daily import digest_window, due_day
from news.entities import Channel, TrendingStory
from news.render.digest import DigestItem, render_digest
from storage import Database
from storage.errors import NotFoundError

log = logging.getLogger(__name__)

MAX_STORIES: Final = 10
HEADING: Final = N_("Top stories of the day")


@dataclass(frozen=True, slots=True)
class ComposedDigest:
    """A digest ready to claim: its HTML (blank when the day had no stories) and stories."""

    html: str
    article_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ClaimedDigest:
    """A digest this call claimed."""

    channel_id: int
    day: date
    stories: int


async def claim_due_digests(db: Database, now: datetime) -> list[ClaimedDigest]:
    """Compose and claim every channel's digest that is due at `now` and not yet claimed."""
    claimed = []
    for channel in await db.channels.list():
        if channel.digest_hour is None or channel.paused:
            continue
        day = due_day(now, channel.digest_hour, channel.timezone)
        if day is None or await db.digests.get(channel.id, day) is not None:
            continue
        digest = await compose_digest(db, channel, day)
        try:
            won = await db.digests.claim_day(
                channel.id, day, html=digest.html, article_ids=digest.article_ids, now=now
            )
        except NotFoundError:  # the channel was removed meanwhile
            continue
        if won:
            fields = {"channel_id": channel.id, "day": day.isoformat()}
            log.info("digest_claimed", extra={**fields, "stories": len(digest.article_ids)})
            claimed.append(ClaimedDigest(channel.id, day, len(digest.article_ids)))
    return claimed


async def compose_digest(db: Database, channel: Channel, day: date) -> ComposedDigest:
    """Rank and render the channel's digest of local `day` (blank when nothing was posted)."""
    assert channel.digest_hour is not None
    since, until = digest_window(day, channel.digest_hour, channel.timezone)
    stories = await db.digests.stories(channel.id, since=since, until=until, limit=MAX_STORIES)
    if not stories:
        return ComposedDigest("", ())
    texts = texts_for(channel.digest_language)
    heading = f"{texts.gettext(HEADING)} · {day.isoformat()}"
    rendered = render_digest(heading, [_item(story) for story in stories])
    shown = stories[: rendered.shown]
    return ComposedDigest(rendered.html, tuple(story.article.id for story in shown))


def _item(story: TrendingStory) -> DigestItem:
    """Return a story as a digest line: headline, link, lede (summary, else the body)."""
    article = story.article
    return DigestItem(article.title, article.url, article.summary or article.body[:600])
