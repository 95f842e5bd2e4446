"""The newest matches of full-text conditions, read through windows of the newest ids.

A GIN index gives its matches in no useful order, so "the 200 newest articles with this
word" used to fetch every matching row from the table to sort them: 5,000 rows (4,700 table
pages) for a word in 5% of 100,000 articles, ten times that at 1M — most of a search's time
(issue 12's benchmark). Here each condition is first tried among the newest `FIRST_WINDOW`
ids only: the planner ANDs the GIN bitmap with a primary-key range bitmap, so only the
matching rows inside the window are read. A window holding fewer than the pool grows by the
density it found, or is dropped (the whole table), so the result is exactly the newest
matches, as without a window. The conditions still short are asked again together, one
statement a round.

The bitmap still holds every posting of the condition, however old: a 3-letter prefix in
40% of the articles is 40,000 postings at 100,000 articles (30 ms), 400,000 at 1M. A
condition that dense is read the other way ("ordered"): newest id first through the primary
key, each row tested, stopping at the pool's size — about size / density rows, whatever the
table's size. Testing a row costs some `ORDERED_ROW_COST` postings (its vector is unpacked,
often from TOAST), so a condition is read in order when the planner's estimate of its
density makes that cheaper than its postings; an estimate that proves wrong (fewer matches
in the window than the pool) sends the condition back to the bitmap rounds.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any, Final

from storage.sql.session import Row, Session

WINDOW: Final = "/* id window */"
"""Where a pool statement takes its window's condition on `a.id`."""
FIRST_WINDOW: Final = 8192
"""Newest ids tried first when the planner has no estimate of the matches."""
ORDERED_ROW_COST: Final = 16
"""What testing one row in order costs, in postings read from the bitmap (measured: ~3-40
µs a row, cache-dependent, against ~0.3-0.75 µs a posting)."""
_GROWTH_MARGIN: Final = 1.5
_GROWTH_WHEN_NONE: Final = 32
_WHOLE_TABLE_SHARE: Final = 4
"""A window wider than a quarter of the ids is dropped: reading the id range would cost
more than the rows it saves."""
WINDOW_IDS_PER_MATCH: Final = 16
"""A window is also dropped when it spans more than this many ids per match the planner
expects in the whole table: an id of the primary-key range costs about a twentieth of a
matching row (1M articles: 256,000 ids 46 ms, against all 1,140 matches of a rare word
read from the table in 4.7 ms)."""
_ORDERED: Final = (
    "SELECT set_config('enable_indexscan', 'on', true), "
    "set_config('enable_bitmapscan', 'off', true)"
)
_BITMAPS: Final = (
    "SELECT set_config('enable_indexscan', 'off', true), "
    "set_config('enable_bitmapscan', 'on', true)"
)


async def newest_matches(
    session: Session,
    pools: Sequence[str],
    parameters: dict[str, Any],
    top: int,
    size: int,
    *,
    hopeful: bool = False,
) -> list[list[Row]]:
    """Return the `size` newest rows (`id`, `story_at`) of each statement of `pools` (each
    holds `WINDOW` in its WHERE clause), through growing windows of ids up to `top`; run
    inside a transaction with index scans off (`_from_indexes`).

    `hopeful`: give up (every pool empty) when the first pool finds nothing in its first
    window: the caller guessed it would match and has a cheaper way to learn otherwise."""
    densities = await _densities(session, pools, parameters, top)
    matches = [density * top for density in densities]
    windows = [_worth(_first_window(d, size), d * top, top) for d in densities]
    found: list[list[Row] | None] = [None] * len(pools)
    given_up: list[list[Row]] = [[] for _ in pools]
    ordered = [index for index, d in enumerate(densities) if _ordered_is_cheaper(d, top, size)]
    if ordered:
        await session.fetchone(_ORDERED)
        rows = await _round(session, pools, ordered, parameters, windows, top)
        await session.fetchone(_BITMAPS)
        _settle(ordered, rows, found, windows, matches, top, size)
        if 0 in ordered:
            if hopeful and not _holds(rows, 0):
                return given_up
            hopeful = False
    while pending := [index for index, rows in enumerate(found) if rows is None]:
        rows = await _round(session, pools, pending, parameters, windows, top)
        _settle(pending, rows, found, windows, matches, top, size)
        if hopeful and not _holds(rows, 0):
            return given_up
        hopeful = False
    return [rows or [] for rows in found]


def _holds(rows: list[Row], pool: int) -> bool:
    """Tell whether a round's rows hold any of `pool`'s."""
    return any(row["pool"] == pool for row in rows)


async def _round(
    session: Session,
    pools: Sequence[str],
    pending: list[int],
    parameters: dict[str, Any],
    windows: list[int],
    top: int,
) -> list[Row]:
    """Run the `pending` pools, each in its window, as one statement."""
    parts, arguments = [], dict(parameters)
    for index in pending:
        bounded = windows[index] * _WHOLE_TABLE_SHARE < top
        window = f"AND a.id > :floor{index}" if bounded else ""
        arguments[f"floor{index}"] = top - windows[index]
        part = f"(SELECT {index} AS pool, p.* FROM ({pools[index]}) AS p)"
        parts.append(part.replace(WINDOW, window))
    return await session.fetchall(" UNION ALL ".join(parts), arguments)


def _settle(
    pending: list[int],
    rows: list[Row],
    found: list[list[Row] | None],
    windows: list[int],
    matches: list[float],
    top: int,
    size: int,
) -> None:
    """Keep each pool's rows when complete (or its window was the whole table); else grow
    its window by the density it found."""
    for index in pending:
        mine = [row for row in rows if row["pool"] == index]
        if len(mine) >= size or windows[index] * _WHOLE_TABLE_SHARE >= top:
            found[index] = mine
        else:
            growth = size * _GROWTH_MARGIN / len(mine) if mine else _GROWTH_WHEN_NONE
            grown = math.ceil(windows[index] * max(2.0, growth))
            windows[index] = _worth(grown, matches[index], top)


def _worth(window: int, matches: float, top: int) -> int:
    """Return `window`, or `top` (no window: the whole table) when reading its id range
    would cost more than the rows it saves (`_WHOLE_TABLE_SHARE`, `WINDOW_IDS_PER_MATCH`)."""
    if window * _WHOLE_TABLE_SHARE >= top or 0 < matches * WINDOW_IDS_PER_MATCH < window:
        return max(window, top)
    return window


def _first_window(density: float, size: int) -> int:
    """Return a window wide enough for the pool and a margin at `density` matches an id."""
    return math.ceil(size * _GROWTH_MARGIN / density) if density > 0 else FIRST_WINDOW


def _ordered_is_cheaper(density: float, top: int, size: int) -> bool:
    """Tell whether testing about `size / density` rows in order costs less than reading
    the condition's `density * top` postings (see the module doc), in a bounded window."""
    if density <= 0 or _first_window(density, size) * _WHOLE_TABLE_SHARE >= top:
        return False
    return density * density * top > size * ORDERED_ROW_COST


async def _densities(
    session: Session, pools: Sequence[str], parameters: dict[str, Any], top: int
) -> list[float]:
    """Return each pool's estimated matches per id (0: unknown), from the planner's estimate
    (its statistics of the words: no row is read)."""
    sql = " UNION ALL ".join(f"({pool.replace(WINDOW, '')})" for pool in pools)
    row = await session.fetchone(f"EXPLAIN (FORMAT JSON) {sql}", parameters)
    plan = json.loads(row[0]) if row is not None and isinstance(row[0], str) else None
    children = plan[0]["Plan"].get("Plans", []) if plan else []
    if len(children) != len(pools) or not top:
        return [0.0] * len(pools)
    return [min(1.0, _matches(child) / top) for child in children]


def _matches(node: dict[str, Any]) -> float:
    """Return the planner's estimated rows under a pool's Limit and Sort nodes."""
    while node.get("Node Type") in ("Limit", "Sort", "Subquery Scan") and node.get("Plans"):
        node = node["Plans"][0]
    return float(node.get("Plan Rows", 0))
