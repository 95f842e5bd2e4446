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
_GROWTH_MARGIN: Final = 1.5
_GROWTH_WHEN_NONE: Final = 32
_WHOLE_TABLE_SHARE: Final = 4
"""A window wider than a quarter of the ids is dropped: reading the id range would cost
more than the rows it saves."""


async def newest_matches(
    session: Session, pools: Sequence[str], parameters: dict[str, Any], top: int, size: int
) -> list[list[Row]]:
    """Return the `size` newest rows (`id`, `story_at`) of each statement of `pools` (each
    holds `WINDOW` in its WHERE clause), through growing windows of ids up to `top`."""
    windows = await _first_windows(session, pools, parameters, top, size)
    found: list[list[Row] | None] = [None] * len(pools)
    while pending := [index for index, rows in enumerate(found) if rows is None]:
        parts, arguments = [], dict(parameters)
        for index in pending:
            bounded = windows[index] * _WHOLE_TABLE_SHARE < top
            window = f"AND a.id > :floor{index}" if bounded else ""
            arguments[f"floor{index}"] = top - windows[index]
            parts.append(f"(SELECT {index} AS pool, p.* FROM ({pools[index]}) AS p)")
            parts[-1] = parts[-1].replace(WINDOW, window)
        rows = await session.fetchall(" UNION ALL ".join(parts), arguments)
        for index in pending:
            mine = [row for row in rows if row["pool"] == index]
            if len(mine) >= size or windows[index] * _WHOLE_TABLE_SHARE >= top:
                found[index] = mine
            else:
                growth = size * _GROWTH_MARGIN / len(mine) if mine else _GROWTH_WHEN_NONE
                windows[index] = math.ceil(windows[index] * max(2.0, growth))
    return [rows or [] for rows in found]


async def _first_windows(
    session: Session, pools: Sequence[str], parameters: dict[str, Any], top: int, size: int
) -> list[int]:
    """Return each pool's first window from the planner's estimate of its matches (its
    statistics of the words: no row is read), wide enough for the pool and a margin."""
    sql = " UNION ALL ".join(f"({pool.replace(WINDOW, '')})" for pool in pools)
    row = await session.fetchone(f"EXPLAIN (FORMAT JSON) {sql}", parameters)
    plan = json.loads(row[0]) if row is not None and isinstance(row[0], str) else None
    children = plan[0]["Plan"].get("Plans", []) if plan else []
    if len(children) != len(pools):
        return [FIRST_WINDOW] * len(pools)
    windows = []
    for child in children:
        estimate = _matches(child)
        density = estimate / top if top and estimate else 0.0
        windows.append(math.ceil(size * _GROWTH_MARGIN / density) if density > 0 else FIRST_WINDOW)
    return windows


def _matches(node: dict[str, Any]) -> float:
    """Return the planner's estimated rows under a pool's Limit and Sort nodes."""
    while node.get("Node Type") in ("Limit", "Sort", "Subquery Scan") and node.get("Plans"):
        node = node["Plans"][0]
    return float(node.get("Plan Rows", 0))
