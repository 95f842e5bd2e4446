"""Inline search while the same process ingests: do reads wait for the writer?

    python -m bench.read_while_write                 # 20,000 entries (40 feeds x 500)
    python -m bench.read_while_write --single-connection   # as before: one shared connection
    python -m bench.read_while_write --tiny          # a few seconds, for CI

A database of `--base` feeds is built first. Then `SearchRepository.articles` (what inline
mode calls, 50 a page) is timed, one query every `--every` ms, in three phases in this one
process:

1. idle: nothing else runs;
2. CPU-only control: the ingest of the new feeds runs with the same fetch, parse workers,
   cleaning and SQLite writes, but into a copy of the database in another file, so the
   process and the machine are just as busy while the searched database has no writer;
3. during ingest: the same ingest into the searched database itself.

Phase 3 against phase 2 is the cost of database contention alone. Each line shows the
machine's load average and this process's CPU use over the phase.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from bench.ingest import serve, synthetic_folder
from bench.inline import CACHE, KINDS, PAGE, Latency, queries
from bot.app.runtime import ingest_executor, ingest_worker_count, make_ingestor
from bot.ops.settings import Settings
from news.fetch import Fetcher, FetchPolicy
from storage import Database, open_database
from storage.sqlite import database as sqlite_engine

TARGET_P99_MS = 60.0


@dataclass(frozen=True, slots=True)
class Phase:
    """The figures of one phase."""

    name: str
    latency: Latency
    seconds: float
    cpu_percent: float  # this process's CPU time over wall time (200 % = both cores)
    load: float  # one-minute load average at the end of the phase
    entries: int = 0

    def line(self) -> str:
        """One printed line."""
        ingest = ""
        if self.entries:
            ingest = f", ingested {self.entries:,} entries in {self.seconds:.1f}s"
        return (
            f"  {self.name:<18} {self.latency}   ({self.latency.count} queries{ingest}; "
            f"process CPU {self.cpu_percent:.0f}%, load {self.load:.2f})"
        )


def cpu_seconds() -> float:
    """This process's user + system CPU time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def policy() -> FetchPolicy:
    """Fetch limits for the local feed server."""
    return FetchPolicy(
        timeout_seconds=300,
        max_bytes=64 * 1024 * 1024,
        allow_private_addresses=True,
        concurrency=4,
        per_host_concurrency=4,
    )


async def ingest(db: Database, urls: list[str], workers: int) -> int:
    """Add `urls` as sources of `db` and run one ingest cycle; return the entries stored."""
    for url in urls:
        await db.sources.add(url)
    settings = Settings(ingest_workers=workers)
    executor = ingest_executor(settings)
    try:
        async with Fetcher(policy()) as fetcher:
            ingestor = make_ingestor(settings, db, fetcher, executor)
            report = await ingestor.run_cycle(await db.sources.list(), timeout_seconds=3600)
    finally:
        if executor is not None:
            executor.shutdown()
    if report.failed:
        raise RuntimeError(f"{report.failed} sources failed to ingest")
    return report.inserted


async def searches(
    db: Database, texts: list[str], every: float, done: asyncio.Event
) -> list[float]:
    """Search one text every `every` seconds until `done`; return each one's latency,
    counted from when it was due (so a stalled event loop counts too)."""
    timings: list[float] = []
    due = time.perf_counter()
    n = 0
    while not done.is_set():
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        await db.search.articles(texts[n % len(texts)], limit=PAGE)
        timings.append(time.perf_counter() - due)
        n += 1
        due = max(due + every, time.perf_counter())  # a late answer does not queue up others
    return timings


async def phase(
    name: str,
    db: Database,
    texts: list[str],
    every: float,
    work: asyncio.Future[int] | None = None,
    seconds: float = 0.0,
) -> Phase:
    """Time searches on `db` while `work` runs (or for `seconds` when there is none)."""
    done = asyncio.Event()
    cpu, started = cpu_seconds(), time.perf_counter()
    task = asyncio.create_task(searches(db, texts, every, done))
    entries = 0
    if work is None:
        await asyncio.sleep(seconds)
    else:
        entries = await work
    done.set()
    timings = await task
    wall = time.perf_counter() - started
    return Phase(
        name,
        Latency.of(timings),
        wall,
        100 * (cpu_seconds() - cpu) / wall,
        os.getloadavg()[0],
        entries,
    )


async def main_async(args: argparse.Namespace) -> None:
    """Build the base database, run the three phases and print the figures."""
    # With --single-connection no reader connections: searches share the writer's, as
    # before issue 18 (the benchmark's one reach into the engine).
    readers = 0 if args.single_connection else sqlite_engine.READERS
    with mock.patch.object(sqlite_engine, "READERS", readers):
        await _measure(args)


async def _measure(args: argparse.Namespace) -> None:
    folder = synthetic_folder(args.base + args.feeds, args.items, Path(args.cache))
    base_names = [f"feed{n}.xml" for n in range(args.base)]
    new_names = [f"feed{n}.xml" for n in range(args.base, args.base + args.feeds)]
    texts = [text for kind in KINDS for text in queries(kind, 50)]
    every = args.every / 1000
    print(
        f"read while write: {args.feeds * args.items:,} entries ingested beside inline search "
        f"(search every {args.every:g} ms, {PAGE} a page) on a database of "
        f"{args.base * args.items:,} articles; {os.cpu_count()} cores, "
        f"{args.workers} parse workers; "
        + ("one shared connection" if args.single_connection else "writer + reader connections")
    )
    with tempfile.TemporaryDirectory(prefix="newsbot-rww-") as tmp:
        work = Path(tmp)
        searched, control = work / "searched.sqlite3", work / "control.sqlite3"
        async with serve(folder) as served:
            async with await open_database(searched) as db:
                await ingest(db, [f"{served}/{name}" for name in base_names], args.workers)
            shutil.copy(searched, control)  # closed: the WAL is checkpointed into the file
            urls = [f"{served}/{name}" for name in new_names]
            async with await open_database(searched) as db:
                for text in texts:  # warm the page cache, as in a running bot
                    await db.search.articles(text, limit=PAGE)
                idle = await phase("idle", db, texts, every, seconds=args.idle_seconds)
                print(idle.line(), flush=True)
                async with await open_database(control) as other:
                    work_done = asyncio.ensure_future(ingest(other, urls, args.workers))
                    cpu_only = await phase("CPU-only control", db, texts, every, work_done)
                print(cpu_only.line(), flush=True)
                work_done = asyncio.ensure_future(ingest(db, urls, args.workers))
                during = await phase("during ingest", db, texts, every, work_done)
                print(during.line(), flush=True)
    ratio = during.latency.p99 / cpu_only.latency.p99
    print(
        f"p99 during ingest / CPU-only control: {ratio:.2f}x; "
        f"target p99 <= {TARGET_P99_MS:g} ms: "
        + ("met" if during.latency.p99 <= TARGET_P99_MS else "MISSED")
    )


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=40, help="new feeds ingested")
    parser.add_argument("--items", type=int, default=500, help="entries a feed")
    parser.add_argument("--base", type=int, default=20, help="feeds in the database before")
    parser.add_argument("--every", type=float, default=20.0, help="ms between searches")
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument(
        "--workers", type=int, default=ingest_worker_count(Settings()), help="parse processes"
    )
    parser.add_argument("--cache", default=str(CACHE), help="where generated feeds are kept")
    parser.add_argument(
        "--single-connection",
        action="store_true",
        help="no reader connections (how it was before): for comparison",
    )
    parser.add_argument("--tiny", action="store_true", help="a few seconds, for CI")
    args = parser.parse_args(argv)
    if args.tiny:
        args.feeds, args.items, args.base, args.idle_seconds, args.workers = 3, 20, 2, 0.5, 1
    asyncio.run(main_async(args))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
