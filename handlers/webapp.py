"""The Mini App's doors in the chat: the menu button and the `/bookmarks` web-app button.

Both are there only when WEBAPP_URL is set; the app itself is served by `bot.app.webapp`.
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardButton, MenuButtonWebApp, WebAppInfo
from telegram.error import TelegramError

from bot.ops.i18n import Texts, texts_for
from bot.services.webapp.texts import MENU_BUTTON, OPEN_READING_LIST

log = logging.getLogger(__name__)


async def set_menu_button(bot: Bot, url: str) -> bool:
    """Make the menu button of every private chat open the Mini App (setChatMenuButton);
    return whether Telegram took it. A failure is logged, not raised."""
    button = MenuButtonWebApp(texts_for(None).gettext(MENU_BUTTON), WebAppInfo(url))
    try:
        await bot.set_chat_menu_button(menu_button=button)
    except TelegramError as exc:
        log.warning("set_menu_button_failed", extra={"error": str(exc)})
        return False
    return True


def open_app_button(url: str, language: Texts) -> InlineKeyboardButton:
    """Return the `Open reading list` button (a web-app button: private chats only)."""
    return InlineKeyboardButton(language.gettext(OPEN_READING_LIST), web_app=WebAppInfo(url))
