"""An asyncpg pool behind every repository, with task-aware transactions.

Unlike SQLite's single connection, a pool serves several tasks at once:

- A statement outside a transaction takes any free pooled connection for its duration.
- A transaction pins one pooled connection to the code that opened it (a context
  variable, so tasks it starts inside the block join it) until it ends. Statements of the
  transaction run one at a time on that connection; do not run concurrent writes inside
  one transaction. A transaction opened inside another becomes a SAVEPOINT, so a
  repository method that needs atomicity can be called alone or inside a caller's
  `Database.transaction()` alike.

SQL is written with named parameters, `:name`, as for SQLite; `to_positional` rewrites it
once per statement text into PostgreSQL's `$1, $2, ...` (skipping literals, quoted names,
comments and `::` casts). A statement given a sequence instead of a mapping is sent as is
(`$n` placeholders).

A lost server (restarted, failed over) costs a failed statement per pooled connection: on
the first connection error every pooled connection is expired (the next statements open
fresh ones), and a read outside a transaction — idempotent — is tried again with bounded
backoff (`READ_RETRY_DELAYS`, 7.5 s in all) before the error is raised. A write is never
retried here: its caller knows whether trying again is safe (the publisher records a
send's outcome until it sticks; loops back off and come again).

Every asyncpg and socket exception is translated into a `storage.errors` exception here;
no message ever contains the password. `open_pool(url)` names what is wrong with a URL in
one line: unreachable server, refused credentials, missing database, server older than 13.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import os
import re
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias
from urllib.parse import parse_qs, unquote, urlsplit

import asyncpg
from asyncpg.exceptions import InternalClientError
from asyncpg.pool import PoolConnectionProxy

from storage.errors import AlreadyExistsError, ConstraintError, DatabaseError, StorageError
from storage.postgresql.dialect import PostgreSQLDialect
from storage.sql.session import Dialect

__all__ = [
    "MINIMUM_SERVER_VERSION",
    "Parameters",
    "Row",
    "Session",
    "open_pool",
    "open_session",
    "to_positional",
    "translate_error",
]

Parameters: TypeAlias = Mapping[str, Any] | Sequence[Any]
Row: TypeAlias = asyncpg.Record
Connection: TypeAlias = "PoolConnectionProxy[asyncpg.Record]"
Pool: TypeAlias = "asyncpg.Pool[asyncpg.Record]"

MINIMUM_SERVER_VERSION: Final = 13
DEFAULT_PORT: Final = 5432
APPLICATION_NAME: Final = "newsbot"

# What the driver and the socket raise; all of it is translated.
_DRIVER_ERRORS: Final = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    InternalClientError,
    OSError,
    TimeoutError,
)

SERVER_SETTINGS: Final = {
    "application_name": APPLICATION_NAME,
    # asyncpg prepares every statement; after five runs the server may switch a prepared
    # statement to one generic plan, blind to its parameters. For a full-text pool that plan
    # walks the table testing every row (100 ms where the plan for the actual words takes a
    # few ms at 20,000 articles, issue 12's benchmark): plan each run for its own values.
    "plan_cache_mode": "force_custom_plan",
}
"""Set on every pooled connection."""


async def keep_session(_connection: asyncpg.Connection[Any]) -> None:
    """Release a pooled connection without asyncpg's reset query (advisory unlock, `CLOSE
    ALL`, `UNLISTEN *`, `RESET ALL`): one more round trip after every statement run outside
    a transaction, for state newsbot never leaves. Every setting it makes is
    transaction-local (`set_config(…, true)`, `SET LOCAL`), its advisory locks are
    transaction locks and it listens to nothing; asyncpg still rolls back a transaction
    left open before calling this."""


READ_RETRY_DELAYS: Final = (0.0, 0.25, 0.5, 1.0, 2.0, 3.75)
"""Waits before each new try of a read that lost its connection (then it fails)."""

# Connection-level failures: the statement met a dead connection or a server going away.
_CONNECTION_ERRORS: Final = (
    asyncpg.PostgresConnectionError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    InternalClientError,
    OSError,
)

# Statuses whose trailing number is the count of rows changed (`INSERT 0 5`, `UPDATE 3`).
_CHANGING: Final = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "COPY"})

# What `:name` must not be looked for in, then the parameter itself.
_TOKENS: Final = re.compile(
    r"""
      (?P<skip>
          (?<!\w)[eE]'(?:[^'\\]|\\.|'')*'  # escape string E'...'
        | '(?:[^']|'')*'                   # string literal
        | "(?:[^"]|"")*"                   # quoted identifier
        | \$\$.*?\$\$                        # dollar-quoted string $$...$$
        | \$(?P<tag>[A-Za-z_]\w*)\$.*?\$(?P=tag)\$  # ... or $tag$...$tag$
        | --[^\n]*                         # line comment
        | /\*.*?\*/                        # block comment
        | ::                               # cast
      )
    | (?<![\w:]):(?P<name>[A-Za-z_]\w*)   # :name
    """,
    re.VERBOSE | re.DOTALL,
)


@functools.lru_cache(maxsize=2048)
def to_positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """Return `sql` with each `:name` as `$n`, and the names in `$n` order (repeats share)."""
    names: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name is None:
            return match.group(0)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _TOKENS.sub(replace, sql), tuple(names)


def _arguments(sql: str, parameters: Parameters) -> tuple[str, Sequence[Any]]:
    """Return the statement for asyncpg and its positional arguments."""
    if not isinstance(parameters, Mapping):
        return sql, parameters
    statement, names = to_positional(sql)
    try:
        return statement, [parameters[name] for name in names]
    except KeyError as exc:
        raise DatabaseError(f"no value for the parameter :{exc.args[0]}") from exc


def _redact(message: str, secrets: Iterable[str]) -> str:
    """Return `message` with every secret replaced by `***`."""
    for secret in secrets:
        if secret:
            message = message.replace(secret, "***")
    return message


def translate_error(exc: BaseException, secrets: Iterable[str] = ()) -> StorageError:
    """Return the storage error that stands for an asyncpg, socket or timeout exception."""
    message = _redact(str(exc) or type(exc).__name__, secrets)
    if isinstance(exc, asyncpg.UniqueViolationError):
        return AlreadyExistsError(message)
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return ConstraintError(message)
    if isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.ConnectionDoesNotExistError):
        return DatabaseError(f"lost the connection to PostgreSQL: {message}")
    if isinstance(exc, InternalClientError):  # e.g. a statement sent while the server hangs up
        return DatabaseError(f"the PostgreSQL connection failed: {message}")
    if isinstance(exc, asyncpg.InterfaceError) and "pool is clos" in message:
        return DatabaseError("the database is closed")
    if isinstance(exc, OSError | TimeoutError):
        return DatabaseError(f"cannot reach PostgreSQL: {message}")
    return DatabaseError(message)


def _changed(status: str) -> int:
    """Return the rows a statement changed from its status (`UPDATE 3`), -1 for others."""
    words = status.split()
    if words and words[0] in _CHANGING and words[-1].isdigit():
        return int(words[-1])
    return -1


@dataclass(eq=False)
class _Pinned:
    """A transaction's pooled connection and the lock that runs its statements in turn."""

    connection: Connection
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    open: bool = True
    depth: int = 0


_READS: Final = re.compile(r"\s*(SELECT|SET|SHOW|VALUES)\b", re.IGNORECASE)


def _writes(statement: str) -> bool:
    """Return whether a statement may write (anything but a plain read)."""
    return _READS.match(statement) is None


class Session:
    """Runs statements on a pool; see the module docstring."""

    def __init__(self, pool: Pool, *, secrets: Iterable[str] = ()) -> None:
        """Wrap an open pool; `secrets` are never let into error messages (the password)."""
        self._pool = pool
        self.dialect: Dialect = PostgreSQLDialect()
        self._secrets = tuple(secret for secret in secrets if secret)
        self._current: contextvars.ContextVar[_Pinned | None] = contextvars.ContextVar(
            f"storage_pg_transaction_{id(self)}", default=None
        )

    @property
    def pool(self) -> Pool:
        """Return the underlying pool (for the engine's own use: COPY, LISTEN, close)."""
        return self._pool

    @contextlib.contextmanager
    def _translating(self) -> Iterator[None]:
        """Translate driver exceptions raised inside the block."""
        try:
            yield
        except _DRIVER_ERRORS as exc:
            raise translate_error(exc, self._secrets) from exc

    @property
    def in_transaction(self) -> bool:
        """Tell whether the running code is inside a transaction of this session."""
        return self._pinned() is not None

    def _pinned(self) -> _Pinned | None:
        """Return the transaction the running code is inside, if it is still open."""
        pinned = self._current.get()
        return pinned if pinned is not None and pinned.open else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the block in a transaction (a savepoint when nested); roll back on error."""
        pinned = self._pinned()
        if pinned is not None:
            async with self._savepoint(pinned):
                yield
            return
        with self._translating():
            connection = await self._pool.acquire()
        pinned = _Pinned(connection)
        token = self._current.set(pinned)
        try:
            await self._on(pinned, "BEGIN")
            try:
                yield
            except BaseException:
                await self._rollback(pinned)
                raise
            try:
                await self._on(pinned, "COMMIT")
            except BaseException:
                await self._rollback(pinned)
                raise
        finally:
            pinned.open = False
            self._current.reset(token)
            # The pool resets a connection it gets back (a ROLLBACK if still in a transaction)
            # and drops one it cannot reset: nothing for the caller to know about.
            with contextlib.suppress(*_DRIVER_ERRORS):
                await asyncio.shield(self._pool.release(connection))

    @asynccontextmanager
    async def _savepoint(self, pinned: _Pinned) -> AsyncIterator[None]:
        """Run the block in a savepoint of the pinned transaction."""
        name = f"nested_{pinned.depth}"
        pinned.depth += 1
        try:
            await self._on(pinned, f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                await asyncio.shield(self._on(pinned, f"ROLLBACK TO SAVEPOINT {name}"))
                await self._on(pinned, f"RELEASE SAVEPOINT {name}")
                raise
            await self._on(pinned, f"RELEASE SAVEPOINT {name}")
        finally:
            pinned.depth -= 1

    async def _rollback(self, pinned: _Pinned) -> None:
        """Roll back the pinned transaction if the connection still can (else the pool will)."""
        with contextlib.suppress(*_DRIVER_ERRORS):
            await asyncio.shield(pinned.connection.execute("ROLLBACK"))

    async def _on(self, pinned: _Pinned, sql: str) -> str:
        """Run a parameterless statement on the pinned connection; return its status."""
        async with pinned.lock:
            with self._translating():
                return await pinned.connection.execute(sql)

    async def call(
        self, call: Callable[[Connection], Awaitable[Any]], *, guarded: bool = False
    ) -> Any:
        """Await `call(connection)` on the transaction's connection, or on a free one.

        `guarded` (a statement that writes) runs inside a transaction in its own savepoint:
        a statement that fails there (a duplicate key) is undone alone and the transaction
        goes on, as it does on SQLite, instead of being aborted as a whole.
        """
        pinned = self._pinned()
        if pinned is not None:
            async with pinned.lock:
                with self._translating():
                    if not guarded:
                        return await call(pinned.connection)
                    await pinned.connection.execute("SAVEPOINT newsbot_statement")
                    try:
                        result = await call(pinned.connection)
                    except BaseException:
                        await asyncio.shield(
                            pinned.connection.execute("ROLLBACK TO SAVEPOINT newsbot_statement")
                        )
                        raise
                    await pinned.connection.execute("RELEASE SAVEPOINT newsbot_statement")
                    return result
        delays = iter(() if guarded else READ_RETRY_DELAYS)
        while True:
            try:
                with self._translating():
                    async with self._pool.acquire() as connection:
                        return await call(connection)
            except StorageError as error:
                if not isinstance(error.__cause__, _CONNECTION_ERRORS):
                    raise
                await self._pool.expire_connections()  # the others are as dead: reconnect
                delay = next(delays, None)
                if delay is None:
                    raise
                await asyncio.sleep(delay)

    async def execute(self, sql: str, parameters: Parameters = ()) -> int:
        """Run one statement; return the number of rows it changed (-1 for others)."""
        statement, arguments = _arguments(sql, parameters)

        async def run(connection: Connection) -> str:
            return await connection.execute(statement, *arguments)

        return _changed(await self.call(run, guarded=_writes(statement)))

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        """Run one statement for each parameter set, pipelined in one round trip.

        Unlike SQLite's, it returns no count: asyncpg reports none for a batch.
        """
        batch = [_arguments(sql, parameters) for parameters in rows]
        if not batch:
            return
        statement = batch[0][0]

        async def run(connection: Connection) -> None:
            await connection.executemany(statement, [arguments for _, arguments in batch])

        await self.call(run, guarded=_writes(statement))

    async def fetchall(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        """Run a query and return all its rows (`row["name"]` or `row[0]`)."""
        statement, arguments = _arguments(sql, parameters)

        async def run(connection: Connection) -> list[Row]:
            return await connection.fetch(statement, *arguments)

        rows: list[Row] = await self.call(run, guarded=_writes(statement))
        return rows

    async def fetchone(self, sql: str, parameters: Parameters = ()) -> Row | None:
        """Run a query and return its first row, or None."""
        statement, arguments = _arguments(sql, parameters)

        async def run(connection: Connection) -> Row | None:
            return await connection.fetchrow(statement, *arguments)

        row: Row | None = await self.call(run, guarded=_writes(statement))
        return row

    async def close(self) -> None:
        """Close the pool once the connections in use are given back."""
        with self._translating():
            await self._pool.close()


@dataclass(frozen=True)
class _Target:
    """What a URL points at, for messages (never the password)."""

    user: str
    host: str
    port: int
    database: str
    secrets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def _target(url: str) -> _Target:
    """Parse a `postgresql://` URL into what messages may show; raise on a malformed one."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise DatabaseError("DATABASE_URL must start with postgresql://")
    query = parse_qs(parts.query)
    try:
        port = parts.port or int(query.get("port", [DEFAULT_PORT])[0])
    except ValueError:
        raise DatabaseError("DATABASE_URL has an invalid port") from None
    password = parts.password or ""
    secrets = (password, unquote(password), os.environ.get("PGPASSWORD", ""))
    return _Target(
        user=unquote(
            parts.username or query.get("user", [""])[0] or os.environ.get("PGUSER", "postgres")
        ),
        host=parts.hostname or query.get("host", ["localhost"])[0],
        port=port,
        database=unquote(parts.path.lstrip("/")) or query.get("dbname", [""])[0],
        secrets=tuple(secret for secret in secrets if secret),
    )


async def open_pool(
    url: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    connect_timeout: float = 10.0,
    init: Callable[[asyncpg.Connection[asyncpg.Record]], Coroutine[Any, Any, None]] | None = None,
    settings: Mapping[str, str] | None = None,
) -> Pool:
    """Connect a pool to the server at `url` and check it; raise `DatabaseError` in one line.

    `connect_timeout` bounds each connection attempt (seconds); `init` sets up every new connection
    (type codecs); `settings` are server settings of every connection, beside (or instead of)
    `SERVER_SETTINGS`. The messages name the problem (unreachable server, refused credentials,
    missing database, server older than PostgreSQL 13) and never the password.
    """
    target = _target(url)
    try:
        pool: Pool = await asyncpg.create_pool(
            url,
            min_size=min_size,
            max_size=max_size,
            timeout=connect_timeout,
            init=init,
            reset=keep_session,
            server_settings={**SERVER_SETTINGS, **(settings or {})},
        )
    except asyncpg.InvalidCatalogNameError:
        raise DatabaseError(
            f"PostgreSQL database {target.database!r} does not exist at {target}"
        ) from None
    except asyncpg.InvalidAuthorizationSpecificationError as exc:
        reason = _redact(str(exc), target.secrets)
        raise DatabaseError(
            f"PostgreSQL at {target} refused user {target.user!r}: {reason}"
        ) from None
    except (OSError, TimeoutError) as exc:
        reason = _redact(str(exc) or "timed out", target.secrets)
        raise DatabaseError(f"cannot reach PostgreSQL at {target}: {reason}") from None
    except (asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
        reason = _redact(str(exc), target.secrets)
        raise DatabaseError(f"cannot connect to PostgreSQL at {target}: {reason}") from None
    try:
        async with pool.acquire() as connection:
            version = connection.get_server_version()
    except _DRIVER_ERRORS as exc:
        pool.terminate()
        raise translate_error(exc, target.secrets) from None
    if version.major < MINIMUM_SERVER_VERSION:
        await pool.close()
        raise DatabaseError(
            f"PostgreSQL at {target} is version {version.major}.{version.minor}; "
            f"newsbot needs {MINIMUM_SERVER_VERSION} or newer"
        )
    return pool


async def open_session(url: str, **options: Any) -> Session:
    """Open a pool at `url` (see `open_pool` for the options) and wrap it in a `Session`."""
    pool = await open_pool(url, **options)
    return Session(pool, secrets=_target(url).secrets)
