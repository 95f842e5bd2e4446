"""Match queued new articles against every active follow; record one alert per user/article.

Follows with the same search (the same key) are matched once, whoever keeps them: one
query per distinct search per batch, each restricted to the batch's article ids
(`SearchRepository.matching_ids`), so the work grows with distinct searches times the index
range of the new articles, not with the size of the archive.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from news.entities import AlertMatch, Follow
from news.follows import follow_search
from storage import Database

log = logging.getLogger(__name__)

BATCH_SIZE: Final = 500
"""Queued articles matched per round."""


@dataclass(frozen=True, slots=True)
class MatchReport:
    """What one `match_queued` call did."""

    articles: int = 0
    """Queued articles matched (and unqueued)."""
    searches: int = 0
    """Distinct searches run per batch, summed."""
    alerts: int = 0
    """Pending alerts added."""


def first_follow_per_user(follows: list[Follow], hits: dict[str, set[int]]) -> list[AlertMatch]:
    """Return one match per (user, article): the user's oldest follow whose search hit it."""
    chosen: dict[tuple[int, int], int] = {}
    for follow in sorted(follows, key=lambda f: f.id):
        for article_id in sorted(hits.get(follow.query_key, ())):
            chosen.setdefault((follow.user_id, article_id), follow.id)
    return [
        AlertMatch(user_id=user_id, article_id=article_id, follow_id=follow_id)
        for (user_id, article_id), follow_id in chosen.items()
    ]


async def match_queued(
    db: Database, *, batch_size: int = BATCH_SIZE, now: datetime | None = None
) -> MatchReport:
    """Match every queued article against the active follows; store the pending alerts."""
    articles = searches = alerts = 0
    while True:
        article_ids = await db.alerts.queued(batch_size)
        if not article_ids:
            break
        follows = await db.follows.active()
        by_key: dict[str, str] = {}
        for follow in follows:
            by_key.setdefault(follow.query_key, follow.query)
        hits: dict[str, set[int]] = defaultdict(set)
        for key, text in by_key.items():
            hits[key] = await db.search.matching_ids(follow_search(text), article_ids)
        matches = first_follow_per_user(follows, hits)
        alerts += await db.alerts.record_matches(matches, matched=article_ids, now=now)
        articles += len(article_ids)
        searches += len(by_key)
        if len(article_ids) < batch_size:
            break
    if articles:
        log.info(
            "alerts_matched",
            extra={"articles": articles, "searches": searches, "alerts": alerts},
        )
    return MatchReport(articles=articles, searches=searches, alerts=alerts)
