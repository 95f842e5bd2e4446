"""Reply markup: inline keyboards checked as Telegram checks them, other keyboards kept.

One deliberate difference: Telegram silently uses the first action of a button that
names several; the emulator refuses such a button so that the mistake surfaces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from emulator.errors import ApiError, bad_request
from emulator.links import LinkError, normalize_link

MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTONS = 100
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "callback_game",
    "pay",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "login_url",
    "web_app",
    "copy_text",
)

InlineKeyboard = list[list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class ReplyMarkup:
    """A validated reply_markup: an inline keyboard, or another kind of keyboard."""

    inline_keyboard: InlineKeyboard | None = None
    other: dict[str, Any] | None = None

    @property
    def has_web_app(self) -> bool:
        """Tell whether an inline button opens a Mini App (`web_app`)."""
        return any("web_app" in button for row in self.inline_keyboard or () for button in row)

    def to_api(self) -> dict[str, Any] | None:
        """Return the markup as it appears in a Message (inline keyboards only)."""
        if self.inline_keyboard is None:
            return None
        return {"inline_keyboard": self.inline_keyboard}


def parse_reply_markup(raw: object | None, *, inline_only: bool = False) -> ReplyMarkup | None:
    """Parse and check a `reply_markup` parameter (JSON text or decoded object)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(raw, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in raw:
        keyboard = _inline_keyboard(raw["inline_keyboard"])
        return ReplyMarkup(inline_keyboard=keyboard) if keyboard else None
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in raw:
        _check_reply_keyboard(raw["keyboard"])
        return ReplyMarkup(other=raw)
    if raw.get("remove_keyboard") is True or raw.get("force_reply") is True:
        return ReplyMarkup(other=raw)
    return None


def _inline_keyboard(rows: object) -> InlineKeyboard:
    """Check every row and button of an inline keyboard; return its normalized form."""
    if not isinstance(rows, list):
        raise bad_request('Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    keyboard: InlineKeyboard = []
    for row in rows:
        if not isinstance(row, list):
            raise bad_request(
                'Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        keyboard.append([_inline_button(button) for button in row])
    if sum(len(row) for row in keyboard) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return [row for row in keyboard if row]


def _button_error(detail: str) -> ApiError:
    """Wrap a button complaint as Telegram does."""
    return bad_request(f"can't parse inline keyboard button: {detail}")


def _inline_button(button: object) -> dict[str, Any]:
    """Check one inline button: text, exactly one action, data size, URL scheme."""
    if not isinstance(button, dict):
        raise _button_error("InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise _button_error('Can\'t find field "text"')
    text = button["text"]
    if not isinstance(text, str):
        raise _button_error('Field "text" must be of type String')
    if not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in BUTTON_ACTIONS if _has_action(button, name)]
    if not actions:
        raise _button_error("Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _button_error(
            f"exactly one of the optional fields must be used, got {', '.join(actions)}"
        )
    action = actions[0]
    value = button[action]
    if action in ("url", "callback_data") and not isinstance(value, str):
        raise _button_error(f'Field "{action}" must be of type String')
    if action == "callback_data" and len(value.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")
    if action == "web_app":
        value = {"url": check_web_app_url(value, "inline keyboard button Web App URL")}
    if action == "url":
        try:
            value = normalize_link(value)
        except LinkError as exc:
            raise bad_request(f"inline keyboard button URL '{value}' is invalid: {exc}") from None
    return {"text": text, action: value}


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def check_web_app_url(info: object, what: str) -> str:
    """Check a WebAppInfo: an object whose `url` is https (http on a loopback host too, as
    Telegram's test environment allows for local Mini Apps); return the URL."""
    url = info.get("url") if isinstance(info, dict) else None
    if not isinstance(url, str) or not url:
        raise bad_request('can\'t parse WebAppInfo: Field "url" must be of type String')
    parts = urlsplit(url)
    loopback = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    if not (parts.scheme == "https" and parts.hostname) and not loopback:
        raise bad_request(f"{what} '{url}' is invalid: Only HTTPS links are allowed")
    return url


def check_markup_for_chat(markup: ReplyMarkup | None, chat_type: str | None) -> None:
    """Refuse Mini App buttons outside a private chat with the bot (Telegram's rule);
    `chat_type` None: a message sent via inline mode, which may land anywhere."""
    if markup is not None and markup.has_web_app and chat_type != "private":
        raise bad_request("BUTTON_TYPE_INVALID")


def _has_action(button: dict[str, Any], name: str) -> bool:
    """Tell whether a button names an action (an empty url or data names none)."""
    if name not in button or button[name] is None:
        return False
    return not (name in ("url", "callback_data") and button[name] == "")


def _check_reply_keyboard(rows: object) -> None:
    """Check the shape of a reply keyboard (rows of strings or objects with text)."""
    if not isinstance(rows, list):
        raise bad_request('Field "keyboard" of the ReplyKeyboardMarkup must be an Array')
    for row in rows:
        if not isinstance(row, list):
            raise bad_request(
                'Field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays'
            )
        for button in row:
            if isinstance(button, dict) and isinstance(button.get("text"), str):
                continue
            if isinstance(button, str):
                continue
            raise bad_request(
                "can't parse keyboard button: KeyboardButton must be a String or an Object"
            )


def find_button(keyboard: InlineKeyboard, *, data: str | None, text: str | None) -> dict[str, Any]:
    """Find a button by callback data or by text; raise LookupError when absent."""
    for row in keyboard:
        for button in row:
            if data is not None and button.get("callback_data") == data:
                return button
            if data is None and text is not None and button.get("text") == text:
                return button
    raise LookupError("no such button")
