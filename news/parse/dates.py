"""Date strings as feeds and pages write them (RFC 822, ISO 8601, prose) to aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
    # Russian: nominative, genitive ("24 ноября") and the usual abbreviations.
    "январь": 1, "января": 1, "янв": 1, "февраль": 2, "февраля": 2, "фев": 2, "февр": 2,
    "март": 3, "марта": 3, "мар": 3, "апрель": 4, "апреля": 4, "апр": 4, "май": 5, "мая": 5,
    "июнь": 6, "июня": 6, "июн": 6, "июль": 7, "июля": 7, "июл": 7, "август": 8,
    "августа": 8, "авг": 8, "сентябрь": 9, "сентября": 9, "сен": 9, "сент": 9, "октябрь": 10,
    "октября": 10, "окт": 10, "ноябрь": 11, "ноября": 11, "ноя": 11, "нояб": 11,
    "декабрь": 12, "декабря": 12, "дек": 12,
}  # fmt: skip

# Named zones seen in real feeds, in hours east of UTC; unknown names are read as UTC. The US
# zones also without the S/D letter (ET, CT, MT, PT, AT: standard time), and RFC 822's military
# letters as RFC 822 defines them (A = -1 ... M = -12, N = +1 ... Y = +12, Z = 0).
_MILITARY = {
    **{letter: -float(n) for n, letter in enumerate("ABCDEFGHIKLM", start=1)},
    **{letter: float(n) for n, letter in enumerate("NOPQRSTUVWXY", start=1)},
}
_ZONES = {
    **_MILITARY, "ET": -5.0, "CT": -6.0, "MT": -7.0, "PT": -8.0, "AT": -4.0,
    "UT": 0.0, "UTC": 0.0, "GMT": 0.0, "Z": 0.0, "WET": 0.0, "WEST": 1.0, "BST": 1.0,
    "IST": 5.5, "CET": 1.0, "CEST": 2.0, "MET": 1.0, "MEST": 2.0, "EET": 2.0, "EEST": 3.0,
    "MSK": 3.0, "EST": -5.0, "EDT": -4.0, "CST": -6.0, "CDT": -5.0, "MST": -7.0, "MDT": -6.0,
    "PST": -8.0, "PDT": -7.0, "AKST": -9.0, "AKDT": -8.0, "HST": -10.0, "AST": -4.0,
    "ADT": -3.0, "NST": -3.5, "NDT": -2.5, "JST": 9.0, "KST": 9.0, "HKT": 8.0, "SGT": 8.0,
    "AWST": 8.0, "ACST": 9.5, "ACDT": 10.5, "AEST": 10.0, "AEDT": 11.0, "NZST": 12.0,
    "NZDT": 13.0,
}  # fmt: skip

_ZONE = r"(?P<zone>(?:Etc/)?[A-Za-z]{1,5}(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{1,2}(?::?\d{2})?)"
# A month or weekday name in any script ("Nov", "ноября", "нояб."); digits and "_" excluded.
_WORD = r"[^\W\d_]"
_WEEKDAY = r"(?:" + _WORD + r"+\.?(?:,\s*|\s+))?"  # "Fri, ", "Fri,", "пятница, "
_YEAR_MARK = r"(?:\s*\u0433\.?)?"  # the Russian abbreviation of "year" after a year
_AT = r"(?:,?\s*(?:at\s+|в\s+)?"
_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
_AMPM = r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"

# ISO 8601: calendar (2023-11-24), week (2023-W47-5) and ordinal (2023-328) dates, basic or
# extended; a zone only after a time, so "2013-01-27-01" is rejected rather than guessed.
_ISO_TIME = (
    r"(?:[Tt\s]+(?P<hour>\d{2}):?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?:[.,](?P<frac>\d+))?)?"
    r"\s*(?P<zone>[Zz]|(?:Etc/)?[A-Za-z]{0,5}\s*[+-]\d{2}(?::?\d{2})?|(?:Etc/)?[A-Za-z]{1,5})?)?"
)
_ISO_RE = re.compile(
    r"(?P<year>\d{4})(?:-?(?P<month>\d{2})(?:-?(?P<day>\d{2}))?|-?W(?P<week>\d{2})"
    r"(?:-?(?P<weekday>\d))?|-?(?P<ordinal>\d{3}))" + _ISO_TIME
)
# The two-digit-year form of ISO 8601:1988 ("23-11-24"), as feedparser reads it.
_ISO_SHORT_RE = re.compile(r"(?P<year>\d{2})-(?P<month>\d{2})-(?P<day>\d{2})" + _ISO_TIME)
# "Tue, 17 Feb 2026 21:13:16 -0500", "17 Feb 26 21:13 EST", "21 Feb, 2020 19:53",
# "Fri,24 Nov 2023 18:28:36 -0000", "пятница, 24 ноября 2023 в 18:28".
_DAY_FIRST_RE = re.compile(
    _WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?[\s\-/]+(?P<month>" + _WORD + r"{3,10})\.?"
    r",?[\s\-/]+(?P<year>\d{4}|\d{2})" + _YEAR_MARK + _AT + _TIME + _AMPM + r")?"
    r"(?:\s*\(?" + _ZONE + r"\)?)?"
)
# "Feb 21, 2020", "February 21, 2020 7:53 PM".
_MONTH_FIRST_RE = re.compile(
    _WEEKDAY + r"(?P<month>" + _WORD + r"{3,10})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r",?\s+(?P<year>\d{4})" + _YEAR_MARK + _AT + _TIME + _AMPM + r")?"
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
# "21.02.2020 19:53", "21/02/2020", "24.11.23" (day first, as most of the world writes it).
_NUMERIC_RE = re.compile(
    r"(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4}|\d{2})"
    + _YEAR_MARK
    + _AT
    + _TIME
    + r")?"
)
# The canonical RFC 822 shape most feeds use, read without the general machinery.
_RFC822_FAST_RE = re.compile(
    r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d) "
    r"(?:([+-])(\d\d)(\d\d)|GMT|UTC|UT|Z)"
)
# The canonical RFC 3339 shape (2026-02-17T08:08:40Z, ...40.233-08:00), read the same way.
_ISO_FAST_RE = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:Z|([+-])(\d\d):(\d\d))"
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
    fast = _ISO_FAST_RE.fullmatch(text)
    if fast is not None:
        return _from_iso_fast(fast)
    if text[0].isdecimal():
        if len(text) >= 7 and text[:4].isdecimal():
            match = _ISO_RE.fullmatch(text)
            if match is not None:
                return _from_iso(match, int(match["year"]))
        elif text[2:3] == "-" and (match := _ISO_SHORT_RE.fullmatch(text)) is not None:
            return _from_iso(match, _full_year(int(match["year"])))
        if text.isdecimal() and len(text) in (10, 13):
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
            _full_year(int(match["year"])), int(match["month"]), int(match["day"]),
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
        if int(hh) > 18 or int(mm) >= 60:
            return None
        offset = int(hh) + int(mm) / 60
        if sign == "-":
            offset = -offset
    return _build(int(year), month, int(day), int(hour), int(minute), int(second), offset)


def _from_iso_fast(match: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute, second, frac, sign, hh, mm = match.groups()
    offset = 0.0
    if sign is not None:
        if int(hh) > 18 or int(mm) >= 60:
            return None
        offset = int(hh) + int(mm) / 60
        if sign == "-":
            offset = -offset
    found = _build(
        int(year), int(month), int(day), int(hour), int(minute), int(second), offset
    )  # fmt: skip
    if found is not None and frac:
        return found.replace(microsecond=int((frac + "00000")[:6]))
    return found


def _from_iso(match: re.Match[str], year: int) -> datetime | None:
    offset = _offset_hours(match["zone"]) if match["zone"] else 0.0
    if offset is None:
        return None
    day = _iso_day(match, year)
    if day is None:
        return None
    frac = match["frac"]
    micro = int((frac + "000000")[:6]) if frac else 0
    found = _build(
        day.year, day.month, day.day,
        int(match["hour"] or 0), int(match["minute"] or 0), int(match["second"] or 0), offset,
    )  # fmt: skip
    return found.replace(microsecond=micro) if found is not None and micro else found


def _iso_day(match: re.Match[str], year: int) -> date | None:
    """The calendar day of an ISO calendar, week or ordinal date; None when it cannot exist."""
    full = match.re is _ISO_RE  # the two-digit-year form has no week or ordinal groups
    try:
        if full and match["week"]:
            return date.fromisocalendar(year, int(match["week"]), int(match["weekday"] or 1))
        if full and match["ordinal"]:
            ordinal = int(match["ordinal"])
            found = date(year, 1, 1) + timedelta(days=ordinal - 1)
            return found if ordinal >= 1 and found.year == year else None
        return date(year, int(match["month"]), int(match["day"] or 1))
    except ValueError:
        return None


def _full_year(year: int) -> int:
    """A two-digit year as RFC 2822 reads it: 00-49 are 2000-2049, 50-99 are 1950-1999."""
    if year < 100:
        return year + (2000 if year < 50 else 1900)
    return year


def _from_parts(match: re.Match[str], year_text: str, zone: str | None) -> datetime | None:
    month = _MONTHS.get(match["month"].lower().rstrip("."))
    if month is None:
        return None
    year = _full_year(int(year_text))
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
    """Hours east of UTC for "+0530", "-05:00", "EST", "GMT+2", "Etc/GMT-3"; None if malformed."""
    zone = zone.strip()
    posix = zone[:4].lower() == "etc/"
    match = _OFFSET_RE.fullmatch(zone[4:] if posix else zone)
    if match is None:
        return None
    name = match["name"].upper()
    hours = _ZONES.get(name, 0.0) if name else 0.0
    if match["sign"]:
        magnitude = int(match["hh"]) + int(match["mm"] or 0) / 60
        if magnitude > 18 or (int(match["mm"] or 0) >= 60):
            return None
        east = (match["sign"] == "+") != posix  # the tz database's Etc/GMT+5 is UTC-5
        hours += magnitude if east else -magnitude
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
