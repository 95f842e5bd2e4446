"""Anonymous reactions on channel posts: `message_reaction_count` as Telegram sends it, only
to an administrator that asked for it, and refused input that changes nothing."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot, ReactionTypeCustomEmoji, ReactionTypeEmoji, ReactionTypePaid, Update

from emulator import RunningEmulator
from emulator.errors import ControlError
from emulator.reactions import set_reactions
from tests.support.botapi import BotApiCaller

ASK = ["message", "channel_post", "message_reaction_count"]


async def channel_post(emulator: RunningEmulator, **options):
    """A channel (bot administrator unless told) with one post by a person."""
    channel = await emulator.client.create_channel("Harbour", **options)
    post = await emulator.client.post_to_channel(channel.id, "Ferry back on the night route")
    return channel, post


async def test_totals_reach_an_administrator_that_asked_as_ptb_reads_them(
    emulator: RunningEmulator, api: BotApiCaller, ptb_bot: Bot
):
    channel, post = await channel_post(emulator)
    await api.ok("getUpdates", allowed_updates=ASK, timeout=0)
    offset = max(u["update_id"] for u in await api.ok("getUpdates", timeout=0)) + 1

    sent = await emulator.client.set_reactions(
        channel.id, post.message_id, {"👍": 2, "❤\u200d🔥": 5, "custom:5368324170671202286": 1}
    )
    await emulator.client.set_reactions(channel.id, post.message_id, {"👍": 3, "paid": 4})

    raw = await api.ok("getUpdates", offset=offset, timeout=0)
    assert [set(u) - {"update_id"} for u in raw] == [{"message_reaction_count"}] * 2
    first = raw[0]["message_reaction_count"]
    assert first == sent
    assert first["chat"]["id"] == channel.id
    assert first["message_id"] == post.message_id
    assert [r["total_count"] for r in first["reactions"]] == [5, 2, 1]  # most first
    update = Update.de_json(raw[1], ptb_bot)
    counted = update.message_reaction_count
    assert counted is not None
    assert counted.chat.id == channel.id
    kinds = {type(r.type): r.total_count for r in counted.reactions}
    assert kinds == {ReactionTypePaid: 4, ReactionTypeEmoji: 3}
    parsed = Update.de_json(raw[0], ptb_bot).message_reaction_count
    assert parsed is not None
    custom = [r.type for r in parsed.reactions if isinstance(r.type, ReactionTypeCustomEmoji)]
    assert [c.custom_emoji_id for c in custom] == ["5368324170671202286"]


async def test_not_sent_unless_asked_for_in_allowed_updates(
    emulator: RunningEmulator, api: BotApiCaller
):
    channel, post = await channel_post(emulator)
    await api.ok("getUpdates", timeout=0)  # Telegram's default list leaves reactions out
    before = emulator.emulator.updates.pending_count
    await emulator.client.set_reactions(channel.id, post.message_id, {"👍": 1})
    assert emulator.emulator.updates.pending_count == before


async def test_not_sent_to_a_bot_that_is_not_an_administrator(
    emulator: RunningEmulator, api: BotApiCaller
):
    channel, post = await channel_post(emulator)
    await api.ok("getUpdates", allowed_updates=ASK, timeout=0)
    await emulator.client.set_bot_status(channel.id, "member")
    before = emulator.emulator.updates.pending_count
    await emulator.client.set_reactions(channel.id, post.message_id, {"👍": 1})
    assert emulator.emulator.updates.pending_count == before


REFUSED = [
    ({"🦆": 1}, "not a reaction"),
    ({"👍": -1}, "whole number"),
    ({"👍": 1.5}, "whole number"),
    ({"custom:abc": 1}, "not a reaction"),
    ({e: 1 for e in "👍👎❤🔥🥰👏😁🤔🤯😱🤬😢"}, "at most 11"),
]


@pytest.mark.parametrize(("reactions", "why"), REFUSED)
async def test_refused_reactions_change_nothing(emulator: RunningEmulator, reactions, why):
    channel, post = await channel_post(emulator)
    await emulator.client.set_reactions(channel.id, post.message_id, {"👍": 2})
    emu = emulator.emulator
    pending = emu.updates.pending_count
    with pytest.raises(ControlError, match=why):
        set_reactions(emu, channel.id, post.message_id, reactions)
    assert emu.world.chats[channel.id].messages[post.message_id].reactions == {"👍": 2}
    assert emu.updates.pending_count == pending


async def test_only_channel_posts_have_anonymous_totals(emulator: RunningEmulator):
    ann = await emulator.client.create_user("Ann")
    group = await emulator.client.create_group("Dock", member_ids=[ann.id])
    said = await emulator.client.send_message(ann.id, "hello", chat_id=group.id)
    channel, _post = await channel_post(emulator)
    async with httpx.AsyncClient(base_url=emulator.base_url) as http:
        answer = await http.post(
            "/control/reactions",
            json={"chat_id": group.id, "message_id": said.message_id, "reactions": {"👍": 1}},
        )
        missing = await http.post(
            "/control/reactions", json={"chat_id": channel.id, "message_id": 999, "reactions": {}}
        )
    assert answer.status_code == 400
    assert "not a channel" in answer.json()["error"]
    assert missing.status_code == 404
