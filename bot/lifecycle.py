"""Run the application on the current event loop until SIGINT/SIGTERM, then stop cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.context import NewsApplication

log = logging.getLogger(__name__)
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def run_polling_until_stopped(
    application: NewsApplication, stop: asyncio.Event | None = None
) -> None:
    """Poll for updates until `stop` is set or a termination signal arrives.

    Mirrors what PTB's `run_polling` does, on the caller's loop: initialize, `post_init`,
    start; on stop, the updater stops taking updates, `stop()` waits for running handlers
    and jobs, `post_stop` stops background work (the publisher's sends finish), then
    `shutdown()` and `post_shutdown` close the database last.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in _SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await _initialize(application)
        try:
            await _poll_until(application, stop)
        finally:
            await application.shutdown()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
            log.info("event=stopped")
    finally:
        for signum in _SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signum)


async def _initialize(application: NewsApplication) -> None:
    """Initialize the application; if that fails half-way, close the bot's HTTP clients."""
    try:
        await application.initialize()
    except BaseException:
        await application.bot.shutdown()  # initialize() failed (e.g. getMe refused the token)
        raise


async def _poll_until(application: NewsApplication, stop: asyncio.Event) -> None:
    """post_init, start polling, wait for `stop`, then stop polling, handlers and jobs."""
    if application.post_init is not None:
        await application.post_init(application)
    updater = application.updater
    if updater is None:
        raise RuntimeError("the application was built without an updater")
    await updater.start_polling(drop_pending_updates=False)
    await application.start()
    log.info("event=started mode=polling bot=%s", application.bot.username)
    await stop.wait()
    log.info("event=stopping")
    await updater.stop()
    await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)
