"""Answers to users' queries: answerCallbackQuery and answerInlineQuery."""

from __future__ import annotations

from emulator.core import Emulator
from emulator.errors import bad_request
from emulator.inline_results import (
    check_next_offset,
    check_results_button,
    checked_results_json,
)
from emulator.methods.base import Handler
from emulator.params import Params
from emulator.state import InlineAnswer

QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
MAX_CALLBACK_ANSWER_CHARS = 200


async def answer_callback_query(emu: Emulator, params: Params) -> object:
    """answerCallbackQuery: once per query, within the timeout, text up to 200 chars."""
    text = params.text("text") or ""
    if len(text) > MAX_CALLBACK_ANSWER_CHARS:
        raise bad_request("MESSAGE_TOO_LONG")
    url = params.text("url")
    if url and not url.startswith(("https://t.me/", "http://t.me/", "tg://")):
        raise bad_request("URL_INVALID")
    record = emu.world.callback_queries.get(params.text("callback_query_id") or "")
    if (
        record is None
        or record.answer is not None
        or emu.config.clock() - record.created > emu.config.callback_query_timeout
    ):
        raise bad_request(QUERY_INVALID)
    record.answer = {
        "text": text,
        "show_alert": params.flag("show_alert"),
        "url": url,
        "cache_time": params.integer("cache_time") or 0,
    }
    emu.notify()
    return True


async def answer_inline_query(emu: Emulator, params: Params) -> object:
    """answerInlineQuery: checked results, once per query, within 10 seconds."""
    raw, texts = params.json_elements(
        "results", error="can't parse JSON encoded inline query results"
    )
    results_json, result_count = checked_results_json(raw, texts)
    next_offset = check_next_offset(params.text("next_offset") or "")
    button = check_results_button(
        params.json_value("button", error="can't parse InlineQueryResultsButton JSON object")
    )
    record = emu.world.inline_queries.get(params.text("inline_query_id") or "")
    now = emu.config.clock()
    if (
        record is None
        or record.answer is not None
        or now - record.created > emu.config.inline_query_timeout
    ):
        raise bad_request(QUERY_INVALID)
    cache_time = params.integer("cache_time")
    record.answer = InlineAnswer(
        results_json=results_json,
        result_count=result_count,
        next_offset=next_offset,
        cache_time=300 if cache_time is None else cache_time,
        is_personal=params.flag("is_personal"),
        button=button,
    )
    record.answered_at = now
    emu.notify()
    return True


METHODS: dict[str, Handler] = {
    "answerCallbackQuery": answer_callback_query,
    "answerInlineQuery": answer_inline_query,
}
