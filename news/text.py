"""Text that can be stored and sent: lone UTF-16 surrogates replaced.

A lone surrogate (U+D800..U+DFFF) is a valid Python `str` character that no UTF-8 encoder
accepts: a JSON `"\\ud800"`, a character reference `&#xD800;` or a Telegram update can carry
one, and it raises `UnicodeEncodeError` wherever the text is written (SQLite, hashes, the Bot
API). Text from outside passes through `scrub_surrogates` before it is stored or echoed.

`is_tidy` tells the cleaners and hashers when `" ".join(text.split())` would change nothing.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogates(text: str) -> bool:
    """Tell whether `text` holds a lone surrogate (it cannot be encoded as UTF-8)."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def scrub_surrogates(text: str) -> str:
    """Return `text` with every lone surrogate replaced by U+FFFD."""
    if text.isascii():
        return text
    return _SURROGATE.sub(REPLACEMENT, text)


# The printable ASCII characters: deleting them from ASCII text leaves its unprintable ones.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def is_tidy(text: str) -> bool:
    """Tell whether `" ".join(text.split()) == text`: no whitespace but single inner spaces
    (every other whitespace character, ASCII or not, is unprintable)."""
    return is_printable(text) and "  " not in text and text[:1] != " " and text[-1:] != " "


def is_printable(text: str) -> bool:
    """`text.isprintable()`, four times faster for ASCII text (most of what is ingested):
    `str.isprintable` looks every character up in the Unicode tables."""
    if text.isascii():
        return not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
    return text.isprintable()
