"""Quiet hours in a channel's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.entities import QuietHours
from news.quiet import check_timezone, parse_quiet_hours, quiet_until

NIGHT = QuietHours(23, 7)


def test_parse_quiet_hours() -> None:
    assert parse_quiet_hours("23-07") == NIGHT
    assert parse_quiet_hours(" 23:00 - 7:00 ") == NIGHT
    for bad in ("23", "25-07", "7-7", "night"):
        with pytest.raises(ValueError, match="quiet hours"):
            parse_quiet_hours(bad)


def test_check_timezone() -> None:
    assert check_timezone(" Europe/Berlin ") == "Europe/Berlin"
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        check_timezone("Mars/Olympus")


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # Berlin is UTC+1 in winter: 22:30 UTC is 23:30 there, quiet until 07:00 = 06:00 UTC
        (datetime(2026, 12, 7, 22, 30, tzinfo=UTC), datetime(2026, 12, 8, 6, 0, tzinfo=UTC)),
        (datetime(2026, 12, 8, 5, 59, tzinfo=UTC), datetime(2026, 12, 8, 6, 0, tzinfo=UTC)),
        (datetime(2026, 12, 8, 6, 0, tzinfo=UTC), None),
        (datetime(2026, 12, 7, 21, 59, tzinfo=UTC), None),
        # summer (UTC+2): 21:00 UTC is 23:00, quiet until 05:00 UTC
        (datetime(2026, 7, 1, 21, 0, tzinfo=UTC), datetime(2026, 7, 2, 5, 0, tzinfo=UTC)),
    ],
)
def test_quiet_until_in_a_time_zone(utc: datetime, expected: datetime | None) -> None:
    assert quiet_until(utc, NIGHT, "Europe/Berlin") == expected


def test_daytime_hours_and_no_hours() -> None:
    lunch = QuietHours(12, 14)
    noon = datetime(2026, 12, 7, 12, 30, tzinfo=UTC)
    assert quiet_until(noon, lunch, None) == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    assert quiet_until(noon.replace(hour=14), lunch, None) is None
    assert quiet_until(noon, None, "Europe/Berlin") is None
