"""Admin commands, in a private chat with the bot: `/addchannel @name [style]`.

Only users in the `ADMIN_IDS` setting may use them; others get a polite refusal. In groups
and channels the bot stays quiet (the handlers only match private chats).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.channel_check import ChannelCheckError, add_checked_channel, parse_channel_reference
from bot.context import Context
from storage.models import ChannelStyle

ADD_CHANNEL_USAGE = (
    "Usage: /addchannel @channel [text|photo|compact]\n"
    "First add the bot to the channel as an administrator allowed to post messages."
)
NOT_AN_ADMIN = "Sorry, only the bot's admins can do that."


def is_admin(update: Update, context: Context) -> bool:
    """Tell whether the update comes from a user listed in `ADMIN_IDS`."""
    user = update.effective_user
    return user is not None and user.id in context.bot_data.settings.admin_ids


def _sentence(text: str) -> str:
    """Return `text` with a capital first letter."""
    return text[:1].upper() + text[1:]


async def add_channel(update: Update, context: Context) -> None:
    """Check that the bot may post in the named channel, then add it."""
    message = update.effective_message
    if message is None:
        return
    if not is_admin(update, context):
        await message.reply_text(NOT_AN_ADMIN)
        return
    args = context.args or []
    if len(args) not in (1, 2):
        await message.reply_text(ADD_CHANNEL_USAGE)
        return
    styles = {style.value: style for style in ChannelStyle}
    style = styles.get(args[1].lower()) if len(args) == 2 else None
    if len(args) == 2 and style is None:
        await message.reply_text(f"Unknown style {args[1]!r}: use text, photo or compact.")
        return
    try:
        reference = parse_channel_reference(args[0])
        added = await add_checked_channel(context.bot, context.bot_data.db, reference, style=style)
    except ChannelCheckError as exc:
        await message.reply_text(f"Not added: {exc}.")
        return
    await message.reply_text(_sentence(added.describe()) + ".")


def admin_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The admin feature's handlers by group (private chats, new messages only)."""
    private_messages = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return {0: [CommandHandler("addchannel", add_channel, filters=private_messages)]}
