"""BotMetrics: per-application registries, counters and histograms, Prometheus text output."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.delivery.publisher import PublishStats
from bot.metrics import BotMetrics
from bot.services.ingest import CycleReport, OutcomeStatus, SourceOutcome
from storage.protocols import StoreStatus


def samples(metrics: BotMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse the exposition with Prometheus' own parser: {(name, labels): value}."""
    text = metrics.exposition().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(metrics: BotMetrics, name: str, **labels: str) -> float:
    return samples(metrics)[(name, tuple(sorted(labels.items())))]


def outcome(status: OutcomeStatus, seconds: float) -> SourceOutcome:
    return SourceOutcome(source_id=1, source_name="Dale", status=status, seconds=seconds)


def test_an_ingest_cycle_counts_each_outcome_and_its_duration():
    metrics = BotMetrics()
    report = CycleReport(
        outcomes=[
            outcome(OutcomeStatus.UPDATED, 0.3),
            outcome(OutcomeStatus.UPDATED, 0.7),
            outcome(OutcomeStatus.NOT_MODIFIED, 0.04),
            outcome(OutcomeStatus.FAILED, 12.0),
        ]
    )
    metrics.record_ingest_cycle(report)
    assert value(metrics, "newsbot_fetches_total", outcome="ok") == 2
    assert value(metrics, "newsbot_fetches_total", outcome="not_modified") == 1
    assert value(metrics, "newsbot_fetches_total", outcome="error") == 1
    assert value(metrics, "newsbot_fetch_duration_seconds_count", outcome="ok") == 2
    assert value(metrics, "newsbot_fetch_duration_seconds_sum", outcome="ok") == pytest.approx(1.0)
    assert value(metrics, "newsbot_fetch_duration_seconds_bucket", outcome="ok", le="0.5") == 1
    assert value(metrics, "newsbot_fetch_duration_seconds_bucket", outcome="error", le="10.0") == 0


def test_inline_timer_counts_answers_with_latency_and_failures_without():
    metrics = BotMetrics()
    with metrics.time_inline_query():
        pass
    with pytest.raises(RuntimeError), metrics.time_inline_query():
        raise RuntimeError("storage failed")
    assert value(metrics, "newsbot_inline_queries_total", outcome="answered") == 1
    assert value(metrics, "newsbot_inline_queries_total", outcome="failed") == 1
    assert value(metrics, "newsbot_inline_query_duration_seconds_count") == 1
    assert value(metrics, "newsbot_inline_query_duration_seconds_bucket", le="0.001") == 1


def test_publish_counters_are_read_from_the_publisher_stats_at_scrape_time():
    metrics = BotMetrics()
    assert value(metrics, "newsbot_publish_total", outcome="sent") == 0  # before any publisher
    stats = PublishStats()
    metrics.watch_publisher(lambda: stats)
    stats.sent, stats.retried, stats.failed, stats.edited = 5, 2, 1, 3
    assert value(metrics, "newsbot_publish_total", outcome="sent") == 5
    assert value(metrics, "newsbot_publish_total", outcome="retried") == 2
    assert value(metrics, "newsbot_publish_total", outcome="failed") == 1
    assert value(metrics, "newsbot_publish_total", outcome="edited") == 3
    metrics.observe_publish_request("post", 0.2)
    metrics.observe_publish_request("edit", 3.0)
    assert value(metrics, "newsbot_publish_request_duration_seconds_count", kind="post") == 1
    assert (
        value(metrics, "newsbot_publish_request_duration_seconds_bucket", kind="edit", le="2.5")
        == 0
    )


def test_store_gauges_and_database_up():
    metrics = BotMetrics()
    fetched = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    metrics.set_store_status(
        StoreStatus(
            active_sources=4,
            pending_posts=9,
            oldest_due_post_at=None,
            last_fetch_ok_at=fetched,
            last_publish_ok_at=None,
        )
    )
    assert value(metrics, "newsbot_sources_active") == 4
    assert value(metrics, "newsbot_outbox_pending") == 9
    assert value(metrics, "newsbot_last_fetch_success_timestamp_seconds") == fetched.timestamp()
    assert value(metrics, "newsbot_last_publish_success_timestamp_seconds") == 0
    assert value(metrics, "newsbot_database_up") == 1
    metrics.set_store_status(None)
    assert value(metrics, "newsbot_database_up") == 0
    assert value(metrics, "newsbot_outbox_pending") == 9  # last known value kept


def test_each_application_has_its_own_registry():
    first, second = BotMetrics(), BotMetrics()
    with first.time_inline_query():
        pass
    assert value(first, "newsbot_inline_queries_total", outcome="answered") == 1
    assert value(second, "newsbot_inline_queries_total", outcome="answered") == 0
