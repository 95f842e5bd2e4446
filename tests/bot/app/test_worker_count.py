"""How many parse workers an ingest runs by default: one per core, none on one core."""

from __future__ import annotations

import pytest

from bot.app import runtime
from bot.app.runtime import MAX_DEFAULT_WORKERS, ingest_worker_count
from bot.ops.settings import Settings


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
