"""`/addchannel @name [style]` in an admin's private chat: check the bot's rights, store it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.delivery.channel_check import (
    ChannelAdded,
    ChannelCheckError,
    add_checked_channel,
    parse_channel_reference,
)
from bot.ops.i18n import N_, Texts
from handlers.admin.access import admin_message, private_commands
from handlers.common import texts
from news.entities import ChannelStyle

ADD_CHANNEL_USAGE: Final = N_(
    "Usage: /addchannel @channel [text|photo|compact]\n"
    "First add the bot to the channel as an administrator allowed to post messages."
)


def describe_added(added: ChannelAdded, language: Texts) -> str:
    """Say in one sentence what adding the channel did."""
    _ = language.gettext
    channel = added.channel
    fields = {
        "id": channel.id,
        "name": f"@{channel.username}" if channel.username else channel.title or channel.chat_id,
        "chat_id": channel.chat_id,
        "style": channel.style.value,
    }
    if added.created:
        return _("Added channel {id}: {name} (chat {chat_id}, style {style}).").format(**fields)
    if added.resumed:
        return _(
            "Channel {id}: {name} (chat {chat_id}, style {style}) was paused; the bot may "
            "post again, so it is resumed."
        ).format(**fields)
    return _(
        "Channel {id}: {name} (chat {chat_id}, style {style}) was already added; its details "
        "are refreshed."
    ).format(**fields)


async def add_channel(update: Update, context: Context) -> None:
    """Check that the bot may post in the named channel, then add it."""
    message = await admin_message(update, context)
    if message is None:
        return
    language = texts(update)
    _ = language.gettext
    args = context.args or []
    if len(args) not in (1, 2):
        await message.reply_text(_(ADD_CHANNEL_USAGE))
        return
    styles = {style.value: style for style in ChannelStyle}
    style = styles.get(args[1].lower()) if len(args) == 2 else None
    if len(args) == 2 and style is None:
        await message.reply_text(
            _("Unknown style {style}: use text, photo or compact.").format(style=repr(args[1]))
        )
        return
    try:
        reference = parse_channel_reference(args[0])
        added = await add_checked_channel(context.bot, context.bot_data.db, reference, style=style)
    except ChannelCheckError as exc:
        # The check's reason quotes Telegram and stays English (bot.delivery.channel_check).
        await message.reply_text(_("Not added: {reason}.").format(reason=exc))
        return
    await message.reply_text(describe_added(added, language))


def channel_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """`/addchannel`'s handler by group (private chats, new messages only)."""
    return {0: [CommandHandler("addchannel", add_channel, filters=private_commands())]}
