"""Wiring shared by CLI commands and the bot: settings → database, fetcher, ingestor."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from collections.abc import AsyncIterator
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor, wait
from contextlib import asynccontextmanager
from datetime import timedelta

from bot.app.parent_watch import watch_parent
from bot.ops.settings import Settings
from bot.services.ingest import Clock, Ingestor, Pipeline, utc_now
from news.fetch import Fetcher, FetchPolicy
from storage import Database

log = logging.getLogger(__name__)


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The fetch limits the settings ask for."""
    return FetchPolicy(
        timeout_seconds=settings.fetch_timeout_seconds,
        max_bytes=settings.fetch_max_bytes,
        allow_private_addresses=settings.allow_private_addresses,
        concurrency=settings.fetch_concurrency,
        per_host_concurrency=settings.fetch_per_host_concurrency,
    )


MAX_DEFAULT_WORKERS = 4


def ingest_worker_count(settings: Settings) -> int:
    """How many parse/clean worker processes to run (0: parse on the event loop).

    One per core, at most `MAX_DEFAULT_WORKERS`; none on one core. The worker is the larger
    half of an ingest's CPU (issue 18: 0.5 ms an entry against 0.3 in the main process), so
    with one worker on two cores the ingest went at its pace, the main process's core 40%
    idle. With two, inline search beside a 20,000-entry ingest kept a p99 of 36 ms (28 with
    one; the target is 60 ms) and the ingest took 15 s instead of 19
    (`bench.read_while_write`, load 2.5).
    """
    if settings.ingest_workers is not None:
        return settings.ingest_workers
    cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, MAX_DEFAULT_WORKERS)


def worker_preload() -> list[str]:
    """Modules the fork server imports once for all the workers it forks.

    A worker imports the parent's main module (and all it imports: the whole bot, or a
    benchmark) before its first task: 0.8 s of CPU each, 0.08 ms an entry of a 20,000-entry
    cycle with two workers (issue 18). Imported in the fork server, they are inherited:
    `__main__` when it is a script (the `newsbot` command), and this module's imports (the
    services, storage, fetching) for a module run with `python -m`, whose own code each
    worker still runs (not the module itself, which would then run twice in the worker).
    """
    return ["__main__", __name__, "news.prepare"]


def ingest_executor(settings: Settings) -> ProcessPoolExecutor | None:
    """A process pool for parsing and cleaning, or None to do it inline.

    Workers start from a fork server, not by forking this (threaded) process, and exit when
    this process ends, however it ends (`bot.app.parent_watch`). They start at once, from a
    thread (`start_workers`), rather than at the first cycle's first document.
    """
    workers = ingest_worker_count(settings)
    if workers == 0:
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(worker_preload())
    executor = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=watch_parent,
        initargs=(os.getpid(),),
    )
    threading.Thread(
        target=start_workers, args=(executor, workers), name="ingest-workers", daemon=True
    ).start()
    return executor


def start_workers(executor: ProcessPoolExecutor, count: int) -> bool:
    """Start the pool's fork server and `count` workers now; return once they answered.

    A pool starts its processes at its first tasks: the first cycle's first document then
    waited for the fork server to import the workers' modules (0.4 s of CPU) with the event
    loop blocked in `submit` meanwhile (issue 18: 0.5-1.4 s of a 10k cycle beside a CPU
    hog). Started with the bot, they are up before its first cycle. False if the pool was
    shut down first or could not start (the cycle then meets the error itself).
    """
    try:
        wait([executor.submit(os.getpid) for _ in range(count)])
    except BrokenExecutor:
        log.warning("ingest_workers_not_started", exc_info=True)
        return False
    except RuntimeError:  # shut down meanwhile
        return False
    return True


def claim_seconds(settings: Settings) -> float:
    """How long an ingestion cycle's claim on its sources lasts: twice the cycle's time
    limit, so a claim runs out only when its process died (then another one fetches)."""
    return max(60.0, 2 * settings.fetch_cycle_timeout_seconds)


def make_ingestor(
    settings: Settings,
    db: Database,
    fetcher: Fetcher,
    executor: Executor | None,
    clock: Clock = utc_now,
) -> Ingestor:
    """An `Ingestor` configured from the settings."""
    return Ingestor(
        db,
        fetcher,
        max_failures=settings.fetch_max_failures,
        default_interval_seconds=settings.poll_interval_seconds,
        executor=executor,
        edit_window=timedelta(hours=settings.publish_edit_window_hours),
        clock=clock,
        pipeline=Pipeline.for_workers(ingest_worker_count(settings) if executor else 0),
    )


@asynccontextmanager
async def ingestion(settings: Settings, db: Database) -> AsyncIterator[Ingestor]:
    """An `Ingestor` over `db` with a fetcher and worker pool configured from the settings."""
    executor = ingest_executor(settings)
    try:
        async with Fetcher(fetch_policy(settings)) as fetcher:
            yield make_ingestor(settings, db, fetcher, executor)
    finally:
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
