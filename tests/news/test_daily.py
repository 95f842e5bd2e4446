"""When a daily digest is due, in the channel's time zone, clock changes included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from news.daily import UnknownTimezoneError, digest_moment, digest_window, due_day, zone

BERLIN = "Europe/Berlin"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_due_from_the_local_hour_until_the_end_of_the_local_day():
    # 18:00 in Berlin in winter is 17:00 UTC
    assert due_day(utc(2026, 12, 7, 16, 59), 18, BERLIN) is None
    assert due_day(utc(2026, 12, 7, 17, 0), 18, BERLIN) == date(2026, 12, 7)
    assert due_day(utc(2026, 12, 7, 22, 59), 18, BERLIN) == date(2026, 12, 7)
    assert due_day(utc(2026, 12, 7, 23, 0), 18, BERLIN) is None  # the 8th, before 18:00


def test_utc_when_no_time_zone():
    assert due_day(utc(2026, 12, 7, 17, 59), 18, None) is None
    assert due_day(utc(2026, 12, 7, 18, 0), 18, None) == date(2026, 12, 7)


def test_a_day_east_of_utc_starts_before_utc_midnight():
    # 07:00 in Tokyo on the 8th is 22:00 UTC on the 7th
    assert due_day(utc(2026, 12, 7, 22, 0), 7, "Asia/Tokyo") == date(2026, 12, 8)


def test_the_window_is_the_24_hours_before_the_moment():
    since, until = digest_window(date(2026, 12, 7), 18, BERLIN)
    assert until == utc(2026, 12, 7, 17, 0)
    assert until - since == timedelta(hours=24)


def test_summer_time_and_its_changes():
    assert digest_moment(date(2026, 7, 1), 18, BERLIN) == utc(2026, 7, 1, 16, 0)
    # 29 March 2026: 02:00 does not exist in Berlin (clocks go to 03:00): due at 03:00 CEST
    assert digest_moment(date(2026, 3, 29), 2, BERLIN) == utc(2026, 3, 29, 1, 0)
    # 25 October 2026: 02:00 happens twice: the first one (CEST) counts
    assert digest_moment(date(2026, 10, 25), 2, BERLIN) == utc(2026, 10, 25, 0, 0)


def test_unknown_time_zones_are_refused_with_a_hint():
    with pytest.raises(UnknownTimezoneError, match="Europe/Berlin"):
        zone("Mars/Olympus")
    with pytest.raises(UnknownTimezoneError):
        zone("../etc/passwd")
    assert str(zone(None)) == "UTC"
