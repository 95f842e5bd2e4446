"""Date strings as feeds and pages write them (RFC 822, ISO 8601, prose) to aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip

# Named zones seen in real feeds, in hours east of UTC. Unknown names (and the military
# letters, which RFC 2822 says to distrust) are read as UTC.
_ZONES = {
    "UT": 0.0, "UTC": 0.0, "GMT": 0.0, "Z": 0.0, "WET": 0.0, "WEST": 1.0, "BST": 1.0,
    "IST": 5.5, "CET": 1.0, "CEST": 2.0, "MET": 1.0, "MEST": 2.0, "EET": 2.0, "EEST": 3.0,
    "MSK": 3.0, "EST": -5.0, "EDT": -4.0, "CST": -6.0, "CDT": -5.0, "MST": -7.0, "MDT": -6.0,
    "PST": -8.0, "PDT": -7.0, "AKST": -9.0, "AKDT": -8.0, "HST": -10.0, "AST": -4.0,
    "ADT": -3.0, "NST": -3.5, "NDT": -2.5, "JST": 9.0, "KST": 9.0, "HKT": 8.0, "SGT": 8.0,
    "AWST": 8.0, "ACST": 9.5, "ACDT": 10.5, "AEST": 10.0, "AEDT": 11.0, "NZST": 12.0,
    "NZDT": 13.0,
}  # fmt: skip

_ZONE = r"(?P<zone>[A-Za-z]{1,5}(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{1,2}(?::?\d{2})?)"
_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
_AMPM = r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"

_ISO_RE = re.compile(
    r"(?P<year>\d{4})-?(?P<month>\d{2})(?:-?(?P<day>\d{2}))?"
    r"(?:[Tt\s]+(?P<hour>\d{2}):?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?:[.,](?P<frac>\d+))?)?)?"
    r"\s*(?P<zone>[Zz]|[A-Za-z]{0,5}\s*[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})?"
)
# "Tue, 17 Feb 2026 21:13:16 -0500", "17 Feb 26 21:13 EST", "21 Feb, 2020 19:53".
_DAY_FIRST_RE = re.compile(
    r"(?:[A-Za-z]+\.?,?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?[\s\-/]+(?P<month>[A-Za-z]{3,9})\.?"
    r",?[\s\-/]+(?P<year>\d{2,4})(?:,?\s*(?:at\s+)?" + _TIME + _AMPM + r")?"
    r"(?:\s*\(?" + _ZONE + r"\)?)?"
)
# "Feb 21, 2020", "February 21, 2020 7:53 PM".
_MONTH_FIRST_RE = re.compile(
    r"(?:[A-Za-z]+\.?,?\s+)?(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r",?\s+(?P<year>\d{4})(?:,?\s*(?:at\s+)?" + _TIME + _AMPM + r")?"
    r"(?:\s*\(?" + _ZONE + r"\)?)?"
)
# "Tue Feb 17 21:13:16 2026" (C asctime, seen in hand-rolled feeds).
_ASCTIME_RE = re.compile(
    r"(?:[A-Za-z]+\s+)?(?P<month>[A-Za-z]{3,9})\s+(?P<day>\d{1,2})\s+"
    + _TIME
    + r"(?:\s+"
    + _ZONE
    + r")?\s+(?P<year>\d{4})"
)
# "21.02.2020 19:53", "21/02/2020" (day first, as most of the world writes it).
_NUMERIC_RE = re.compile(
    r"(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})(?:,?\s+" + _TIME + r")?"
)
# The canonical RFC 822 shape most feeds use, read without the general machinery.
_RFC822_FAST_RE = re.compile(
    r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d) "
    r"(?:([+-])(\d\d)(\d\d)|GMT|UTC|UT|Z)"
)
_OFFSET_RE = re.compile(
    r"(?P<name>[A-Za-z]*)\s*(?:(?P<sign>[+-])(?P<hh>\d{1,2})(?::?(?P<mm>\d{2}))?)?"
)


def parse_date(value: str | None) -> datetime | None:
    """Read a feed or page date (RFC 822, ISO 8601, or prose); aware UTC, or None if unreadable."""
    if not value:
        return None
    text = value.strip()
    if not text:
        return None
    fast = _RFC822_FAST_RE.fullmatch(text)
    if fast is not None:
        return _from_rfc822_fast(fast)
    if text[0].isdigit():
        if len(text) >= 7 and text[:4].isdigit():
            found = _from_iso(text)
            if found is not None:
                return found
        if text.isdigit() and len(text) in (10, 13):
            return from_timestamp(int(text[:10]))
    return parse_prose_date(text)


def parse_prose_date(value: str) -> datetime | None:
    """Read "21 Feb, 2020 19:53", "Feb 21, 2020", RFC 822 and similar forms; no zone means UTC."""
    text = " ".join(value.split())
    match = _DAY_FIRST_RE.fullmatch(text)
    if match is not None:
        return _from_parts(match, match["year"], match["zone"])
    match = _MONTH_FIRST_RE.fullmatch(text) or _ASCTIME_RE.fullmatch(text)
    if match is not None:
        return _from_parts(match, match["year"], match["zone"])
    match = _NUMERIC_RE.fullmatch(text)
    if match is not None:
        return _build(
            int(match["year"]), int(match["month"]), int(match["day"]),
            int(match["hour"] or 0), int(match["minute"] or 0), int(match["second"] or 0), 0.0,
        )  # fmt: skip
    return None


def from_timestamp(seconds: float) -> datetime | None:
    """Turn Unix seconds into an aware UTC datetime, or None when out of a sane range."""
    try:
        found = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return found if 1970 <= found.year <= 2100 else None


def _from_rfc822_fast(match: re.Match[str]) -> datetime | None:
    day, month_name, year, hour, minute, second, sign, hh, mm = match.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    offset = 0.0
    if sign is not None:
        offset = int(hh) + int(mm) / 60
        if sign == "-":
            offset = -offset
    return _build(int(year), month, int(day), int(hour), int(minute), int(second), offset)


def _from_iso(text: str) -> datetime | None:
    match = _ISO_RE.fullmatch(text)
    if match is None:
        return None
    offset = _offset_hours(match["zone"]) if match["zone"] else 0.0
    if offset is None:
        return None
    frac = match["frac"]
    micro = int((frac + "000000")[:6]) if frac else 0
    found = _build(
        int(match["year"]), int(match["month"]), int(match["day"] or 1),
        int(match["hour"] or 0), int(match["minute"] or 0), int(match["second"] or 0), offset,
    )  # fmt: skip
    return found.replace(microsecond=micro) if found is not None and micro else found


def _from_parts(match: re.Match[str], year_text: str, zone: str | None) -> datetime | None:
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        return None
    year = int(year_text)
    if year < 100:
        year += 2000 if year < 50 else 1900
    hour = int(match["hour"] or 0)
    ampm = match.groupdict().get("ampm")
    if ampm:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if ampm[0] in "Pp" else 0)
    offset = _offset_hours(zone) if zone else 0.0
    if offset is None:
        return None
    return _build(
        year, month, int(match["day"]), hour, int(match["minute"] or 0),
        int(match["second"] or 0), offset,
    )  # fmt: skip


def _offset_hours(zone: str) -> float | None:
    """Hours east of UTC for "+0530", "-05:00", "EST", "GMT+2"; None when malformed."""
    match = _OFFSET_RE.fullmatch(zone.strip())
    if match is None:
        return None
    name = match["name"].upper()
    hours = _ZONES.get(name, 0.0) if name else 0.0
    if match["sign"]:
        magnitude = int(match["hh"]) + int(match["mm"] or 0) / 60
        if magnitude > 18:
            return None
        hours += magnitude if match["sign"] == "+" else -magnitude
    return hours


def _build(
    year: int, month: int, day: int, hour: int, minute: int, second: int, offset: float
) -> datetime | None:
    if not 1970 <= year <= 2100:
        return None
    next_day = hour == 24 and minute == 0 and second == 0
    if next_day:
        hour = 0
    second = min(second, 59)  # a leap second is read as the second before it
    try:
        found = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    if next_day:
        found += timedelta(days=1)
    return found - timedelta(hours=offset) if offset else found
