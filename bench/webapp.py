"""Mini App benchmark: first load in headless Chromium, API latency, bytes transferred.

    python -m bench.webapp                       # 100k articles (generated once, cached)
    python -m bench.webapp --articles 1000000    # as large as you have time to generate
    python -m bench.webapp --tiny                # a few seconds, for CI

On a copy of a synthetic database of N articles (bench/inline_data.py), one user holds
1,000 bookmarks. The Mini App's server (bot/app/webapp) and the emulator (serving the
stand-in telegram-web-app.js and the signed launch data) run in this process.

1. API: `GET api/bookmarks` pages through the 1,000 bookmarks (20 a page, every offset),
   each request signed and checked as in production: p50/p99 over many requests, and
   the same for a narrowed list (a word searched within the bookmarks).
2. First load: headless Chromium (the system's, /usr/bin/chromium) opens the app as the
   user, from navigation start to the list painted (`performance.mark("list-painted")`
   after the first page is in the DOM), cold (fresh profile) and then repeated.
3. Transfer: bytes the first, cold load transferred (navigation and every resource, API
   calls included; Resource Timing `transferSize`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

from bench.inline import Latency, percentile
from bench.inline_data import dataset
from bot.app.webapp import WebAppServer
from bot.context import BotData
from bot.ops.settings import Settings
from emulator import running_emulator
from emulator.server import RunningEmulator
from storage import open_database

CACHE = Path(__file__).with_name(".cache")
USER_ID = 4242
WORDS = ("ceasefire", "sanctions", "election", "budget", "summit")


async def prepare(source: Path, folder: Path, bookmarks: int) -> Path:
    """Copy the data set and give one user `bookmarks` bookmarks spread over it."""
    path = folder / "webapp.sqlite3"
    await asyncio.to_thread(shutil.copyfile, source, path)
    db = await open_database(path)
    try:
        await db.users.upsert(USER_ID, username=None, first_name="Bench", language_code="en")
        total = await db.articles.count()
        step = max(1, total // bookmarks)
        start = datetime(2024, 1, 1, tzinfo=UTC)
        async with db.transaction():
            for n in range(bookmarks):
                await db.bookmarks.add(USER_ID, 1 + n * step, now=start + timedelta(minutes=n))
    finally:
        await db.close()
    return path


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def measure_api(base: str, init_data: str, pages: int, rounds: int) -> dict[str, Latency]:
    """Time list pages and narrowed lists over HTTP, as the page asks for them.

    A first round is not timed: a running bot's database is in the page cache (the copy
    just made is not), as in `bench.inline`'s warm-up pass.
    """
    headers = {"Authorization": "tma " + init_data}
    figures: dict[str, list[float]] = {"list page": [], "search in bookmarks": []}
    async with aiohttp.ClientSession(headers=headers) as http:
        for round_number in range(rounds + 1):
            for page in range(pages):
                for name, query in (
                    ("list page", {"offset": str(page * 20)}),
                    ("search in bookmarks", {"q": WORDS[page % len(WORDS)]}),
                ):
                    started = time.perf_counter()
                    async with http.get(f"{base}api/bookmarks", params=query) as response:
                        await response.read()
                        assert response.status == 200, response.status
                    if round_number > 0:
                        figures[name].append(time.perf_counter() - started)
    return {name: Latency.of(values) for name, values in figures.items()}


async def measure_browser(
    emulator: RunningEmulator, url: str, loads: int, profile: Path
) -> tuple[list[float], int]:
    """Open the app `loads` times; return ms to the list painted, and the cold load's bytes."""
    from tests.support.browser import chromium  # the test suite's Chromium driver

    painted: list[float] = []
    transferred = 0
    async with chromium(profile) as browser:
        for n in range(loads):
            launch = await emulator.client.open_web_app(USER_ID, url=url)
            await browser.get("about:blank")  # a new launch is a new page, not a new fragment
            await browser.get(launch.url)
            await browser.until(
                lambda d: d.execute_script("return document.body.dataset.painted === '1'"),
                "the list painted",
            )
            mark = await browser.script(
                "return performance.getEntriesByName('list-painted')[0].startTime"
            )
            painted.append(float(mark))
            if n == 0:
                transferred = int(
                    await browser.script(
                        "const nav = performance.getEntriesByType('navigation')[0];"
                        "return performance.getEntriesByType('resource')"
                        ".reduce((sum, r) => sum + r.transferSize, nav.transferSize);"
                    )
                )
    return painted, transferred


async def main_async(args: argparse.Namespace) -> None:
    """Run every measurement and print the figures."""
    data = await dataset(Path(args.cache), args.articles)
    with tempfile.TemporaryDirectory() as folder:
        path = await prepare(data.path, Path(folder), args.bookmarks)
        db = await open_database(path)
        try:
            async with running_emulator() as emulator:
                port = free_port()
                url = f"http://127.0.0.1:{port}/app/"
                settings = Settings(
                    _env_file=None,  # type: ignore[call-arg]
                    webapp_url=url,
                    webapp_port=port,
                    webapp_script_url=f"{emulator.base_url}/js/telegram-web-app.js",
                    webapp_requests_per_minute=100_000,
                )
                bot_data = BotData()
                bot_data.attach(settings=settings, db=db)
                server = WebAppServer(bot_data, bot_token=emulator.token)
                await server.start()
                try:
                    # The reader is the user holding the bookmarks (a fixed id).
                    emulator.emulator.world.users[USER_ID] = _user(USER_ID)
                    init = (await emulator.client.open_web_app(USER_ID, url=url)).init_data
                    pages = min(50, args.bookmarks // 20)
                    api = await measure_api(url, init, pages, args.rounds)
                    painted, transferred = await measure_browser(
                        emulator, url, args.loads, Path(folder) / "profile"
                    )
                finally:
                    await server.stop()
        finally:
            await db.close()
    print(f"Mini App on {data.articles:,} articles, {args.bookmarks:,} bookmarks of one user")
    for name, latency in api.items():
        print(f"  API {name:<20} {latency}   ({latency.count} requests)")
    ordered = sorted(painted)
    print(
        f"  first load to list painted: cold {painted[0]:.0f} ms, "
        f"median {statistics.median(painted):.0f} ms, max {ordered[-1]:.0f} ms "
        f"({len(painted)} loads; p99 {percentile(ordered, 99):.0f} ms)"
    )
    print(f"  transferred on the cold load: {transferred / 1024:.1f} KB")
    print(json.dumps({"api": {k: v.p99 for k, v in api.items()}, "painted_ms": painted}))


def _user(user_id: int):  # type: ignore[no-untyped-def]
    """An emulator user with a fixed id (the one holding the bookmarks)."""
    from emulator.state import User

    return User(user_id, "Bench", language_code="en")


def run(argv: list[str] | None = None) -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--bookmarks", type=int, default=1_000)
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--cache", default=str(CACHE))
    parser.add_argument("--tiny", action="store_true", help="2,000 articles, 200 bookmarks")
    args = parser.parse_args(argv)
    if args.tiny:
        args.articles, args.bookmarks, args.loads, args.rounds = 2_000, 200, 2, 2
    asyncio.run(main_async(args))


if __name__ == "__main__":
    run()
