"""Read a document's items one at a time: an item that cannot be read is skipped and counted.

One broken item (an invalid character, a field of an unexpected type) must never cost the
other items of its feed, so each reader maps its items through `read_each`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from news.models import ParsedEntry

log = logging.getLogger(__name__)

Item = TypeVar("Item")


def read_each(
    items: Iterable[Item], read: Callable[[Item], ParsedEntry | None]
) -> tuple[list[ParsedEntry], int]:
    """The entries `read` makes of `items` (None results dropped), and how many raised."""
    entries: list[ParsedEntry] = []
    skipped = 0
    for item in items:
        try:
            entry = read(item)
        except Exception as exc:  # any failure is this item's alone: skip it, keep the rest
            skipped += 1
            log.info("entry_unreadable", extra={"error": f"{type(exc).__name__}: {exc}"[:200]})
            continue
        if entry is not None:
            entries.append(entry)
    return entries, skipped
