"""Publishing benchmark: a burst of posts to many channels on the emulator, flood limits on.

    python -m bench.publish                  # 600 articles, each to 3 of 30 channels
    python -m bench.publish --tiny           # a few seconds, for CI
    python -m bench.publish --time-scale 0.05 --fanout 30
    python -m bench.publish --no-hog         # only the run without the CPU hog
    python -m bench.publish --album-every 0  # text posts only (no albums in the mix)
    python -m bench.publish --full-text 0    # no full-text routes (default: every 2nd channel)

The emulator runs in its own process (`newsbot emulator`) with Telegram's flood limits
time-scaled (every window multiplied by --time-scale); the publisher's pacing is scaled the
same. Prints the achieved rate against the most Telegram's limits allow (the makespan of an
ideal sender that never waits longer than the limits demand: target >= 0.95), the number of
429 answers (target 0), and posts lost (must be 0) or repeated. Every `--album-every`-th
article (default 4th) has `--album-photos` images (default 4) and goes out as an album on
the photo-style channels (a media group counted as its photos, then its follow-up with the
buttons); the emulator fetches the photos as Telegram fetches photo URLs (they are served
by `bench.serve_feeds` in its own process). Every `--full-text`-th channel's route (default
2nd) publishes full text: its posts link a Telegraph page made on the emulated Telegraph
(one page per article, shared by its channels), and every such post must carry its link
(the caption of an album's first photo). It runs twice in one go: as the machine is,
then with a busy-looping process beside it (a CPU hog: the "busy machine" case), and prints
the machine's load with each.
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

from bench.ingest import serve as serve_folder
from bench.machine import cpu_hog, load_line
from bench.processes import emulator_process
from bot.delivery.fulltext import FullTextPages
from bot.delivery.publisher import Publisher, PublisherConfig
from bot.transport.http import AiohttpRequest
from bot.transport.pacing import Pacer, PacingLimits
from bot.transport.telegraph import HttpTelegraph
from emulator import DEFAULT_TOKEN, EmulatorClient, FloodLimits
from news.dedupe import content_hash
from news.entities import ChannelStyle, OutboxState, RouteOptions
from news.models import ArticleDraft
from storage import Database, open_database
from tests.support.images import png_bytes

SAVE_DATA = re.compile(r"s1:(\d+)")
PHOTO_OF = re.compile(r"/img-(\d+)-\d+\.png$")
PUBLISHED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Workload:
    """How many articles go to how many channels, and how fast time runs."""

    articles: int
    channels: int
    fanout: int
    time_scale: float
    album_every: int = 0
    """Every this-many-th article (numbers 0, n, 2n...) is an album; 0: none."""
    album_photos: int = 4
    full_text_every: int = 2
    """Every n-th channel's route (numbers 0, n, 2n...) publishes full-text pages; 0: none."""

    def full_text(self, channel: int) -> bool:
        """Tell whether channel number `channel`'s route publishes full-text pages."""
        return self.full_text_every > 0 and channel % self.full_text_every == 0

    @property
    def full_text_posts(self) -> int:
        """Return the posts (an album counted once) that must link their article's page."""
        return sum(self.full_text(c) for a in range(self.articles) for c in self.channels_of(a))

    @property
    def posts(self) -> int:
        """Return the number of posts to send."""
        return self.articles * self.fanout

    def is_album(self, article: int) -> bool:
        """Tell whether article number `article` has several images (an album post)."""
        return self.album_every > 0 and article % self.album_every == 0

    @property
    def albums(self) -> int:
        """Return the number of album posts (each counted once per channel)."""
        return sum(self.is_album(a) for a in range(self.articles)) * self.fanout

    @property
    def messages(self) -> int:
        """Return the messages Telegram counts: a post, or an album's photos and follow-up."""
        return self.posts + self.albums * self.album_photos

    def sends_of(self, article: int) -> list[int]:
        """Return the requests one post of an article makes, as messages each counts: an
        album (its photos at once) then its follow-up, or one message."""
        return [self.album_photos, 1] if self.is_album(article) else [1]

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
    queues: dict[int, deque[int]] = {}
    for article in range(workload.articles):
        for channel in workload.channels_of(article):
            queues.setdefault(channel, deque()).extend(workload.sends_of(article))
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
            queue = queues[channel]
            if (
                queue
                and len(overall) + queue[0] <= overall_capacity
                and len(window) + queue[0] <= channel_capacity
            ):
                weight = queue.popleft()
                overall.extend([now] * weight)
                window.extend([now] * weight)
                last = now
                progressed = True
        if progressed:
            continue  # another round at the same moment
        frees = [
            overall[len(overall) + q[0] - overall_capacity - 1] + overall_span
            for q in queues.values()
            if q and len(overall) + q[0] > overall_capacity
        ]
        frees += [
            w[len(w) + queues[c][0] - channel_capacity - 1] + channel_span
            for c, w in windows.items()
            if queues[c] and len(w) + queues[c][0] > channel_capacity
        ]
        now = max(now, min(frees)) if frees else now
    return last / 1e6


def draft(number: int, images: list[str] | None = None) -> ArticleDraft:
    """A distinct article of our own (with `images`: an album's)."""
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
        image_urls=list(images or []),
    )


def album_images(workload: Workload, article: int, images_url: str) -> list[str]:
    """Return the image URLs of article number `article` (none unless it is an album)."""
    if not workload.is_album(article):
        return []
    return [f"{images_url}/img-{article}-{k}.png" for k in range(workload.album_photos)]


async def prepare(
    db: Database, client: EmulatorClient, workload: Workload, images_url: str
) -> list[int]:
    """Create the channels (photo style) and queue every article for its channels; return
    the chat ids."""
    chats = [(await client.create_channel(f"Bench {n}")).id for n in range(workload.channels)]
    channel_ids = [(await db.channels.add(chat, style=ChannelStyle.PHOTO)).id for chat in chats]
    source = await db.sources.add("https://bench.example/feed.xml")
    drafts = [draft(n, album_images(workload, n, images_url)) for n in range(workload.articles)]
    result = await db.articles.upsert_many(source.id, drafts, fetched_at=PUBLISHED)
    for number, channel_id in enumerate(channel_ids):
        route = await db.channels.route(source.id, channel_id)
        if workload.full_text(number):
            await db.channels.set_route_options(route.id, RouteOptions(full_text=True))
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
) -> tuple[Counter[tuple[int, int]], Counter[tuple[int, int]], set[tuple[int, str, int]]]:
    """Count the bot's posts (with their buttons: text posts and albums' follow-ups) and its
    albums per (chat, article number of the photos); and return the posts that link a
    Telegraph page (a text post by article id, an album by its photos' article number)."""
    posts: Counter[tuple[int, int]] = Counter()
    albums: dict[tuple[int, str], int] = {}
    linked: set[tuple[int, str, int]] = set()
    for chat in chats:
        for message in await client.messages(chat, from_bot=True):
            entities = [*message.entities, *message.caption_entities]
            page = any("/telegraph/page/" in e.get("url", "") for e in entities)
            for data in message.callback_data:
                match = SAVE_DATA.fullmatch(data)
                if match:
                    posts[(chat, int(match.group(1)))] += 1
                    if page:
                        linked.add((chat, "post", int(match.group(1))))
            photo = PHOTO_OF.search(message.photo_url or "")
            if message.media_group_id is not None and photo is not None:
                albums.setdefault((chat, message.media_group_id), int(photo.group(1)))
                if page:
                    linked.add((chat, "album", int(photo.group(1))))
    counted = Counter((chat, article) for (chat, _), article in albums.items())
    return posts, counted, linked


def write_images(folder: Path, workload: Workload) -> None:
    """Write the albums' photos (a small PNG each) for `bench.serve_feeds` to serve."""
    folder.mkdir()
    body = png_bytes(64, 48)
    for article in range(workload.articles):
        for url in album_images(workload, article, ""):
            (folder / url.removeprefix("/")).write_bytes(body)


async def run(workload: Workload) -> dict[str, float]:
    """Run the benchmark once and return its figures."""
    limits = PacingLimits(time_scale=workload.time_scale)
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-publish-") as tmp:
        workdir = Path(tmp)
        write_images(workdir / "images", workload)
        async with (
            serve_folder(workdir / "images") as images_url,
            emulator_process(workdir) as base_url,
            EmulatorClient(base_url) as client,
        ):
            await client.set_flood_limits(FloodLimits(time_scale=workload.time_scale))
            async with await open_database(workdir / "bench.sqlite3") as db:
                chats = await prepare(db, client, workload, images_url)
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
            posts, albums, linked = await count_posts(client, chats)
    expected = workload.posts
    return {
        "posts": expected,
        "messages": workload.messages,
        "seconds": seconds,
        "ideal_seconds": ideal,
        "rate": expected / seconds,
        "ideal_rate": expected / ideal if ideal else float("inf"),
        "message_rate": workload.messages / seconds,
        "ratio": ideal / seconds if seconds else 0.0,
        "too_many_requests": stats.too_many_requests,
        "failed": counts[OutboxState.FAILED],
        "lost": expected - len(posts) + workload.albums - len(albums),
        "repeated": sum(posts.values()) - len(posts) + sum(albums.values()) - len(albums),
        "albums": len(albums),
        "publisher_cpu_seconds": cpu,
        "pages": sum(page_states.values()),
        "full_text_posts": workload.full_text_posts,
        "linked": len(linked),
        "unlinked": workload.full_text_posts - len(linked),
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
    print(
        f"messages: {figures['messages']:.0f} ({figures['albums']:.0f} albums of "
        f"{workload.album_photos} photos), {figures['message_rate']:.1f} messages/s"
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
        "--album-every", type=int, default=4, help="every N-th article is an album (0: none)"
    )
    parser.add_argument("--album-photos", type=int, default=4, help="photos of an album, 2-10")
    parser.add_argument(
        "--full-text",
        type=int,
        default=2,
        metavar="N",
        help="every N-th channel's route publishes Telegraph pages (0: none; default 2)",
    )
    args = parser.parse_args()
    if not 2 <= args.album_photos <= 10:
        parser.error("--album-photos must be between 2 and 10")
    albums = {
        "album_every": args.album_every,
        "album_photos": args.album_photos,
        "full_text_every": args.full_text,
    }
    if args.tiny:
        workload = Workload(60, 3, 2, 0.02, **albums)
    else:
        if not 1 <= args.fanout <= args.channels:
            parser.error("--fanout must be between 1 and --channels")
        workload = Workload(args.articles, args.channels, args.fanout, args.time_scale, **albums)
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    scale = workload.time_scale
    print(
        f"workload: {workload.articles} articles x {workload.fanout} channels each, "
        f"{workload.channels} channels = {workload.posts} posts ({workload.albums} albums, "
        f"{workload.messages} messages); flood windows x{scale:g} "
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
