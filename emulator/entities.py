"""Message entities and formatted text: the value objects shared by parsing and storage."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from emulator.errors import bad_request
from emulator.utf16 import utf16_length, utf16_offsets

# Order used by Telegram when two entities start at the same offset and have the same
# length (lower sorts first); blockquotes enclose everything, custom emoji sit innermost.
_TYPE_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "mention": 50,
    "hashtag": 50,
    "cashtag": 50,
    "bot_command": 50,
    "url": 50,
    "email": 50,
    "phone_number": 50,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}

ENTITY_TYPES = frozenset(_TYPE_PRIORITY)
TRIMMED_WHITESPACE = " \t\r\n"


@dataclass(frozen=True, slots=True)
class MessageEntity:
    """One entity of a text; offsets and lengths are in UTF-16 code units."""

    type: str
    offset: int
    length: int
    url: str | None = None
    user_id: int | None = None
    language: str | None = None
    custom_emoji_id: str | None = None

    @property
    def end(self) -> int:
        """Return the offset just past the entity."""
        return self.offset + self.length

    def overlaps(self, other: MessageEntity) -> bool:
        """Tell whether the two entities share at least one code unit."""
        return self.offset < other.end and other.offset < self.end


@dataclass(frozen=True, slots=True)
class FormattedText:
    """Plain text plus its entities, as Telegram stores a message text or caption."""

    text: str
    entities: tuple[MessageEntity, ...] = ()

    @property
    def utf16_length(self) -> int:
        """Return the text length in UTF-16 code units."""
        return utf16_length(self.text)


def sort_entities(entities: list[MessageEntity]) -> tuple[MessageEntity, ...]:
    """Sort entities as Telegram returns them: by offset, longer first, then by type."""
    return tuple(
        sorted(entities, key=lambda e: (e.offset, -e.length, _TYPE_PRIORITY.get(e.type, 50)))
    )


def trim_formatted(formatted: FormattedText) -> FormattedText:
    """Strip leading and trailing whitespace and clip the entities to what is left."""
    text = formatted.text
    stripped = text.strip(TRIMMED_WHITESPACE)
    if stripped == text:
        return formatted
    lead_chars = len(text) - len(text.lstrip(TRIMMED_WHITESPACE))
    offsets = utf16_offsets(text)
    lead = offsets[lead_chars]
    new_length = utf16_length(stripped)
    clipped: list[MessageEntity] = []
    for entity in formatted.entities:
        start = max(entity.offset - lead, 0)
        end = min(entity.end - lead, new_length)
        if end > start:
            clipped.append(replace(entity, offset=start, length=end - start))
    return FormattedText(stripped, sort_entities(clipped))


def entities_from_json(raw: object, text: str) -> tuple[MessageEntity, ...]:
    """Parse an `entities` parameter (JSON text or decoded list) given with plain text."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise bad_request("can't parse entities JSON object") from None
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    text_length = utf16_length(text)
    parsed: list[MessageEntity] = []
    for item in raw:
        entity = _entity_from_mapping(item)
        start = max(entity.offset, 0)
        end = min(entity.end, text_length)
        if end > start:
            parsed.append(replace(entity, offset=start, length=end - start))
    return sort_entities(parsed)


def _entity_from_mapping(item: object) -> MessageEntity:
    """Build one entity from its JSON object, with Telegram's complaints."""
    if not isinstance(item, dict):
        raise bad_request("can't parse MessageEntity: MessageEntity must be an Object")
    kind = item.get("type")
    offset = item.get("offset")
    length = item.get("length")
    if not isinstance(kind, str) or kind not in ENTITY_TYPES:
        raise bad_request("can't parse MessageEntity: Unsupported type specified")
    if not isinstance(offset, int) or not isinstance(length, int):
        raise bad_request('can\'t parse MessageEntity: Field "offset" must be a valid Number')
    user = item.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    return MessageEntity(
        type=kind,
        offset=offset,
        length=length,
        url=_optional_str(item.get("url")),
        user_id=user_id if isinstance(user_id, int) else None,
        language=_optional_str(item.get("language")),
        custom_emoji_id=_optional_str(item.get("custom_emoji_id")),
    )


def _optional_str(value: Any) -> str | None:
    """Return `value` if it is a string, else None."""
    return value if isinstance(value, str) else None
