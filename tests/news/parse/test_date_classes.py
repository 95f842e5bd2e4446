"""Dates that failed before issue 13: US and military zones, odd spacing, two-digit years,
ISO week and ordinal dates, Russian month names, and impossible forms that must be refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.parse import parse_document
from news.parse.dates import parse_date

FRIDAY = datetime(2023, 11, 24, 18, 28, 36, tzinfo=UTC)
FRIDAY_MINUTE = datetime(2023, 11, 24, 18, 28, tzinfo=UTC)
FRIDAY_DAY = datetime(2023, 11, 24, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "Fri, 24 Nov 2023 13:28:36 EST",
        "Fri, 24 Nov 2023 14:28:36 EDT",
        "Fri, 24 Nov 2023 12:28:36 CST",
        "Fri, 24 Nov 2023 13:28:36 CDT",
        "Fri, 24 Nov 2023 11:28:36 MST",
        "Fri, 24 Nov 2023 12:28:36 MDT",
        "Fri, 24 Nov 2023 10:28:36 PST",
        "Fri, 24 Nov 2023 11:28:36 PDT",
        "Fri, 24 Nov 2023 13:28:36 ET",
        "Fri, 24 Nov 2023 12:28:36 CT",
        "Fri, 24 Nov 2023 11:28:36 MT",
        "Fri, 24 Nov 2023 10:28:36 PT",
        "Fri, 24 Nov 2023 14:28:36 AT",
        "Fri, 24 Nov 2023 13:28:36 est",
        "2023-11-24T13:28:36 EST",
    ],
)
def test_us_zone_names_are_not_utc(text):
    assert parse_date(text) == FRIDAY


@pytest.mark.parametrize(
    "text",
    [
        "Fri, 24 Nov 2023 18:28:36 Etc/GMT",
        "Fri, 24 Nov 2023 18:28:36 UT",
        "Fri, 24 Nov 2023 18:28:36 ut",
        "Fri, 24 Nov 2023 21:28:36 Etc/GMT-3",  # tz database sign: Etc/GMT-3 is UTC+3
        "Fri, 24 Nov 2023 13:28:36 Etc/GMT+5",
        "Fri, 24 Nov 2023 18:28:36 Z",
        "Fri, 24 Nov 2023 17:28:36 A",  # RFC 822 military letters: A is -1 ...
        "Fri, 24 Nov 2023 06:28:36 M",  # ... M is -12,
        "Fri, 24 Nov 2023 19:28:36 N",  # N is +1 ...
        "Sat, 25 Nov 2023 06:28:36 Y",  # ... Y is +12
    ],
)
def test_etc_gmt_ut_and_military_zones(text):
    assert parse_date(text) == FRIDAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fri,24 Nov 2023 18:28:36 -0000", FRIDAY),
        ("Fri,24 Nov 2023 18:28:36 GMT", FRIDAY),
        ("Fri, 24 Nov 23 18:28:36 GMT", FRIDAY),
        ("24-Nov-23 18:28:36", FRIDAY),
        ("23-11-24T18:28:36Z", FRIDAY),  # ISO 8601:1988 two-digit year
        ("23-11-24", FRIDAY_DAY),
        ("24.11.23 18:28", FRIDAY_MINUTE),
        ("Wed, 01 Jan 99 00:00:00 GMT", datetime(1999, 1, 1, tzinfo=UTC)),
    ],
)
def test_missing_space_after_the_comma_and_two_digit_years(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-W47-5", FRIDAY_DAY),
        ("2023W475", FRIDAY_DAY),
        ("2023-W47", datetime(2023, 11, 20, tzinfo=UTC)),
        ("2023-W47-5T18:28:36Z", FRIDAY),
        ("2020-W53-7", datetime(2021, 1, 3, tzinfo=UTC)),
        ("2023-328", FRIDAY_DAY),
        ("2023328", FRIDAY_DAY),
        ("2023-328T18:28:36Z", FRIDAY),
        ("2024-366", datetime(2024, 12, 31, tzinfo=UTC)),
    ],
)
def test_iso_week_and_ordinal_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24 ноября 2023", FRIDAY_DAY),
        ("24 ноября 2023 г.", FRIDAY_DAY),
        ("24 ноября 2023 г., 18:28", FRIDAY_MINUTE),
        ("пятница, 24 ноября 2023 в 18:28", FRIDAY_MINUTE),
        ("24 нояб. 2023 18:28", FRIDAY_MINUTE),
        ("Пт, 24 Ноя 2023 21:28:36 +0300", FRIDAY),
        ("1 мая 2024", datetime(2024, 5, 1, tzinfo=UTC)),
        ("3 марта 2024 09:15", datetime(2024, 3, 3, 9, 15, tzinfo=UTC)),
        ("Friday, 24 November 2023 18:28", FRIDAY_MINUTE),
        ("November 24, 2023 at 6:28 PM", FRIDAY_MINUTE),
    ],
)
def test_localized_month_names(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2013-01-27-01",  # a zone with no time: refused, not read as an offset
        "2023-11-24-05:00",
        "2023-W54-1",
        "2023-W47-8",
        "2023-W00",
        "2023-000",
        "2023-366",  # not a leap year
        "Fri, 24 Nov 2023 18:28:36 -2400",
        "Fri, 24 Nov 2023 18:28:36 +0575",
        "24 ноябряя 2023",
        "24 Noc 2023",
        "2023-11-24T18:28:36 +05:00:00",
    ],
)
def test_impossible_forms_are_refused(text):
    assert parse_date(text) is None


def test_dates_in_a_feed_use_their_zone():
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Zones</title>'
        "<item><title>Harbour lights</title><link>https://zones.example/1</link>"
        "<pubDate>Fri,24 Nov 2023 13:28:36 ET</pubDate></item>"
        "<item><title>Ночной паром</title><link>https://zones.example/2</link>"
        "<pubDate>24 ноября 2023 г., 18:28</pubDate></item>"
        "</channel></rss>"
    ).encode()
    first, second = parse_document(feed).entries
    assert first.published_at == FRIDAY
    assert second.published_at == FRIDAY_MINUTE
