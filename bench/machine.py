"""The machine a benchmark runs on: its load, said beside every figure, and a CPU hog.

A figure from a 2-core machine shared with other work means little without the load it was
measured under; `load_line()` says it. `cpu_hog()` runs a busy-looping process beside a
measurement, the "busy machine" case of the benchmarks that report one.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager


def load_line() -> str:
    """`load average 1.23 0.98 0.80 on 2 cores`, for a benchmark's output."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _spin() -> None:
    """Busy-loop until killed."""
    while True:
        pass


@contextmanager
def cpu_hog(processes: int = 1) -> Iterator[None]:
    """Run `processes` busy-looping processes for the duration of the block."""
    context = multiprocessing.get_context("spawn")
    hogs = [context.Process(target=_spin, daemon=True) for _ in range(processes)]
    for hog in hogs:
        hog.start()
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.join()
