"""Publishing benchmark: a burst of posts to many channels on the emulator, flood limits on.

    python -m bench.publish                  # 600 articles, each to 3 of 30 channels
    python -m bench.publish --tiny           # a few seconds, for CI
    python -m bench.publish --time-scale 0.05 --fanout 30
    python -m bench.publish --no-hog         # only the run without the CPU hog
    python -m bench.publish --full-text 0    # no full-text routes (default: every 2nd channel)

The emulator runs in its own process (`newsbot emulator`) with Telegram's flood limits
time-scaled (every window multiplied by --time-scale); the publisher's pacing is scaled the
same. Prints the achieved rate against the most Telegram's limits allow (the makespan of an
ideal sender that never waits longer than the limits demand: target >= 0.95), the number of
429 answers (target 0), and posts lost (must be 0) or repeated. Every `--full-text`-th
channel's route publishes full text: its posts link a Telegraph page made on the emulated
Telegraph (one page per article, shared by its channels), and every such post must carry
its link. It runs twice in one go:
as the machine is, then with a busy-looping process beside it (a CPU hog: the "busy machine"
case), and prints the machine's load with each.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from telegram import Bot

from bench.machine import cpu_hog, load_line
from bench.processes import emulator_process
from bot.delivery.fulltext import FullTextPages
from bot.delivery.publisher import Publisher, PublisherConfig
from bot.transport.http import AiohttpRequest
from bot.transport.pacing import Pacer, PacingLimits
from bot.transport.telegraph import HttpTelegraph
from emulator import DEFAULT_TOKEN, EmulatorClient, FloodLimits
from news.dedupe import content_hash
from news.entities import OutboxState
from news.models import ArticleDraft
from storage import Database, open_database

SAVE_DATA = re.compile(r"s1:(\d+)")
PUBLISHED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Workload:
    """How many articles go to how many channels, and how fast time runs."""

    articles: int
    channels: int
    fanout: int
    time_scale: float
    full_text_every: int = 2
    """Every n-th channel's route publishes full-text pages (0: none)."""

    def full_text(self, channel: int) -> bool:
        """Tell whether the channel's route publishes full-text pages."""
        return self.full_text_every > 0 and channel % self.full_text_every == 0

    @property
    def posts(self) -> int:
        """Return the number of posts to send."""
        return self.articles * self.fanout

    def channels_of(self, article: int) -> list[int]:
        """Return the channel indexes article number `article` goes to (spread evenly)."""
        return [(article * self.fanout + k) % self.channels for k in range(self.fanout)]


def ideal_makespan(workload: Workload, limits: PacingLimits) -> float:
    """Return when the last post could go out at best: every post sent the moment both the
    overall window and its channel's window allow it, channels served round robin (times
    in integer microseconds, so that a window frees exactly when it should)."""
    overall_capacity, overall_window = limits.overall_window
    channel_capacity, channel_window = limits.channel_window
    overall_span, channel_span = round(overall_window * 1e6), round(channel_window * 1e6)
    queues = Counter(c for a in range(workload.articles) for c in workload.channels_of(a))
    overall: deque[int] = deque()
    windows: dict[int, deque[int]] = {c: deque() for c in queues}
    now = last = 0
    while any(queues.values()):
        while overall and overall[0] <= now - overall_span:
            overall.popleft()
        progressed = False
        for channel in sorted(queues):
            window = windows[channel]
            while window and window[0] <= now - channel_span:
                window.popleft()
            if (
                queues[channel]
                and len(overall) < overall_capacity
                and len(window) < channel_capacity
            ):
                overall.append(now)
                window.append(now)
                queues[channel] -= 1
                last = now
                progressed = True
        if progressed:
            continue  # another round at the same moment
        frees = [overall[0] + overall_span] if len(overall) >= overall_capacity else []
        frees += [
            w[0] + channel_span
            for c, w in windows.items()
            if queues[c] and len(w) >= channel_capacity
        ]
        now = min(frees) if frees else now
    return last / 1e6


def draft(number: int) -> ArticleDraft:
    """A distinct article of our own."""
    title = f"Bulletin {number}: the harbour board meets about berth {number % 97}"
    summary = f"Item {number} of the benchmark: the board heard {number % 13} requests."
    return ArticleDraft(
        guid=f"bench-{number}",
        url=f"https://bench.example/{number}",
        title=title,
        summary=summary,
        body=summary,
        image_url=None,
        author=None,
        published_at=PUBLISHED,
        language="en",
        tags=["Harbour"],
        related=[],
        content_hash=content_hash(title, summary, summary),
        simhash=(number * 0x9E3779B97F4A7C15) % 2**64,
    )


async def prepare(db: Database, client: EmulatorClient, workload: Workload) -> list[int]:
    """Create the channels and queue every article for its channels; return the chat ids."""
    chats = [(await client.create_channel(f"Bench {n}")).id for n in range(workload.channels)]
    channel_ids = [(await db.channels.add(chat)).id for chat in chats]
    source = await db.sources.add("https://bench.example/feed.xml")
    result = await db.articles.upsert_many(
        source.id, [draft(n) for n in range(workload.articles)], fetched_at=PUBLISHED
    )
    for c, channel_id in enumerate(channel_ids):
        await db.channels.route(source.id, channel_id)
        if workload.full_text(c):
            await db.telegraph.set_full_text(source.id, channel_id, True)
    pairs = [
        (article_id, channel_ids[c])
        for number, article_id in enumerate(result.inserted)
        for c in workload.channels_of(number)
    ]
    await db.outbox.add_many(pairs)
    return chats


async def wait_until_done(db: Database, started: float, limit: float) -> float:
    """Wait until no row is pending or sending; return the seconds since `started`."""
    while True:
        counts = await db.outbox.state_counts()
        if counts[OutboxState.PENDING] == counts[OutboxState.SENDING] == 0:
            return time.perf_counter() - started
        if time.perf_counter() - started > limit:
            raise TimeoutError(f"the outbox did not drain in {limit:.0f}s: {counts}")
        await asyncio.sleep(0.01)


async def count_posts(
    client: EmulatorClient, chats: list[int]
) -> tuple[Counter[tuple[int, int]], set[tuple[int, int]]]:
    """Count the bot's posts per (chat, article); return them and the posts that link a
    Telegraph page."""
    posts: Counter[tuple[int, int]] = Counter()
    linked: set[tuple[int, int]] = set()
    for chat in chats:
        for message in await client.messages(chat, from_bot=True):
            page = any("/telegraph/page/" in e.get("url", "") for e in message.entities)
            for data in message.callback_data:
                match = SAVE_DATA.fullmatch(data)
                if match:
                    posts[(chat, int(match.group(1)))] += 1
                    if page:
                        linked.add((chat, int(match.group(1))))
    return posts, linked


async def run(workload: Workload) -> dict[str, float]:
    """Run the benchmark once and return its figures."""
    limits = PacingLimits(time_scale=workload.time_scale)
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-publish-") as tmp:
        workdir = Path(tmp)
        async with emulator_process(workdir) as base_url, EmulatorClient(base_url) as client:
            await client.set_flood_limits(FloodLimits(time_scale=workload.time_scale))
            async with await open_database(workdir / "bench.sqlite3") as db:
                chats = await prepare(db, client, workload)
                await client.reset_stats()
                bot = Bot(  # the HTTP layer the application uses (TELEGRAM_HTTP_CLIENT)
                    DEFAULT_TOKEN, base_url=f"{base_url}/bot", request=AiohttpRequest()
                )
                config = PublisherConfig(poll_seconds=0.05, send_timeout_seconds=30)
                telegraph = HttpTelegraph(f"{base_url}/telegraph")
                async with bot:
                    pages = FullTextPages(telegraph, db)
                    publisher = Publisher(bot, db, Pacer(limits), config, pages=pages)
                    pages.on_link_ready = publisher.wake
                    started = time.perf_counter()
                    cpu_started = time.process_time()
                    async with publisher:
                        pages.start()
                        publisher.wake()
                        ideal = ideal_makespan(workload, limits)
                        seconds = await wait_until_done(db, started, limit=10 * ideal + 60)
                        await pages.stop()
                    cpu = time.process_time() - cpu_started
                await telegraph.close()
                counts = await db.outbox.state_counts()
                page_states = await db.telegraph.state_counts()
            stats = await client.stats()
            posts, linked = await count_posts(client, chats)
    expected = workload.posts
    full_text_posts = sum(
        1
        for number in range(workload.articles)
        for c in workload.channels_of(number)
        if workload.full_text(c)
    )
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
        "publisher_cpu_seconds": cpu,
        "pages": sum(page_states.values()),
        "full_text_posts": full_text_posts,
        "linked": len(linked),
        "unlinked": full_text_posts - len(linked),
    }


def report(workload: Workload, figures: dict[str, float], case: str) -> None:
    """Print the figures of one run."""
    scale = workload.time_scale
    print(f"\n{case} ({load_line()}):")
    print(
        f"time: {figures['seconds']:.2f}s, ideal {figures['ideal_seconds']:.2f}s; "
        f"rate {figures['rate']:.1f} posts/s vs at most {figures['ideal_rate']:.1f} "
        f"(= {figures['rate'] * scale:.2f} vs {figures['ideal_rate'] * scale:.2f} at "
        f"Telegram's real limits)"
    )
    print(f"achieved / allowed, {case}: {figures['ratio']:.3f} (target >= 0.95)")
    print(
        f"429 answers: {figures['too_many_requests']:.0f} (target 0); "
        f"lost: {figures['lost']:.0f} (must be 0); repeated: {figures['repeated']:.0f}; "
        f"failed rows: {figures['failed']:.0f}; "
        f"publisher CPU {figures['publisher_cpu_seconds']:.1f}s"
    )
    print(
        f"full text: {figures['pages']:.0f} Telegraph pages; "
        f"{figures['linked']:.0f} of {figures['full_text_posts']:.0f} full-text posts link "
        f"their page (unlinked: {figures['unlinked']:.0f}, must be 0)"
    )


def main() -> None:
    """Parse arguments, run, print; exit 1 when a post was lost or a 429 was answered."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--channels", type=int, default=30)
    parser.add_argument("--fanout", type=int, default=3, help="channels per article")
    parser.add_argument("--time-scale", type=float, default=0.1)
    parser.add_argument("--tiny", action="store_true", help="60 articles to 3 channels, fast")
    parser.add_argument("--no-hog", action="store_true", help="skip the run beside a CPU hog")
    parser.add_argument(
        "--full-text",
        type=int,
        default=2,
        metavar="N",
        help="every N-th channel's route publishes Telegraph pages (0: none; default 2)",
    )
    args = parser.parse_args()
    if args.tiny:
        workload = Workload(60, 3, 2, 0.02, args.full_text)
    else:
        if not 1 <= args.fanout <= args.channels:
            parser.error("--fanout must be between 1 and --channels")
        workload = Workload(
            args.articles, args.channels, args.fanout, args.time_scale, args.full_text
        )
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    scale = workload.time_scale
    print(
        f"workload: {workload.articles} articles x {workload.fanout} channels each, "
        f"{workload.channels} channels = {workload.posts} posts; flood windows x{scale:g} "
        f"(30/{scale:g}s overall, 20/{60 * scale:g}s per channel)"
    )
    runs = [asyncio.run(run(workload))]
    report(workload, runs[0], "as the machine is")
    if not args.no_hog:
        with cpu_hog():
            runs.append(asyncio.run(run(workload)))
        report(workload, runs[1], "beside a CPU hog")
    if any(
        figures["lost"] or figures["too_many_requests"] or figures["unlinked"] for figures in runs
    ):
        sys.exit(1)


if __name__ == "__main__":
    main()
