"""Cache-Control max-age and Retry-After parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.fetch.headers import parse_max_age, parse_retry_after

NOW = datetime(2020, 2, 21, 19, 53, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("max-age=600", 600),
        ("public, max-age=3600", 3600),
        ("Max-Age=0, must-revalidate", 0),
        ('max-age="120"', 120),
        ("s-maxage=60, max-age=30", 30),
        ("s-maxage=60", None),
        ("no-cache", None),
        ("max-age=-5", None),
        ("max-age=soon", None),
        ("max-age=", None),
    ],
)
def test_parse_max_age(header: str | None, expected: int | None) -> None:
    assert parse_max_age(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Fri, 21 Feb 2020 20:53:00 GMT", 3600.0),
        ("Fri, 21 Feb 2020 19:53:30 -0000", 30.0),
        ("Fri, 21 Feb 2020 18:00:00 GMT", 0.0),
        ("Friday, 21-Feb-20 19:54:00 GMT", 60.0),  # obsolete RFC 850 form, still allowed
        ("-10", None),
        ("1.5", None),
        ("later", None),
        ("", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected
