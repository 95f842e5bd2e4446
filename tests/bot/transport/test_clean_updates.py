"""Incoming updates lose their lone surrogates before any handler sees them (issue 15.7)."""

from __future__ import annotations

from telegram import Bot, Update

from bot.transport.updates import CleanUpdateQueue, clean_update

USER = {"id": 7, "is_bot": False, "first_name": "Ann\ud800"}
CHAT = {"id": 7, "type": "private"}


def update_with(**fields: object) -> Update:
    return Update.de_json({"update_id": 1, **fields}, Bot("1:" + "x" * 35))


async def test_callback_data_text_and_names_are_cleaned_in_the_queue():
    message = {"message_id": 3, "date": 0, "chat": CHAT, "from": USER, "text": "/search a\ud800b"}
    press = {
        "id": "q1",
        "from": USER,
        "chat_instance": "c",
        "data": "bm:p:1:\udfff",
        "message": {**message, "text": "old"},
    }
    queue = CleanUpdateQueue()
    await queue.put(update_with(message=message))
    queue.put_nowait(update_with(callback_query=press))
    typed = await queue.get()
    pressed = await queue.get()
    assert isinstance(typed, Update)
    assert isinstance(pressed, Update)
    assert typed.message is not None
    assert typed.message.text == "/search a\ufffdb"
    assert typed.message.from_user is not None
    assert typed.message.from_user.first_name == "Ann\ufffd"
    assert pressed.callback_query is not None
    assert pressed.callback_query.data == "bm:p:1:\ufffd"
    assert typed.get_bot() is not None


def test_an_update_without_surrogates_is_passed_on_as_it_is():
    update = update_with(
        inline_query={
            "id": "i",
            "from": {**USER, "first_name": "Ann"},
            "query": "ferry",
            "offset": "",
        }
    )
    assert clean_update(update) is update
    assert clean_update("not an update") == "not an update"


def test_surrogates_in_nested_and_unknown_fields_are_found():
    query = {"id": "q", "from": USER, "query": "ferry", "offset": ""}
    cleaned = clean_update(update_with(inline_query=query))
    assert isinstance(cleaned, Update)
    assert cleaned.inline_query is not None
    assert cleaned.inline_query.from_user.first_name == "Ann\ufffd"
    unknown = {"id": "q", "from": {**USER, "first_name": "Ann"}, "query": "", "offset": "",
               "future_field": ["ok", {"deep": "x\udc00"}]}  # fmt: skip
    cleaned = clean_update(update_with(inline_query=unknown))
    assert isinstance(cleaned, Update)
    assert cleaned.inline_query is not None
    assert cleaned.inline_query.api_kwargs["future_field"] == ["ok", {"deep": "x\ufffd"}]
