"""The one aiosqlite connection behind every repository, with task-aware transactions.

All repositories share one connection (SQLite has one writer anyway). A transaction
belongs to the code that opened it (and tasks it starts inside the block): while it is
open, statements from other tasks wait, so they never run inside somebody else's
transaction nor read its uncommitted rows. Do not run concurrent writes inside one
transaction. A transaction opened inside another one becomes a SAVEPOINT, so a repository
method that needs atomicity can be called alone or inside a caller's
`Database.transaction()` alike.

Every `sqlite3` exception is translated into a `storage.errors` exception here.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
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


def translate_error(exc: sqlite3.Error) -> StorageError:
    """Return the storage error that stands for a `sqlite3` exception."""
    message = str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        if message.startswith("UNIQUE constraint failed"):
            return AlreadyExistsError(message)
        return ConstraintError(message)
    return DatabaseError(message)


class Session:
    """Serialises access to one aiosqlite connection; see the module docstring."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        """Wrap an open connection in autocommit mode (`isolation_level=None`)."""
        self._connection = connection
        self.dialect: Dialect = SQLiteDialect()
        self._lock = asyncio.Lock()
        self._open: object | None = None  # marker of the transaction now open, if any
        self._marker: contextvars.ContextVar[object | None] = contextvars.ContextVar(
            f"storage_transaction_{id(self)}", default=None
        )
        self._depth = 0

    @property
    def connection(self) -> aiosqlite.Connection:
        """Return the underlying connection (for backup and close only)."""
        return self._connection

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
        """Run a query and return all its rows."""

        async def run(sql: str, parameters: Parameters) -> list[sqlite3.Row]:
            rows = await self._connection.execute_fetchall(sql, parameters)
            return list(rows)

        return await self.call(run, sql, parameters)

    async def fetchone(self, sql: str, parameters: Parameters = ()) -> sqlite3.Row | None:
        """Run a query and return its first row, or None."""
        rows = await self.fetchall(sql, parameters)
        return rows[0] if rows else None

    async def close(self) -> None:
        """Close the connection once other tasks' work is done."""
        async with self._lock:
            await self._connection.close()
