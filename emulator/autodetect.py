"""Entities Telegram adds by itself: URLs, e-mails, @mentions, #hashtags, $cashtags, /commands.

Telegram's detector is richer (bare domains, phone numbers, bank cards); this one finds
the common forms with a scheme or a marker character, which is what the bot relies on.
"""

from __future__ import annotations

import re

from emulator.entities import FormattedText, MessageEntity, sort_entities
from emulator.utf16 import utf16_offsets

_TRAILING_PUNCTUATION = ".,:;!?'\")]}"
_DETECTORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("url", re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,32}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
    ("cashtag", re.compile(r"(?<![\w$])\$[A-Z]{1,8}(?!\w)")),
    (
        "bot_command",
        re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])"),
    ),
)
# Entities inside which Telegram does not look for new ones.
_BLOCKING_TYPES = frozenset({"code", "pre", "text_link", "text_mention"})


def add_detected_entities(formatted: FormattedText) -> FormattedText:
    """Return `formatted` with the automatically detected entities added."""
    text = formatted.text
    if not any(marker in text for marker in ("://", "www.", "@", "#", "$", "/")):
        return formatted
    offsets = utf16_offsets(text)
    taken = [e for e in formatted.entities if e.type in _BLOCKING_TYPES]
    found: list[MessageEntity] = []
    for kind, pattern in _DETECTORS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "url":
                end = start + len(match.group().rstrip(_TRAILING_PUNCTUATION))
            candidate = MessageEntity(kind, offsets[start], offsets[end] - offsets[start])
            if candidate.length and not any(candidate.overlaps(e) for e in (*taken, *found)):
                found.append(candidate)
    if not found:
        return formatted
    return FormattedText(text, sort_entities([*formatted.entities, *found]))
