"""`/start` (with deep-link payloads), `/help`, and the command menu set at start."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Final

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import Context
from bot.inline_results import NO_BOOKMARKS_START, NOTHING_FOUND_START

log = logging.getLogger(__name__)

COMMANDS: Final = (
    ("search", "Search the stories: /search WORDS"),
    ("bookmarks", "Your saved stories: /bookmarks [WORDS]"),
    ("export", "Your bookmarks as Markdown and JSON files"),
    ("help", "How to search and save"),
    ("start", "Welcome and a short tour"),
)
"""The command menu of the private chat with the bot."""

HELP: Final = (
    "Search from any chat: type @{bot} and a few words, then pick a story to share it.\n"
    "• words: every word must match; the last one may be unfinished (@{bot} lighth)\n"
    "• #tag: stories with that tag (@{bot} #harbour)\n"
    '• "exact phrase" and source:NAME narrow it down\n'
    "• saved: only your bookmarks (@{bot} saved ferry)\n\n"
    "Press 🔖 Save under any story to keep it; press again to remove it.\n"
    "/bookmarks — your saved stories, newest first (/bookmarks WORDS searches them)\n"
    "/search WORDS — search here in the chat\n"
    "/export — your bookmarks as Markdown and JSON files"
)
WELCOME: Final = "Hello! I post news to channels and find stories for you.\n\n"
NOTHING_FOUND_TIPS: Final = (
    "Nothing matched your search. Try fewer or shorter words, one #tag, "
    "or leave the query empty to see the latest stories.\n\n"
)
NO_BOOKMARKS_TIPS: Final = (
    "None of your bookmarks matched. Press 🔖 Save under a story in a channel, "
    "a shared message or a search result to keep it.\n\n"
)
_PAYLOAD_INTROS: Final = {
    NOTHING_FOUND_START: NOTHING_FOUND_TIPS,
    NO_BOOKMARKS_START: NO_BOOKMARKS_TIPS,
}


def help_text(bot_username: str) -> str:
    """Return the help message for a bot with this username."""
    return HELP.format(bot=bot_username)


async def start(update: Update, context: Context) -> None:
    """Greet the user; a deep-link payload (from the inline no-results button) adds tips."""
    message = update.effective_message
    if message is None:
        return
    payload = context.args[0] if context.args else ""
    intro = _PAYLOAD_INTROS.get(payload, WELCOME)
    await message.reply_text(intro + help_text(context.bot.username))


async def show_help(update: Update, context: Context) -> None:
    """Explain the search language and the bookmark commands."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(help_text(context.bot.username))


async def set_bot_commands(bot: Bot) -> bool:
    """Publish the private chat's command menu (setMyCommands); return whether it was set.

    A failure is logged, not raised: the bot works without its menu.
    """
    try:
        await bot.set_my_commands(
            [BotCommand(name, description) for name, description in COMMANDS],
            scope=BotCommandScopeAllPrivateChats(),
        )
    except TelegramError as exc:
        log.warning("event=set_commands_failed error=%s", exc)
        return False
    return True


def command_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The general commands' handlers by group (private chats, new messages only)."""
    private_messages = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return {
        0: [
            CommandHandler("start", start, filters=private_messages),
            CommandHandler("help", show_help, filters=private_messages),
        ]
    }
