"""/healthz rules: 503 only when the database is unreachable; staleness flags as documented."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http import HTTPStatus

from bot.app.health.report import database_down, health_report
from storage.protocols import StoreStatus

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(hours=6)


def status(**changes) -> StoreStatus:
    values = {
        "active_sources": 3,
        "pending_posts": 0,
        "oldest_due_post_at": None,
        "last_fetch_ok_at": NOW - timedelta(minutes=1),
        "last_publish_ok_at": NOW - timedelta(minutes=1),
        **changes,
    }
    return StoreStatus(**values)


def report(store: StoreStatus, *, started_at: datetime = LONG_AGO, poll: int = 300):
    return health_report(store, now=NOW, started_at=started_at, poll_interval_seconds=poll)


def test_recent_fetch_and_publish_are_ok():
    answer = report(status(pending_posts=2, oldest_due_post_at=NOW - timedelta(minutes=1)))
    assert answer.http_status is HTTPStatus.OK
    assert answer.body["status"] == "ok"
    assert answer.body["database"] == "ok"
    assert answer.body["last_fetch_ok_at"] == "2026-11-30T11:59:00+00:00"
    assert answer.body["outbox_pending"] == 2
    assert (answer.body["fetch_stale"], answer.body["publish_stale"]) == (False, False)


def test_fetch_is_stale_after_three_poll_intervals_but_at_least_fifteen_minutes():
    at_14_min = status(last_fetch_ok_at=NOW - timedelta(minutes=14))
    assert report(at_14_min, poll=60).body["fetch_stale"] is False  # 15 min floor
    at_16_min = status(last_fetch_ok_at=NOW - timedelta(minutes=16))
    assert report(at_16_min, poll=60).body["fetch_stale"] is True
    assert report(at_16_min, poll=600).body["fetch_stale"] is False  # 3 x 10 min
    stale = report(at_16_min, poll=60)
    assert stale.http_status is HTTPStatus.OK  # stale is reported, not a 503
    assert stale.body["status"] == "degraded"


def test_no_active_sources_is_never_fetch_stale():
    assert report(status(active_sources=0, last_fetch_ok_at=None)).body["fetch_stale"] is False


def test_a_fresh_start_gets_a_grace_window():
    never = status(last_fetch_ok_at=None)
    assert report(never, started_at=NOW - timedelta(minutes=5)).body["fetch_stale"] is False
    assert report(never, started_at=NOW - timedelta(minutes=20)).body["fetch_stale"] is True


def test_publish_is_stale_when_a_due_post_waits_and_nothing_was_posted():
    waiting = NOW - timedelta(minutes=30)
    blocked = status(
        pending_posts=1, oldest_due_post_at=waiting, last_publish_ok_at=NOW - timedelta(hours=1)
    )
    assert report(blocked).body["publish_stale"] is True
    busy = status(pending_posts=400, oldest_due_post_at=waiting)  # a backlog still moving
    assert report(busy).body["publish_stale"] is False
    short_wait = status(pending_posts=1, oldest_due_post_at=NOW - timedelta(minutes=5))
    assert report(short_wait, started_at=NOW - timedelta(hours=1)).body["publish_stale"] is False


def test_database_down_is_503():
    answer = database_down("the database is closed", started_at=LONG_AGO)
    assert answer.http_status is HTTPStatus.SERVICE_UNAVAILABLE
    assert answer.body["status"] == "down"
    assert answer.body["database"] == "unreachable"
    assert answer.body["database_error"] == "the database is closed"
