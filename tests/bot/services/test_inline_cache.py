"""RenderedResults: a bounded LRU with a time to live."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.inline.cache import RenderedResults

WHEN = datetime(2026, 11, 30, tzinfo=UTC)


def key(article_id: int) -> tuple[int, datetime, str, str]:
    return (article_id, WHEN, "hash", "en")


def test_keeps_the_most_recently_used_within_its_size():
    cache = RenderedResults(size=2)
    cache.put(key(1), {"id": "1"})
    cache.put(key(2), {"id": "2"})
    assert cache.get(key(1)) == {"id": "1"}  # 1 is now the most recent
    cache.put(key(3), {"id": "3"})
    assert cache.get(key(2)) is None
    assert cache.get(key(1)) == {"id": "1"}
    assert cache.get(key(3)) == {"id": "3"}
    assert len(cache) == 2


def test_entries_expire_after_their_time_to_live():
    now = [100.0]
    cache = RenderedResults(ttl_seconds=60, clock=lambda: now[0])
    cache.put(key(1), {"id": "1"})
    now[0] += 59
    assert cache.get(key(1)) == {"id": "1"}
    now[0] += 2
    assert cache.get(key(1)) is None
    assert len(cache) == 0


def test_a_new_version_or_language_is_another_entry():
    cache = RenderedResults()
    cache.put((1, WHEN, "hash", "en"), {"title": "old"})
    assert cache.get((1, datetime(2026, 12, 1, tzinfo=UTC), "hash", "en")) is None
    assert cache.get((1, WHEN, "other hash", "en")) is None
    assert cache.get((1, WHEN, "hash", "ru")) is None
    assert cache.get((1, WHEN, "hash", "en")) == {"title": "old"}


def test_size_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        RenderedResults(size=0)
