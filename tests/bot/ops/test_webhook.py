"""Webhook mode on the emulator's webhook delivery: the right secret is answered, a wrong one
is refused with 403 and nothing is answered."""

from __future__ import annotations

import socket
from typing import Any

from bot.app.lifecycle import webhook_path
from emulator import RunningEmulator
from tests.bot.ops.conftest import bot_settings, free_port, running_app
from tests.support.waiting import eventually

SECRET = "Right_secret-4e1c"


def webhook_settings(emulator: RunningEmulator, tmp_path, port: int):
    """Webhook mode with a public https URL; the bot's server listens on 127.0.0.1:port."""
    return bot_settings(
        emulator,
        tmp_path,
        webhook_url=f"https://127.0.0.1:{port}/tg/updates",
        webhook_secret_token=SECRET,
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )


async def point_webhook_at_bot(application, port: int, secret: str) -> None:
    """Play the TLS-terminating reverse proxy: Telegram's deliveries reach the plain-HTTP
    server at the same path (the emulator posts directly, so the URL is swapped for it)."""
    await application.bot.set_webhook(
        url=f"http://127.0.0.1:{port}/tg/updates", secret_token=secret
    )


async def wait_for_delivery_error(
    emulator: RunningEmulator, within: float = 5.0
) -> dict[str, Any]:
    async def failed() -> dict[str, Any] | None:
        info = emulator.emulator.webhook.info_json()
        return info if info.get("last_error_message") else None

    return await eventually(failed, within=within, what="a delivery error", interval=0.05)


async def wait_for_refusals(emulator: RunningEmulator, count: int, within: float = 5.0) -> None:
    """Wait until the emulator's webhook delivery was refused `count` times."""

    async def refused() -> bool:
        return emulator.emulator.webhook.refused_deliveries >= count

    await eventually(refused, within=within, what=f"{count} refused deliveries", interval=0.02)


def test_webhook_path_is_the_url_path_escaped_for_tornado():
    assert webhook_path("https://bot.example/tg/updates") == "/tg/updates"
    assert webhook_path("https://bot.example") == "/"
    assert webhook_path("https://bot.example/a.b-c") == r"/a\.b\-c"


async def test_bot_registers_its_url_and_secret_and_answers_updates_with_the_right_secret(
    emulator: RunningEmulator, tmp_path
):
    port = free_port()
    settings = webhook_settings(emulator, tmp_path, port)
    async with running_app(settings) as application:
        registered = emulator.emulator.webhook.settings
        assert registered is not None
        assert registered.url == f"https://127.0.0.1:{port}/tg/updates"
        assert registered.secret_token == SECRET
        await point_webhook_at_bot(application, port, SECRET)
        ann = await emulator.client.create_user("Ann")
        await emulator.client.send_message(ann.id, "/start")
        [reply] = await emulator.client.wait_for_messages(ann.id, 1, from_bot=True, within=10)
        assert reply.text
        info = emulator.emulator.webhook.info_json()
        assert info["pending_update_count"] == 0
        assert "last_error_message" not in info
    stats = await emulator.client.stats()
    assert stats.calls.get("getUpdates", 0) == 0  # webhook mode never polls
    with socket.socket() as probe:  # the webhook server let go of its port
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
        probe.bind(("127.0.0.1", port))
        probe.listen()


async def test_a_wrong_secret_is_refused_with_403_and_nothing_is_answered(
    emulator: RunningEmulator, tmp_path
):
    port = free_port()
    settings = webhook_settings(emulator, tmp_path, port)
    async with running_app(settings) as application:
        await point_webhook_at_bot(application, port, "forged-secret")
        bob = await emulator.client.create_user("Bob")
        await emulator.client.send_message(bob.id, "/start")
        info = await wait_for_delivery_error(emulator)
        assert info["last_error_message"].startswith("Wrong response from the webhook: 403")
        assert info["pending_update_count"] == 1  # refused, so still queued at Telegram
        await wait_for_refusals(emulator, 3)  # several more refused attempts
        assert await emulator.client.messages(bob.id, from_bot=True) == []
