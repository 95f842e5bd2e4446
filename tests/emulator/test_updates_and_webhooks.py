"""Receiving updates: long polling with offset/limit/allowed_updates, and webhooks."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from emulator import EmulatorConfig, RunningEmulator
from emulator.client import UpdatesView
from tests.support.botapi import BotApiCaller

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Retry failed webhook deliveries quickly."""
    return EmulatorConfig(webhook_retry_seconds=0.05)


@dataclass
class WebhookReceiver:
    """A local HTTP endpoint that records deliveries and fails the first `failures`."""

    url: str = ""
    failures: int = 0
    deliveries: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        self.deliveries.append((dict(request.headers), await request.json()))
        self.arrived.set()
        return web.Response(text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    """Serve a WebhookReceiver on 127.0.0.1."""
    state = WebhookReceiver()
    app = web.Application()
    app.router.add_post("/hook", state.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    state.url = f"http://{host}:{port}/hook"
    yield state
    await runner.cleanup()


async def test_get_updates_honours_offset_and_limit(api: BotApiCaller, emulator):
    user = await emulator.client.create_user("Ann")
    for text in ("one", "two", "three"):
        await emulator.client.send_message(user.id, text)
    first_two = await api.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in first_two] == ["one", "two"]
    rest = await api.ok("getUpdates", offset=first_two[-1]["update_id"] + 1)
    assert [u["message"]["text"] for u in rest] == ["three"]
    assert await api.ok("getUpdates", offset=rest[-1]["update_id"] + 1) == []


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: BotApiCaller, emulator):
    user = await emulator.client.create_user("Ann")
    poll = asyncio.create_task(api.ok("getUpdates", timeout=5))
    await asyncio.wait_for(emulator.emulator.updates.wait_parked(), 5)
    assert not poll.done()
    await emulator.client.send_message(user.id, "ping")
    [update] = await asyncio.wait_for(poll, 2)
    assert update["message"]["text"] == "ping"


async def test_confirmation_wakes_whoever_waits_for_the_queue_to_drain(api, emulator):
    user = await emulator.client.create_user("Ann")
    await emulator.client.send_message(user.id, "one")
    drained = asyncio.create_task(emulator.client.updates(within=30))
    [update] = await api.ok("getUpdates")
    assert not drained.done()  # fetched is not confirmed
    await api.ok("getUpdates", offset=update["update_id"] + 1)
    assert await asyncio.wait_for(drained, 5) == UpdatesView(pending=0, delivered=1)


async def test_allowed_updates_is_remembered(api: BotApiCaller, emulator):
    user = await emulator.client.create_user("Ann")
    await api.ok("getUpdates", allowed_updates=["callback_query"])
    await emulator.client.send_message(user.id, "ignored")
    assert await api.ok("getUpdates") == []
    await api.ok("getUpdates", allowed_updates=[])
    await emulator.client.send_message(user.id, "seen")
    assert [u["message"]["text"] for u in await api.ok("getUpdates")] == ["seen"]


async def test_webhook_delivery_with_secret_header_and_retry(api, emulator, receiver):
    user = await emulator.client.create_user("Ann")
    receiver.failures = 1
    set_reply = await api.call("setWebhook", url=receiver.url, secret_token="s3cret_token")
    assert (set_reply.result, set_reply.description) == (True, "Webhook was set")
    conflict = await api.refused("getUpdates")
    assert (conflict.status, conflict.description) == (409, WEBHOOK_CONFLICT)
    await emulator.client.send_message(user.id, "hello hook")
    await asyncio.wait_for(receiver.arrived.wait(), 5)
    [(headers, update)] = receiver.deliveries
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret_token"
    assert update["message"]["text"] == "hello hook"
    info = await api.ok("getWebhookInfo")
    assert info["url"] == receiver.url
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    assert await emulator.client.updates(within=5) == UpdatesView(pending=0, delivered=1)
    deleted = await api.call("deleteWebhook")
    assert deleted.description == "Webhook was deleted"
    assert (await api.call("deleteWebhook")).description == "Webhook is already deleted"
    assert await api.ok("getUpdates") == []


async def test_webhook_parameters_are_checked(api: BotApiCaller):
    bad_url = await api.refused("setWebhook", url="ftp://example.org/hook")
    assert bad_url.description == "Bad Request: invalid webhook URL specified"
    bad_secret = await api.refused("setWebhook", url="https://a.org/", secret_token="no spaces")
    assert bad_secret.description == "Bad Request: secret token contains unallowed characters"


def free_port() -> int:
    """Return a TCP port that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_ptb_webhook_application_receives_updates(emulator: RunningEmulator):
    seen: list[str] = []
    got = asyncio.Event()

    async def remember(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(update.effective_message.text or "")
        got.set()

    application = (
        ApplicationBuilder().token(emulator.token).base_url(emulator.api_base_url).build()
    )
    application.add_handler(MessageHandler(filters.TEXT, remember))
    port = free_port()
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            secret_token="s3cret",
        )
        user = await emulator.client.create_user("Ann")
        await emulator.client.send_message(user.id, "via webhook")
        await asyncio.wait_for(got.wait(), 5)
        await application.updater.stop()
        await application.stop()
    assert seen == ["via webhook"]
