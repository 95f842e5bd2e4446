"""answerInlineQuery's rules: at most 50 results, unique ids of 1-64 bytes, valid content."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from emulator.entities import FormattedText, trim_formatted
from emulator.errors import ApiError, bad_request
from emulator.known_valid import KnownValid
from emulator.markup import ReplyMarkup, check_markup_for_chat, parse_reply_markup
from emulator.text_rules import MAX_TEXT_LENGTH, caption_text, parse_formatted

MAX_RESULTS = 50
MAX_RESULT_ID_BYTES = 64
MAX_NEXT_OFFSET_BYTES = 64
KNOWN_VALID_RESULTS = 20_000
_START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_REQUIRED_FIELDS = {
    "article": ("title", "input_message_content"),
    "photo": ("photo_url", "thumbnail_url"),
    "gif": ("gif_url", "thumbnail_url"),
    "mpeg4_gif": ("mpeg4_url", "thumbnail_url"),
    "video": ("video_url", "mime_type", "thumbnail_url", "title"),
    "audio": ("audio_url", "title"),
    "voice": ("voice_url", "title"),
    "document": ("title", "document_url", "mime_type"),
    "location": ("latitude", "longitude", "title"),
    "venue": ("latitude", "longitude", "title", "address"),
    "contact": ("phone_number", "first_name"),
    "game": ("game_short_name",),
    "sticker": ("sticker_file_id",),
}
_CACHED_ALTERNATIVES = {
    "photo": "photo_file_id",
    "gif": "gif_file_id",
    "mpeg4_gif": "mpeg4_file_id",
    "video": "video_file_id",
    "audio": "audio_file_id",
    "voice": "voice_file_id",
    "document": "document_file_id",
}


@dataclass(frozen=True, slots=True)
class PreparedResult:
    """One checked result, with the message it produces when a user chooses it."""

    id: str
    type: str
    text: FormattedText | None
    caption: FormattedText | None
    photo_url: str | None
    reply_markup: ReplyMarkup | None
    raw: dict[str, Any]


def _result_error(detail: str) -> ApiError:
    """Wrap a complaint about one result as Telegram does."""
    return bad_request(f"can't parse inline query result: {detail}")


VALID_RESULTS = KnownValid(KNOWN_VALID_RESULTS)
"""The JSON texts of results `prepare_result` accepted, in this process: a result is a pure
function of its JSON text, so a bot answering with results it sent before (its kept renders)
is not parsed again; the checks still run on every result not seen before, and on every
refused one."""


def prepare_results(raw: object) -> list[PreparedResult]:
    """Check the `results` parameter (already JSON-decoded) and prepare each result."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_request("expected an Array of inline query results")
    prepared = [prepare_result(item) for item in raw]
    _check_count_and_ids([result.id for result in prepared])
    return prepared


def checked_results_json(raw: object, texts: list[str] | None = None) -> tuple[str, int]:
    """Check the `results` parameter as `prepare_results` does (same errors, same order);
    return the results as JSON text and their count. `texts`: each result's JSON text as
    sent (`Params.json_elements`); without them each is encoded again (`json.dumps`).

    Each result's check is skipped when its exact JSON text passed before (`VALID_RESULTS`).
    """
    if raw is None:
        return "[]", 0
    if not isinstance(raw, list):
        raise bad_request("expected an Array of inline query results")
    if texts is None or len(texts) != len(raw):
        texts = [json.dumps(item) for item in raw]
    for item, text in zip(raw, texts, strict=True):
        if text not in VALID_RESULTS:
            prepare_result(item)
            VALID_RESULTS.add(text)
    _check_count_and_ids([item["id"] for item in raw])
    return "[" + ",".join(texts) + "]", len(texts)


def _check_count_and_ids(ids: list[str]) -> None:
    """At most 50 results, with unique ids."""
    if len(ids) > MAX_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    if len(set(ids)) != len(ids):
        raise bad_request("RESULT_ID_DUPLICATE")


def prepare_result(item: object) -> PreparedResult:
    """Check one result object and prepare the message it sends when chosen."""
    if not isinstance(item, dict):
        raise _result_error("Inline query result must be an object")
    kind = item.get("type")
    if not isinstance(kind, str):
        raise _result_error('Can\'t find field "type"')
    kind = kind.lower()
    if kind not in _REQUIRED_FIELDS:
        raise _result_error(f'Unsupported inline query result type "{kind}"')
    result_id = item.get("id")
    if not isinstance(result_id, str):
        raise _result_error('Can\'t find field "id"')
    if not 1 <= len(result_id.encode("utf-8")) <= MAX_RESULT_ID_BYTES:
        raise bad_request("RESULT_ID_INVALID")
    cached = _CACHED_ALTERNATIVES.get(kind)
    if not (cached and cached in item):
        for name in _REQUIRED_FIELDS[kind]:
            if name not in item:
                if name == "input_message_content":
                    raise _result_error("Input message content is not specified")
                raise _result_error(f'Can\'t find field "{name}"')
    content = item.get("input_message_content")
    if content is not None and not isinstance(content, dict):
        raise _result_error('Field "input_message_content" must be of type Object')
    text = _content_text(content, required=kind == "article")
    caption = caption_text(
        _optional_str(item.get("caption")),
        _optional_str(item.get("parse_mode")),
        item.get("caption_entities"),
    )
    markup = parse_reply_markup(item.get("reply_markup"), inline_only=True)
    check_markup_for_chat(markup, None)  # sent via inline mode: may land in any chat
    photo_url = _optional_str(item.get("photo_url"))
    return PreparedResult(result_id, kind, text, caption, photo_url, markup, item)


def _content_text(content: dict[str, Any] | None, *, required: bool) -> FormattedText | None:
    """Check an InputTextMessageContent like a sendMessage text (other contents pass)."""
    if content is None:
        return None
    message_text = content.get("message_text")
    if not isinstance(message_text, str) or not message_text:
        if required and not any(key in content for key in ("latitude", "phone_number")):
            raise _result_error("Input message content is not specified")
        return None
    try:
        formatted = parse_formatted(
            message_text, _optional_str(content.get("parse_mode")), content.get("entities")
        )
    except ApiError as exc:
        detail = exc.description.removeprefix("Bad Request: ")
        raise _result_error(detail[:1].upper() + detail[1:]) from None
    formatted = trim_formatted(formatted)
    if not formatted.text:
        raise bad_request("MESSAGE_EMPTY")
    if formatted.utf16_length > MAX_TEXT_LENGTH:
        raise bad_request("MESSAGE_TOO_LONG")
    return formatted


def check_next_offset(next_offset: str) -> str:
    """next_offset is at most 64 bytes."""
    if len(next_offset.encode("utf-8")) > MAX_NEXT_OFFSET_BYTES:
        raise bad_request("NEXT_OFFSET_INVALID")
    return next_offset


def check_results_button(raw: object) -> dict[str, Any] | None:
    """Check an InlineQueryResultsButton: text plus a web_app or a start_parameter."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise bad_request("can't parse InlineQueryResultsButton: Can't find field \"text\"")
    start = raw.get("start_parameter")
    if "web_app" not in raw and not (isinstance(start, str) and _START_PARAMETER.match(start)):
        raise bad_request("START_PARAM_INVALID")
    return raw


def _optional_str(value: object) -> str | None:
    """Return `value` if it is a string, else None."""
    return value if isinstance(value, str) else None
