"""The newest matches of full-text conditions, read through windows of the newest ids.

A GIN index gives its matches in no useful order, so "the 200 newest articles with this
word" used to fetch every matching row from the table to sort them: 5,000 rows (4,700 table
pages) for a word in 5% of 100,000 articles, ten times that at 1M — most of a search's time
(issue 12's benchmark). Here each condition is first tried among the newest ids only (a
window sized from the planner's estimate of its matches, computed by the caller from the
statistics (`storage.postgresql.estimates`) or asked by `EXPLAIN`, `FIRST_WINDOW` without
one), so only the matching rows inside the window are read from the table. A window holding fewer
than the pool grows by the density it found, up to the whole table, so the result is
exactly the newest matches, as without a window; a grown window reads only the buckets the
last round did not (prefix 9.4 -> 9.1 ms mean at 1M prewarmed, A/B in one run). The
conditions still short are asked again together, one statement a round.

A window read from the plain GIN index would still decode every posting of the condition,
of any age, before the id range cuts them: `moscow` is 53,000 postings at 1M (10-20 ms), a
3-letter prefix 400,000. So each vector also has a *bucketed* GIN index (migration 17): the
same lexemes prefixed with the article's id bucket (`id >> BUCKET_BITS`: `'61_moscow'`),
and a window asks only its own buckets' lexemes (`newsbot_bucket_query`: `'61_moscow' |
'60_moscow'`): it reads the postings of its buckets, a few thousand ids' worth whatever the
archive's size. A window whose buckets hold many more matches than it is also cut to its
ids by the primary key (`_cut_to_ids`). A window of many bucket lexemes is read in arms of
a few buckets, newest first, stopping at the arm that fills the pool (`ARM_LEXEMES`).
The statements are planned once per text (the search's generic plans): a window's buckets
and ids are parameters, and its bucketed query is written out in the statement.
The bucketed vector has no positions: a phrase (`<->`) is asked there as AND and checked on
the plain vector row by row (`ts_match_vq`, which no index answers), only when the query
holds one. Only a read over the whole table (no window) uses the plain index.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from storage.sql.session import Row, Session

MATCH: Final = "/* match */"
"""Where a pool statement takes its full-text condition (and its window's, on `a.id`)."""
BUCKET_BITS: Final = 14
"""Ids per bucket of the bucketed indexes, as a power of two (migration 17's `id >> 14`)."""
FIRST_WINDOW: Final = 8192
"""Newest ids tried first when the planner has no estimate of the matches."""
_MOST_FIRST_WINDOW: Final = 16 << BUCKET_BITS
"""The widest first window, whatever the estimate: the planner counts two words as
independent, so `trudeau & prague` in titles, 1,720 matches at 1M, was expected 8 times —
a read of the whole table fetched all 1,720 rows (76 ms) where a window fetches ~450. At
8 buckets every two-word search of the bench needed a second round (its title and tag
pools, estimated right at ~0.15% of the ids, found 126-199 of their 200); at 16, one."""
ARM_LEXEMES: Final = 8
"""The most bucket lexemes (buckets × the query's lexemes asked together) one read of a
window asks; a wider window is read in arms, newest first, each its own bitmap, and the
server stops at the arm that fills the pool (PostgreSQL runs the parts of a `UNION ALL`
one after the other, and the search transaction allows no parallel workers). GIN tests
each candidate posting against every lexeme of its condition, so one condition over B
buckets of T lexemes costs B·T per posting: the tag pool of `kishida canberra`, 17
buckets, 2.9 ms in the index where arms of 4 buckets took 1.5 (1M articles, cached). Each
arm read costs its own setup, so a narrow window stays one. At 1M, prewarmed, A/B in one
run (mean ms): no arms vs arms of 16 ORed in one bitmap, two words 10.4 / 9.2; 16 vs 8,
two words 9.0 / 8.7, one word 7.5 / 7.2, prefix 10.1 / 10.0; ORed vs in order, two words
8.2 / 7.6, the others even; 4 no better than 8, 2 twice as slow for two words."""
_BUCKET_QUERY: Final = (
    "(SELECT CASE WHEN numnode(q.q) = 0 THEN q.q ELSE ("
    "SELECT CAST(string_agg('(' || regexp_replace(q.t, "
    r"'''((?:[^'']|'''')*)''', '''' || bucket || '_\1''', 'g') || ')', ' | ') AS tsquery) "
    "FROM generate_series(:{high}, :{low}, -1) AS bucket) END "
    "FROM (SELECT q, regexp_replace(CAST(q AS text), '<[0-9-]+>', '&', 'g') AS t "
    "FROM (SELECT {query} AS q) AS q) AS q)"
)
LEAD_IDS: Final = 1 << BUCKET_BITS
"""The newest ids a first window of one arm and more buckets reads as an arm of its own
first (`_led`). The estimate that sized the window may be far off: a 3-letter prefix no
common lexeme starts with (`kit`: 0.46% expected, 3.7% found) read 5 buckets, 2,466 rows
fetched and sorted for 200 (4.6 ms), where the newest 16,384 ids hold them. A/B at 1M in one
run (mean ms, prefix / word / two words): 128 MB 6.26 -> 5.43, 5.85 -> 5.37, 8.18 -> 7.59
(load 2.5-3.8); prewarmed 6.53 -> 6.15, 5.12 -> 4.95, 7.25 -> 7.34."""
_GROWTH_MARGIN: Final = 1.5
_GROWTH_WHEN_NONE: Final = 32
_ID_SHARE_OF_A_ROW: Final = 16
"""A window's id range ANDed from the primary key costs about a sixteenth of a row fetched
from the table per id (1M articles, all cached: 21,600 ids 0.96 ms, 285 rows 0.2-0.4 ms)."""


@dataclass(frozen=True, slots=True)
class Pool:
    """One pool: its statement (`MATCH` in its WHERE clause, on articles `a`) and the
    vector expression the query is matched on."""

    statement: str
    vector: str


@dataclass(slots=True)
class _Reading:
    """One pool's progress: its window (the newest ids it may read), the ids read so far
    (from `below` up) and the matches found there, newest first."""

    window: int
    below: int
    reached: int = 0
    """The lowest id its last round read (set by `_round`)."""
    rows: list[Row] = field(default_factory=list)
    done: bool = False


async def newest_matches(
    session: Session,
    pools: Sequence[Pool],
    query: str,
    parameters: dict[str, Any],
    top: int,
    size: int,
    *,
    hopeful: bool = False,
    check: str | None = None,
    lexemes: int = 1,
    densities: Sequence[float] | None = None,
) -> list[list[Row]]:
    """Return the `size` newest rows (`id`, `story_at`) of each pool's statement, its vector
    matching the tsquery expression `query`, through growing windows of ids up to `top`;
    run on a session with index scans off (`search.TEXT_SETTINGS`). A grown window reads
    only the ids its last round did not.

    `hopeful`: give up (every pool empty) when the first pool finds nothing in its first
    window: the caller guessed it would match and has a cheaper way to learn otherwise.
    `check`: that way, an SQL condition asked in the same statement only if the first pool
    finds nothing there (the other pools are then not read); set as `known` on giving up.
    Without `hopeful`, a `check` is asked in the first round, and when it holds (`known`)
    the read stops there, every pool empty: the caller reads another match instead.
    `lexemes`: how many a match needs together (how many buckets an arm asks, `arms_of`).
    `densities`: each pool's expected matches per id, if the caller knows them (else the
    planner is asked, `_densities`)."""
    if densities is None:
        densities = await _densities(session, pools, query, parameters, top)
    readings = [
        _Reading(min(_first_window(d, size), _MOST_FIRST_WINDOW, top), top + 1) for d in densities
    ]
    while pending := [index for index, reading in enumerate(readings) if not reading.done]:
        rows = await _round(
            session,
            pools,
            query,
            pending,
            parameters,
            readings,
            densities,
            top,
            lexemes,
            size,
            check,
            hopeful=hopeful,
        )
        known = any(row["pool"] == -1 for row in rows)
        given_up = hopeful and not any(row["pool"] == 0 for row in rows)
        if check is not None and (given_up or not hopeful):  # the check was asked
            parameters["known"] = known
        if given_up or known:
            return [[] for _ in pools]
        _settle(pending, rows, readings, top, size)
        for row in rows:  # a probe: the pool holds no match anywhere
            if row["pool"] <= -2:
                readings[-2 - row["pool"]].done = True
        hopeful, check = False, None
    return [reading.rows for reading in readings]


async def _round(
    session: Session,
    pools: Sequence[Pool],
    query: str,
    pending: list[int],
    parameters: dict[str, Any],
    readings: list[_Reading],
    densities: Sequence[float],
    top: int,
    lexemes: int,
    size: int,
    check: str | None = None,
    *,
    hopeful: bool = False,
) -> list[Row]:
    """Run the `pending` pools, each over the unread ids of its window, as one statement:
    a window from the bucketed index, the whole table from the plain one. A `check` is
    asked too (a row of pool -1 if it holds); in the first round of a `hopeful` read, the
    first pool's rows are held, the others read only if it has any, else the check asked.
    Otherwise a pool after the first whose first window finds nothing is probed in the
    same statement (a row of pool -2 - its index if its vector matches nowhere, which
    ends it): the tag pool of most words and prefixes finds nothing, and its window grew
    until a round of its own read the whole plain index to find nothing there either
    (0.3-0.4 ms and a round trip, 4 in 100 of the bench's prefixes at 1M). The probe asks
    the plain index, only when the window was empty, for the vector alone (no filters: a
    match there may still fail them, and the pool then grows as before)."""
    parts, arguments = [], dict(parameters)
    for index in pending:
        pool, reading = pools[index], readings[index]
        window, below = reading.window, reading.below
        if window >= top:
            statement = pool.statement.replace(MATCH, f"{pool.vector} @@ {query}")
        else:
            low = (top - window + 1) >> BUCKET_BITS
            arms = arms_of(low, (below - 1) >> BUCKET_BITS, lexemes)
            if below > top:  # a first window: its estimate may be far off
                arms = _led(arms, low, top, lexemes)
            # a phrase, asked as AND in the buckets (its test is run once a statement and
            # is true for a query without one)
            phrase = (
                f"AND ((SELECT strpos(CAST({query} AS text), '<') = 0) "
                f"OR ts_match_vq({pool.vector}, {query}))"
            )
            floor, reading.reached = "", low << BUCKET_BITS
            if _cut_to_ids(densities[index], window, top - (low << BUCKET_BITS) + 1):
                floor, reading.reached = f" AND a.id > :floor{index}", top - window + 1
                arguments[f"floor{index}"] = top - window
            steps = []
            for arm, (first, last) in enumerate(arms):
                arguments[f"low{index}_{arm}"], arguments[f"high{index}_{arm}"] = first, last
                match = (
                    f"newsbot_bucketed({pool.vector}, a.id) @@ "
                    + bucket_query(query, f"low{index}_{arm}", f"high{index}_{arm}")
                    + f" {phrase}"
                    + (floor if arm == len(arms) - 1 else "")
                )
                steps.append(pool.statement.replace(MATCH, match))
            # newest arm first, each sorted: the server stops at the arm that fills the pool
            statement = (
                steps[0]
                if len(steps) == 1
                else "SELECT * FROM ("
                + " UNION ALL ".join(f"({step})" for step in steps)
                + ") AS arms LIMIT :arms_size"
            )
            arguments["arms_size"] = size
        parts.append(f"SELECT {index} AS pool, p.* FROM ({statement}) AS p")
    asked = "(SELECT {}, CAST(0 AS bigint), CAST(0 AS bigint) WHERE {})"
    if check is None or not hopeful or pending[0] != 0:
        probed = [
            index
            for index in pending
            if index > 0 and readings[index].below > top and readings[index].window < top
        ]
        named = [
            f"p{index} AS MATERIALIZED ({part})"
            for index, part in zip(pending, parts, strict=True)
            if index in probed
        ]
        steps = [
            f"(SELECT * FROM p{index})" if index in probed else f"({part})"
            for index, part in zip(pending, parts, strict=True)
        ]
        steps += [
            asked.format(
                -2 - index,
                f"NOT EXISTS (SELECT 1 FROM p{index}) AND NOT EXISTS (SELECT 1 FROM articles AS a "
                f"WHERE {pools[index].vector} @@ {query})",
            )
            for index in probed
        ]
        if check is not None:
            steps.append(asked.format(-1, check))
        prefix = f"WITH {', '.join(named)} " if named else ""
        return await session.fetchall(prefix + " UNION ALL ".join(steps), arguments)
    held = "EXISTS (SELECT 1 FROM hope)"
    return await session.fetchall(
        f"WITH hope AS MATERIALIZED ({parts[0]}) (SELECT * FROM hope) "
        + "".join(f"UNION ALL ({part} WHERE {held}) " for part in parts[1:])
        + "UNION ALL "
        + asked.format(-1, f"NOT {held} AND {check}"),
        arguments,
    )


def bucket_query(query: str, low: str, high: str) -> str:
    """Return SQL for the tsquery expression `query` in buckets `:low`..`:high` (parameter
    names): migration 17's `newsbot_bucket_query`, written out. A SQL function is set up
    anew at each place a statement calls it (its body parsed and planned), which cost
    0.2-0.5 ms a search (1M prewarmed, A/B on the bench's worst queries); this subquery is
    planned with its statement and run once an execution."""
    return _BUCKET_QUERY.format(query=query, low=low, high=high)


def arms_of(low: int, high: int, lexemes: int = 1) -> list[tuple[int, int]]:
    """Return buckets `low`..`high` as the fewest runs of even sizes, newest first, each of
    at most `ARM_LEXEMES` bucket lexemes for a query of `lexemes` (at least one bucket)."""
    most = max(1, ARM_LEXEMES // max(1, lexemes))
    count = -(-(high - low + 1) // most)
    size, extra = divmod(high - low + 1, count)
    arms, last = [], high
    for arm in range(count):
        first = last - size - (arm < extra) + 1
        arms.append((first, last))
        last = first - 1
    return arms


def _led(arms: list[tuple[int, int]], low: int, top: int, lexemes: int) -> list[tuple[int, int]]:
    """Return a first window's arms with the buckets of its newest `LEAD_IDS` ids read as
    an arm of their own first, when it is one arm over more buckets than those."""
    lead = (top - LEAD_IDS + 1) >> BUCKET_BITS
    if len(arms) != 1 or lead <= low:
        return arms
    return [(lead, arms[0][1]), *arms_of(low, lead - 1, lexemes)]


def _cut_to_ids(density: float, window: int, span: int) -> bool:
    """Tell whether a window's rows are better cut to its ids by the primary key: the
    matches its buckets hold beyond it (`span` ids from the lowest bucket's start), at
    `density`, cost more to fetch than the window's id range."""
    return density * (span - window) * _ID_SHARE_OF_A_ROW > window


def _settle(
    pending: list[int], rows: list[Row], readings: list[_Reading], top: int, size: int
) -> None:
    """Add each pool's new rows to its older ones (a read of the whole table replaces
    them); done when complete (or its window was the whole table); else grow its window by
    the density it found."""
    for index in pending:
        reading = readings[index]
        mine = [row for row in rows if row["pool"] == index]
        if reading.window >= top:
            reading.rows = mine
        else:  # its first bucket may be the last round's lowest, read in part
            mine = [row for row in mine if row["id"] < reading.below]
            reading.rows += mine[: size - len(reading.rows)]
        if len(reading.rows) >= size or reading.window >= top:
            reading.done = True
            continue
        reading.below = reading.reached
        found = len(reading.rows)
        growth = size * _GROWTH_MARGIN / found if found else _GROWTH_WHEN_NONE
        grown = math.ceil(reading.window * max(2.0, growth))
        # past its lowest bucket at least (the last round read all of it)
        reading.window = min(max(grown, top - reading.below + 2), top)


def _first_window(density: float, size: int) -> int:
    """Return a window wide enough for the pool and a margin at `density` matches an id."""
    return math.ceil(size * _GROWTH_MARGIN / density) if density > 0 else FIRST_WINDOW


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
