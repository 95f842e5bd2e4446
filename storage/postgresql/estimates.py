"""The planner's estimate of a full-text match, computed here from the server's statistics.

A search sizes each pool's first window from the matches the planner expects (`pools`).
Asking it (`EXPLAIN`) cost a round trip and a planning of the pools, 0.5-1 ms a search at
1M articles, twice for a prefix that is ranked as a word first and then by its
completions. The planner's estimate of `vector @@ query` is a small formula over the
vector's most common lexemes and their frequencies (`pg_stats`, PostgreSQL's
`ts_selfuncs.c`), which change only when the table is analysed: they are read here once
in a while (`Statistics`, at most every `REFRESH_SECONDS`), and the same formula gives the
same estimate without a statement. Only the window sizes depend on it, never the results.
"""

from __future__ import annotations

import bisect
import re
import time
import unicodedata
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from storage.sql.session import Session

REFRESH_SECONDS: Final = 600.0
"""How long statistics read from the server are used before they are read again."""
DEFAULT_MATCH: Final = 0.005
"""The planner's selectivity of a lexeme it has no statistics for (`DEFAULT_TS_MATCH_SEL`)."""
_FEWEST_FOR_PREFIXES: Final = 100
"""Fewer most common lexemes than this, and a prefix is estimated by default (as the
planner does: `4 * DEFAULT_MATCH`)."""
_TOKEN: Final = re.compile(r"\s*(\(|\)|&|\||<->|'((?:[^']|'')*)'(:[*A-D]*)?)")


@dataclass(frozen=True, slots=True)
class Lexemes:
    """One vector's statistics: its most common lexemes' frequencies (share of rows), the
    least of them, and its share of null rows."""

    frequencies: Mapping[str, float]
    least: float
    nulls: float = 0.0
    ordered: tuple[str, ...] = field(init=False)
    """The lexemes in order, for a prefix's range."""
    uncommon: float = field(init=False)
    """The share of rows holding none of them (as the planner counts: independent)."""

    def __post_init__(self) -> None:
        every = 0.0
        for frequency in self.frequencies.values():
            every += frequency - every * frequency
        object.__setattr__(self, "ordered", tuple(sorted(self.frequencies)))
        object.__setattr__(self, "uncommon", 1.0 - min(1.0, max(0.0, every)))


@dataclass(frozen=True, slots=True)
class Statistics:
    """The table's estimated rows and each vector's lexeme statistics, by a caller's name."""

    rows: float
    vectors: Mapping[str, Lexemes] = field(default_factory=dict)

    def matches(self, vector: str, query: str, rows: float = 0.0) -> float | None:
        """Return the rows the planner expects `vector` to match the tsquery text `query`
        in (at least 1, as it counts), of `rows` when the table was never counted (None:
        not a query this can read)."""
        tree = _parse(query)
        if tree is None:
            return None
        lexemes = self.vectors.get(vector)
        share = _selectivity(tree, lexemes)
        if lexemes is not None:
            share *= 1.0 - lexemes.nulls
        return max(1.0, round(share * (self.rows if self.rows > 0 else rows)))


Tree = tuple[Any, ...]
"""A parsed tsquery: ("lexeme", text, prefix) or (operator, left, right)."""


def _selectivity(tree: Tree, lexemes: Lexemes | None) -> float:
    """Return the share of rows matching `tree` (`tsquery_opr_selec` of PostgreSQL 13-17)."""
    if tree[0] == "lexeme":
        _, text, prefix = tree
        if prefix:
            return _prefix_selectivity(text, lexemes)
        if lexemes is None:
            return DEFAULT_MATCH
        found = lexemes.frequencies.get(text)
        return found if found is not None else min(DEFAULT_MATCH, lexemes.least / 2)
    left, right = _selectivity(tree[1], lexemes), _selectivity(tree[2], lexemes)
    share = left + right - left * right if tree[0] == "|" else left * right
    return min(1.0, max(0.0, share))


def _prefix_selectivity(text: str, lexemes: Lexemes | None) -> float:
    """Return the planner's share of rows holding a lexeme starting with `text`: the
    matching common lexemes, and their share among the common ones for the rest."""
    if lexemes is None or len(lexemes.frequencies) < _FEWEST_FOR_PREFIXES:
        return DEFAULT_MATCH * 4
    first = bisect.bisect_left(lexemes.ordered, text)
    matched = 0.0
    count = 0
    for lexeme in lexemes.ordered[first:]:
        if not lexeme.startswith(text):
            break
        frequency = lexemes.frequencies[lexeme]
        matched += frequency - matched * frequency
        count += 1
    matched = min(1.0, max(0.0, matched))
    share = matched + lexemes.uncommon * count / len(lexemes.frequencies)
    return max(min(DEFAULT_MATCH, lexemes.least / 2), share)


def _parse(query: str) -> Tree | None:
    """Parse a tsquery text as `search.tsquery_text` writes it (quoted lexemes, `:*`,
    `<->`, `&`, `|`, parentheses), lexemes folded as the server's `newsbot_unaccent` and
    `simple` configuration mostly do (None: nothing to match, or not such a text)."""
    tokens: list[str | tuple[str, bool]] = []
    position = 0
    while position < len(query.rstrip()):
        found = _TOKEN.match(query, position)
        if found is None:
            return None
        position = found.end()
        if found.group(2) is not None:
            text = _folded(found.group(2).replace("''", "'"))
            tokens.append((text, "*" in (found.group(3) or "")))
        else:
            tokens.append(found.group(1))
    parser = _Parser(tokens)
    tree = parser.alternatives()
    return tree if tree is not None and parser.at == len(tokens) else None


def _folded(text: str) -> str:
    """Return `text` lowercased without its accents (an approximation of the server's)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(slots=True)
class _Parser:
    """Precedence as tsquery's: `<->` binds tighter than `&`, `&` tighter than `|`."""

    tokens: Sequence[str | tuple[str, bool]]
    at: int = 0

    def alternatives(self) -> Tree | None:
        return self._chain("|", self.conjunction)

    def conjunction(self) -> Tree | None:
        return self._chain("&", self.phrase)

    def phrase(self) -> Tree | None:
        return self._chain("<->", self.operand)

    def _chain(self, operator: str, operand: Callable[[], Tree | None]) -> Tree | None:
        tree = operand()
        while tree is not None and self._next() == operator:
            self.at += 1
            right = operand()
            if right is None:
                return None
            tree = (operator, tree, right)
        return tree

    def operand(self) -> Tree | None:
        token = self._next()
        if isinstance(token, tuple):
            self.at += 1
            return ("lexeme", *token)
        if token != "(":
            return None
        self.at += 1
        tree = self.alternatives()
        if tree is None or self._next() != ")":
            return None
        self.at += 1
        return tree

    def _next(self) -> str | tuple[str, bool] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None


_READ: Final = """
SELECT s.tablename AS name, s.attname AS column, s.null_frac AS nulls,
       CAST(CAST(s.most_common_elems AS text) AS text[]) AS lexemes,
       s.most_common_elem_freqs AS frequencies, NULL AS rows
FROM pg_stats AS s
WHERE s.schemaname = current_schema() AND s.tablename = ANY(CAST(:names AS text[]))
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, c.reltuples FROM pg_class AS c
WHERE c.oid = CAST(:table AS regclass)
"""
_cache: weakref.WeakKeyDictionary[Any, tuple[float, Statistics]] = weakref.WeakKeyDictionary()


async def statistics(
    session: Session,
    table: str,
    sources: Mapping[str, tuple[str, str]],
    *,
    now: float | None = None,
) -> Statistics:
    """Return the statistics of `table`'s vectors, read at most every `REFRESH_SECONDS` per
    session. `sources` names where each vector's statistics are (`pg_stats`: table or
    expression index, column): a column of `table`, or an expression index's."""
    now = time.monotonic() if now is None else now
    cached = _cache.get(session)
    if cached is not None and now - cached[0] < REFRESH_SECONDS:
        return cached[1]
    rows = await session.fetchall(
        _READ, {"table": table, "names": sorted({name for name, _ in sources.values()})}
    )
    by_source = {(row["name"], row["column"]): row for row in rows if row["name"] is not None}
    vectors = {}
    for vector, source in sources.items():
        row = by_source.get(source)
        read = _lexemes(row) if row is not None else None
        if read is not None:
            vectors[vector] = read
    total = next((float(row["rows"]) for row in rows if row["name"] is None), 0.0)
    read_statistics = Statistics(rows=max(0.0, total), vectors=vectors)
    _cache[session] = (now, read_statistics)
    return read_statistics


def _lexemes(row: Any) -> Lexemes | None:
    """Return one vector's statistics from its `pg_stats` row (None: not usable)."""
    lexemes, frequencies = row["lexemes"], row["frequencies"]
    if not lexemes or not frequencies or len(frequencies) != len(lexemes) + 2:
        return None
    return Lexemes(
        frequencies=dict(zip(lexemes, frequencies[:-2], strict=True)),
        least=float(frequencies[-2]),
        nulls=float(row["nulls"] or 0.0),
    )
