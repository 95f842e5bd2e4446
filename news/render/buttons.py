"""The inline keyboard under a post, described without Telegram types, and its wire formats.

Callback data (at most 64 bytes on Telegram) is versioned: `s1:<article id>` means "toggle
the bookmark of article <id>, format 1". Anything else — a forged id with leading zeros or
a sign, another prefix, an id out of range, garbage — decodes to None, so handlers answer
politely and change nothing. The article id is not secret (pressing Save only ever touches
the presser's own bookmarks); the handler still checks that the article exists.

The Share button opens the chat picker with the inline query `id:<article id>`; the inline
handler resolves it exactly with `decode_share_query` before reading the query language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SAVE_LABEL = "🔖 Save"
SHARE_LABEL = "↗ Share"
MAX_ARTICLE_ID = 2**63 - 1  # SQLite's largest rowid
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_QUERY_CHARS = 256

_SAVE_PREFIX = "s1:"
_SHARE_PREFIX = "id:"
_SAVE_DATA = re.compile(r"s1:([1-9][0-9]{0,18})")
_SHARE_QUERY = re.compile(r"\s*id:([1-9][0-9]{0,18})\s*")


@dataclass(frozen=True, slots=True)
class PostButton:
    """One inline button: a callback button or a switch-inline-query button, never both."""

    text: str
    callback_data: str | None = None
    switch_inline_query: str | None = None

    def __post_init__(self) -> None:
        """Refuse a button with no action, two actions, or data over Telegram's limits."""
        if (self.callback_data is None) == (self.switch_inline_query is None):
            raise ValueError("a button needs exactly one of callback_data, switch_inline_query")
        if self.callback_data is not None and not (
            0 < len(self.callback_data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
        ):
            raise ValueError("callback_data must be 1-64 bytes")
        if (
            self.switch_inline_query is not None
            and len(self.switch_inline_query) > MAX_INLINE_QUERY_CHARS
        ):
            raise ValueError("switch_inline_query must be at most 256 characters")


Keyboard = tuple[tuple[PostButton, ...], ...]
"""Rows of buttons, top to bottom; the publisher maps it to an InlineKeyboardMarkup."""


@dataclass(frozen=True, slots=True)
class SaveAction:
    """A decoded Save press: toggle the presser's bookmark of this article."""

    article_id: int


def _checked_id(article_id: int) -> int:
    """Return `article_id` when it is a valid article id, else raise ValueError."""
    if (
        not isinstance(article_id, int)
        or isinstance(article_id, bool)
        or not 0 < article_id <= MAX_ARTICLE_ID
    ):
        raise ValueError(f"article id must be an integer in 1..2**63-1, got {article_id!r}")
    return article_id


def encode_save(article_id: int) -> str:
    """Return the callback data of the Save button for an article (`s1:<id>`)."""
    return f"{_SAVE_PREFIX}{_checked_id(article_id)}"


def decode_callback(data: str | None) -> SaveAction | None:
    """Return the action encoded in callback data, or None for anything not ours or forged."""
    if not isinstance(data, str) or len(data) > MAX_CALLBACK_DATA_BYTES:
        return None
    match = _SAVE_DATA.fullmatch(data)
    if match is None:
        return None
    article_id = int(match.group(1))
    return SaveAction(article_id) if article_id <= MAX_ARTICLE_ID else None


def encode_share_query(article_id: int) -> str:
    """Return the inline query the Share button pre-fills for an article (`id:<id>`)."""
    return f"{_SHARE_PREFIX}{_checked_id(article_id)}"


def decode_share_query(query: str) -> int | None:
    """Return the article id of a Share query (`id:<id>`, spaces around allowed), else None."""
    if len(query) > MAX_INLINE_QUERY_CHARS:
        return None
    match = _SHARE_QUERY.fullmatch(query)
    if match is None:
        return None
    article_id = int(match.group(1))
    return article_id if article_id <= MAX_ARTICLE_ID else None


def post_keyboard(article_id: int, *, share: bool = True) -> Keyboard:
    """Return the buttons under a post: `🔖 Save` and, unless `share` is False, `↗ Share`."""
    save = PostButton(SAVE_LABEL, callback_data=encode_save(article_id))
    if not share:
        return ((save,),)
    return ((save, PostButton(SHARE_LABEL, switch_inline_query=encode_share_query(article_id))),)


def keyboard_json(keyboard: Keyboard) -> dict[str, Any]:
    """Return the renderer's keyboard as the Bot API's InlineKeyboardMarkup JSON object."""
    return {"inline_keyboard": [[_button_json(button) for button in row] for row in keyboard]}


def _button_json(button: PostButton) -> dict[str, str]:
    """Return one button as Bot API JSON (only the fields it sets)."""
    fields = {"text": button.text}
    if button.callback_data is not None:
        fields["callback_data"] = button.callback_data
    if button.switch_inline_query is not None:
        fields["switch_inline_query"] = button.switch_inline_query
    return fields
