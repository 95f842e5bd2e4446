"""What the shared repositories need from an engine: a `Session` and its SQL `Dialect`.

The repositories in `storage.sql` are written once, in SQL both engines speak: named
`:parameters`, `INSERT … ON CONFLICT`, `RETURNING`, `count(*) FILTER`, times as INTEGER
microseconds (`storage.sql.codec`). Where the engines differ (a list parameter, a JSON
array of pairs, the larger of two values, reserving ids, the full-text index) the SQL asks
the session's `Dialect` for the fragment.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, Protocol

Parameters = Mapping[str, Any] | Sequence[Any]
ValueKind = Literal["int", "text"]


class Row(Protocol):
    """A result row: columns by name or position (`sqlite3.Row`, asyncpg's `Record`)."""

    def __getitem__(self, key: str | int, /) -> Any:
        """Return a column's value."""
        ...

    def keys(self) -> Iterable[str]:
        """Return the column names."""
        ...


class Dialect(Protocol):
    """The SQL fragments in which the engines differ."""

    name: str
    """The engine's name, for people (`sqlite`, `postgresql`)."""
    lateral: bool
    """Whether the engine joins LATERAL subqueries (PostgreSQL; SQLite has none)."""

    def values(self, parameter: str, kind: ValueKind = "int") -> str:
        """Return a subquery of one `value` column over the JSON array in `:parameter`."""
        ...

    def tuples(self, parameter: str, columns: Sequence[str]) -> str:
        """Return a FROM item of integer `columns` over the JSON array of arrays in
        `:parameter` (e.g. `[[1, 2], [3, 4]]` with columns `("a", "b")`)."""
        ...

    def greatest(self, first: str, second: str) -> str:
        """Return an expression for the larger of two values (NULL if either is NULL)."""
        ...

    def clock(self) -> str:
        """Return an expression for the database's current time, in INTEGER microseconds
        since the epoch (leases expire by one clock, whichever machine asks)."""
        ...

    def skip_locked(self) -> str:
        """Return the clause that makes a `SELECT` of rows to claim pass over rows another
        transaction is claiming (`FOR UPDATE SKIP LOCKED`; empty where one writer at a time
        holds the whole database)."""
        ...

    async def reserve_ids(self, session: Session, table: str, count: int) -> list[int]:
        """Return `count` new ids for `table` (inside the caller's transaction)."""
        ...

    async def index_new_articles(
        self, session: Session, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        """Add newly inserted articles (id, title, summary, body, tags) to the full-text
        index, when the engine does not do so by itself."""
        ...

    async def snapshot(self, session: Session) -> None:
        """Make the transaction just opened read one consistent snapshot (first statement)."""
        ...

    async def before_copy(self, session: Session, tables: Sequence[str]) -> None:
        """Make the empty `tables` ready for a bulk load (inside the copy's transaction)."""
        ...

    async def insert_rows(
        self,
        session: Session,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        """Insert `rows` (values in `columns` order) into `table`, the engine's fastest way."""
        ...

    async def after_copy(self, session: Session) -> None:
        """Bring derived state up to date after rows were copied in with their ids
        (id sequences, full-text indexes, what `before_copy` set aside)."""
        ...


class Session(Protocol):
    """One engine's connection(s): statements, transactions and the dialect."""

    dialect: Dialect

    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Run the block in a transaction (a savepoint when nested); roll back on error."""
        ...

    async def execute(self, sql: str, parameters: Parameters = ()) -> int:
        """Run one statement; return the number of rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        """Run one statement for each parameter set, in one round trip where it can."""
        ...

    async def fetchall(self, sql: str, parameters: Parameters = ()) -> list[Any]:
        """Run a query and return all its rows (each a `Row`)."""
        ...

    async def fetchone(self, sql: str, parameters: Parameters = ()) -> Any:
        """Run a query and return its first row (a `Row`), or None."""
        ...
