"""Run the application on the current event loop until SIGINT/SIGTERM, then stop cleanly.

Updates arrive by long polling, or by webhook when WEBHOOK_URL is set: PTB's webhook server
listens on WEBHOOK_LISTEN:WEBHOOK_PORT at the URL's path (a reverse proxy terminates TLS
in front of it) and refuses, with 403, any request without the secret token.

Several processes on one PostgreSQL database: in webhook mode every process serves (the
proxy spreads the requests); in polling mode only the holder of the `updates` lease polls
(Telegram allows one getUpdates at a time), the others stand by and try to take the lease
every few seconds, so one of them polls within `LEASE_SECONDS + RENEW_SECONDS` (11.5 s)
after the poller died.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Updater

from bot.context import NewsApplication
from bot.ops.settings import Settings
from bot.ops.waiting import cancel_and_wait
from bot.services.leases import LeaseKeeper

log = logging.getLogger(__name__)
_SIGNALS = (signal.SIGINT, signal.SIGTERM)

UpdateSource = Callable[[NewsApplication, Updater, AsyncExitStack], Awaitable[dict[str, object]]]
"""Starts the updater taking updates (what it starts beside, it stops through the stack);
returns the mode's fields for the `started` event."""
UPDATES_LEASE = "updates"
ALLOWED_UPDATES: list[str] = [kind for kind in Update.ALL_TYPES if kind != Update.CHAT_MEMBER]
"""Telegram's default update types plus the reaction ones (`message_reaction`,
`message_reaction_count`), which it sends only when asked: reactions count in /trending."""


async def run_until_stopped(
    application: NewsApplication, stop: asyncio.Event | None = None
) -> None:
    """Take updates as the settings say (webhook if WEBHOOK_URL is set, else polling)."""
    settings = application.bot_data.settings
    source = _polling if settings.webhook_url is None else _webhook
    await _run(application, stop, source)


async def run_polling_until_stopped(
    application: NewsApplication, stop: asyncio.Event | None = None
) -> None:
    """Poll for updates, whatever the settings say, until `stop` is set or a signal arrives."""
    await _run(application, stop, _polling)


async def _run(
    application: NewsApplication, stop: asyncio.Event | None, source: UpdateSource
) -> None:
    """Run until `stop` is set or a termination signal arrives.

    Mirrors what PTB's `run_polling` / `run_webhook` do, on the caller's loop: initialize,
    `post_init`, start; on stop, the updater stops taking updates, `stop()` waits for running
    handlers and jobs, `post_stop` stops background work (the publisher's sends finish),
    then `shutdown()` and `post_shutdown` close the database last.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in _SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await _initialize(application)
        try:
            await _serve_until(application, stop, source)
        finally:
            await application.shutdown()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
            log.info("stopped")
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


async def _serve_until(
    application: NewsApplication, stop: asyncio.Event, source: UpdateSource
) -> None:
    """post_init, start taking updates, wait for `stop`, then stop updates, handlers, jobs."""
    if application.post_init is not None:
        await application.post_init(application)
    updater = application.updater
    if updater is None:
        raise RuntimeError("the application was built without an updater")
    async with AsyncExitStack() as beside:
        mode = await source(application, updater, beside)
        try:
            await application.start()
            log.info("started", extra={**mode, "bot": application.bot.username})
            await stop.wait()
            log.info("stopping")
        finally:
            await beside.aclose()
            if updater.running:
                await updater.stop()
    await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)


async def _polling(
    application: NewsApplication, updater: Updater, beside: AsyncExitStack
) -> dict[str, object]:
    """Start long polling (which removes any webhook Telegram has for the bot); with other
    processes on the database, only while this one holds the `updates` lease."""
    leases = application.bot_data.leases
    if leases is None or leases.exclusive:
        await updater.start_polling(drop_pending_updates=False, allowed_updates=ALLOWED_UPDATES)
        return {"mode": "polling"}
    leader = PollingLeader(updater, leases)
    await leader.step()
    leader.start()
    beside.push_async_callback(leader.stop)
    return {"mode": "polling", "polling": updater.running}


class PollingLeader:
    """Polls while this process holds the `updates` lease; stands by otherwise."""

    def __init__(self, updater: Updater, leases: LeaseKeeper) -> None:
        """Poll with `updater` when `leases` gets the `updates` lease."""
        self._updater = updater
        self._leases = leases
        self._task: asyncio.Task[None] | None = None

    async def step(self) -> None:
        """Start polling on taking the lease; stop when it was lost."""
        if self._updater.running:
            if not self._leases.holds(UPDATES_LEASE):
                await self._updater.stop()
                log.warning("polling_stopped", extra={"cause": "lease lost"})
        elif await self._leases.acquire(UPDATES_LEASE):
            await self._updater.start_polling(
                drop_pending_updates=False, allowed_updates=ALLOWED_UPDATES
            )
            log.info("polling_started", extra={"holder": self._leases.holder})
        else:
            log.debug("polling_standby")

    def start(self) -> None:
        """Look again every few seconds in the background."""
        self._task = asyncio.create_task(self._run(), name="polling-leader")

    async def stop(self) -> None:
        """Stop looking; give the lease up so that a standby process polls at once."""
        task, self._task = self._task, None
        await cancel_and_wait(task)
        if self._updater.running:
            await self._updater.stop()
        await self._leases.release(UPDATES_LEASE)

    async def _run(self) -> None:
        """Step every renewal period; a database failure is logged and tried again."""
        while True:
            await asyncio.sleep(self._leases.renew_seconds)
            try:
                await self.step()
            except Exception:  # the database away: try again at the next period
                log.warning("polling_leader_failed", exc_info=True)


async def _webhook(
    application: NewsApplication, updater: Updater, _beside: AsyncExitStack
) -> dict[str, object]:
    """Start the webhook server and register WEBHOOK_URL with its secret at Telegram."""
    settings = application.bot_data.settings
    url, secret = webhook_parameters(settings)
    await updater.start_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=webhook_path(url),
        webhook_url=url,
        secret_token=secret,
        drop_pending_updates=False,
        allowed_updates=ALLOWED_UPDATES,
    )
    host = urlsplit(url).hostname
    listen = f"{settings.webhook_listen}:{settings.webhook_port}"
    return {"mode": "webhook", "listen": listen, "host": host}


def webhook_parameters(settings: Settings) -> tuple[str, str]:
    """Return WEBHOOK_URL and the secret token (the settings require both together)."""
    if settings.webhook_url is None or settings.webhook_secret_token is None:
        raise RuntimeError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET_TOKEN")
    return settings.webhook_url, settings.webhook_secret_token.get_secret_value()


def webhook_path(url: str) -> str:
    """Return the local path to serve: the public URL's path (a proxy forwards it as is).

    PTB's server (tornado) reads the path as a regular expression, so it is escaped.
    """
    return re.escape(urlsplit(url).path or "/")
