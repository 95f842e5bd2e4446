"""Storage errors: the only exceptions that leave `storage/`.

Hierarchy::

    StorageError                  base of every storage failure
    ├── NotFoundError             no row with that id / key (source, article, channel, ...)
    ├── AlreadyExistsError        a unique key is taken (duplicate source URL, channel chat id)
    ├── ConstraintError           any other integrity rule broken (missing referenced row,
    │                             invalid value rejected by a CHECK)
    ├── SchemaVersionError        the database was written by a newer newsbot
    └── DatabaseError             the engine itself failed (SQLite: locked past the busy
                                  timeout, disk full, corrupt file; PostgreSQL: server
                                  unreachable or lost, credentials refused; a closed store)

`sqlite3` and asyncpg exceptions are translated into these at the boundary
(`storage.sqlite.session`, `storage.postgresql.session`), so callers never import a driver.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class of every storage failure."""


class NotFoundError(StorageError):
    """No row with the given id or key exists."""


class AlreadyExistsError(StorageError):
    """A row with the same unique key already exists."""


class ConstraintError(StorageError):
    """An integrity rule other than uniqueness was broken (foreign key, check)."""


class SchemaVersionError(StorageError):
    """The database schema is newer than this code knows how to use."""


class DatabaseError(StorageError):
    """The engine failed for a reason that is not the caller's input."""
