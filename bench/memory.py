"""Where a process's resident memory is: by kind of mapping, and what malloc and SQLite hold.

`resident(pid)` reads `/proc/PID/smaps` and sums the resident kilobytes of each kind of
mapping: the malloc heap (`[heap]`, the main thread's arena), anonymous mappings (glibc's
per-thread arenas, CPython's object arenas, large blocks, thread stacks), the database
files (mmap'd pages, and the WAL index), shared libraries and the rest. `in_process()`
adds what this process's allocator and SQLite say they hold. Linux only; elsewhere empty.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import re
import sys
import tempfile
from pathlib import Path

from storage.sqlite.memory import sqlite_memory

KIB = 1024


def _kind(name: str) -> str:
    """The kind of a mapping, from the path or label `smaps` gives it."""
    if name == "[heap]":
        return "heap"
    if name == "" or name.startswith("[anon"):
        return "anonymous"
    if name.startswith("[stack"):
        return "main stack"
    if ".sqlite3" in name or name.endswith((".db", "-shm", "-wal")):
        return "database files"
    if ".so" in name or "python3" in name:
        return "code (binaries, libraries)"
    return "other"


def resident(pid: int | str = "self") -> dict[str, int]:
    """Resident KiB of each kind of mapping of a process, and `total`; {} when unreadable."""
    try:
        text = Path(f"/proc/{pid}/smaps").read_text()
    except OSError:
        return {}
    out: dict[str, int] = {}
    kind = "other"
    for line in text.splitlines():
        head, _, rest = line.partition(" ")
        if "-" in head and not head.endswith(":"):  # a mapping's first line
            fields = rest.split(None, 4)
            kind = _kind(fields[4].strip() if len(fields) == 5 else "")
        elif head == "Rss:":
            kib = int(rest.split()[0])
            out[kind] = out.get(kind, 0) + kib
            out["total"] = out.get("total", 0) + kib
    return out


def rss_kib(pid: int | str = "self") -> int:
    """Resident KiB of a process now (`/proc/PID/statm`: cheap, unlike `resident`); 0 when
    unreadable."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") // KIB


class _MallInfo2(ctypes.Structure):
    """glibc's `struct mallinfo2`."""

    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, or None."""
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def python_arenas() -> dict[str, int]:
    """KiB in CPython's small-object arenas (`sys._debugmallocstats`, which writes to the C
    stderr): the arenas' total, and the blocks in use inside them."""
    with tempfile.TemporaryFile() as capture:
        saved = os.dup(2)
        try:
            sys.stderr.flush()
            os.dup2(capture.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        capture.seek(0)
        text = capture.read().decode()
    out: dict[str, int] = {}
    labels = (("Total", "python arenas"), ("# bytes in allocated blocks", "python in use"))
    for key, label in labels:
        match = re.search(rf"^{re.escape(key)}\s*=\s*([\d,]+)", text, re.MULTILINE)
        if match:
            out[label] = int(match.group(1).replace(",", "")) // KIB
    return out


def in_process() -> dict[str, int]:
    """KiB malloc has in use, free inside its arenas, in mmap'd blocks; SQLite's own
    allocations now and at most (`sqlite3_status64`); CPython's arenas. Keys missing where
    unavailable."""
    out: dict[str, int] = python_arenas()
    status = Path("/proc/self/status")
    if status.exists():
        text = status.read_text()
        for key in ("Threads", "VmRSS", "VmHWM"):
            found = re.search(rf"^{key}:\s*(\d+)", text, re.MULTILINE)
            if found:
                out[key] = int(found.group(1))
    libc = _libc()
    if libc is not None and hasattr(libc, "mallinfo2"):
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
        out["malloc in use"] = info.uordblks // KIB
        out["malloc free in arenas"] = info.fordblks // KIB
        out["malloc mmap'd blocks"] = info.hblkhd // KIB
    sqlite = sqlite_memory()
    if sqlite is not None:
        out["sqlite now"], out["sqlite most"] = (used // KIB for used in sqlite)
    return out
