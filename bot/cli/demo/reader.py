"""The demo's reader scenes: what a Telegram user does with the bot, through the emulator.

The simulated reader types inline queries (`@bot honey`), shares a result into a group,
presses 🔖 Save under a channel post and asks for /bookmarks in the private chat; the
running bot answers each as it would on Telegram, and the transcript shows the answers.
"""

from __future__ import annotations

from typing import Final

from bot.cli.demo.samples import TEXT_TITLE
from bot.cli.demo.world import READER_NAME, DemoError, DemoWorld
from emulator.client import JSON, EmulatorError, InlineAnswer, MessageView

INLINE_SEARCHES: Final = ("honey", "#alder_estuary")
"""What the reader types after the bot's name: a keyword, then a #tag."""
SHARE_GROUP_TITLE: Final = "Millbrook Neighbours"
"""A group of the reader's where they share a search result (the bot is not in it)."""
SAVED_TITLE: Final = TEXT_TITLE
"""The story the reader saves from the channel."""
ANSWER_TIMEOUT_SECONDS: Final = 10.0
"""How long the demo waits for the bot to answer a query, a press or a command."""


async def scene_inline_search(world: DemoWorld) -> None:
    """The reader searches by keyword and by #tag in inline mode; the bot answers."""
    reader = world.require_reader()
    for query in INLINE_SEARCHES:
        answer = await world.emulator.client.ask_inline(
            reader.id, query, within=ANSWER_TIMEOUT_SECONDS
        )
        found = _answered(answer, f"the inline query {query!r}")
        count = f"{len(found)} result{'' if len(found) == 1 else 's'}"
        world.transcript.step(
            f"{READER_NAME} types “{world.bot_label} {query}” in a chat (inline mode)  →  {count}"
        )
        for number, result in enumerate(found, start=1):
            world.transcript.result(
                number, str(result.get("title", "")), str(result.get("description", ""))
            )


async def scene_share_result(world: DemoWorld) -> None:
    """The reader picks the first result of the keyword search and sends it to a group."""
    reader = world.require_reader()
    client = world.emulator.client
    group = await client.create_group(SHARE_GROUP_TITLE, member_ids=[reader.id], bot_status="none")
    query = INLINE_SEARCHES[0]
    answer = await client.ask_inline(reader.id, query, within=ANSWER_TIMEOUT_SECONDS)
    first = _answered(answer, f"the inline query {query!r}")[0]
    world.transcript.step(
        f"{READER_NAME} picks “{first.get('title', '')}” and sends it to the group "
        f"{SHARE_GROUP_TITLE}"
    )
    chosen = await client.choose_inline_result(answer.query_id, str(first["id"]), chat_id=group.id)
    if chosen.message is None:
        raise DemoError("the chosen inline result sent no message")
    world.show_message(
        f"{SHARE_GROUP_TITLE} · {READER_NAME} via {world.bot_label}", chosen.message
    )


async def scene_save_bookmark(world: DemoWorld) -> None:
    """The reader presses 🔖 Save under a channel post; the bot answers the press."""
    reader = world.require_reader()
    post = world.post_titled(SAVED_TITLE)
    button = _save_button(post)
    world.transcript.step(
        f"{READER_NAME} presses [{button['text']}] under post {post.message_id} "
        f"({world.channel_label})"
    )
    client = world.emulator.client
    query_id = await client.press_button(
        reader.id,
        chat_id=post.chat_id,
        message_id=post.message_id,
        data=str(button["callback_data"]),
    )
    answer = await client.callback_answer(query_id, within=ANSWER_TIMEOUT_SECONDS)
    if not answer.answered:
        raise DemoError("the bot did not answer the 🔖 Save press")
    world.transcript.note(f"the bot answers the press: {answer.text}")


async def scene_list_bookmarks(world: DemoWorld) -> None:
    """The reader sends /bookmarks in the private chat; the bot replies with the list."""
    reader = world.require_reader()
    client = world.emulator.client
    before = await _bot_messages_in(world, reader.id)
    world.transcript.step(f"{READER_NAME} sends /bookmarks to {world.bot_label}")
    await client.send_message(reader.id, "/bookmarks")
    try:
        replies = await client.wait_for_messages(
            reader.id, before + 1, within=ANSWER_TIMEOUT_SECONDS
        )
    except TimeoutError:
        raise DemoError("the bot did not answer /bookmarks") from None
    world.show_message(f"{world.bot_label} (private chat with {READER_NAME})", replies[before])


def _answered(answer: InlineAnswer, what: str) -> list[JSON]:
    """Return an inline answer's results; an unanswered query or no result stops the demo."""
    if not answer.answered:
        raise DemoError(f"the bot did not answer {what}")
    if not answer.results:
        raise DemoError(f"the bot found nothing for {what}")
    return answer.results


def _save_button(post: MessageView) -> JSON:
    """Return a post's 🔖 Save button: its first callback button."""
    for row in post.buttons:
        for button in row:
            if "callback_data" in button:
                return button
    raise DemoError(f"post {post.message_id} has no Save button")


async def _bot_messages_in(world: DemoWorld, chat_id: int) -> int:
    """Count the bot's messages in a chat (0 when the chat does not exist yet)."""
    try:
        return len(await world.emulator.client.messages(chat_id, from_bot=True))
    except EmulatorError:
        return 0
