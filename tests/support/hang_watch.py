"""A watchdog for tests that hang: when one test (setup, call and teardown) runs longer
than `HANG_WATCH_SECONDS` (default 240), the test's id, every thread's stack and every
asyncio task's stack are written to stderr and to `HANG_WATCH_DIR` (default the system
temporary folder), so a hung CI run says where it is stuck instead of only timing out."""

from __future__ import annotations

import asyncio
import faulthandler
import io
import os
import sys
import tempfile
import threading
import time
from collections.abc import Generator
from pathlib import Path

import pytest

DEFAULT_SECONDS = 240.0


def _seconds() -> float:
    """Return how long a test may run before its stacks are dumped."""
    return float(os.environ.get("HANG_WATCH_SECONDS", DEFAULT_SECONDS))


def describe_tasks() -> str:
    """Return the stack of every asyncio task of every running loop we can find."""
    out = io.StringIO()
    loops = set()
    for thread_frame in sys._current_frames().values():
        frame = thread_frame
        while frame is not None:
            candidate = frame.f_locals.get("self")
            if isinstance(candidate, asyncio.AbstractEventLoop):
                loops.add(candidate)
            frame = frame.f_back
    for loop in loops:
        try:
            tasks = list(asyncio.all_tasks(loop))
        except RuntimeError:  # the loop's task set changed while read: try once more
            tasks = list(asyncio.all_tasks(loop))
        print(f"--- {len(tasks)} tasks of {loop!r}", file=out)
        for task in tasks:
            print(f"task {task.get_name()}: {task!r}", file=out)
            task.print_stack(limit=30, file=out)
    return out.getvalue()


def dump(nodeid: str, seconds: float) -> Path:
    """Write the hung test's id, threads and tasks to stderr and to a file; return it."""
    folder = Path(os.environ.get("HANG_WATCH_DIR", tempfile.gettempdir()))
    path = folder / f"hang-{os.getpid()}-{int(time.time())}.txt"
    with path.open("w") as out:
        out.write(f"test {nodeid} still running after {seconds:.0f} s\n")
        out.flush()
        faulthandler.dump_traceback(file=out, all_threads=True)
        out.write(describe_tasks())
    sys.stderr.write(path.read_text())
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    """Run the test with a timer that dumps its stacks if it is still running at the end."""
    seconds = _seconds()
    timer = threading.Timer(seconds, dump, args=(item.nodeid, seconds))
    timer.daemon = True
    timer.start()
    try:
        return (yield)
    finally:
        timer.cancel()
