"""The aiosqlite connections behind every repository, with task-aware transactions.

All writes share one writer connection (SQLite has one writer anyway). A transaction
belongs to the code that opened it (and tasks it starts inside the block): while it is
open, writes from other tasks wait, so they never run inside somebody else's transaction.
Do not run concurrent writes inside one transaction. A transaction opened inside another
one becomes a SAVEPOINT, so a repository method that needs atomicity can be called alone
or inside a caller's `Database.transaction()` alike.

Reads never wait for writers. A read-only statement (`SELECT`, or `WITH` that writes
nothing) from code outside the open transaction runs on one of the reader connections
(`PRAGMA query_only`), which WAL lets read the last committed state while the writer holds
its transaction; so an inline search does not stall behind an ingest. Code inside the
transaction reads on the writer and sees its own uncommitted rows. Without readers (an
in-memory database cannot share its pages between connections) everything runs on the
writer, as before.

Every `sqlite3` exception is translated into a `storage.errors` exception here.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import aiosqlite

from storage.errors import (
    AlreadyExistsError,
    ConstraintError,
    DatabaseError,
    StorageError,
)
from storage.sql.session import Dialect
from storage.sqlite.dialect import SQLiteDialect

Parameters = Mapping[str, Any] | Sequence[Any]
_T = TypeVar("_T")

# The first keyword of a statement, after any leading comments.
_FIRST_KEYWORD = re.compile(r"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/)*([A-Za-z]+)", re.DOTALL)
_WRITE_KEYWORD = re.compile(r"\b(?:INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def reads_only(sql: str) -> bool:
    """Return whether a statement only reads: a `SELECT`, or a `WITH` naming no write verb.

    Conservative: a statement it cannot vouch for runs on the writer. A wrong "yes" would
    fail loudly, not silently, because reader connections are `query_only`.
    """
    match = _FIRST_KEYWORD.match(sql)
    if match is None:
        return False
    keyword = match.group(1).upper()
    if keyword == "SELECT":
        return True
    return keyword == "WITH" and _WRITE_KEYWORD.search(sql) is None


def translate_error(exc: sqlite3.Error) -> StorageError:
    """Return the storage error that stands for a `sqlite3` exception."""
    message = str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        if message.startswith("UNIQUE constraint failed"):
            return AlreadyExistsError(message)
        return ConstraintError(message)
    return DatabaseError(message)


class Session:
    """Serialises writes on one aiosqlite connection, reads on readers; see the module."""

    def __init__(
        self, connection: aiosqlite.Connection, readers: Sequence[aiosqlite.Connection] = ()
    ) -> None:
        """Wrap open connections in autocommit mode (`isolation_level=None`): the writer and
        any `query_only` readers of the same database file."""
        self._connection = connection
        self.dialect: Dialect = SQLiteDialect()
        self._readers = list(readers)
        self._busy = [0] * len(self._readers)  # statements in flight on each reader
        self._lock = asyncio.Lock()
        self._open: object | None = None  # marker of the transaction now open, if any
        self._marker: contextvars.ContextVar[object | None] = contextvars.ContextVar(
            f"storage_transaction_{id(self)}", default=None
        )
        self._depth = 0

    @property
    def connection(self) -> aiosqlite.Connection:
        """Return the writer connection (for backup and close only)."""
        return self._connection

    @property
    def reader_count(self) -> int:
        """Return how many reader connections serve reads outside transactions."""
        return len(self._readers)

    def add_readers(self, readers: Iterable[aiosqlite.Connection]) -> None:
        """Serve reads outside transactions on these `query_only` connections from now on."""
        for reader in readers:
            self._readers.append(reader)
            self._busy.append(0)

    def _holds_transaction(self) -> bool:
        """Return whether the running code is inside the open transaction.

        The marker lives in a context variable, so tasks started inside the block (e.g. by
        `asyncio.gather`) join the transaction instead of waiting for it forever.
        """
        marker = self._marker.get()
        return marker is not None and marker is self._open

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the block in a transaction (a savepoint when nested); roll back on error."""
        if self._holds_transaction():
            async with self._savepoint():
                yield
            return
        async with self._lock:
            self._open = object()
            token = self._marker.set(self._open)
            try:
                await self._run(self._connection.execute, "BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    await self._rollback()
                    raise
                try:
                    await self._run(self._connection.execute, "COMMIT")
                except BaseException:
                    await self._rollback()
                    raise
            finally:
                self._marker.reset(token)
                self._open = None

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        """Run the block in a savepoint of the current transaction."""
        name = f"nested_{self._depth}"
        self._depth += 1
        try:
            await self._run(self._connection.execute, f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                await asyncio.shield(self._undo_savepoint(name))
                raise
            await self._run(self._connection.execute, f"RELEASE {name}")
        finally:
            self._depth -= 1

    async def _undo_savepoint(self, name: str) -> None:
        """Roll back to and release a savepoint."""
        await self._run(self._connection.execute, f"ROLLBACK TO {name}")
        await self._run(self._connection.execute, f"RELEASE {name}")

    async def _rollback(self) -> None:
        """Roll back the open transaction, if SQLite still has one."""
        # OperationalError "no transaction is active": a queued COMMIT ran before a cancel.
        with contextlib.suppress(sqlite3.OperationalError):
            await asyncio.shield(self._connection.execute("ROLLBACK"))

    async def _run(self, call: Callable[..., Awaitable[_T]], *args: Any) -> _T:
        """Await one connection call, translating sqlite3 errors."""
        try:
            return await call(*args)
        except sqlite3.Error as exc:
            raise translate_error(exc) from exc
        except ValueError as exc:
            if "closed" in str(exc) or "no active connection" in str(exc):
                raise DatabaseError("the database is closed") from exc
            raise

    async def call(self, call: Callable[..., Awaitable[_T]], *args: Any) -> _T:
        """Await one connection call, after other tasks' transactions (unless ours is open)."""
        if self._holds_transaction():
            return await self._run(call, *args)
        async with self._lock:
            return await self._run(call, *args)

    async def execute(self, sql: str, parameters: Parameters = ()) -> int:
        """Run one statement; return the number of rows it changed (-1 for queries)."""

        async def run(sql: str, parameters: Parameters) -> int:
            cursor = await self._connection.execute(sql, parameters)
            return cursor.rowcount  # a finished DML statement holds nothing to close

        return await self.call(run, sql, parameters)

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        """Run one statement for each parameter set in one round trip."""

        async def run(sql: str, rows: Iterable[Parameters]) -> None:
            await self._connection.executemany(sql, rows)

        await self.call(run, sql, rows)

    async def fetchall(self, sql: str, parameters: Parameters = ()) -> list[sqlite3.Row]:
        """Run a query and return all its rows (on a reader when it only reads and the
        running code is outside the open transaction)."""
        if self._readers and not self._holds_transaction() and reads_only(sql):
            return await self._read(sql, parameters)

        async def run(sql: str, parameters: Parameters) -> list[sqlite3.Row]:
            rows = await self._connection.execute_fetchall(sql, parameters)
            return list(rows)

        return await self.call(run, sql, parameters)

    async def _read(self, sql: str, parameters: Parameters) -> list[sqlite3.Row]:
        """Run a read-only query on the least busy reader, without waiting for the writer."""
        index = min(range(len(self._readers)), key=self._busy.__getitem__)
        self._busy[index] += 1
        try:
            rows = await self._run(self._readers[index].execute_fetchall, sql, parameters)
        finally:
            self._busy[index] -= 1
        return list(rows)

    async def fetchone(self, sql: str, parameters: Parameters = ()) -> sqlite3.Row | None:
        """Run a query and return its first row, or None."""
        rows = await self.fetchall(sql, parameters)
        return rows[0] if rows else None

    async def close(self) -> None:
        """Close the connections once other tasks' transactions are done."""
        async with self._lock:
            readers, self._readers, self._busy = self._readers, [], []
            try:
                for reader in readers:
                    await reader.close()
            finally:
                await self._connection.close()
