"""Who may use the admin commands, and the one polite refusal everyone else gets.

Admin commands answer only in a private chat with the bot (in groups they stay silent) and
only users listed in `ADMIN_IDS`; any other user gets `NOT_AN_ADMIN` and nothing changes.
"""

from __future__ import annotations

from typing import Final

from telegram import Message, Update
from telegram.ext import filters

from bot.context import Context
from bot.ops.i18n import N_
from handlers.common import texts

NOT_AN_ADMIN: Final = N_("Sorry, only the bot's admins can do that.")


def is_admin(update: Update, context: Context) -> bool:
    """Tell whether the update comes from a user listed in `ADMIN_IDS`."""
    user = update.effective_user
    return user is not None and user.id in context.bot_data.settings.admin_ids


def private_commands() -> filters.BaseFilter:
    """Match new messages in private chats (admin commands are never answered in groups)."""
    return filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


async def admin_message(update: Update, context: Context) -> Message | None:
    """Return the command's message when an admin sent it; refuse anyone else politely
    (and return None)."""
    message = update.effective_message
    if message is None:
        return None
    if not is_admin(update, context):
        await message.reply_text(texts(update).gettext(NOT_AN_ADMIN))
        return None
    return message
