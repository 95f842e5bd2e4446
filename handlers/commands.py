"""`/start` (with deep-link payloads), `/help`, `/id`, and the command menu set at start.

Every text is in the user's language (`bot.ops.i18n`); the command menu is published once per
language: the default list in English, and one per catalog language (`language_code`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Final

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import Context
from bot.ops.i18n import N_, SOURCE_LANGUAGE, Texts, available_languages, texts_for
from bot.services.inline.results import NO_BOOKMARKS_START, NOTHING_FOUND_START
from handlers.common import texts

log = logging.getLogger(__name__)

COMMANDS: Final = (
    ("search", N_("Search the stories: /search WORDS")),
    ("bookmarks", N_("Your saved stories: /bookmarks [WORDS]")),
    ("trending", N_("The most saved, shared and discussed stories of the last 24 hours")),
    ("follow", N_("Get a message when new stories match: /follow WORDS")),
    ("following", N_("Your follows, to stop any of them")),
    ("export", N_("Your bookmarks as Markdown and JSON files")),
    ("help", N_("How to search and save")),
    ("start", N_("Welcome and a short tour")),
    ("id", N_("Your Telegram user id (for ADMIN_IDS)")),
)
"""The command menu of the private chat with the bot (descriptions translated when set)."""

HELP_LINES: Final = (
    N_("Search from any chat: type @{bot} and a few words, then pick a story to share it."),
    N_("• words: every word must match; the last one may be unfinished (@{bot} lighth)"),
    N_("• #tag: stories with that tag (@{bot} #harbour)"),
    N_('• "exact phrase" and source:NAME narrow it down'),
    N_("• saved: only your bookmarks (@{bot} saved ferry)"),
    "",
    N_("Press 🔖 Save under any story to keep it; press again to remove it."),
    N_("/bookmarks — your saved stories, newest first (/bookmarks WORDS searches them)"),
    N_("/search WORDS — search here in the chat"),
    N_("/trending — the most saved, shared and discussed stories of the last 24 hours"),
    N_("/follow WORDS — a message when new stories match; /following lists them, /unfollow N"),
    N_("/export — your bookmarks as Markdown and JSON files"),
)
"""The help message, one translated line each (`{bot}` is the bot's username)."""

WELCOME: Final = N_("Hello! I post news to channels and find stories for you.")
NOTHING_FOUND_TIPS: Final = N_(
    "Nothing matched your search. Try fewer or shorter words, one #tag, "
    "or leave the query empty to see the latest stories."
)
NO_BOOKMARKS_TIPS: Final = N_(
    "None of your bookmarks matched. Press 🔖 Save under a story in a channel, "
    "a shared message or a search result to keep it."
)
_PAYLOAD_INTROS: Final = {
    NOTHING_FOUND_START: NOTHING_FOUND_TIPS,
    NO_BOOKMARKS_START: NO_BOOKMARKS_TIPS,
}


def help_text(bot_username: str, language: Texts | None = None) -> str:
    """Return the help message for a bot with this username, in `language` (English)."""
    _ = (language or texts_for(None)).gettext
    return "\n".join(_(line).format(bot=bot_username) if line else "" for line in HELP_LINES)


async def start(update: Update, context: Context) -> None:
    """Greet the user; a deep-link payload (from the inline no-results button) adds tips."""
    message = update.effective_message
    if message is None:
        return
    language = texts(update)
    payload = context.args[0] if context.args else ""
    intro = language.gettext(_PAYLOAD_INTROS.get(payload, WELCOME))
    await message.reply_text(f"{intro}\n\n{help_text(context.bot.username, language)}")


async def show_help(update: Update, context: Context) -> None:
    """Explain the search language and the bookmark commands."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(help_text(context.bot.username, texts(update)))


YOUR_ID: Final = N_(
    "Your Telegram user id: {user_id}\n"
    "To make this account an admin of the bot, add it to ADMIN_IDS in the bot's settings."
)
CHAT_ID: Final = N_("This chat's id: {chat_id} ({kind})")
SENDER_ID: Final = N_("Your Telegram user id: {user_id}")


async def show_id(update: Update, context: Context) -> None:  # noqa: ARG001  # PTB's callback signature
    """Tell the sender their user id; in a group or channel, the chat's id as well."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    _ = texts(update).gettext
    user = update.effective_user
    if chat.type == ChatType.PRIVATE and user is not None:
        await message.reply_text(_(YOUR_ID).format(user_id=user.id))
        return
    lines = [_(CHAT_ID).format(chat_id=chat.id, kind=chat.type)]
    if user is not None and message.sender_chat is None:  # not posted as the chat itself
        lines.append(_(SENDER_ID).format(user_id=user.id))
    await message.reply_text("\n".join(lines))


def bot_commands(language: Texts) -> list[BotCommand]:
    """Return the command menu with its descriptions in `language`."""
    return [BotCommand(name, language.gettext(description)) for name, description in COMMANDS]


async def set_bot_commands(bot: Bot) -> bool:
    """Publish the private chat's command menu (setMyCommands) in English for everyone and
    in each catalog language for its users; return whether every list was set.

    A failure is logged, not raised: the bot works without its menu.
    """
    done = True
    for language in sorted(available_languages()):
        language_code = None if language == SOURCE_LANGUAGE else language
        try:
            await bot.set_my_commands(
                bot_commands(texts_for(language_code)),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=language_code,
            )
        except TelegramError as exc:
            log.warning("set_commands_failed", extra={"language": language, "error": str(exc)})
            done = False
    return done


def command_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The general commands' handlers by group (private chats, new messages only)."""
    private_messages = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return {
        0: [
            CommandHandler("start", start, filters=private_messages),
            CommandHandler("help", show_help, filters=private_messages),
            # Anywhere: a group's or channel's id is what `newsbot channels add` takes.
            CommandHandler(
                "id",
                show_id,
                filters=(filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST)
                & ~filters.IS_AUTOMATIC_FORWARD,
            ),
        ]
    }
