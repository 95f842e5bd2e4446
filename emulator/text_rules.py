"""From a method's text parameters to the stored text: parse, trim, detect, check limits."""

from __future__ import annotations

from emulator.autodetect import add_detected_entities
from emulator.entities import FormattedText, entities_from_json, trim_formatted
from emulator.errors import ApiError, bad_request
from emulator.html_entities import EntityParseError, parse_html

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
SEND_TOO_LONG = "message is too long"
EDIT_TOO_LONG = "MESSAGE_TOO_LONG"


def parse_formatted(text: str, parse_mode: str | None, entities: object | None) -> FormattedText:
    """Apply the parse mode (or explicit entities) to `text`; whitespace is kept."""
    mode = (parse_mode or "").strip().lower()
    if mode in ("", "none"):
        if entities is None or entities == "":
            return FormattedText(text)
        return FormattedText(text, entities_from_json(entities, text))
    if mode == "html":
        try:
            return parse_html(text)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    if mode in ("markdown", "markdownv2"):
        raise ApiError(
            400, f"Bad Request: the emulator implements only the HTML parse mode, not {parse_mode}"
        )
    raise bad_request("unsupported parse_mode")


def message_text(
    text: str | None,
    parse_mode: str | None,
    entities: object | None,
    *,
    too_long: str = SEND_TOO_LONG,
) -> FormattedText:
    """Build a message text: non-empty after parsing and trimming, at most 4096 units."""
    if not text:
        raise bad_request("message text is empty")
    formatted = trim_formatted(parse_formatted(text, parse_mode, entities))
    if not formatted.text:
        raise bad_request("message text is empty")
    if formatted.utf16_length > MAX_TEXT_LENGTH:
        raise bad_request(too_long)
    return add_detected_entities(formatted)


def caption_text(
    caption: str | None, parse_mode: str | None, entities: object | None
) -> FormattedText | None:
    """Build a media caption (None when empty), at most 1024 units after parsing."""
    if not caption:
        return None
    formatted = trim_formatted(parse_formatted(caption, parse_mode, entities))
    if not formatted.text:
        return None
    if formatted.utf16_length > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return add_detected_entities(formatted)


def user_text(text: str, *, html: bool = False) -> FormattedText:
    """Build the text of a message a simulated user types (HTML only for formatting)."""
    formatted = parse_formatted(text, "HTML" if html else None, None)
    return add_detected_entities(trim_formatted(formatted))
