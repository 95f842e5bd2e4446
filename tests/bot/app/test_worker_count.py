"""Parse workers: one per core by default (none on one core), forked by a preloaded server."""

from __future__ import annotations

import pytest

from bench.synth import rss_feed
from bot.app import runtime
from bot.app.runtime import MAX_DEFAULT_WORKERS, ingest_executor, ingest_worker_count
from bot.ops.settings import Settings
from news.prepare import prepare_document
from tests.support.waiting import eventually


@pytest.mark.parametrize(
    ("cores", "workers"),
    [(None, 0), (1, 0), (2, 2), (3, 3), (4, 4), (16, MAX_DEFAULT_WORKERS)],
)
def test_one_worker_per_core_by_default(
    monkeypatch: pytest.MonkeyPatch, cores: int | None, workers: int
) -> None:
    monkeypatch.setattr(runtime.os, "cpu_count", lambda: cores)
    monkeypatch.delenv("INGEST_WORKERS", raising=False)
    assert ingest_worker_count(Settings(_env_file=None)) == workers


def test_the_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime.os, "cpu_count", lambda: 2)
    assert ingest_worker_count(Settings(_env_file=None, ingest_workers=1)) == 1
    assert ingest_worker_count(Settings(_env_file=None, ingest_workers=0)) == 0


def test_the_fork_server_preloads_the_bot() -> None:
    assert runtime.worker_preload() == ["__main__", "bot.app.runtime", "news.prepare"]


def test_a_worker_prepares_a_feed() -> None:
    executor = ingest_executor(Settings(_env_file=None, ingest_workers=1))
    assert executor is not None
    try:
        feed = rss_feed(1, 3, base="https://news.example")
        prepared = executor.submit(
            prepare_document, feed, content_type=None, url="https://news.example/feed"
        ).result(timeout=120)
    finally:
        executor.shutdown()
    guids = [draft.guid for draft in prepared.drafts]
    assert guids == ["feed1-item3", "feed1-item2", "feed1-item1"]


async def test_the_workers_start_with_the_pool_before_any_task() -> None:
    executor = ingest_executor(Settings(_env_file=None, ingest_workers=2))
    assert executor is not None
    try:

        async def started() -> bool:
            return len(executor._processes) >= 1 and executor._pending_work_items == {}

        await eventually(started, within=60, what="a parse worker started and idle")
        assert runtime.start_workers(executor, 2)  # and answering
    finally:
        executor.shutdown()


def test_workers_of_a_pool_shut_down_do_not_start() -> None:
    executor = ingest_executor(Settings(_env_file=None, ingest_workers=1))
    assert executor is not None
    executor.shutdown()
    assert not runtime.start_workers(executor, 1)
