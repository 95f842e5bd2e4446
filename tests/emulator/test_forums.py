"""Forum supergroups and topics, and what the emulator records of a message's send options."""

from __future__ import annotations

import pytest

from emulator import RunningEmulator
from tests.support.botapi import BotApiCaller

MANAGER = {"can_manage_topics": True}


async def forum(emulator: RunningEmulator, rights: dict | None = None) -> int:
    chat = await emulator.client.create_group(
        "Harbour Forum", bot_status="administrator", bot_rights=rights or {}, forum=True
    )
    return chat.id


async def test_create_topic_needs_a_forum_and_the_right(api: BotApiCaller, emulator):
    managed = await forum(emulator, MANAGER)
    topic = await api.ok("createForumTopic", chat_id=managed, name="Ferries")
    assert topic == {
        "message_thread_id": topic["message_thread_id"],
        "name": "Ferries",
        "icon_color": 7322096,
    }
    chat = await api.ok("getChat", chat_id=managed)
    assert chat["is_forum"] is True
    [opening] = await emulator.client.messages(managed)
    assert opening.message_id == topic["message_thread_id"]
    assert opening.raw["forum_topic_created"]["name"] == "Ferries"

    unmanaged = await forum(emulator)
    refused = await api.refused("createForumTopic", chat_id=unmanaged, name="Ferries")
    assert refused.description == "Bad Request: not enough rights to create a topic"
    group = await emulator.client.create_group("Plain", bot_status="administrator")
    refused = await api.refused("createForumTopic", chat_id=group.id, name="Ferries")
    assert refused.description == "Bad Request: the chat is not a forum"
    for name in ("", "x" * 129):
        refused = await api.refused("createForumTopic", chat_id=managed, name=name)
        assert refused.description == "Bad Request: TOPIC_NAME_INVALID"


async def test_posting_in_topics_follows_telegram(api: BotApiCaller, emulator):
    chat_id = await forum(emulator)
    thread = await emulator.client.open_topic(chat_id, "Ferries")
    sent = await api.ok("sendMessage", chat_id=chat_id, message_thread_id=thread, text="hi")
    assert sent["message_thread_id"] == thread
    assert sent["is_topic_message"] is True
    missing = await api.refused(
        "sendMessage", chat_id=chat_id, message_thread_id=thread + 100, text="hi"
    )
    assert missing.description == "Bad Request: message thread not found"

    await emulator.client.set_topic_state(chat_id, thread, "closed")
    closed = await api.refused("sendMessage", chat_id=chat_id, message_thread_id=thread, text="x")
    assert closed.description == "Bad Request: TOPIC_CLOSED"
    photo = await api.refused(
        "sendPhoto",
        chat_id=chat_id,
        message_thread_id=thread,
        photo="https://harbour.example/a.jpg",
    )
    assert photo.description == "Bad Request: TOPIC_CLOSED"
    await emulator.client.set_topic_state(chat_id, thread, "open")
    await api.ok("sendMessage", chat_id=chat_id, message_thread_id=thread, text="again")

    await emulator.client.set_topic_state(chat_id, thread, "deleted")
    gone = await api.refused("sendMessage", chat_id=chat_id, message_thread_id=thread, text="x")
    assert gone.description == "Bad Request: message thread not found"
    [state] = await emulator.client.topics(chat_id)
    assert state["deleted"] is True
    assert all(m.deleted for m in await emulator.client.messages(chat_id))


async def test_a_bot_that_manages_topics_posts_in_a_closed_one(api: BotApiCaller, emulator):
    chat_id = await forum(emulator, MANAGER)
    thread = (await api.ok("createForumTopic", chat_id=chat_id, name="Ferries"))[
        "message_thread_id"
    ]
    await emulator.client.set_topic_state(chat_id, thread, "closed")
    await api.ok("sendMessage", chat_id=chat_id, message_thread_id=thread, text="admins may")


@pytest.mark.parametrize(
    "options",
    [
        {"is_disabled": True},
        {"url": "https://harbour.example/a", "prefer_large_media": True, "show_above_text": True},
    ],
)
async def test_link_preview_options_and_silence_are_recorded(api: BotApiCaller, emulator, options):
    channel = await emulator.client.create_channel("Harbour News")
    await api.ok(
        "sendMessage",
        chat_id=channel.id,
        text="https://harbour.example/a",
        link_preview_options=options,
        disable_notification=True,
    )
    [message] = await emulator.client.messages(channel.id, from_bot=True)
    assert message.link_preview_options == options
    assert message.disable_notification is True
    bad = await api.refused(
        "sendMessage", chat_id=channel.id, text="x", link_preview_options="{not json"
    )
    assert bad.description == "Bad Request: can't parse link preview options JSON object"
