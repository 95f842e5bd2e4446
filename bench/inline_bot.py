"""The bot side of bench/inline.py, run in its own process: newsbot, or a bare PTB bot.

    python -m bench.inline_bot news --api URL --db PATH [--http aiohttp|httpx]
    python -m bench.inline_bot bare --api URL [--http httpx|aiohttp] [--sequential]

`news` is the real application (`build_application`) on a benchmark database; `bare` is
the smallest PTB bot that answers every inline query with the same 50 static results,
handling updates concurrently (`concurrent_updates(True)`: up to 256 at once, as newsbot
does) unless `--sequential` asks for PTB's default of one update at a time.
Prints `ready` once polling, and on SIGTERM stops and prints `peak_rss_kib=N`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import resource
import signal
import threading
import time
import tracemalloc
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.ext import Application, ApplicationBuilder, ContextTypes, InlineQueryHandler

from bench.memory import in_process, resident, rss_kib
from bot.app.application import build_application
from bot.app.lifecycle import run_polling_until_stopped
from bot.context import NewsApplication
from bot.ops.settings import Settings
from bot.transport.http import with_aiohttp
from emulator import DEFAULT_TOKEN

STATIC_RESULTS = 50


def static_results() -> list[InlineQueryResultArticle]:
    """50 results shaped like newsbot's: title, description, HTML message, Save button."""
    body = "The harbour board met on Tuesday to hear the ferry operators' requests. " * 6
    return [
        InlineQueryResultArticle(
            id=f"a{n}",
            title=f"Harbour board meets about berth {n}",
            description=f"Port Gazette · 30 Nov · {body[:80]}",
            input_message_content=InputTextMessageContent(
                f"<b>Harbour board meets about berth {n}</b>\n\n{body}", parse_mode="HTML"
            ),
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("🔖 Save", callback_data=f"s1:{n}")]]
            ),
        )
        for n in range(STATIC_RESULTS)
    ]


def bare_application(
    api: str, http: str, *, concurrent: bool = True
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bare PTB bot: one InlineQueryHandler answering static results."""
    results = static_results()

    async def answer(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer with the static results."""
        if update.inline_query is not None:
            await update.inline_query.answer(results, cache_time=0)

    builder = ApplicationBuilder().token(DEFAULT_TOKEN).base_url(api)
    builder = builder.concurrent_updates(concurrent)
    if http == "aiohttp":
        builder = with_aiohttp(builder)
    application = builder.build()
    application.add_handler(InlineQueryHandler(answer))
    return application


def news_application(
    api: str, http: str, db: Path | None, url: str | None, cache_mib: int | None = None
) -> NewsApplication:
    """The real newsbot application on the benchmark database (a file, or a URL)."""
    settings = Settings.model_validate(
        {
            "telegram_bot_token": DEFAULT_TOKEN,
            "telegram_api_base_url": api,
            **({"database_url": url} if url else {"database_path": db}),
            "ingest_workers": 0,
            "telegram_http_client": http,
            "log_level": "WARNING",
            "sqlite_cache_mib": cache_mib,
        }
    )
    return build_application(settings)


async def serve(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Poll until SIGTERM, then stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=10)
        print("ready", flush=True)
        await stop.wait()
        await application.updater.stop()
        await application.stop()


async def serve_news(application: NewsApplication) -> None:
    """Run the real lifecycle (post_init opens the database) until SIGTERM."""
    running = asyncio.create_task(run_polling_until_stopped(application))
    while application.updater is None or not application.updater.running:
        if running.done():
            await running  # it failed to start: raise why
            return
        await asyncio.sleep(0.05)
    print("ready", flush=True)
    await running
    renders = application.bot_data.inline_renders
    print(f"inline_rendered={renders.rendered} inline_reused={renders.reused}", flush=True)


async def sample_memory(peak: dict[str, Any], every: float = 0.5) -> None:
    """Until cancelled, keep in `peak` where the memory was when the process's RSS was
    highest (`bench.memory`; with PYTHONTRACEMALLOC set, the largest Python allocations),
    and the CPU each thread used (last seen: a thread's figure stays when it ends)."""
    cpu: dict[str, float] = peak.setdefault("thread cpu s", {})
    while True:
        cpu.update(thread_cpu_seconds())
        if rss_kib() > peak.get("total", 0) + 1024:  # a new peak: where is it? (costlier)
            mappings = resident()
            peak.update(total=mappings.get("total", 0), mappings=mappings)
            peak["allocators"] = in_process()
            if tracemalloc.is_tracing():
                peak["python traced"] = tracemalloc.get_traced_memory()[0] // 1024
                top = tracemalloc.take_snapshot().statistics("lineno")[:25]
                peak["python top"] = [str(stat) for stat in top]
        await asyncio.sleep(every)


def thread_cpu_seconds() -> dict[str, float]:
    """CPU seconds each live thread of this process used (`/proc/self/task/*/stat`)."""
    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for task in Path("/proc/self/task").glob("*"):
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = names.get(int(task.name), f"native {task.name}")
        used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return used


async def with_memory_report(running: Awaitable[None], report: Path | None) -> None:
    """Await `running`, writing where the memory was at its peak to `report` (if given)."""
    if report is None:
        await running
        return
    peak: dict[str, Any] = {}
    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started = [0.0]

    def timed(phase: str, info: dict[str, int]) -> None:
        """Time each garbage collection, by generation."""
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses[info["generation"]].append(1000 * (time.perf_counter() - started[0]))

    gc.callbacks.append(timed)
    sampler = asyncio.create_task(sample_memory(peak))
    try:
        await running
    finally:
        gc.callbacks.remove(timed)
        sampler.cancel()
        await asyncio.gather(sampler, return_exceptions=True)
        peak["gc pauses ms"] = {
            f"generation {gen}": f"{len(ms)} x, max {max(ms, default=0):.1f}, {sum(ms):.0f} in all"
            for gen, ms in pauses.items()
        }
        await asyncio.to_thread(report.write_text, json.dumps(peak, indent=1))


def main() -> None:
    """Parse the arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("news", "bare"))
    parser.add_argument("--api", required=True, help="the emulator's Bot API base URL")
    parser.add_argument("--http", choices=("aiohttp", "httpx"), default=None)
    parser.add_argument("--db", type=Path, help="benchmark database (news mode)")
    parser.add_argument("--database-url", help="a PostgreSQL benchmark database (news mode)")
    parser.add_argument("--profile", type=Path, help="write cProfile stats here at the end")
    parser.add_argument("--sqlite-cache-mib", type=int, help="news: SQLITE_CACHE_MIB")
    parser.add_argument("--memory-report", type=Path, help="write memory at the RSS peak here")
    parser.add_argument(
        "--sequential", action="store_true", help="bare: one update at a time (PTB's default)"
    )
    args = parser.parse_args()
    if args.mode == "news":
        running = serve_news(
            news_application(
                args.api, args.http or "aiohttp", args.db, args.database_url, args.sqlite_cache_mib
            )
        )
    else:
        running = serve(
            bare_application(args.api, args.http or "httpx", concurrent=not args.sequential)
        )
    running = with_memory_report(running, args.memory_report)
    if args.profile is None:
        asyncio.run(running)
    else:
        with cProfile.Profile() as profile:
            asyncio.run(running)
        profile.dump_stats(args.profile)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak_rss_kib={peak_kib}", flush=True)


if __name__ == "__main__":
    main()
