"""The real application on the emulator: it asks Telegram for reaction updates (polling and
webhook), counts a channel post's reactions, and /trending shows and weighs them."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from bot.app.lifecycle import ALLOWED_UPDATES
from emulator import RunningEmulator
from storage import open_database
from tests.bot.ops.conftest import bot_settings, free_port, running_app
from tests.factories import draft
from tests.support.waiting import eventually


async def allowed_updates(emulator: RunningEmulator) -> list[str]:
    """Return the update types the bot last asked the emulator for."""
    async with httpx.AsyncClient(base_url=emulator.base_url) as http:
        return list((await http.get("/control/updates")).json()["allowed"])


def test_the_bot_asks_for_telegrams_defaults_plus_the_reaction_updates():
    assert "message_reaction_count" in ALLOWED_UPDATES
    assert "message_reaction" in ALLOWED_UPDATES
    assert "chat_member" not in ALLOWED_UPDATES  # not used: left out as Telegram does
    assert {"message", "channel_post", "callback_query", "inline_query"} <= set(ALLOWED_UPDATES)


async def test_reactions_are_counted_and_weighed_in_trending(emulator: RunningEmulator, tmp_path):
    settings = bot_settings(emulator, tmp_path)
    chat = await emulator.client.create_channel("Harbour News", username="harbour_news")
    async with await open_database(settings.database_path) as db:
        source = await db.sources.add("https://harbour.example/rss", "Harbour Herald")
        await db.sources.set_paused(source.id, True)  # nothing to fetch: the posts are given
        stored = await db.articles.upsert_many(
            source.id,
            [draft(1, "Ferry back on the night route"), draft(2, "Lighthouse gets a new lamp")],
            fetched_at=datetime.now(UTC),
        )
        ferry, lamp = stored.inserted
        channel = await db.channels.add(chat.id, title="Harbour News", username="harbour_news")
        await db.outbox.add_many([(ferry, channel.id), (lamp, channel.id)])
    ann = await emulator.client.create_user("Ann")

    async with running_app(settings) as application:
        db = application.bot_data.db
        posts = await emulator.client.wait_for_messages(chat.id, 2, from_bot=True, within=10)
        asked = await allowed_updates(emulator)
        ferry_post, lamp_post = posts
        query = await emulator.client.press_button(
            ann.id,
            chat_id=chat.id,
            message_id=lamp_post.message_id,
            data=f"s1:{lamp}",
        )
        await emulator.client.callback_answer(query)  # saved: 3 points for the lamp
        await emulator.client.set_reactions(
            chat.id, ferry_post.message_id, {"👍": 5, "🔥": 3}
        )  # 8 reactions x 0.5 = 4 points for the ferry

        async def counted() -> bool:
            return await db.reactions.for_article(ferry) == {"👍": 5, "🔥": 3}

        await eventually(counted, within=10, what="the reactions stored")
        await emulator.client.send_message(ann.id, "/trending")
        [reply] = await emulator.client.wait_for_messages(ann.id, 1, from_bot=True, within=10)

    assert "message_reaction_count" in asked
    lines = [line for line in reply.text.split("\n") if line]
    assert lines[1:] == [
        "1. Ferry back on the night route",
        "Harbour Herald · 8 reactions",
        "2. Lighthouse gets a new lamp",
        "Harbour Herald · 1 save",
    ]


async def test_webhook_mode_registers_the_reaction_updates(emulator: RunningEmulator, tmp_path):
    port = free_port()
    settings = bot_settings(
        emulator,
        tmp_path,
        webhook_url=f"https://127.0.0.1:{port}/tg/updates",
        webhook_secret_token="Right_secret-4e1c",
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    async with running_app(settings):
        registered = emulator.emulator.webhook.settings
        assert registered is not None
        assert registered.allowed_updates is not None
        assert "message_reaction_count" in registered.allowed_updates
        assert "message_reaction" in registered.allowed_updates
