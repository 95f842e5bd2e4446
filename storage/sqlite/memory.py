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
