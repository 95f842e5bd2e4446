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

A window read from the plain GIN index still decodes every posting of the condition, of any
age, before the id range cuts it: `moscow` is 53,000 postings at 1M (10-20 ms). So each
vector also has a *bucketed* GIN index (migration 17): the same lexemes prefixed with the
article's id bucket (`id >> BUCKET_BITS`: `'61_moscow'`), and a window asks only its own
buckets' lexemes (`newsbot_bucket_query`: `'61_moscow' | '60_moscow'`), so it reads only
the postings of its buckets — a few thousand ids' worth, whatever the archive's size. The
bucketed vector has no positions: a phrase (`<->`) is asked there as AND, and then checked
on the plain vector row by row (`ts_match_vq`, which no index answers), only when the
query holds one. A read over the whole table (no window) uses the plain index.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from storage.sql.session import Row, Session

MATCH: Final = "/* match */"
"""Where a pool statement takes its full-text condition (and its window's, on `a.id`)."""
BUCKET_BITS: Final = 14
"""Ids per bucket of the bucketed indexes, as a power of two (migration 17's `id >> 14`)."""
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
_ORDERED: Final = (
    "SELECT set_config('enable_indexscan', 'on', true), "
    "set_config('enable_bitmapscan', 'off', true)"
)
_BITMAPS: Final = (
    "SELECT set_config('enable_indexscan', 'off', true), "
    "set_config('enable_bitmapscan', 'on', true)"
)


@dataclass(frozen=True, slots=True)
class Pool:
    """One pool: its statement (`MATCH` in its WHERE clause, on articles `a`) and the
    vector expression the query is matched on."""

    statement: str
    vector: str


async def newest_matches(
    session: Session,
    pools: Sequence[Pool],
    query: str,
    parameters: dict[str, Any],
    top: int,
    size: int,
    *,
    hopeful: bool = False,
) -> list[list[Row]]:
    """Return the `size` newest rows (`id`, `story_at`) of each pool's statement, its vector
    matching the tsquery expression `query`, through growing windows of ids up to `top`;
    run inside a transaction with index scans off (`_from_indexes`).

    `hopeful`: give up (every pool empty) when the first pool finds nothing in its first
    window: the caller guessed it would match and has a cheaper way to learn otherwise."""
    densities = await _densities(session, pools, query, parameters, top)
    windows = [_worth(_first_window(d, size), top) for d in densities]
    found: list[list[Row] | None] = [None] * len(pools)
    given_up: list[list[Row]] = [[] for _ in pools]
    ordered = [index for index, d in enumerate(densities) if _ordered_is_cheaper(d, top, size)]
    if ordered:
        await session.fetchone(_ORDERED)
        rows = await _round(session, pools, query, ordered, parameters, windows, top, plain=True)
        await session.fetchone(_BITMAPS)
        _settle(ordered, rows, found, windows, top, size)
        if 0 in ordered:
            if hopeful and not _holds(rows, 0):
                return given_up
            hopeful = False
    while pending := [index for index, rows in enumerate(found) if rows is None]:
        rows = await _round(session, pools, query, pending, parameters, windows, top)
        _settle(pending, rows, found, windows, top, size)
        if hopeful and not _holds(rows, 0):
            return given_up
        hopeful = False
    return [rows or [] for rows in found]


def _holds(rows: list[Row], pool: int) -> bool:
    """Tell whether a round's rows hold any of `pool`'s."""
    return any(row["pool"] == pool for row in rows)


async def _round(
    session: Session,
    pools: Sequence[Pool],
    query: str,
    pending: list[int],
    parameters: dict[str, Any],
    windows: list[int],
    top: int,
    *,
    plain: bool = False,
) -> list[Row]:
    """Run the `pending` pools, each in its window, as one statement: from the bucketed
    index (or the plain one, if `plain`) when bounded, else from the plain index."""
    parts, arguments = [], dict(parameters)
    for index in pending:
        pool = pools[index]
        if windows[index] * _WHOLE_TABLE_SHARE >= top:
            match = f"{pool.vector} @@ {query}"
        else:
            arguments[f"floor{index}"] = top - windows[index]
            match = f"{pool.vector} @@ {query}" if plain else _bucketed(pool, query, index)
            arguments[f"low{index}"] = (top - windows[index] + 1) >> BUCKET_BITS
            arguments[f"high{index}"] = top >> BUCKET_BITS
            match += f" AND a.id > :floor{index}"
        part = f"(SELECT {index} AS pool, p.* FROM ({pool.statement}) AS p)"
        parts.append(part.replace(MATCH, match))
    return await session.fetchall(" UNION ALL ".join(parts), arguments)


def _bucketed(pool: Pool, query: str, index: int) -> str:
    """Return the pool's condition on the bucketed index over buckets `:low{index}` to
    `:high{index}`; a phrase (the query's text holds `<`) is checked on the plain vector
    too (the planner folds that test away for a query without one)."""
    return (
        f"newsbot_bucketed({pool.vector}, a.id) @@ "
        f"newsbot_bucket_query({query}, :low{index}, :high{index}) "
        f"AND (strpos(CAST({query} AS text), '<') = 0 OR ts_match_vq({pool.vector}, {query}))"
    )


def _settle(
    pending: list[int],
    rows: list[Row],
    found: list[list[Row] | None],
    windows: list[int],
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
            windows[index] = _worth(math.ceil(windows[index] * max(2.0, growth)), top)


def _worth(window: int, top: int) -> int:
    """Return `window`, or `top` (no window: the whole table) when it spans over a quarter
    of the ids (`_WHOLE_TABLE_SHARE`)."""
    return max(window, top) if window * _WHOLE_TABLE_SHARE >= top else window


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
    session: Session, pools: Sequence[Pool], query: str, parameters: dict[str, Any], top: int
) -> list[float]:
    """Return each pool's estimated matches per id (0: unknown), from the planner's estimate
    (its statistics of the words: no row is read)."""
    sql = " UNION ALL ".join(
        f"({pool.statement.replace(MATCH, f'{pool.vector} @@ {query}')})" for pool in pools
    )
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
