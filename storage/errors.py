"""Storage errors: the only exceptions that leave `storage/`.

Hierarchy::

    StorageError                  base of every storage failure
    ├── NotFoundError             no row with that id / key (source, article, channel, ...)
    ├── AlreadyExistsError        a unique key is taken (duplicate source URL, channel chat id)
    ├── ConstraintError           any other integrity rule broken (missing referenced row,
    │                             invalid value rejected by a CHECK)
    ├── SchemaVersionError        the database was written by a newer newsbot
    └── DatabaseError             SQLite itself failed (locked past the busy timeout, disk
                                  full, corrupt file, closed connection)

`sqlite3` exceptions are translated into these at the boundary (`storage.sqlite.session`), so
callers never import `sqlite3` or `aiosqlite`.
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
    """SQLite failed for a reason that is not the caller's input."""
