"""Timeline of one ingestion cycle: when each source is fetched, parsed and stored, and how
busy each process and thread was, a slice at a time.

    python -m bench.ingest_timeline --feeds 20 --items 500 --hog

The same cycle as `bench.ingest` (the feeds served from a separate process, the bot's
default workers, an empty database), with each step's start and end recorded on the
machine's monotonic clock (the same in every process) and the CPU of the main process's
threads, the parse workers, the fork server and the hog sampled every `--slice` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import os
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench.ingest import CACHE, serve, synthetic_folder
from bench.machine import cpu_hog, load_line
from bot.app.runtime import ingest_executor, ingest_worker_count, start_workers
from bot.ops.settings import Settings
from bot.services.ingest import Ingestor, Pipeline
from news.entities import Source
from news.fetch import Fetcher, FetchPolicy, FetchResult
from news.prepare import PreparedDocument, prepare_document
from storage import open_database


def traced_prepare(*args: Any, **kwargs: Any) -> tuple[PreparedDocument, float, float, int]:
    """`prepare_document` in a worker, with its start and end time and the worker's pid."""
    began = time.perf_counter()
    prepared = prepare_document(*args, **kwargs)
    return prepared, began, time.perf_counter(), os.getpid()


@dataclass
class Events:
    """Steps of a cycle: (time, source id, step) on the monotonic clock."""

    rows: list[tuple[float, int, str]] = field(default_factory=list)

    def add(self, source_id: int, step: str, at: float | None = None) -> None:
        """Record `step` of `source_id` now (or at `at`)."""
        self.rows.append((time.perf_counter() if at is None else at, source_id, step))


class TracingIngestor(Ingestor):
    """An `Ingestor` that records when each source's parse and store start and end."""

    def __init__(self, *args: Any, events: Events, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.events = events

    async def _prepare(self, result: FetchResult, source: Source) -> PreparedDocument:
        self.events.add(source.id, "parse submitted")
        work = functools.partial(
            traced_prepare,
            result.content,
            content_type=result.content_type,
            url=result.final_url,
            source_tags=source.tags,
            source_name=source.name,
        )
        if self._executor is None:
            prepared, began, ended, pid = work()
        else:
            loop = asyncio.get_running_loop()
            prepared, began, ended, pid = await loop.run_in_executor(self._executor, work)
        self.events.add(source.id, f"parse began in {pid}", began)
        self.events.add(source.id, "parse ended", ended)
        self.events.add(source.id, "parse back")
        return prepared

    async def _store(
        self, source: Source, prepared: PreparedDocument, *, started: float | None = None
    ) -> Any:
        self.events.add(source.id, "store waits")
        try:
            return await super()._store(source, prepared, started=started)
        finally:
            self.events.add(source.id, "store ended")


def traced(
    events: Events, step: str, call: Callable[..., Awaitable[Any]], by_url: dict[str, int]
) -> Callable[..., Awaitable[Any]]:
    """`call(url, ...)` recording its start and end as `step` of the URL's source."""

    async def wrapper(url: str, *args: Any, **kwargs: Any) -> Any:
        events.add(by_url.get(url, -1), f"{step} began")
        try:
            return await call(url, *args, **kwargs)
        finally:
            events.add(by_url.get(url, -1), f"{step} ended")

    return wrapper


class Sampler:
    """CPU seconds of this process's threads and of its descendant processes, sampled."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.samples: list[tuple[float, dict[str, float]]] = []
        self._stop = threading.Event()
        self._me = psutil.Process()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._names: dict[int, str] = {}

    def start(self) -> None:
        """Start sampling in a thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling; take one last sample."""
        self._stop.set()
        self._thread.join()

    def _label(self, process: psutil.Process) -> str:
        if process.pid not in self._names:
            try:
                line = " ".join(process.cmdline())
            except psutil.Error:
                line = ""
            if "forkserver" in line:
                kind = "forkserver" if process.ppid() == self._me.pid else "worker"
            elif "serve_feeds" in line:
                kind = "feeds"
            elif "resource_tracker" in line:
                kind = "tracker"
            elif "spawn_main" in line:
                kind = "hog"
            else:
                kind = "worker"
            self._names[process.pid] = f"{kind}:{process.pid}"
        return self._names[process.pid]

    def sample(self) -> None:
        """Record the CPU seconds so far of every thread of this process and every child."""
        now = time.perf_counter()
        seen: dict[str, float] = {}
        for thread in self._me.threads():
            name = "main" if thread.id == self._me.pid else f"thread:{thread.id}"
            seen[name] = thread.user_time + thread.system_time
        for child in self._me.children(recursive=True):
            try:
                times = child.cpu_times()
            except psutil.Error:
                continue
            seen[self._label(child)] = times.user + times.system
        self.samples.append((now, seen))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)
        self.sample()


def print_timeline(events: Events, origin: float, end: float) -> None:
    """Each source's steps, in seconds from the cycle's start."""
    by_source: dict[int, list[tuple[float, str]]] = {}
    for at, source_id, step in sorted(events.rows):
        by_source.setdefault(source_id, []).append((at - origin, step))
    print(f"cycle: {end - origin:.3f} s")
    for source_id, steps in sorted(by_source.items(), key=lambda item: item[1][0][0]):
        print(f"source {source_id:3d}: " + ", ".join(f"{step} {at:.3f}" for at, step in steps))


def print_summary(events: Events, origin: float, end: float) -> None:
    """Where the cycle's time went: start-up, worker idle gaps, the store, the tail."""
    steps: dict[str, list[float]] = {}
    parses: dict[str, list[tuple[float, float]]] = {}
    parsing: dict[int, tuple[str, float]] = {}
    stores: list[tuple[float, float]] = []
    waits: dict[int, float] = {}
    for at, source_id, step in sorted(events.rows):
        steps.setdefault(step.split(" in ")[0], []).append(at - origin)
        if step.startswith("parse began in "):
            parsing[source_id] = (step.removeprefix("parse began in "), at)
        elif step == "parse ended":
            worker, began = parsing.pop(source_id)
            parses.setdefault(worker, []).append((began, at))
        elif step == "store waits":
            waits[source_id] = at
        elif step == "store ended":
            stores.append((waits.pop(source_id), at))
    first = min(steps["parse began"])
    print(f"first parse began {first:.3f} s; last fetch ended {max(steps['fetch ended']):.3f}")
    print(f"last parse ended {max(steps['parse ended']):.3f}; cycle ended {end - origin:.3f}")
    for worker, spans in sorted(parses.items()):
        busy = sum(b - a for a, b in spans)
        last = max(b for _, b in spans) - origin
        idle = last - first - busy
        print(
            f"worker {worker}: {len(spans)} parses, busy {busy:.3f} s, idle between "
            f"{idle:.3f} s, done at {last:.3f}"
        )
    busy = sum(b - a for a, b in stores)
    print(f"stores (waiting for the lock included): {busy:.3f} s")


def print_usage(sampler: Sampler, origin: float, end: float, threads: bool) -> None:
    """Cores used by each process (and main-process thread) in every slice of the cycle."""
    samples = [(at, seen) for at, seen in sampler.samples if at >= origin - sampler.every]
    names = sorted({name for _, seen in samples for name in seen})
    if not threads:
        names = [name for name in names if not name.startswith("thread:")]
    totals: dict[str, float] = dict.fromkeys(names, 0.0)
    print("t(s)   " + " ".join(f"{name[:14]:>14}" for name in names))
    for (at0, before), (at1, after) in itertools.pairwise(samples):
        span = at1 - at0
        cells = []
        for name in names:
            used = after.get(name, 0.0) - before.get(name, after.get(name, 0.0))
            if at0 >= origin and at1 <= end + sampler.every:
                totals[name] += used
            cells.append(f"{used / span:14.2f}")
        print(f"{at1 - origin:6.2f} " + " ".join(cells))
    print("CPU s  " + " ".join(f"{totals[name]:14.2f}" for name in names))


def pipeline(args: argparse.Namespace) -> Pipeline:
    """The bot's pipeline bounds for the workers, or `--documents` in flight."""
    bounds = Pipeline.for_workers(args.workers)
    if args.documents is None:
        return bounds
    return Pipeline(bounds.sources - bounds.documents + args.documents, args.documents)


async def run(args: argparse.Namespace) -> None:
    """One traced cycle."""
    folder = synthetic_folder(args.feeds, args.items, Path(args.cache))
    files = sorted(folder.glob("*.xml"))
    events = Events()
    sampler = Sampler(args.slice)
    with tempfile.TemporaryDirectory(prefix="newsbot-timeline-") as tmp:
        async with serve(folder) as base:
            urls = [f"{base}/{p.name}" for p in files]
            db = await open_database(Path(tmp) / "newsbot.sqlite3")
            try:
                for url in urls:
                    await db.sources.add(url)
                sources = await db.sources.list()
                by_url = {s.url: s.id for s in sources}
                policy = FetchPolicy(
                    timeout_seconds=120,
                    max_bytes=64 * 1024 * 1024,
                    allow_private_addresses=True,
                    concurrency=args.concurrency,
                    per_host_concurrency=args.concurrency,
                )
                executor = ingest_executor(Settings(ingest_workers=args.workers))
                if executor is not None and not args.cold:
                    await asyncio.to_thread(start_workers, executor, args.workers)
                async with Fetcher(policy) as fetcher:
                    fetcher.fetch = traced(  # type: ignore[method-assign,assignment]
                        events, "fetch", fetcher.fetch, by_url
                    )
                    ingestor = TracingIngestor(
                        db,
                        fetcher,
                        max_failures=10,
                        default_interval_seconds=300,
                        executor=executor,
                        events=events,
                        pipeline=pipeline(args),
                    )
                    sampler.start()
                    await asyncio.sleep(args.slice * 2)
                    origin = time.perf_counter()
                    report = await ingestor.run_cycle(sources, timeout_seconds=3600)
                    end = time.perf_counter()
                    await asyncio.sleep(args.slice * 2)
                    sampler.stop()
                if executor is not None:
                    executor.shutdown()
            finally:
                await db.close()
    print(f"{report.entries} entries in {end - origin:.3f} s; workers {args.workers}")
    print_timeline(events, origin, end)
    print_usage(sampler, origin, end, args.threads)
    print_summary(events, origin, end)


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=ingest_worker_count(Settings()))
    parser.add_argument("--cache", default=str(CACHE))
    parser.add_argument("--slice", type=float, default=0.25, help="seconds per usage row")
    parser.add_argument("--threads", action="store_true", help="each main-process thread too")
    parser.add_argument(
        "--documents", type=int, help="documents in flight (default: the bot's for the workers)"
    )
    parser.add_argument(
        "--cold", action="store_true", help="the cycle starts as the workers start"
    )
    parser.add_argument("--hog", action="store_true", help="beside a busy-looping process")
    args = parser.parse_args(argv)
    print(load_line() + (", with a CPU hog" if args.hog else ""), flush=True)
    if args.hog:
        with cpu_hog():
            asyncio.run(run(args))
    else:
        asyncio.run(run(args))
    print(load_line())


if __name__ == "__main__":
    main()
