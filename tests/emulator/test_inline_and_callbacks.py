"""Inline mode and button presses: Telegram's answer rules, choosing results, timeouts."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import EmulatorConfig, EmulatorError, RunningEmulator
from tests.support.botapi import BotApiCaller
from tests.support.clock import FakeClock

QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@pytest.fixture
def clock() -> FakeClock:
    """The emulator's clock: queries expire when the test moves it."""
    return FakeClock()


@pytest.fixture
def emulator_config(clock: FakeClock) -> EmulatorConfig:
    """Short query lifetimes on a clock the test moves."""
    return EmulatorConfig(inline_query_timeout=0.5, callback_query_timeout=0.5, clock=clock)


def article(result_id: str, text: str = "Story", **extra: Any) -> dict[str, Any]:
    """An article result with text content."""
    return {
        "type": "article",
        "id": result_id,
        "title": text,
        "input_message_content": {"message_text": text, **extra},
    }


async def new_query(emulator: RunningEmulator, query: str = "syria") -> str:
    """Have a new user type an inline query; return its id."""
    user = await emulator.client.create_user("Ann")
    return await emulator.client.inline_query(user.id, query)


async def test_answer_is_recorded_with_every_option(api: BotApiCaller, emulator):
    query_id = await new_query(emulator)
    await api.ok(
        "answerInlineQuery",
        inline_query_id=query_id,
        results=[article("a1")],
        next_offset="10",
        cache_time=0,
        is_personal=True,
        button={"text": "Open the bot", "start_parameter": "from_inline"},
    )
    answer = await emulator.client.inline_answer(query_id)
    assert answer.answered
    assert answer.result_ids == ["a1"]
    assert (answer.next_offset, answer.cache_time, answer.is_personal) == ("10", 0, True)
    assert answer.button == {"text": "Open the bot", "start_parameter": "from_inline"}


@pytest.mark.parametrize(
    ("results", "next_offset", "description"),
    [
        ([article(str(n)) for n in range(51)], "", "Bad Request: RESULTS_TOO_MUCH"),
        ([article("same"), article("same")], "", "Bad Request: RESULT_ID_DUPLICATE"),
        ([article("x" * 65)], "", "Bad Request: RESULT_ID_INVALID"),
        ([article("")], "", "Bad Request: RESULT_ID_INVALID"),
        ([article("a")], "o" * 65, "Bad Request: NEXT_OFFSET_INVALID"),
        ([article("a", "x" * 4097)], "", "Bad Request: MESSAGE_TOO_LONG"),
        ([article("a", "   ")], "", "Bad Request: MESSAGE_EMPTY"),
        (
            [article("a", "<b>x", parse_mode="HTML")],
            "",
            "Bad Request: can't parse inline query result: Can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        (
            [{"type": "article", "id": "a", "title": "t"}],
            "",
            "Bad Request: can't parse inline query result: Input message content is not specified",
        ),
        (
            [{**article("a"), "reply_markup": {"inline_keyboard": [[{"text": "x"}]]}}],
            "",
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in "
            "the inline keyboard",
        ),
    ],
)
async def test_answers_breaking_the_rules_are_refused(
    api: BotApiCaller, emulator, results, next_offset, description
):
    query_id = await new_query(emulator)
    reply = await api.refused(
        "answerInlineQuery", inline_query_id=query_id, results=results, next_offset=next_offset
    )
    assert reply.description == description
    assert not (await emulator.client.inline_answer(query_id, within=0)).answered


async def test_fifty_results_with_64_byte_ids_are_fine(api: BotApiCaller, emulator):
    query_id = await new_query(emulator)
    results = [article(f"{n:02d}" + "x" * 62) for n in range(50)]
    await api.ok("answerInlineQuery", inline_query_id=query_id, results=results)


async def test_a_query_is_answered_once_and_expires(api: BotApiCaller, emulator, clock):
    query_id = await new_query(emulator)
    await api.ok("answerInlineQuery", inline_query_id=query_id, results=[article("a")])
    twice = await api.refused("answerInlineQuery", inline_query_id=query_id, results=[])
    assert twice.description == QUERY_INVALID
    late_id = await new_query(emulator)
    clock.advance(0.5)
    on_time = await new_query(emulator)
    clock.advance(0.1)
    late = await api.refused("answerInlineQuery", inline_query_id=late_id, results=[])
    assert late.description == QUERY_INVALID
    await api.ok("answerInlineQuery", inline_query_id=on_time, results=[])
    unknown = await api.refused("answerInlineQuery", inline_query_id="123", results=[])
    assert unknown.description == QUERY_INVALID


async def test_choosing_a_result_posts_it_via_the_bot(api: BotApiCaller, emulator):
    client = emulator.client
    ann = await client.create_user("Ann")
    group = await client.create_group("Friends", member_ids=[ann.id])
    setup = await api.ok("getUpdates", allowed_updates=["chosen_inline_result", "message"])
    await api.ok("getUpdates", offset=setup[-1]["update_id"] + 1)  # confirm the setup's updates
    query_id = await client.inline_query(ann.id, "syria")
    plain = article("plain", "<b>Plain</b>", parse_mode="HTML")
    with_button = {
        **article("button", "With button"),
        "reply_markup": {"inline_keyboard": [[{"text": "Save", "callback_data": "s"}]]},
    }
    await api.ok("answerInlineQuery", inline_query_id=query_id, results=[plain, with_button])
    chosen_plain = await client.choose_inline_result(query_id, "plain", chat_id=group.id)
    chosen_button = await client.choose_inline_result(query_id, "button")
    assert chosen_plain.inline_message_id is None  # Telegram names it only with a keyboard
    assert chosen_plain.message is not None
    assert (chosen_plain.message.text, chosen_plain.message.entity_types) == ("Plain", ["bold"])
    assert chosen_plain.message.raw["via_bot"]["id"] == 123456789
    assert chosen_button.inline_message_id is not None
    updates = await api.ok("getUpdates")
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds == ["message", "chosen_inline_result", "chosen_inline_result"]
    assert updates[2]["chosen_inline_result"]["inline_message_id"] == (
        chosen_button.inline_message_id
    )
    edited = await api.ok(
        "editMessageText", inline_message_id=chosen_button.inline_message_id, text="Edited"
    )
    assert edited is True
    view = await client.inline_message(chosen_button.inline_message_id)
    assert (view.text, view.reply_markup) == ("Edited", None)


async def test_callback_answers(api: BotApiCaller, emulator, clock):
    client = emulator.client
    ann = await client.create_user("Ann")
    await client.send_message(ann.id, "/start")
    sent = await api.ok(
        "sendMessage",
        chat_id=ann.id,
        text="Pick",
        reply_markup={"inline_keyboard": [[{"text": "Save", "callback_data": "save:1"}]]},
    )
    query_id = await client.press_button(
        ann.id, chat_id=ann.id, message_id=sent["message_id"], text="Save"
    )
    updates = await api.ok("getUpdates")
    press = updates[-1]["callback_query"]
    assert (press["data"], press["message"]["message_id"]) == ("save:1", sent["message_id"])
    assert press["chat_instance"]
    too_long = await api.refused("answerCallbackQuery", callback_query_id=query_id, text="x" * 201)
    assert too_long.description == "Bad Request: MESSAGE_TOO_LONG"
    await api.ok(
        "answerCallbackQuery", callback_query_id=query_id, text="x" * 200, show_alert=True
    )
    twice = await api.refused("answerCallbackQuery", callback_query_id=query_id)
    assert twice.description == QUERY_INVALID
    answer = await client.callback_answer(query_id)
    assert (answer.text, answer.show_alert) == ("x" * 200, True)
    late_id = await client.press_button(
        ann.id, chat_id=ann.id, message_id=sent["message_id"], data="save:1"
    )
    clock.advance(0.5)
    await api.ok("answerCallbackQuery", callback_query_id=late_id)  # just in time
    late_id = await client.press_button(
        ann.id, chat_id=ann.id, message_id=sent["message_id"], data="save:1"
    )
    clock.advance(0.6)
    late = await api.refused("answerCallbackQuery", callback_query_id=late_id)
    assert late.description == QUERY_INVALID


async def test_pressing_needs_a_real_callback_button(api: BotApiCaller, emulator):
    client = emulator.client
    ann = await client.create_user("Ann")
    await client.send_message(ann.id, "/start")
    sent = await api.ok(
        "sendMessage",
        chat_id=ann.id,
        text="Read",
        reply_markup={"inline_keyboard": [[{"text": "Open", "url": "https://a.org"}]]},
    )
    with pytest.raises(EmulatorError, match="only callback buttons"):
        await client.press_button(
            ann.id, chat_id=ann.id, message_id=sent["message_id"], text="Open"
        )
    with pytest.raises(EmulatorError, match="no such button"):
        await client.press_button(ann.id, chat_id=ann.id, message_id=sent["message_id"], data="x")
