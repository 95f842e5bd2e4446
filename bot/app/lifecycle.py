"""Run the application on the current event loop until SIGINT/SIGTERM, then stop cleanly.

Updates arrive by long polling, or by webhook when WEBHOOK_URL is set: PTB's webhook server
listens on WEBHOOK_LISTEN:WEBHOOK_PORT at the URL's path (a reverse proxy terminates TLS
in front of it) and refuses, with 403, any request without the secret token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from telegram.ext import Updater

from bot.context import NewsApplication
from bot.ops.settings import Settings

log = logging.getLogger(__name__)
_SIGNALS = (signal.SIGINT, signal.SIGTERM)

UpdateSource = Callable[[NewsApplication, Updater], Awaitable[dict[str, object]]]
"""Starts the updater taking updates; returns the mode's fields for the `started` event."""


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
    mode = await source(application, updater)
    try:
        await application.start()
        log.info("started", extra={**mode, "bot": application.bot.username})
        await stop.wait()
        log.info("stopping")
    finally:
        await updater.stop()
    await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)


async def _polling(_application: NewsApplication, updater: Updater) -> dict[str, object]:
    """Start long polling (which removes any webhook Telegram has for the bot)."""
    await updater.start_polling(drop_pending_updates=False)
    return {"mode": "polling"}


async def _webhook(application: NewsApplication, updater: Updater) -> dict[str, object]:
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
