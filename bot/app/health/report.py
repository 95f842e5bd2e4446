"""What `/healthz` says: the database reachable, the last good fetch and publish, staleness.

Rules (see docs/operations.md):
- 503 and `"status": "down"` when the database cannot answer a query within a few seconds;
  otherwise 200 — a stale feed or a blocked channel is not fixed by restarting the bot.
- `fetch_stale`: there are active sources and none was fetched successfully within
  `max(3 x POLL_INTERVAL_SECONDS, 15 min)` (counted from the start when never, or not since).
- `publish_stale`: a post could have gone out for more than 15 min (its channel not paused)
  and nothing was posted successfully in those 15 min.
- `"database": "damaged"` (with `"database_problems"`) when the periodic integrity check
  found damage (bot.app.integrity); 200, since a restart refuses a damaged file anyway.
- `"status"` is `"degraded"` when either is stale or the database is damaged, else `"ok"`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any

from storage.protocols import StoreStatus

MIN_FETCH_WINDOW = timedelta(minutes=15)
PUBLISH_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class HealthReport:
    """The `/healthz` answer: an HTTP status and a JSON body."""

    http_status: HTTPStatus
    body: dict[str, Any]


def database_down(reason: str, *, started_at: datetime) -> HealthReport:
    """The report when the database cannot be read."""
    return HealthReport(
        HTTPStatus.SERVICE_UNAVAILABLE,
        {
            "status": "down",
            "database": "unreachable",
            "database_error": reason,
            "started_at": started_at.isoformat(),
        },
    )


def health_report(
    status: StoreStatus,
    *,
    now: datetime,
    started_at: datetime,
    poll_interval_seconds: int,
    integrity_problems: list[str] | None = None,
) -> HealthReport:
    """The report for a readable database, with the staleness rules above applied."""
    fetch_window = max(MIN_FETCH_WINDOW, timedelta(seconds=3 * poll_interval_seconds))
    fetch_stale = status.active_sources > 0 and _older_than(
        status.last_fetch_ok_at, fetch_window, now=now, started_at=started_at
    )
    waiting = status.oldest_due_post_at
    publish_stale = (
        waiting is not None
        and now - waiting > PUBLISH_WINDOW
        and _older_than(status.last_publish_ok_at, PUBLISH_WINDOW, now=now, started_at=started_at)
    )
    damaged = bool(integrity_problems)
    body: dict[str, Any] = {
        "status": "degraded" if fetch_stale or publish_stale or damaged else "ok",
        "database": "damaged" if damaged else "ok",
    }
    if integrity_problems:
        body["database_problems"] = integrity_problems[:5]
    return HealthReport(
        HTTPStatus.OK,
        {
            **body,
            "last_fetch_ok_at": _iso(status.last_fetch_ok_at),
            "last_publish_ok_at": _iso(status.last_publish_ok_at),
            "fetch_stale": fetch_stale,
            "publish_stale": publish_stale,
            "sources_active": status.active_sources,
            "outbox_pending": status.pending_posts,
            "oldest_due_post_at": _iso(waiting),
            "started_at": started_at.isoformat(),
        },
    )


def _older_than(
    moment: datetime | None, window: timedelta, *, now: datetime, started_at: datetime
) -> bool:
    """Tell whether `moment` (or the start, when later or missing) lies beyond `window`."""
    since = started_at if moment is None or moment < started_at else moment
    return now - since > window


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
