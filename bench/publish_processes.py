"""Publishing with several `newsbot run` processes on one PostgreSQL database, flood limits on.

    python -m bench.publish_processes                # 2 processes, 600 articles x 3 of 30
    python -m bench.publish_processes --processes 3
    python -m bench.publish_processes --single-too   # one process first: a side-by-side ratio
    python -m bench.publish_processes --tiny         # a few seconds, for CI

A throwaway PostgreSQL cluster (tests/support/postgres.py), the emulator in its own process
with Telegram's flood limits time-scaled, and N real bot processes (`python -m bot run`,
DATABASE_URL, the publisher's pacing scaled the same). Once every process has registered
its lease, the burst is queued at once (the workload of `bench.publish`); the processes
share it out by channel leases and share the overall send budget through the database
(`bot.delivery.send_budget`). Every 429 is printed with its chat, limit and time. Prints the
achieved rate against the most Telegram's limits allow for one bot (target >= 0.95), the
429 answers (target 0), posts lost (must be 0) and repeated (target 0), and each process's
peak RSS; the machine's load before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import psutil

from bench.machine import load_line
from bench.processes import emulator_process
from bench.publish import (
    PUBLISHED,
    Workload,
    count_posts,
    draft,
    ideal_makespan,
    wait_until_done,
)
from bot.services.leases import PROCESS_PREFIX
from bot.transport.pacing import PacingLimits
from emulator import DEFAULT_TOKEN, EmulatorClient, FloodLimits
from news.entities import OutboxState
from storage import Database, opened_database
from tests.support.postgres import running_cluster

ROOT = Path(__file__).resolve().parent.parent


async def prepare(
    db: Database, client: EmulatorClient, workload: Workload
) -> tuple[list[int], list[tuple[int, int]]]:
    """Create the channels and articles; return the chats and the outbox pairs to queue."""
    chats = [(await client.create_channel(f"Bench {n}")).id for n in range(workload.channels)]
    channel_ids = [(await db.channels.add(chat)).id for chat in chats]
    source = await db.sources.add("https://bench.example/feed.xml")
    await db.sources.set_paused(source.id, True)  # nothing to fetch: the burst is given
    result = await db.articles.upsert_many(
        source.id, [draft(n) for n in range(workload.articles)], fetched_at=PUBLISHED
    )
    pairs = [
        (article_id, channel_ids[c])
        for number, article_id in enumerate(result.inserted)
        for c in workload.channels_of(number)
    ]
    return chats, pairs


def bot_env(api_root: str, url: str, scale: float) -> dict[str, str]:
    """The environment of one bot process."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    return {
        **kept,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": f"{api_root}/bot",
        "DATABASE_URL": url,
        "PUBLISH_TIME_SCALE": str(scale),
        "PUBLISH_POLL_SECONDS": "0.05",
        "INGEST_WORKERS": "0",
        "LOG_LEVEL": "WARNING",
    }


@asynccontextmanager
async def bots(count: int, env: dict[str, str], workdir: Path) -> AsyncIterator[list[int]]:
    """Run `count` bot processes; yield their pids; stop them with SIGTERM at the end."""
    processes = []
    try:
        for n in range(count):
            with (workdir / f"bot{n}.log").open("wb") as log:
                processes.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bot", "run", env=env, cwd=ROOT, stderr=log
                    )
                )
        yield [process.pid for process in processes]
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


async def wait_registered(db: Database, count: int, workdir: Path) -> None:
    """Wait until `count` processes hold their `process:` lease (each is up and publishing)."""
    deadline = time.perf_counter() + 120
    while len(await db.leases.holders(PROCESS_PREFIX)) < count:
        if time.perf_counter() > deadline:
            logs = await asyncio.to_thread(tails, workdir)
            raise RuntimeError(f"the bot processes did not start:\n{logs}")
        await asyncio.sleep(0.1)


def tails(workdir: Path) -> str:
    """The end of every bot's log."""
    return "\n".join(p.read_text(errors="replace")[-2000:] for p in workdir.glob("bot*.log"))


async def watch_rss(pids: list[int], peaks: dict[int, int], stop: asyncio.Event) -> None:
    """Sample each process's resident set size every 50 ms into `peaks` until `stop`."""
    handles = {pid: psutil.Process(pid) for pid in pids}
    while not stop.is_set():
        for pid, handle in handles.items():
            try:
                peaks[pid] = max(peaks.get(pid, 0), handle.memory_info().rss)
            except psutil.Error:
                continue
        await asyncio.sleep(0.05)


async def run(workload: Workload, processes: int) -> dict[str, float]:
    """Run the burst once with `processes` bots and return the figures."""
    limits = PacingLimits(time_scale=workload.time_scale)
    peaks: dict[int, int] = {}
    with (
        tempfile.TemporaryDirectory(prefix="newsbot-bench-publish-") as tmp,
        running_cluster() as cluster,
    ):
        workdir, url = Path(tmp), cluster.url("postgres")
        async with (
            emulator_process(workdir) as api_root,
            EmulatorClient(api_root) as client,
            opened_database(url) as db,
        ):
            await client.set_flood_limits(FloodLimits(time_scale=workload.time_scale))
            chats, pairs = await prepare(db, client, workload)
            env = bot_env(api_root, url, workload.time_scale)
            async with bots(processes, env, workdir) as pids:
                await wait_registered(db, processes, workdir)
                stop = asyncio.Event()
                watcher = asyncio.create_task(watch_rss(pids, peaks, stop))
                await client.reset_stats()
                started = time.perf_counter()
                await db.outbox.add_many(pairs)  # the burst: queued at once
                ideal = ideal_makespan(workload, limits)
                seconds = await wait_until_done(db, started, limit=10 * ideal + 60)
                stop.set()
                await watcher
            counts = await db.outbox.state_counts()
            stats = await client.stats()
            posts, _, _ = await count_posts(client, chats)  # no albums or pages here
    expected = workload.posts
    for error in stats.errors:  # which chat, which limit, when (the emulator's clock)
        if error["error_code"] == 429:
            print(f"429: {error.get('detail', '')}")
    return {
        "posts": expected,
        "seconds": seconds,
        "ideal_seconds": ideal,
        "rate": expected / seconds,
        "ideal_rate": expected / ideal if ideal else float("inf"),
        "ratio": ideal / seconds if seconds else 0.0,
        "too_many_requests": stats.too_many_requests,
        "failed": counts[OutboxState.FAILED],
        "lost": expected - len(posts),
        "repeated": sum(posts.values()) - len(posts),
        "peak_rss_mib": max(peaks.values(), default=0) / 2**20,
        **{f"rss_{n}": rss / 2**20 for n, rss in enumerate(peaks.values())},
    }


def report(workload: Workload, figures: dict[str, float], processes: int) -> None:
    """Print the figures."""
    scale = workload.time_scale
    print(
        f"{processes} processes: {figures['seconds']:.2f}s, "
        f"ideal {figures['ideal_seconds']:.2f}s; "
        f"rate {figures['rate']:.1f} posts/s vs at most {figures['ideal_rate']:.1f} "
        f"(= {figures['rate'] * scale:.2f} vs {figures['ideal_rate'] * scale:.2f} at "
        "Telegram's real limits)"
    )
    print(f"achieved / allowed, {processes} processes: {figures['ratio']:.3f} (target >= 0.95)")
    print(
        f"429 answers: {figures['too_many_requests']:.0f} (target 0); "
        f"lost: {figures['lost']:.0f} (must be 0); repeated: {figures['repeated']:.0f} "
        f"(target 0); failed rows: {figures['failed']:.0f}"
    )
    each = ", ".join(
        f"{figures[f'rss_{n}']:.0f}" for n in range(processes) if f"rss_{n}" in figures
    )
    print(f"peak RSS per bot process: {each} MiB (target <= 200)")


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run, print; exit 1 when a post was lost or a 429 was answered."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--channels", type=int, default=30)
    parser.add_argument("--fanout", type=int, default=3, help="channels per article")
    parser.add_argument("--time-scale", type=float, default=0.1)
    parser.add_argument("--tiny", action="store_true", help="60 articles to 3 channels, fast")
    parser.add_argument(
        "--single-too",
        action="store_true",
        help="first the same burst with one process, for a side-by-side ratio",
    )
    args = parser.parse_args(argv)
    if args.tiny:
        workload = Workload(60, 3, 2, 0.02)
    else:
        if not 1 <= args.fanout <= args.channels:
            parser.error("--fanout must be between 1 and --channels")
        workload = Workload(args.articles, args.channels, args.fanout, args.time_scale)
    scale = workload.time_scale
    print(
        f"workload: {workload.articles} articles x {workload.fanout} channels each, "
        f"{workload.channels} channels = {workload.posts} posts; flood windows x{scale:g} "
        f"(30/{scale:g}s overall, 20/{60 * scale:g}s per channel); {args.processes} bot "
        "processes on one PostgreSQL"
    )
    print(load_line(), flush=True)
    single = None
    if args.single_too and args.processes > 1:
        single = asyncio.run(run(workload, 1))
        report(workload, single, 1)
        print(load_line(), flush=True)
    figures = asyncio.run(run(workload, args.processes))
    report(workload, figures, args.processes)
    if single is not None:
        print(
            f"{args.processes} processes / 1 process, achieved rate: "
            f"{figures['rate'] / single['rate']:.3f} (1.0: the processes lose nothing)"
        )
    print(load_line())
    runs = [f for f in (single, figures) if f is not None]
    if any(f["lost"] or f["too_many_requests"] for f in runs):
        sys.exit(1)


if __name__ == "__main__":
    main()
