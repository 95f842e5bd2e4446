"""One bot process per SQLite file: an OS lock on a file beside the database.

`newsbot run` holds an exclusive `flock` on `<database>.lock` for its whole life; the
kernel drops it however the process ends (exit, crash, SIGKILL), so a stale lock cannot
outlive its holder. A second `run` on the same file fails at once with one line naming the
first one's pid. CLI commands do not take the lock: they work beside the running bot
(SQLite's own locking keeps their writes safe). Several bot processes need PostgreSQL
(`DATABASE_URL`), where shared state lives in the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


class InstanceLockedError(Exception):
    """Another bot process holds the lock of this database file; the message says which."""


def lock_path(database: Path) -> Path:
    """Return the lock file that guards the SQLite database file `database` (beside the
    file itself, so two spellings of one path, or a symlink, share one lock)."""
    real = database.resolve()
    return real.with_name(real.name + ".lock")


@contextlib.contextmanager
def single_instance(database: Path) -> Iterator[Path]:
    """Hold the lock beside `database` for the block; `InstanceLockedError` if another
    process holds it. Yields the lock file's path; it records the holder's pid."""
    path = lock_path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # the same words as the database's own check
        blocked = exc.filename if exc.filename is not None else path.parent
        raise InstanceLockedError(
            f"cannot create the folder of the database {blocked}: {exc.strerror}"
        ) from None
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise InstanceLockedError(f"cannot create the lock file {path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InstanceLockedError(_refusal(database, _holder(fd))) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race a waiter)


def _holder(fd: int) -> int | None:
    """Return the pid the lock's holder wrote, or None if it has not written it yet."""
    text = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _refusal(database: Path, pid: int | None) -> str:
    """The one line a second `newsbot run` on the same SQLite file prints."""
    holder = f"pid {pid}" if pid is not None else "pid unknown"
    return (
        f"another `newsbot run` ({holder}) is already using {database}; SQLite serves one bot "
        "process per database file: stop that one first, or set DATABASE_URL to a PostgreSQL "
        "database to run several"
    )
