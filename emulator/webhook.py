"""Webhook delivery: POST each update as JSON to the bot's URL, in order, until it is taken."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

import aiohttp

from emulator.state import unix_now
from emulator.updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DELIVERY_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """What setWebhook asked for."""

    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None


class WebhookDelivery:
    """Delivers queued updates to the webhook while one is set."""

    def __init__(self, updates: UpdateQueue, retry_seconds: float) -> None:
        self._updates = updates
        self._retry_seconds = retry_seconds
        self.settings: WebhookSettings | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.refused_deliveries = 0
        """Deliveries the webhook did not accept since it was set (an observable count)."""
        self._task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        """Tell whether a webhook is set."""
        return self.settings is not None

    async def start(self, settings: WebhookSettings) -> None:
        """Set (or replace) the webhook and start delivering."""
        await self.stop()
        self.settings = settings
        self.last_error_date = None
        self.last_error_message = None
        self.refused_deliveries = 0
        self._task = asyncio.create_task(self._deliver_forever(settings), name="webhook")

    async def stop(self) -> None:
        """Remove the webhook; undelivered updates stay queued for getUpdates."""
        self.settings = None
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def info_json(self) -> dict[str, Any]:
        """Return the WebhookInfo object."""
        info: dict[str, Any] = {
            "url": self.settings.url if self.settings else "",
            "has_custom_certificate": False,
            "pending_update_count": self._updates.pending_count,
        }
        if self.settings is not None:
            info["max_connections"] = self.settings.max_connections
            if self.settings.allowed_updates is not None:
                info["allowed_updates"] = self.settings.allowed_updates
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    async def _deliver_forever(self, settings: WebhookSettings) -> None:
        """Deliver the oldest pending update until it is accepted, then the next one."""
        timeout = aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT_SECONDS)
        headers = {SECRET_HEADER: settings.secret_token} if settings.secret_token else {}
        async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
            # `self.settings is settings`: on Python 3.11 a cancel that lands as the wait
            # ends is swallowed by asyncio.wait_for, so a replaced webhook also ends here.
            while not self._updates.closed and self.settings is settings:
                pending = self._updates.batch(1)
                if not pending:
                    await self._updates.wait_arrival(60.0)
                    continue
                update = pending[0]
                self._updates.mark_delivered(pending)
                if await self._post(session, settings.url, update):
                    self._updates.confirm(update["update_id"] + 1)
                else:
                    await asyncio.sleep(self._retry_seconds)

    async def _post(
        self, session: aiohttp.ClientSession, url: str, update: dict[str, Any]
    ) -> bool:
        """POST one update; record Telegram-style error text when it is not accepted."""
        try:
            async with session.post(url, json=update) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return True
                message = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            message = f"Connection error: {type(exc).__name__}"
        self.last_error_date = unix_now()
        self.last_error_message = message
        self.refused_deliveries += 1
        return False
