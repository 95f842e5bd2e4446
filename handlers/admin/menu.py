"""The admins' command menu: everyone's commands plus the admin commands, set per admin chat
(setMyCommands with `BotCommandScopeChat`) in English and in each catalog language."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Final

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.ops.i18n import N_, SOURCE_LANGUAGE, Texts, available_languages, texts_for
from handlers.commands import bot_commands

log = logging.getLogger(__name__)

ADMIN_COMMANDS: Final = (
    ("sources", N_("Sources: state, errors, next fetch")),
    ("addsource", N_("Watch a feed: /addsource URL [@channel]")),
    ("pause", N_("Stop fetching a source: /pause ID")),
    ("resume", N_("Fetch a source again: /resume ID")),
    ("removesource", N_("Remove a source and its articles: /removesource ID")),
    ("channels", N_("Channels: state, sources, posts")),
    ("addchannel", N_("Post to a channel: /addchannel @channel")),
    ("routes", N_("Routes: ids, sources, channels, options")),
    (
        "setroute",
        N_("Route options: /setroute ID preview= silent= topic= full_text= template="),
    ),
    ("digest", N_("A channel's daily digest: /digest @channel 18 Europe/Berlin")),
    ("quiet", N_("A channel's quiet hours: /quiet @channel 23-07 Europe/Berlin")),
    ("stats", N_("Counts and recent errors")),
)
"""The admin commands in the menu, after everyone's commands."""


def admin_bot_commands(language: Texts) -> list[BotCommand]:
    """Return an admin's whole menu (everyone's commands, then the admin ones) in `language`."""
    admin = [BotCommand(name, language.gettext(text)) for name, text in ADMIN_COMMANDS]
    return [*bot_commands(language), *admin]


async def set_admin_commands(bot: Bot, admin_ids: Iterable[int]) -> int:
    """Give each admin's private chat the admin menu; return how many admins got every
    language. A failure (an admin who never started the bot) is logged, not raised."""
    done = 0
    for admin_id in sorted(set(admin_ids)):
        ok = True
        for language in sorted(available_languages()):
            language_code = None if language == SOURCE_LANGUAGE else language
            try:
                await bot.set_my_commands(
                    admin_bot_commands(texts_for(language_code)),
                    scope=BotCommandScopeChat(admin_id),
                    language_code=language_code,
                )
            except TelegramError as exc:
                log.warning(
                    "set_admin_commands_failed",
                    extra={"admin_id": admin_id, "language": language, "error": str(exc)},
                )
                ok = False
                break
        done += ok
    return done
