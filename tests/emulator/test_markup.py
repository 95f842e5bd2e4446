"""Reply markup rules: one action per button, callback_data 1-64 bytes, URL schemes."""

from __future__ import annotations

import json

import pytest

from emulator.errors import ApiError
from emulator.markup import parse_reply_markup


def inline(*buttons: dict[str, object]) -> str:
    """Encode an inline keyboard of one row, as PTB sends it in a form field."""
    return json.dumps({"inline_keyboard": [list(buttons)]})


def refusal(raw: object, **options: bool) -> str:
    """Return the description of the error parsing `raw` raises."""
    with pytest.raises(ApiError) as caught:
        parse_reply_markup(raw, **options)
    assert caught.value.error_code == 400
    return caught.value.description


def test_a_valid_keyboard_is_kept_as_telegram_returns_it():
    markup = parse_reply_markup(
        inline({"text": "Save", "callback_data": "save:1"}, {"text": "Go", "url": "https://a.org"})
    )
    assert markup is not None
    assert markup.to_api() == {
        "inline_keyboard": [
            [{"text": "Save", "callback_data": "save:1"}, {"text": "Go", "url": "https://a.org/"}]
        ]
    }


def test_callback_data_is_limited_to_64_bytes():
    assert parse_reply_markup(inline({"text": "x", "callback_data": "d" * 64})) is not None
    assert parse_reply_markup(inline({"text": "x", "callback_data": "é" * 32})) is not None
    assert refusal(inline({"text": "x", "callback_data": "d" * 65})) == (
        "Bad Request: BUTTON_DATA_INVALID"
    )
    assert refusal(inline({"text": "x", "callback_data": "é" * 33})) == (
        "Bad Request: BUTTON_DATA_INVALID"
    )


@pytest.mark.parametrize(
    "button", [{"text": "x"}, {"text": "x", "callback_data": ""}, {"text": "x", "url": ""}]
)
def test_a_button_needs_an_action(button):
    assert refusal(inline(button)) == (
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard"
    )


def test_a_button_takes_exactly_one_action():
    description = refusal(inline({"text": "x", "callback_data": "a", "url": "https://a.org"}))
    assert description.startswith(
        "Bad Request: can't parse inline keyboard button: exactly one of the optional fields"
    )


@pytest.mark.parametrize("url", ["ftp://files.example.org/x", "javascript:alert(1)"])
def test_url_buttons_accept_only_http_https_and_tg(url):
    assert refusal(inline({"text": "x", "url": url})) == (
        f"Bad Request: inline keyboard button URL '{url}' is invalid: Unsupported URL protocol"
    )


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("http://a.org/x", "http://a.org/x"),
        ("tg://resolve?domain=news", "tg://resolve?domain=news"),
        ("a.org", "http://a.org/"),
    ],
)
def test_accepted_urls_are_normalized(url, stored):
    markup = parse_reply_markup(inline({"text": "x", "url": url}))
    assert markup is not None
    assert markup.inline_keyboard == [[{"text": "x", "url": stored}]]


def test_missing_text_and_bad_shapes_are_refused():
    assert refusal(inline({"callback_data": "a"})) == (
        "Bad Request: can't parse inline keyboard button: Can't find field \"text\""
    )
    assert refusal('{"inline_keyboard": {}}') == (
        'Bad Request: Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array'
    )
    assert refusal('{"inline_keyboard": [{}]}') == (
        'Bad Request: Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of '
        "Arrays"
    )
    assert refusal("{not json") == "Bad Request: can't parse reply keyboard markup JSON object"


def test_more_than_100_buttons_is_too_long():
    rows = [[{"text": "x", "callback_data": str(n)}] for n in range(101)]
    assert (
        refusal(json.dumps({"inline_keyboard": rows})) == "Bad Request: reply markup is too long"
    )


def test_reply_keyboards_are_kept_but_not_where_inline_is_required():
    keyboard = json.dumps({"keyboard": [["Latest", {"text": "Saved"}]], "resize_keyboard": True})
    markup = parse_reply_markup(keyboard)
    assert markup is not None
    assert markup.to_api() is None
    assert markup.other == json.loads(keyboard)
    assert refusal(keyboard, inline_only=True) == "Bad Request: inline keyboard expected"


def test_empty_inline_keyboard_means_no_keyboard():
    assert parse_reply_markup('{"inline_keyboard": []}') is None
