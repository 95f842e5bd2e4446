"""The bot's Prometheus metrics: one registry per application, cheap to update on hot paths.

Counters and histograms are updated where things happen (ingestion cycle, publisher sends,
inline answers); the publisher's outcome counters are read from its own `PublishStats` at
scrape time, and the store gauges are set just before each scrape.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from types import TracebackType

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from prometheus_client.metrics_core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.delivery.publisher import PublishStats
from bot.services.ingest import CycleReport, OutcomeStatus
from storage.protocols import StoreStatus

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""Prometheus text exposition format 0.0.4."""

FETCH_OUTCOMES = {
    OutcomeStatus.UPDATED: "ok",
    OutcomeStatus.NOT_MODIFIED: "not_modified",
    OutcomeStatus.FAILED: "error",
}
FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
SEND_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0)
INLINE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
PUBLISH_OUTCOMES = ("sent", "retried", "failed", "edited", "uncertain", "flood_waits")
"""`PublishStats` fields exposed as `newsbot_publish_total{outcome=...}`."""

PublishStatsReader = Callable[[], PublishStats | None]


class BotMetrics:
    """One application's metrics in its own registry (tests run many apps in one process)."""

    def __init__(self) -> None:
        """Create the registry and every metric, with label children bound up front."""
        self.registry = CollectorRegistry()
        registry = self.registry
        fetches = Counter(
            "newsbot_fetches", "Source fetches by outcome.", ["outcome"], registry=registry
        )
        fetch_seconds = Histogram(
            "newsbot_fetch_duration_seconds",
            "Seconds to fetch, parse and store one source, by outcome.",
            ["outcome"],
            buckets=FETCH_BUCKETS,
            registry=registry,
        )
        self._fetches = {status: fetches.labels(name) for status, name in FETCH_OUTCOMES.items()}
        self._fetch_seconds = {
            status: fetch_seconds.labels(name) for status, name in FETCH_OUTCOMES.items()
        }
        send_seconds = Histogram(
            "newsbot_publish_request_duration_seconds",
            "Seconds one channel post or edit took at the Bot API, any outcome.",
            ["kind"],
            buckets=SEND_BUCKETS,
            registry=registry,
        )
        self._send_seconds = {kind: send_seconds.labels(kind) for kind in ("post", "edit")}
        inline = Counter(
            "newsbot_inline_queries", "Inline queries by outcome.", ["outcome"], registry=registry
        )
        self._inline_answered = inline.labels("answered")
        self._inline_failed = inline.labels("failed")
        self._inline_seconds = Histogram(
            "newsbot_inline_query_duration_seconds",
            "Seconds from receiving an inline query to Telegram accepting the answer.",
            buckets=INLINE_BUCKETS,
            registry=registry,
        )
        self._publish = _PublishCounters()
        registry.register(self._publish)
        self._database_up = Gauge(
            "newsbot_database_up",
            "1 if the last scrape could read the database.",
            registry=registry,
        )
        self._outbox_pending = Gauge(
            "newsbot_outbox_pending", "Posts waiting in the outbox.", registry=registry
        )
        self._sources_active = Gauge(
            "newsbot_sources_active", "Sources active and not paused.", registry=registry
        )
        self._last_fetch_ok = Gauge(
            "newsbot_last_fetch_success_timestamp_seconds",
            "Unix time of the latest successful fetch (0: never).",
            registry=registry,
        )
        self._last_publish_ok = Gauge(
            "newsbot_last_publish_success_timestamp_seconds",
            "Unix time of the latest post Telegram accepted (0: never).",
            registry=registry,
        )

    def record_ingest_cycle(self, report: CycleReport) -> None:
        """Count each source's outcome in a finished ingestion cycle and its duration."""
        for outcome in report.outcomes:
            self._fetches[outcome.status].inc()
            self._fetch_seconds[outcome.status].observe(outcome.seconds)

    def observe_publish_request(self, kind: str, seconds: float) -> None:
        """Record how long one post (`kind="post"`) or edit (`"edit"`) call took."""
        self._send_seconds[kind].observe(seconds)

    def watch_publisher(self, read_stats: PublishStatsReader) -> None:
        """Read the publisher's outcome counters through `read_stats` at every scrape."""
        self._publish.read_stats = read_stats

    def time_inline_query(self) -> InlineQueryTimer:
        """Return a context manager that counts one inline query and times it."""
        return InlineQueryTimer(self)

    def inline_answered(self, seconds: float) -> None:
        """Count an answered inline query and its latency."""
        self._inline_answered.inc()
        self._inline_seconds.observe(seconds)

    def inline_failed(self) -> None:
        """Count an inline query that raised instead of being answered."""
        self._inline_failed.inc()

    def set_store_status(self, status: StoreStatus | None) -> None:
        """Set the store gauges before a scrape (None: the database could not be read)."""
        self._database_up.set(0 if status is None else 1)
        if status is None:
            return  # keep the last known values; newsbot_database_up says they are stale
        self._outbox_pending.set(status.pending_posts)
        self._sources_active.set(status.active_sources)
        fetched, published = status.last_fetch_ok_at, status.last_publish_ok_at
        self._last_fetch_ok.set(fetched.timestamp() if fetched else 0)
        self._last_publish_ok.set(published.timestamp() if published else 0)

    def exposition(self) -> bytes:
        """Return every metric in Prometheus text format 0.0.4 (`CONTENT_TYPE`)."""
        return generate_latest(self.registry)


class InlineQueryTimer:
    """`with metrics.time_inline_query():` counts the query as answered (timed) or failed."""

    __slots__ = ("_metrics", "_started")

    def __init__(self, metrics: BotMetrics) -> None:
        """Time for `metrics`; the clock starts on entering the block."""
        self._metrics = metrics
        self._started = 0.0

    def __enter__(self) -> None:
        """Start the clock."""
        self._started = time.perf_counter()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Record the outcome; never swallows the exception."""
        if exc_type is None:
            self._metrics.inline_answered(time.perf_counter() - self._started)
        else:
            self._metrics.inline_failed()


class _PublishCounters(Collector):
    """`newsbot_publish_total{outcome}` read from the publisher's `PublishStats` on scrape."""

    def __init__(self) -> None:
        self.read_stats: PublishStatsReader = lambda: None

    def collect(self) -> Iterable[Metric]:
        """Yield the counter family; zeros before the publisher starts."""
        family = CounterMetricFamily(
            "newsbot_publish", "Channel posts and edits by outcome.", labels=["outcome"]
        )
        stats = self.read_stats()
        counts = asdict(stats) if stats is not None else {}
        for outcome in PUBLISH_OUTCOMES:
            family.add_metric([outcome], float(counts.get(outcome, 0)))
        yield family
