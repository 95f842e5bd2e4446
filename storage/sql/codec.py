"""Conversions between Python values and their column forms, the same on every engine.

Datetimes are stored as integer microseconds since the Unix epoch (UTC): exact, compact
and indexable. SimHashes are stored as signed 64-bit integers (SQLite's INTEGER,
PostgreSQL's BIGINT), with four 16-bit bands in their own columns for the near-duplicate
lookup.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Final

from news.dedupe import to_signed64, to_unsigned64
from news.models import RelatedLink

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_UINT64 = 1 << 64
BAND_BITS = 16
BAND_COUNT = 4


def to_micros(moment: datetime) -> int:
    """Return a timezone-aware datetime as microseconds since the epoch; reject naive ones."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware, got naive {moment.isoformat()}")
    return (moment - _EPOCH) // _MICROSECOND


def to_micros_or_none(moment: datetime | None) -> int | None:
    """Return `to_micros(moment)`, or None for None."""
    return None if moment is None else to_micros(moment)


def from_micros(value: int) -> datetime:
    """Return the UTC datetime for microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=value)


def from_micros_or_none(value: int | None) -> datetime | None:
    """Return `from_micros(value)`, or None for NULL."""
    return None if value is None else from_micros(value)


MICROS_PER_DAY = 86_400_000_000
"""Stored times are UTC microseconds: `value / MICROS_PER_DAY` (integer division) numbers
the UTC day on both engines."""


def day_from_number(number: int) -> date:
    """Return the UTC day numbered `number` (days since 1970-01-01)."""
    return date(1970, 1, 1) + timedelta(days=int(number))


def simhash_to_db(simhash: int) -> int:
    """Return an unsigned 64-bit SimHash as the signed 64-bit integer both engines store."""
    if not 0 <= simhash < _UINT64:
        raise ValueError(f"simhash must be an unsigned 64-bit integer, got {simhash}")
    return to_signed64(simhash)


def simhash_from_db(value: int) -> int:
    """Return the unsigned 64-bit SimHash for its stored signed form."""
    return to_unsigned64(value)


def simhash_bands(simhash: int) -> tuple[int, int, int, int]:
    """Split an unsigned 64-bit SimHash into four 16-bit bands (lowest bits first).

    Two hashes at Hamming distance <= 3 differ in at most three bands, so at least one
    band is equal (pigeonhole): candidates are found by an indexed band lookup.
    """
    mask = (1 << BAND_BITS) - 1
    return (
        simhash & mask,
        (simhash >> BAND_BITS) & mask,
        (simhash >> 2 * BAND_BITS) & mask,
        (simhash >> 3 * BAND_BITS) & mask,
    )


_COMPACT: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_encode_string: Final[Callable[[str], str]] = json.encoder.encode_basestring


def strings_to_json(values: Iterable[str]) -> str:
    """Return a list of strings as a compact JSON array.

    What `json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))` returns, built
    from `json`'s own string encoder: `dumps` with arguments makes a new encoder per call,
    several microseconds an article on the ingest path (issue 18)."""
    return "[" + ",".join(map(_encode_string, values)) + "]"


def strings_from_json(text: str) -> tuple[str, ...]:
    """Return the strings of a JSON array column."""
    return tuple(str(value) for value in json.loads(text))


def ints_to_json(values: Iterable[int]) -> str:
    """Return a list of integers (message ids) as a compact JSON array."""
    return json.dumps([int(value) for value in values], separators=(",", ":"))


def ints_from_json(text: str) -> tuple[int, ...]:
    """Return the integers of a JSON array column."""
    return tuple(int(value) for value in json.loads(text))


def related_to_json(links: Iterable[RelatedLink]) -> str:
    """Return related headlines as a compact JSON array of objects."""
    items = [{"title": link.title, "url": link.url, "site": link.site} for link in links]
    return _COMPACT.encode(items) if items else "[]"


def related_from_json(text: str) -> tuple[RelatedLink, ...]:
    """Return the related headlines of a JSON column."""
    return tuple(
        RelatedLink(title=item["title"], url=item.get("url"), site=item.get("site"))
        for item in json.loads(text)
    )
