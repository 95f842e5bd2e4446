"""Hashtags for posts: a tag's display text turned into a `#word` Telegram links as a hashtag.

The rule (the same as `news.tags.display_tag`, applied again here because rendering must
not trust its input): the text is NFC-normalised, apostrophes are dropped, and every run of
characters that are not letters or digits (of any script) becomes one `_`, trimmed at both
ends; case and accents are kept. `São Paulo` → `#São_Paulo`, `Al-Qaeda` → `#Al_Qaeda`,
`O'Brien` → `#OBrien`, `Москва` → `#Москва`. A tag left empty, without any letter (`2024`,
`_`), or longer than `MAX_HASHTAG_CHARS` is skipped; duplicates (ignoring case) are shown
once; at most `MAX_HASHTAGS` are shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_HASHTAGS = 6
MAX_HASHTAG_CHARS = 64

_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_WORD = re.compile(r"[\W_]+")


def hashtag_body(tag: str) -> str:
    """Return the hashtag text after `#` for a tag, or "" when the tag makes no hashtag."""
    text = tag if tag.isascii() else unicodedata.normalize("NFC", tag)
    body = _NOT_WORD.sub("_", _APOSTROPHES.sub("", text)).strip("_")
    if len(body) > MAX_HASHTAG_CHARS or not any(char.isalpha() for char in body):
        return ""
    return body


def hashtags(tags: Iterable[str], *, limit: int = MAX_HASHTAGS) -> list[str]:
    """Return up to `limit` distinct `#hashtags` for the tags, in their order."""
    found: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        body = hashtag_body(tag)
        key = body.casefold()
        if body and key not in seen:
            seen.add(key)
            found.append("#" + body)
            if len(found) >= limit:
                break
    return found
