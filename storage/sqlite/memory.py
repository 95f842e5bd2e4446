"""Give memory SQLite has let go of back to the operating system.

SQLite allocates its page cache a page (about 4 KB) at a time with `malloc`, on the thread
of each connection; glibc keeps freed small blocks in that thread's arena, so a cache
emptied by `PRAGMA shrink_memory` still counts in the process's resident size until
`malloc_trim` hands the free pages back. Elsewhere (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def return_free_memory() -> bool:
    """Return the allocator's free pages to the system; tell whether it could be asked."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@functools.cache
def _sqlite_status() -> Callable[..., int] | None:
    """`sqlite3_status64` of the SQLite library the `sqlite3` module runs on, or None."""
    name = ctypes.util.find_library("sqlite3")
    if name is None:
        return None
    try:
        status: Callable[..., int] = ctypes.CDLL(name).sqlite3_status64
    except (OSError, AttributeError):
        return None
    return status


def sqlite_memory(*, reset: bool = False) -> tuple[int, int] | None:
    """Bytes SQLite has allocated in this process now and at most (page caches, statements,
    FTS5 buffers: every connection), the most then set back to now with `reset`; None when
    its library cannot be asked."""
    status = _sqlite_status()
    if status is None:
        return None
    now, most = ctypes.c_int64(), ctypes.c_int64()
    memory_used = 0  # SQLITE_STATUS_MEMORY_USED
    if status(memory_used, ctypes.byref(now), ctypes.byref(most), int(reset)) != 0:
        return None
    return now.value, most.value
