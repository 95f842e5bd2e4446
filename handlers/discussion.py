"""Linked discussion groups: related coverage under the bot's posts, and comment counts.

Telegram's automatic forward of a channel post into its discussion group is handled in
group -2, before everything else, and then stops: no other handler (user tracking,
commands, pasted links) ever sees one, so a post can never trigger the bot twice or loop.
Comments are counted in group 1, after the commands, so counting never hides a command.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Final

from telegram import LinkPreviewOptions, Message, MessageOriginChannel, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import ApplicationHandlerStop, BaseHandler, MessageHandler, filters

from bot.context import Context
from bot.services.discussion import count_comment, start_thread

log = logging.getLogger(__name__)

AUTOMATIC_FORWARD_GROUP: Final = -2
COMMENT_GROUP: Final = 1


async def reply_with_related(update: Update, context: Context) -> None:
    """Record the thread of a copied channel post and reply in it with related coverage."""
    try:
        await _reply_with_related(update, context)
    except Exception as exc:  # reported to the error handlers; the stop below still holds
        await context.application.process_error(update, exc)
    raise ApplicationHandlerStop  # an automatic forward is never a command or content


async def _reply_with_related(update: Update, context: Context) -> None:
    """Do the work of `reply_with_related`."""
    message = update.effective_message
    if message is None or not message.is_automatic_forward:
        return
    origin = message.forward_origin
    if not isinstance(origin, MessageOriginChannel):
        return
    started = await start_thread(
        context.bot_data.db,
        group_chat_id=message.chat_id,
        thread_id=message.message_id,
        channel_chat_id=origin.chat.id,
        channel_message_id=origin.message_id,
    )
    if started is None or started.reply_html is None:
        return
    try:
        await message.reply_text(
            started.reply_html,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            do_quote=True,
        )
    except (BadRequest, Forbidden) as exc:  # may not write there: the thread stays counted
        log.warning(
            "discussion_reply_failed",
            extra={
                "chat_id": message.chat_id,
                "thread_id": message.message_id,
                "error": str(exc),
            },
        )


def thread_of(message: Message) -> int | None:
    """Return the comment thread a message belongs to (the copied post's id), or None."""
    if message.message_thread_id is not None:
        return message.message_thread_id
    replied = message.reply_to_message
    if replied is not None and replied.is_automatic_forward:
        return replied.message_id
    return None


def is_human_comment(message: Message, bot_id: int) -> bool:
    """Tell whether a message is a person's (or a chat speaking as itself), not a bot's."""
    if message.is_automatic_forward:
        return False
    if message.sender_chat is not None:
        return True  # an anonymous admin, or a channel commenting as itself
    user = message.from_user
    return user is not None and not user.is_bot and user.id != bot_id


async def record_comment(update: Update, context: Context) -> None:
    """Count a reply in one of the bot's comment threads on the post's article."""
    message = update.effective_message
    if message is None or not is_human_comment(message, context.bot.id):
        return
    thread_id = thread_of(message)
    if thread_id is None:
        return
    user = message.from_user
    await count_comment(
        context.bot_data.db,
        group_chat_id=message.chat_id,
        thread_id=thread_id,
        message_id=message.message_id,
        user_id=None if message.sender_chat is not None or user is None else user.id,
    )


def discussion_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The discussion feature's handlers by group (-2: automatic forwards; 1: comments)."""
    new_group_messages = filters.ChatType.SUPERGROUP & filters.UpdateType.MESSAGE
    return {
        AUTOMATIC_FORWARD_GROUP: [
            MessageHandler(new_group_messages & filters.IS_AUTOMATIC_FORWARD, reply_with_related)
        ],
        COMMENT_GROUP: [
            MessageHandler(
                new_group_messages & ~filters.IS_AUTOMATIC_FORWARD & ~filters.COMMAND,
                record_comment,
            )
        ],
    }
