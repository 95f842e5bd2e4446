"""Next-fetch times after success and failure, and deactivation."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from news.schedule import (
    next_fetch_after_failure,
    next_fetch_after_success,
    should_deactivate,
)

NOW = datetime(2020, 2, 21, 19, 53, tzinfo=UTC)
HOUR = 3600
DAY = 24 * HOUR


@pytest.mark.parametrize(
    ("max_age", "retry_after", "expected_seconds"),
    [
        (None, None, 300),
        (60, None, 300),  # a shorter hint never shortens the interval
        (None, 30, 300),
        (900, None, 900),
        (None, 1200, 1200),
        (900, 1800, 1800),  # the later hint wins
        (7200, 600, 7200),
        (31_536_000, None, DAY),  # a year of max-age is capped at 24 h
        (None, 10 * DAY, DAY),
        (0, 0, 300),
    ],
)
def test_next_fetch_after_success(
    max_age: int | None, retry_after: float | None, expected_seconds: int
) -> None:
    result = next_fetch_after_success(
        NOW, interval_seconds=300, max_age=max_age, retry_after=retry_after
    )

    assert result == NOW + timedelta(seconds=expected_seconds)


def test_success_keeps_an_interval_longer_than_the_cap() -> None:
    result = next_fetch_after_success(
        NOW, interval_seconds=2 * DAY, max_age=3 * DAY, retry_after=None
    )

    assert result == NOW + timedelta(days=2)


@pytest.mark.parametrize(
    ("failure_count", "expected_seconds"),
    [
        (1, 300),
        (2, 600),
        (3, 1200),
        (4, 2400),
        (5, 4800),
        (9, 76_800),
        (10, DAY),  # 153 600 s capped
        (50, DAY),
        (10_000, DAY),  # no overflow
    ],
)
def test_exponential_backoff(failure_count: int, expected_seconds: int) -> None:
    result = next_fetch_after_failure(
        NOW, interval_seconds=300, failure_count=failure_count, retry_after=None
    )

    assert result == NOW + timedelta(seconds=expected_seconds)


@pytest.mark.parametrize(
    ("failure_count", "retry_after", "expected_seconds"),
    [
        (1, 3600, 3600),  # later Retry-After wins
        (4, 60, 2400),  # earlier Retry-After does not shorten the backoff
        (1, 2 * DAY, DAY),  # Retry-After capped at 24 h
        (1, 0, 300),
    ],
)
def test_backoff_honours_retry_after(
    failure_count: int, retry_after: float, expected_seconds: int
) -> None:
    result = next_fetch_after_failure(
        NOW, interval_seconds=300, failure_count=failure_count, retry_after=retry_after
    )

    assert result == NOW + timedelta(seconds=expected_seconds)


def test_backoff_never_shorter_than_a_long_interval() -> None:
    result = next_fetch_after_failure(
        NOW, interval_seconds=2 * DAY, failure_count=3, retry_after=None
    )

    assert result == NOW + timedelta(days=2)


def test_jitter_is_deterministic_and_bounded() -> None:
    fraction = zlib.crc32(b"source-17") / 2**32
    expected = NOW + timedelta(seconds=1200 * (1 + 0.1 * fraction))

    first = next_fetch_after_failure(
        NOW, interval_seconds=300, failure_count=3, retry_after=None, jitter_key="source-17"
    )
    again = next_fetch_after_failure(
        NOW, interval_seconds=300, failure_count=3, retry_after=None, jitter_key="source-17"
    )
    other = next_fetch_after_failure(
        NOW, interval_seconds=300, failure_count=3, retry_after=None, jitter_key="source-18"
    )

    assert first == again == expected
    assert other != first
    for result in (first, other):
        assert NOW + timedelta(seconds=1200) <= result < NOW + timedelta(seconds=1320)


def test_times_keep_the_callers_timezone() -> None:
    moscow = timezone(timedelta(hours=3))
    now = datetime(2020, 2, 21, 22, 53, tzinfo=moscow)

    result = next_fetch_after_success(now, interval_seconds=300, max_age=None, retry_after=None)

    assert result == NOW + timedelta(seconds=300)
    assert result.utcoffset() == timedelta(hours=3)


@pytest.mark.parametrize(
    ("failure_count", "max_failures", "expected"),
    [(0, 10, False), (9, 10, False), (10, 10, True), (11, 10, True), (1, 1, True)],
)
def test_should_deactivate(failure_count: int, max_failures: int, expected: bool) -> None:
    assert should_deactivate(failure_count, max_failures) is expected


def test_bad_arguments_are_refused() -> None:
    naive = datetime(2020, 2, 21, 19, 53)  # noqa: DTZ001 -- a naive time is the input under test

    with pytest.raises(ValueError, match="timezone-aware"):
        next_fetch_after_success(naive, interval_seconds=300, max_age=None, retry_after=None)
    with pytest.raises(ValueError, match="interval_seconds"):
        next_fetch_after_success(NOW, interval_seconds=0, max_age=None, retry_after=None)
    with pytest.raises(ValueError, match="failure_count"):
        next_fetch_after_failure(NOW, interval_seconds=300, failure_count=0, retry_after=None)
    with pytest.raises(ValueError, match="max_failures"):
        should_deactivate(3, 0)
