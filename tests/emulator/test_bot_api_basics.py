"""The Bot API envelope, tokens, request encodings, files and bot settings."""

from __future__ import annotations

import io

import pytest
from telegram import Bot, BotCommand, InputFile
from telegram.error import BadRequest, InvalidToken

from emulator import RunningEmulator
from tests.support.botapi import BotApiCaller
from tests.support.images import png_bytes


@pytest.fixture
async def ann(emulator: RunningEmulator) -> int:
    """A user who has started the bot; returns the user (and private chat) id."""
    user = await emulator.client.create_user("Ann")
    await emulator.client.send_message(user.id, "/start")
    return user.id


async def test_get_me_describes_the_bot(api: BotApiCaller, ptb_bot):
    me = await api.ok("getMe")
    assert me["id"] == 123456789
    assert me["is_bot"] is True
    assert me["can_read_all_group_messages"] is False  # privacy mode is on
    assert me["supports_inline_queries"] is True
    assert ptb_bot.username == me["username"]


async def test_unknown_method_and_bad_tokens_answer_like_telegram(api: BotApiCaller):
    unknown = await api.refused("sendTelepathy")
    assert (unknown.status, unknown.description) == (404, "Not Found")
    wrong = await api.refused("getMe", token="987654:WrongSecret")
    assert (wrong.status, wrong.description) == (401, "Unauthorized")
    malformed = await api.refused("getMe", token="not-a-token")
    assert (malformed.status, malformed.description) == (404, "Not Found")


async def test_ptb_reports_a_wrong_token_as_invalid_token(emulator: RunningEmulator):
    bot = Bot("987654:WrongSecret", base_url=emulator.api_base_url)
    with pytest.raises(InvalidToken):
        async with bot:  # initialize() calls getMe and shuts the bot down on failure
            pass


async def test_method_names_ignore_case(api: BotApiCaller):
    assert (await api.ok("GETME"))["is_bot"] is True


async def test_parameters_arrive_by_query_json_or_form(api: BotApiCaller, ann: int):
    by_query = await api.call("sendMessage", verb="GET", chat_id=ann, text="via GET")
    by_json = await api.call(
        "sendMessage",
        as_json=True,
        chat_id=ann,
        text="via JSON",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    by_form = await api.call(
        "sendMessage",
        chat_id=ann,
        text="via form",
        reply_markup={"inline_keyboard": [[{"text": "B", "callback_data": "b"}]]},
    )
    assert [r.result["text"] for r in (by_query, by_json, by_form)] == [
        "via GET",
        "via JSON",
        "via form",
    ]
    assert by_json.result["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert by_form.result["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "b"


async def test_sent_message_has_every_field_ptb_needs(ptb_bot, ann: int):
    message = await ptb_bot.send_message(ann, "<b>Hello</b> #news", parse_mode="HTML")
    assert message.chat.type == "private"
    assert message.from_user is not None
    assert message.from_user.id == ptb_bot.id
    assert message.date.timestamp() > 0
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 5),
        ("hashtag", 6, 5),
    ]


async def test_document_upload_is_kept_byte_for_byte(ptb_bot, emulator: RunningEmulator, ann):
    content = "id,title\n1,Café\n".encode()
    message = await ptb_bot.send_document(
        ann, InputFile(io.BytesIO(content), filename="export.csv"), caption="Your export"
    )
    assert message.document is not None
    assert message.document.file_name == "export.csv"
    assert message.document.file_size == len(content)
    assert message.caption == "Your export"
    assert await emulator.client.file_bytes(message.document.file_id) == content
    downloaded = await (await ptb_bot.get_file(message.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == content


async def test_photo_upload_gets_sizes_from_the_image(ptb_bot, ann: int):
    message = await ptb_bot.send_photo(ann, png_bytes(1600, 900), caption="Map")
    sizes = [(p.width, p.height) for p in message.photo]
    assert sizes == [(90, 51), (320, 180), (800, 450), (1280, 720)]


async def test_photo_by_url_and_by_file_id(ptb_bot, ann: int):
    by_url = await ptb_bot.send_photo(ann, "https://images.example.org/a.jpg")
    again = await ptb_bot.send_photo(ann, by_url.photo[-1].file_id)
    assert again.photo[-1].file_id == by_url.photo[-1].file_id


async def test_photo_errors(api: BotApiCaller, ann: int):
    not_image = await api.refused(
        "sendPhoto", chat_id=ann, files={"photo": ("a.jpg", b"plain text", "image/jpeg")}
    )
    assert not_image.description == "Bad Request: IMAGE_PROCESS_FAILED"
    missing = await api.refused("sendPhoto", chat_id=ann)
    assert missing.description == "Bad Request: there is no photo in the request"
    long_caption = await api.refused(
        "sendPhoto", chat_id=ann, photo="https://a.org/p.jpg", caption="x" * 1025
    )
    assert long_caption.description == "Bad Request: message caption is too long"


async def test_commands_round_trip_and_are_checked(ptb_bot, api: BotApiCaller):
    await ptb_bot.set_my_commands([BotCommand("bookmarks", "Your saved stories")])
    assert await ptb_bot.get_my_commands() == (BotCommand("bookmarks", "Your saved stories"),)
    assert await ptb_bot.get_my_commands(language_code="de") == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await ptb_bot.set_my_commands([BotCommand("Bad Command", "x")])
    refused = await api.refused("setMyCommands", commands=[{"command": "ok"}])
    assert refused.description == "Bad Request: command description must be 1-256 characters long"


async def test_chat_actions(api: BotApiCaller, ann: int):
    assert await api.ok("sendChatAction", chat_id=ann, action="typing") is True
    bad = await api.refused("sendChatAction", chat_id=ann, action="dancing")
    assert bad.description == "Bad Request: wrong parameter action in request"
