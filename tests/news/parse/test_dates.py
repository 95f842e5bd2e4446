"""Feed and page dates in the forms found in the wild, always aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.parse.dates import parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 17 Feb 2026 21:13:16 -0500", datetime(2026, 2, 18, 2, 13, 16, tzinfo=UTC)),
        ("Wed, 18 Feb 2026 07:28:13 +0530", datetime(2026, 2, 18, 1, 58, 13, tzinfo=UTC)),
        ("  Wed, 18 Feb 2026 07:28:13 +0530  ", datetime(2026, 2, 18, 1, 58, 13, tzinfo=UTC)),
        ("Tue, 17 Feb 2026 18:55:33 GMT", datetime(2026, 2, 17, 18, 55, 33, tzinfo=UTC)),
        ("Tue, 17 Feb 2026 21:13:16 PDT", datetime(2026, 2, 18, 4, 13, 16, tzinfo=UTC)),
        ("Mon, 5 Jan 2026 9:05 EST", datetime(2026, 1, 5, 14, 5, tzinfo=UTC)),
        ("Sun, 1 Mar 2026 9:05:00 GMT+2", datetime(2026, 3, 1, 7, 5, tzinfo=UTC)),
        ("Sun, 1 Mar 2026 09:05:00 +05:30", datetime(2026, 3, 1, 3, 35, tzinfo=UTC)),
        ("17 Feb 26 21:13 EST", datetime(2026, 2, 18, 2, 13, tzinfo=UTC)),
        ("Tuesday, 17-Feb-26 21:13:16 GMT", datetime(2026, 2, 17, 21, 13, 16, tzinfo=UTC)),
        ("Tue, 17 Feb 2026 24:00:00 GMT", datetime(2026, 2, 18, 0, 0, tzinfo=UTC)),
        ("Thu, 01 Jan 2026 10:00:00 XYZ", datetime(2026, 1, 1, 10, 0, tzinfo=UTC)),  # unknown zone
        ("2026-02-17T08:08:40+00:00", datetime(2026, 2, 17, 8, 8, 40, tzinfo=UTC)),
        ("2026-02-03T01:38:22.233-08:00", datetime(2026, 2, 3, 9, 38, 22, 233000, tzinfo=UTC)),
        ("2026-02-18T00:15:00Z", datetime(2026, 2, 18, 0, 15, tzinfo=UTC)),
        ("2026-02-17 08:53:24", datetime(2026, 2, 17, 8, 53, 24, tzinfo=UTC)),  # no zone: UTC
        ("2026-02-17", datetime(2026, 2, 17, tzinfo=UTC)),
        ("20260217T101010Z", datetime(2026, 2, 17, 10, 10, 10, tzinfo=UTC)),
        ("2026-02-17T10:00:00+0100", datetime(2026, 2, 17, 9, 0, tzinfo=UTC)),
        ("21 Feb, 2020 19:53", datetime(2020, 2, 21, 19, 53, tzinfo=UTC)),
        ("21 February 2020 19:53", datetime(2020, 2, 21, 19, 53, tzinfo=UTC)),
        ("Feb 21, 2020", datetime(2020, 2, 21, tzinfo=UTC)),
        ("February 21, 2020 7:53 PM", datetime(2020, 2, 21, 19, 53, tzinfo=UTC)),
        ("Tue Feb 17 21:13:16 2026", datetime(2026, 2, 17, 21, 13, 16, tzinfo=UTC)),
        ("21.02.2020 19:53", datetime(2020, 2, 21, 19, 53, tzinfo=UTC)),
        ("1771374614", datetime(2026, 2, 18, 0, 30, 14, tzinfo=UTC)),
    ],
)
def test_readable_dates(text, expected):
    found = parse_date(text)

    assert found == expected
    assert found is not None
    assert found.utcoffset() is not None
    assert found.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "soon",
        "Thu, 31 Feb 2026 10:00:00 GMT",
        "2026-13-01",
        "32 Jan 2026",
        "Tue, 17 Feb 2026 25:00:00 GMT",
        "1200-01-01",
        "Mon, 5 Jan 2026 13:05 PM",
    ],
)
def test_unreadable_dates_are_none(text):
    assert parse_date(text) is None
