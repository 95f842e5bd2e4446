"""The end-to-end fixture proven with real PTB handlers over HTTP."""

from __future__ import annotations

import asyncio

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.transport.updates import PerChatUpdateProcessor

PAGE_SIZE = 20
STORIES = [f"Story number {index}" for index in range(45)]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with an inline keyboard."""
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("🔖 Save", callback_data="save:42")],
            [InlineKeyboardButton("Read", url="https://example.org/story")],
        ]
    )
    await update.effective_message.reply_text(
        "<b>Welcome</b> to the <i>news</i>", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show a reply keyboard."""
    assert update.effective_message is not None
    keyboard = ReplyKeyboardMarkup([["Latest", "Saved"]], resize_keyboard=True)
    await update.effective_message.reply_text("Pick one", reply_markup=keyboard)


async def save(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and edit the message it came from."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    await query.answer(f"Saved story {query.data.split(':')[1]}")
    await query.edit_message_text("Saved ✅")


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer inline queries a page at a time."""
    inline = update.inline_query
    assert inline is not None
    start_at = int(inline.offset or 0)
    page = STORIES[start_at : start_at + PAGE_SIZE]
    results = [
        InlineQueryResultArticle(
            id=str(start_at + index),
            title=title,
            input_message_content=InputTextMessageContent(f"<b>{title}</b>", parse_mode="HTML"),
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("🔖 Save", callback_data=f"save:{start_at + index}")]]
            ),
        )
        for index, title in enumerate(page)
    ]
    more = start_at + PAGE_SIZE < len(STORIES)
    await inline.answer(results, next_offset=str(start_at + PAGE_SIZE) if more else "")


async def broken_html(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with markup Telegram refuses."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("<b>unclosed", parse_mode=ParseMode.HTML)


async def test_reply_carries_an_inline_keyboard(bot_app):
    async with bot_app(handlers=[CommandHandler("start", start)]) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("/start")
        [reply] = await harness.wait_for_messages(ann.id, 1)
    assert reply.text == "Welcome to the news"
    assert reply.entity_types == ["bold", "italic"]
    assert reply.button_texts == ["🔖 Save", "Read"]
    assert reply.callback_data == ["save:42"]
    assert reply.buttons[1][0]["url"] == "https://example.org/story"


async def test_reply_keyboard_is_visible_to_the_control_api(bot_app):
    async with bot_app(handlers=[CommandHandler("menu", menu)]) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("/menu")
        [reply] = await harness.wait_for_messages(ann.id, 1)
    assert reply.reply_markup is None
    assert reply.reply_keyboard is not None
    assert reply.reply_keyboard["keyboard"] == [[{"text": "Latest"}, {"text": "Saved"}]]


async def test_callback_is_answered_and_the_message_edited(bot_app):
    handlers = [CommandHandler("start", start), CallbackQueryHandler(save, pattern="^save:")]
    async with bot_app(handlers=handlers) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("/start")
        [reply] = await harness.wait_for_messages(ann.id, 1)
        answer = await ann.press(reply, data="save:42")
        assert answer.answered
        assert answer.text == "Saved story 42"
        await harness.wait_handled()
        [edited] = await harness.client.messages(ann.id, from_bot=True)
    assert edited.text == "Saved ✅"
    assert edited.reply_markup is None  # editMessageText without reply_markup drops it
    assert edited.edits[0]["text"] == "Welcome to the news"


async def test_inline_answer_is_paged_with_next_offset(bot_app):
    async with bot_app(handlers=[InlineQueryHandler(search)]) as harness:
        ann = await harness.new_user("Ann")
        first = await ann.inline("story")
        second = await ann.inline("story", offset=first.next_offset)
        last = await ann.inline("story", offset=second.next_offset)
    assert first.result_ids == [str(i) for i in range(0, 20)]
    assert (first.next_offset, second.next_offset, last.next_offset) == ("20", "40", "")
    assert second.result_ids[0] == "20"
    assert last.result_ids == ["40", "41", "42", "43", "44"]


async def test_chosen_inline_result_has_buttons_that_edit_it(bot_app):
    chosen: list[str] = []

    async def remember(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.chosen_inline_result is not None
        chosen.append(update.chosen_inline_result.result_id)

    handlers = [
        InlineQueryHandler(search),
        ChosenInlineResultHandler(remember),
        CallbackQueryHandler(save, pattern="^save:"),
    ]
    async with bot_app(handlers=handlers) as harness:
        ann = await harness.new_user("Ann")
        answer = await ann.inline("story")
        picked = await ann.choose(answer, "3")
        assert picked.inline_message_id is not None
        message = await harness.client.inline_message(picked.inline_message_id)
        reply = await ann.press(message, data="save:3")
        await harness.wait_handled()
        edited = await harness.client.inline_message(picked.inline_message_id)
    assert chosen == ["3"]
    assert reply.text == "Saved story 3"
    assert message.text == "Story number 3"
    assert edited.text == "Saved ✅"


async def test_malformed_html_is_a_bad_request(bot_app):
    async with bot_app(handlers=[MessageHandler(filters.TEXT, broken_html)]) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("hello")
        [error] = await harness.wait_for_errors(1)
        stats = await harness.client.stats()
    assert isinstance(error, BadRequest)
    assert error.message == (
        "Can't parse entities: can't find end tag corresponding to start tag \"b\""
    )
    assert stats.descriptions("sendMessage") == [
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    ]


async def test_wait_handled_returns_only_after_the_handler_has_finished(bot_app):
    gate = asyncio.Event()
    finished: list[str] = []

    async def slow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Finish only when the test opens the gate."""
        await gate.wait()
        finished.append("done")

    async with bot_app(handlers=[CommandHandler("slow", slow)]) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("/slow")
        barrier = asyncio.create_task(harness.wait_handled())
        assert await harness.client.wait_updates_consumed() == 0  # fetched, not yet handled
        assert not barrier.done()
        gate.set()
        await barrier
        assert finished == ["done"]


async def test_wait_handled_covers_every_chat_with_a_concurrent_processor(bot_app):
    seen: list[int] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Remember who wrote."""
        assert update.effective_user is not None
        seen.append(update.effective_user.id)

    processor = PerChatUpdateProcessor()
    handlers = [MessageHandler(filters.TEXT, record)]
    async with bot_app(handlers=handlers, update_processor=processor) as harness:
        users = [await harness.new_user(f"User {n}") for n in range(5)]
        for user in users:
            await user.send("hello")
        await harness.wait_handled()
        assert sorted(seen) == sorted(user.id for user in users)
        assert harness.processor.inner is processor
