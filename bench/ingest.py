"""Ingestion benchmark: N feeds x M items served on 127.0.0.1, one full cycle into an empty DB.

    python -m bench.ingest --feeds 200 --items 500            # 100k entries
    python -m bench.ingest --feeds 200 --items 500 --vs-reader  # and `reader`, same run
    python -m bench.ingest --feeds 200 --items 500 --postgresql --vs-reader  # all three
    python -m bench.ingest --corpus ../shared/corpus/feeds     # real feeds

Prints entries/s, peak RSS and database size; with --postgresql also newsbot's cycle into
a throwaway PostgreSQL cluster (tests/support/postgres.py: durability off, as a bench
cluster; the same feeds, the same code) and the ratio PostgreSQL / SQLite; with --vs-reader
also reader's figures (its `update_feeds()` then `update_search()`, so both sides end
searchable) and the ratio of each newsbot engine to it; the machine's load before and
after. `--hog` runs every side beside a busy-looping process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

import psutil

from bench.machine import cpu_hog, load_line
from bench.synth import rss_feed
from bot.app.runtime import ingest_executor, ingest_worker_count, make_ingestor, start_workers
from bot.ops.settings import Settings
from news.fetch import Fetcher, FetchPolicy
from storage import open_database
from tests.support.postgres import running_cluster

CACHE = Path(__file__).parent / ".cache"
READER_VENV = CACHE / "reader-venv"


@asynccontextmanager
async def serve(folder: Path) -> AsyncIterator[str]:
    """Serve the files of `folder` from a separate process; yield its base URL."""
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.serve_feeds",
        str(folder),
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parent.parent,
    )
    try:
        assert server.stdout is not None
        base = (await asyncio.wait_for(server.stdout.readline(), timeout=60)).decode().strip()
        if not base.startswith("http://"):
            raise RuntimeError("the feed server did not start")
        yield base
    finally:
        server.kill()
        await server.wait()


def synthetic_folder(feeds: int, items: int, cache: Path = CACHE) -> Path:
    """Generate (once, then cached) `feeds` RSS feeds of `items` entries; return the folder."""
    folder = cache / f"synth-{feeds}x{items}"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(feeds):
        path = folder / f"feed{n}.xml"
        if not path.exists():
            path.write_bytes(rss_feed(n, items, base="https://news.example"))
    return folder


def database_megabytes(folder: Path, name: str) -> float:
    """Size of a SQLite database with its -wal and -shm files, in MB."""
    return sum(p.stat().st_size for p in folder.glob(name + "*")) / 1e6


def peak_rss_mib() -> float:
    """This process's peak resident set size in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds(who: int) -> float:
    """User + system CPU seconds of `resource.RUSAGE_SELF` or `RUSAGE_CHILDREN` (the
    children waited for: parse workers once shut down, reader's process once it ended)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


async def run_newsbot(
    urls: list[str], db_path: Path | str, concurrency: int, workers: int
) -> dict[str, float]:
    """One newsbot ingestion cycle over `urls` into a new database (a file or a URL).

    The parse workers are up before the cycle starts, as in the bot, which starts them with
    itself (`bot.app.runtime.ingest_executor`): their start-up is timed apart."""
    policy = FetchPolicy(
        timeout_seconds=120,
        max_bytes=64 * 1024 * 1024,
        allow_private_addresses=True,
        concurrency=concurrency,
        per_host_concurrency=concurrency,
    )
    db = await open_database(db_path)
    try:
        for url in urls:
            await db.sources.add(url)
        settings = Settings(ingest_workers=workers)
        executor = ingest_executor(settings)
        began = time.perf_counter()
        if executor is not None:
            await asyncio.to_thread(start_workers, executor, workers)
        start_seconds = time.perf_counter() - began
        async with Fetcher(policy) as fetcher:
            ingestor = make_ingestor(settings, db, fetcher, executor)
            sources = await db.sources.list()
            main_before = cpu_seconds(resource.RUSAGE_SELF)
            start = time.perf_counter()
            report = await ingestor.run_cycle(sources, timeout_seconds=3600)
            seconds = time.perf_counter() - start
            main_cpu = cpu_seconds(resource.RUSAGE_SELF) - main_before
            workers_cpu = workers_cpu_seconds(executor)
    finally:
        await db.close()
        if executor is not None:
            executor.shutdown()
    if report.failed:
        failures = [o.error for o in report.outcomes if o.error][:3]
        print(f"newsbot: {report.failed} sources failed: {failures}", file=sys.stderr)
    return {
        "entries": float(report.entries),
        "stored": float(report.inserted),
        "seconds": seconds,
        "main_cpu": main_cpu,
        "workers_cpu": workers_cpu,
        "start_seconds": start_seconds,
    }


def workers_cpu_seconds(executor: ProcessPoolExecutor | None) -> float:
    """CPU seconds the pool's worker processes used so far (they start with the cycle).

    Workers are the fork server's children, not ours: read through psutil."""
    if executor is None:
        return 0.0
    total = 0.0
    for pid in list(getattr(executor, "_processes", None) or {}):
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
    return total


def cpu_line(side: str, entries: float, **seconds: float) -> str:
    """`newsbot CPU per entry: main 0.31 ms + workers 0.28 ms = 0.59 ms`."""
    parts = [f"{name} {cpu / max(entries, 1) * 1000:.2f} ms" for name, cpu in seconds.items()]
    total = sum(seconds.values()) / max(entries, 1) * 1000
    return f"{side} CPU per entry: {' + '.join(parts)}" + (
        f" = {total:.2f} ms" if len(parts) > 1 else ""
    )


async def run_newsbot_postgresql(urls: list[str], args: argparse.Namespace) -> float:
    """The same cycle into a new database on a throwaway PostgreSQL cluster; print its
    figures and return its entries/s."""
    with running_cluster() as cluster:
        print(f"PostgreSQL cluster started in {cluster.start_seconds:.1f}s", flush=True)
        ours = await run_newsbot(urls, cluster.url("postgres"), args.concurrency, args.workers)
        megabytes = await postgresql_megabytes(cluster.url("postgres"))
    rate = ours["entries"] / ours["seconds"]
    print(
        f"newsbot on PostgreSQL: {int(ours['entries'])} entries ({int(ours['stored'])} "
        f"stored) in {ours['seconds']:.2f}s = {rate:,.0f} entries/s; database {megabytes:.1f} MB"
    )
    return rate


async def postgresql_megabytes(url: str) -> float:
    """The size of a PostgreSQL database, in MB."""
    async with await open_database(url) as db:
        row = await db.session.fetchone(  # type: ignore[attr-defined]
            "SELECT pg_database_size(current_database()) AS size"
        )
    return int(row["size"]) / 1e6


def ensure_reader_venv() -> Path:
    """Create a venv holding only `reader` (installed for this benchmark alone; on Python
    3.11 pip picks 3.26, the last release for it)."""
    python = READER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(READER_VENV)], check=True)
    if subprocess.run([str(python), "-c", "import reader"], capture_output=True).returncode:
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "reader>=3.20", "sgmllib3k"],
            check=True,
        )
    return python


def run_reader(urls: list[str], workdir: Path, workers: int) -> dict[str, float]:
    """reader's update_feeds() then update_search() over the same URLs, in its own venv."""
    python = ensure_reader_venv()
    url_file = workdir / "urls.txt"
    url_file.write_text("\n".join(urls), encoding="utf-8")
    script = Path(__file__).with_name("reader_side.py")
    before = cpu_seconds(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [str(python), str(script), str(workdir / "reader.sqlite"), str(url_file), str(workers)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    figures["cpu"] = cpu_seconds(resource.RUSAGE_CHILDREN) - before  # start-up included
    return figures


async def main_async(args: argparse.Namespace) -> None:
    """Run the benchmark and print its figures."""
    if args.corpus:
        folder = Path(args.corpus)
        label = f"corpus {args.corpus}"
    else:
        folder = synthetic_folder(args.feeds, args.items, Path(args.cache))
        label = f"synthetic {args.feeds} feeds x {args.items} items"
    files = sorted(
        p
        for p in folder.iterdir()
        if p.suffix in {".xml", ".json", ".rss"} and p.stem != "MANIFEST"
    )
    size_mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"input: {label}, {len(files)} feeds, {size_mb:.1f} MB")
    print(load_line() + (", with a CPU hog beside both" if args.hog else ""), flush=True)
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        workdir = Path(tmp)
        async with serve(folder) as base:
            urls = [f"{base}/{p.name}" for p in files]
            ours = await run_newsbot(
                urls, workdir / "newsbot.sqlite3", args.concurrency, args.workers
            )
            db_mb = database_megabytes(workdir, "newsbot.sqlite3")
            ours_rate = ours["entries"] / ours["seconds"]
            print(
                f"newsbot: {int(ours['entries'])} entries ({int(ours['stored'])} stored) in "
                f"{ours['seconds']:.2f}s = {ours_rate:,.0f} entries/s; "
                f"peak RSS {peak_rss_mib():.0f} MiB; database {db_mb:.1f} MB"
            )
            if args.workers:
                print(
                    f"newsbot's {args.workers} parse workers started with it, before the "
                    f"cycle, in {ours['start_seconds']:.2f}s"
                )
            print(
                cpu_line(
                    "newsbot",
                    ours["entries"],
                    main=ours["main_cpu"],
                    workers=ours["workers_cpu"],
                )
            )
            pg_rate = None
            if args.postgresql:
                pg_rate = await run_newsbot_postgresql(urls, args)
                print(f"ratio newsbot PostgreSQL/SQLite: {pg_rate / ours_rate:.2f}x")
            if args.vs_reader:
                theirs = await asyncio.to_thread(run_reader, urls, workdir, args.concurrency)
                rate = theirs["entries"] / theirs["total_seconds"]
                print(
                    f"reader:  {int(theirs['entries'])} entries: update_feeds "
                    f"{theirs['entries'] / theirs['update_seconds']:,.0f}/s, update_search "
                    f"{theirs['entries'] / theirs['search_seconds']:,.0f}/s, end to end "
                    f"{theirs['total_seconds']:.2f}s = {rate:,.0f} entries/s"
                )
                print(cpu_line("reader", theirs["entries"], process=theirs["cpu"]))
                print(f"ratio newsbot/reader (end to end): {ours_rate / rate:.1f}x")
                if pg_rate is not None:
                    print(
                        f"ratio newsbot PostgreSQL/reader (end to end): {pg_rate / rate:.1f}x "
                        "(target >= 3x)"
                    )
    print(load_line())


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--corpus", help="a folder of real feeds (*.xml) instead of synthetic")
    parser.add_argument("--concurrency", type=int, default=4, help="sources fetched at once")
    parser.add_argument(
        "--workers", type=int, default=ingest_worker_count(Settings()), help="parse processes"
    )
    parser.add_argument("--cache", default=str(CACHE), help="where generated feeds are kept")
    parser.add_argument("--vs-reader", action="store_true", help="also run `reader`, same feeds")
    parser.add_argument(
        "--postgresql", action="store_true", help="also newsbot on a throwaway PostgreSQL"
    )
    parser.add_argument("--hog", action="store_true", help="run beside a busy-looping process")
    args = parser.parse_args(argv)
    if args.hog:
        with cpu_hog():
            asyncio.run(main_async(args))
    else:
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
