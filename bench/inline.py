"""Inline search benchmark: search-only latency, and end to end through the bot.

    python -m bench.inline                      # 100k and 1M articles (generated once, cached)
    python -m bench.inline --sizes 100000 --seconds 10
    python -m bench.inline --tiny               # a few seconds, for CI

1. Search only: `SearchRepository.articles` (what inline mode calls) on a database of
   N synthetic articles, p50/p99 for word, prefix, tag and two-word queries (50 a page).
2. End to end: the emulator in its own process, the bot in another; simulated users send
   inline queries through the emulator's control API and wait for the answer (inline update
   in, answerInlineQuery out). newsbot (real application, real search, 50 rendered results)
   beside two bare PTB bots answering 50 static results with PTB's default HTTP layer: one
   handling updates concurrently (the fair baseline) and one handling them one at a time
   (PTB's default; the baseline before issue 18). Each at a fixed concurrency (answers/s,
   p50/p99) and at an offered rate (p50/p99; by default half of what the concurrent
   baseline answered at the fixed concurrency, a load it can still serve); each bot
   process's peak RSS; the machine's load before and after.

`--memory DIR`: each bot process writes where its memory was at its RSS peak, its threads'
CPU and its GC pauses (`bench.memory`); `--compare-cache 128`: newsbot again with that
`SQLITE_CACHE_MIB`, in the same rounds (side by side); `--profile DIR`: cProfile stats.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.inline_data import Dataset, at_current_schema, dataset
from bench.machine import load_line
from bench.processes import emulator_process
from bench.synth import PEOPLE, PLACES, TOPICS, vocabulary
from emulator import EmulatorClient
from storage import open_database
from storage.sqlite.database import open_sqlite

CACHE = Path(__file__).with_name(".cache")
PAGE = 50
KINDS = ("word", "prefix", "tag", "two-word")


@dataclass(frozen=True, slots=True)
class Latency:
    """Latency figures of one series, in milliseconds."""

    count: int
    p50: float
    p99: float
    mean: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        """Summarise a list of durations in seconds."""
        ms = sorted(1000 * s for s in seconds)
        if not ms:
            return cls(0, float("nan"), float("nan"), float("nan"))
        return cls(len(ms), percentile(ms, 50), percentile(ms, 99), statistics.fmean(ms))

    def __str__(self) -> str:
        return f"p50 {self.p50:7.2f} ms   p99 {self.p99:7.2f} ms   mean {self.mean:7.2f} ms"


def percentile(ordered: list[float], pct: float) -> float:
    """Return the nearest-rank percentile of an ascending list."""
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def queries(kind: str, count: int, seed: int = 5) -> list[str]:
    """Queries people type: names and topic words, prefixes while typing, tags, pairs."""
    rng = random.Random(f"{kind}-{seed}")
    general = vocabulary(20_000)
    names = PLACES + PEOPLE + TOPICS

    def word() -> str:
        # two in three: a name or topic word; else a general word of middling frequency
        if rng.random() < 2 / 3:
            return rng.choice(names)
        return general[rng.randint(50, 5_000)]

    out: list[str] = []
    for _ in range(count):
        if kind == "word":
            out.append(word().lower())
        elif kind == "prefix":
            full = word().lower()
            out.append(full[: rng.randint(3, max(3, len(full) - 1))])
        elif kind == "tag":
            out.append("#" + rng.choice(names))
        else:
            out.append(f"{rng.choice(PEOPLE)} {rng.choice(PLACES)}".lower())
    return out


async def search_only(location: Path | str, per_kind: int) -> dict[str, Latency]:
    """Time `db.search.articles` on the store at `location` (an SQLite file or a PostgreSQL
    URL) for each kind of query, after a warm-up pass of as many other queries of the kind
    (a running bot's database is in the page cache; these are not the measured queries, so
    no answer is cached by the warm-up)."""
    results: dict[str, Latency] = {}
    async with await open_database(location) as db:
        for kind in KINDS:
            batch = queries(kind, per_kind)
            for text in queries(kind, per_kind, seed=99):
                await db.search.articles(text, limit=PAGE)
            timings = []
            for text in batch:
                started = time.perf_counter()
                await db.search.articles(text, limit=PAGE)
                timings.append(time.perf_counter() - started)
            results[kind] = Latency.of(timings)
    return results


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the emulator, the bot and this (the users') process; and
    the bot's split between its main thread (the event loop) and its other threads (SQLite
    connections, `to_thread`)."""
    used = {"emulator": 0.0, "bot": 0.0, "users": sum(os.times()[:2])}
    used |= {"bot loop": 0.0, "bot threads": 0.0}
    for child in psutil.Process().children(recursive=True):
        try:
            command = " ".join(child.cmdline())
            times = child.cpu_times()
            threads = child.threads() if "inline_bot" in command else []
        except psutil.Error:
            continue
        role = "bot" if "inline_bot" in command else "emulator" if "emulator" in command else None
        if role is not None:
            used[role] += times.user + times.system
        for thread in threads:
            part = "bot loop" if thread.id == child.pid else "bot threads"
            used[part] += thread.user_time + thread.system_time
    return used


@dataclass(frozen=True, slots=True)
class EndToEnd:
    """One bot's figures end to end."""

    first_per_second: float  # answers/s of the first pass (each query once), 0 if not run
    closed: Latency
    answers_per_second: float
    cpu_ms_per_answer: dict[str, float]  # at the fixed concurrency: bot, emulator, users
    offered: Latency
    offered_rate: float
    unanswered: int
    empty: int
    peak_rss_mib: float
    rendered: int
    reused: int


@asynccontextmanager
async def bot_process(
    mode: str,
    api: str,
    db: Path | None,
    http: str | None,
    profile: Path | None = None,
    *options: str,
) -> AsyncIterator[list[str]]:
    """Run bench.inline_bot in its own process; yield a list that gets its last lines."""
    command = [sys.executable, "-m", "bench.inline_bot", mode, "--api", api, *options]
    if db is not None:
        command += ["--db", str(db)]
    if http is not None:
        command += ["--http", http]
    if profile is not None:
        command += ["--profile", str(profile)]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    lines: list[str] = []
    try:
        first = (await asyncio.wait_for(process.stdout.readline(), 120)).decode().strip()
        if first != "ready":
            raise RuntimeError(f"the {mode} bot did not start: {first!r}")
        yield lines
    finally:
        process.terminate()
        rest = (await process.stdout.read()).decode()
        await process.wait()
        lines.extend(rest.split())


async def ask(client: EmulatorClient, user_id: int, text: str) -> tuple[float, int | None]:
    """Send one inline query and wait for its answer, in one request to the emulator:
    (seconds, number of results or None)."""
    started = time.perf_counter()
    count = await client.ask_inline_count(user_id, text, within=10)
    return time.perf_counter() - started, count


async def closed_loop(
    client: EmulatorClient,
    users: list[int],
    texts: list[str],
    concurrency: int,
    seconds: float | None,
) -> tuple[list[float], list[int | None], float]:
    """`concurrency` users each asking, one query after another, for `seconds` (None: until
    every text was asked once)."""
    timings: list[float] = []
    sizes: list[int | None] = []
    deadline = time.perf_counter() + seconds if seconds is not None else float("inf")

    async def user_loop(worker: int) -> None:
        n = worker
        while time.perf_counter() < deadline and (seconds is not None or n < len(texts)):
            elapsed, size = await ask(client, users[worker], texts[n % len(texts)])
            timings.append(elapsed)
            sizes.append(size)
            n += concurrency

    started = time.perf_counter()
    await asyncio.gather(*(user_loop(w) for w in range(concurrency)))
    return timings, sizes, time.perf_counter() - started


async def open_loop(
    client: EmulatorClient, users: list[int], texts: list[str], rate: float, seconds: float
) -> tuple[list[float], list[int | None]]:
    """Queries offered at `rate` per second regardless of answers, for `seconds`."""
    timings: list[float] = []
    sizes: list[int | None] = []

    async def one(n: int, due: float) -> None:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        _, size = await ask(client, users[n % len(users)], texts[n % len(texts)])
        timings.append(time.perf_counter() - due)  # from when it was due: queueing counts
        sizes.append(size)

    start = time.perf_counter() + 0.2
    total = int(rate * seconds)
    await asyncio.gather(*(one(n, start + n / rate) for n in range(total)))
    return timings, sizes


@dataclass(frozen=True, slots=True)
class BotRun:
    """One bot to measure: its label, mode, database, HTTP layer and extra options."""

    label: str
    mode: str
    db: Path | None
    http: str | None
    options: tuple[str, ...] = ()


BARE_CONCURRENT = "bare PTB, concurrent"
BARE_SEQUENTIAL = "bare PTB, sequential"
NEWSBOT = "newsbot (aiohttp)"


@dataclass(slots=True)
class Sample:
    """What one bot did in one or more rounds, before it is summarised."""

    first: list[float] = field(default_factory=list)
    first_seconds: float = 0.0
    closed: list[float] = field(default_factory=list)
    closed_seconds: float = 0.0
    offered: list[float] = field(default_factory=list)
    sizes: list[int | None] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    peak_rss_kib: int = 0
    rendered: int = 0  # newsbot: inline results rendered, and served already rendered
    reused: int = 0

    def add(self, other: Sample) -> None:
        """Add another round's figures to these."""
        self.first += other.first
        self.first_seconds += other.first_seconds
        self.closed += other.closed
        self.closed_seconds += other.closed_seconds
        self.offered += other.offered
        self.sizes += other.sizes
        for role, seconds in other.cpu.items():
            self.cpu[role] = self.cpu.get(role, 0.0) + seconds
        self.peak_rss_kib = max(self.peak_rss_kib, other.peak_rss_kib)
        self.rendered += other.rendered
        self.reused += other.reused

    def summary(self, rate: float) -> EndToEnd:
        """The figures of every round together."""
        return EndToEnd(
            first_per_second=len(self.first) / self.first_seconds if self.first_seconds else 0.0,
            closed=Latency.of(self.closed),
            answers_per_second=len(self.closed) / self.closed_seconds,
            cpu_ms_per_answer={
                role: 1000 * seconds / max(1, len(self.closed))
                for role, seconds in self.cpu.items()
            },
            offered=Latency.of(self.offered),
            offered_rate=rate,
            unanswered=sum(size is None for size in self.sizes),
            empty=sum(size == 0 for size in self.sizes),
            peak_rss_mib=self.peak_rss_kib / 1024,
            rendered=self.rendered,
            reused=self.reused,
        )


async def measure_bot(
    run: BotRun,
    api_root: str,
    args: argparse.Namespace,
    texts: list[str],
    rate: float | None,
    round_number: int = 0,
) -> tuple[Sample, float]:
    """Run one bot and measure it at the fixed concurrency, then at the offered `rate` (None:
    half of the answers/s it reached at the fixed concurrency); return it and the rate."""
    texts = texts[round_number * 97 :] + texts[: round_number * 97]  # other queries each round
    if run.mode == "news" and run.db is not None and round_number == 0:
        # Each newsbot starts with no result rendered (whichever ran before it): its first
        # round renders what it shows, the later ones find it kept.
        async with await open_sqlite(run.db) as db:
            await db.session.execute("DELETE FROM inline_results")
    async with EmulatorClient(api_root) as client:
        users = [(await client.create_user(f"Reader {n}")).id for n in range(args.concurrency)]
        name = run.label.replace(" ", "-").replace(",", "").replace("(", "").replace(")", "")
        profile = Path(args.profile) / f"{name}-{round_number}.prof" if args.profile else None
        options = run.options
        if args.memory:
            options += ("--memory-report", str(Path(args.memory) / f"{name}-{round_number}.json"))
        async with bot_process(
            run.mode, f"{api_root}/bot", run.db, run.http, profile, *options
        ) as tail:
            first: list[float] = []
            first_took = 0.0
            if round_number == 0 and args.first_pass:  # every query once: nothing rendered yet
                first, _, first_took = await closed_loop(
                    client, users, texts, args.concurrency, None
                )
            for text in texts[-20:]:  # warm-up
                await ask(client, users[0], text)
            cpu_before = cpu_seconds()
            timings, sizes, took = await closed_loop(
                client, users, texts, args.concurrency, args.seconds
            )
            cpu_after = cpu_seconds()
            if rate is None:
                rate = float(max(1, round(len(timings) / took / 2)))
            offered, offered_sizes = await open_loop(client, users, texts, rate, args.seconds)
        rss = next((int(x.split("=")[1]) for x in tail if x.startswith("peak_rss_kib=")), 0)
        counts = {
            k: int(v) for k, _, v in (x.partition("=") for x in tail) if k.startswith("inline_")
        }
    sample = Sample(
        first=first,
        first_seconds=first_took,
        closed=timings,
        closed_seconds=took,
        offered=offered,
        sizes=sizes + offered_sizes,
        cpu={role: cpu_after[role] - cpu_before[role] for role in cpu_before},
        peak_rss_kib=rss,
        rendered=counts.get("inline_rendered", 0),
        reused=counts.get("inline_reused", 0),
    )
    return sample, rate


def e2e_texts(count: int) -> list[str]:
    """An even mix of the four kinds of query."""
    per_kind = [queries(kind, count // len(KINDS) + 1, seed=9) for kind in KINDS]
    return [batch[i] for i in range(count // len(KINDS) + 1) for batch in per_kind][:count]


async def end_to_end(data: Dataset, args: argparse.Namespace) -> dict[str, EndToEnd]:
    """newsbot (aiohttp layer) beside bare PTB bots (httpx layer) on the same emulator; the
    concurrent baseline first, as its throughput sets the offered rate (unless given)."""
    async with await open_sqlite(data.path) as db:  # no source may be fetched by the bot
        for source in await db.sources.list():
            await db.sources.set_paused(source.id, True)
    texts = e2e_texts(400)
    runs = [
        BotRun(BARE_CONCURRENT, "bare", None, "httpx"),
        BotRun(NEWSBOT, "news", data.path, "aiohttp"),
        BotRun(BARE_SEQUENTIAL, "bare", None, "httpx", ("--sequential",)),
    ]
    for mib in args.compare_cache:
        runs.append(
            BotRun(f"newsbot, cache {mib} MiB", "news", data.path, "aiohttp",
                   ("--sqlite-cache-mib", str(mib)))
        )  # fmt: skip
    if args.all_layers:
        runs += [BotRun("bare PTB, concurrent (aiohttp)", "bare", None, "aiohttp"),
                 BotRun("newsbot (httpx)", "news", data.path, "httpx")]  # fmt: skip
    rate: float | None = args.rate
    samples = {run.label: Sample() for run in runs}
    with tempfile.TemporaryDirectory() as workdir:
        async with emulator_process(Path(workdir), "--no-flood-limits") as api_root:
            # Round-robin: every bot sees the same machine, however the load from others moves.
            for round_number in range(args.rounds):
                for run in runs:
                    sample, rate = await measure_bot(
                        run, api_root, args, texts, rate, round_number
                    )
                    samples[run.label].add(sample)
    assert rate is not None
    return {label: sample.summary(rate) for label, sample in samples.items()}


def print_search(size: int, figures: dict[str, Latency]) -> None:
    """Print the search-only table for one size."""
    print(f"\nsearch only, {size:,} articles, {PAGE} a page:")
    for kind, latency in figures.items():
        print(f"  {kind:9} {latency}")
    worst = max(latency.p99 for latency in figures.values())
    print(f"  worst p99 {worst:.2f} ms (target <= 10 ms at 1M)")


def print_e2e(size: int, figures: dict[str, EndToEnd], args: argparse.Namespace) -> None:
    """Print the end-to-end table and the ratio."""
    rate = figures[BARE_CONCURRENT].offered_rate
    print(
        f"\nend to end, {size:,} articles, {args.rounds} rounds of each bot in turn: "
        f"{args.concurrency} users asking at once for {args.seconds:g} s, then {rate:g} "
        f"queries/s offered for {args.seconds:g} s:"
    )
    for label, row in figures.items():
        print(
            f"  {label:22} {row.answers_per_second:7.1f} answers/s   closed: {row.closed}\n"
            f"  {'':22} first pass (each query once, nothing rendered before): "
            f"{row.first_per_second:.1f} answers/s\n"
            f"  {'':22} offered {row.offered_rate:g}/s: {row.offered}   "
            f"unanswered {row.unanswered}, empty {row.empty}, "
            f"peak RSS {row.peak_rss_mib:.0f} MiB\n  {'':22} CPU per answer: "
            + ", ".join(
                f"{role} {ms:.2f} ms"
                for role, ms in row.cpu_ms_per_answer.items()
                if role not in ("bot loop", "bot threads")
            )
            + " (bot: event loop {:.2f} ms, other threads {:.2f} ms)".format(
                row.cpu_ms_per_answer.get("bot loop", 0.0),
                row.cpu_ms_per_answer.get("bot threads", 0.0),
            )
        )
        if row.rendered or row.reused:
            share = row.rendered / (row.rendered + row.reused)
            print(
                f"  {'':22} results rendered {row.rendered:,}, served already rendered "
                f"{row.reused:,} ({share:.0%} rendered, all passes)"
            )
    news = figures[NEWSBOT].answers_per_second
    for baseline, target in (
        (BARE_CONCURRENT, " (target >= 2.0x at 100k)"),
        (BARE_SEQUENTIAL, ""),
    ):
        bare = figures[baseline].answers_per_second
        print(f"  ratio newsbot / {baseline}: {news / bare:.2f}x{target}")


async def main_async(args: argparse.Namespace) -> None:
    """Run both parts for every size."""
    sizes = [int(s) for s in args.sizes.split(",")]
    print(load_line(), flush=True)
    for size in sizes:
        data = await at_current_schema(await dataset(Path(args.cache), size))
        print_search(size, await search_only(data.path, args.per_kind))
        if not args.search_only:
            print_e2e(size, await end_to_end(data, args), args)
        print(load_line(), flush=True)


def run(argv: list[str] | None = None) -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated")
    parser.add_argument("--per-kind", type=int, default=300, help="queries per kind, search only")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0, help="of each phase, each round")
    parser.add_argument("--rounds", type=int, default=3, help="round-robin rounds of the bots")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="offered queries per second (default: half the concurrent baseline's answers/s)",
    )
    parser.add_argument("--search-only", action="store_true")
    parser.add_argument(
        "--no-first-pass",
        dest="first_pass",
        action="store_false",
        help="skip asking every query once before the first round (a bot's warm state)",
    )
    parser.add_argument(
        "--compare-cache",
        type=lambda text: [int(mib) for mib in text.split(",")],
        default=[],
        help="also run newsbot with these SQLITE_CACHE_MIB (comma-separated)",
    )
    parser.add_argument("--all-layers", action="store_true", help="also swap the HTTP layers")
    parser.add_argument("--cache", default=str(CACHE))
    parser.add_argument("--profile", help="a folder for each bot process's cProfile stats")
    parser.add_argument(
        "--memory", help="a folder for each bot process's memory by kind at its RSS peak"
    )
    parser.add_argument("--tiny", action="store_true", help="2,000 articles, 1 s; for CI")
    args = parser.parse_args(argv)
    if args.tiny:
        args.sizes, args.per_kind, args.seconds, args.rate = "2000", 20, 1.0, 20.0
        args.rounds = 1
        args.concurrency = 4
    asyncio.run(main_async(args))


if __name__ == "__main__":
    run()
