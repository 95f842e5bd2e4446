"""Message texts and captions: limits in UTF-16 units after parsing, trimming, detection."""

from __future__ import annotations

import pytest

from emulator.errors import ApiError
from emulator.text_rules import EDIT_TOO_LONG, caption_text, message_text, user_text


def description(error: pytest.ExceptionInfo[ApiError]) -> str:
    """Return the API error's description."""
    return error.value.description


@pytest.mark.parametrize("text", [None, "", "   \n ", "<b></b>", "<b> </b>"])
def test_empty_text_is_refused(text):
    with pytest.raises(ApiError) as caught:
        message_text(text, "HTML", None)
    assert caught.value.error_code == 400
    assert description(caught) == "Bad Request: message text is empty"


def test_length_is_counted_after_parsing_in_utf16_units():
    assert message_text("<b>" + "x" * 4096 + "</b>", "HTML", None).utf16_length == 4096
    assert message_text("😀" * 2048, None, None).utf16_length == 4096
    with pytest.raises(ApiError) as caught:
        message_text("😀" * 2048 + "x", None, None)
    assert description(caught) == "Bad Request: message is too long"


def test_edits_report_telegrams_other_wording_for_too_long():
    with pytest.raises(ApiError) as caught:
        message_text("x" * 4097, None, None, too_long=EDIT_TOO_LONG)
    assert description(caught) == "Bad Request: MESSAGE_TOO_LONG"


def test_caption_limit_is_1024_units_and_empty_means_none():
    assert caption_text("x" * 1024, None, None) is not None
    assert caption_text("", None, None) is None
    assert caption_text("  ", None, None) is None
    with pytest.raises(ApiError) as caught:
        caption_text("<i>" + "😀" * 513 + "</i>", "HTML", None)
    assert description(caught) == "Bad Request: message caption is too long"


def test_surrounding_whitespace_is_trimmed_and_entities_follow():
    formatted = message_text("\n  <b>News</b> today  \n", "HTML", None)
    assert formatted.text == "News today"
    assert [(e.type, e.offset, e.length) for e in formatted.entities] == [("bold", 0, 4)]


def test_parse_errors_are_bad_requests_with_telegrams_prefix():
    with pytest.raises(ApiError) as caught:
        message_text("<foo>", "HTML", None)
    assert description(caught) == (
        'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0'
    )


def test_markdown_modes_are_refused_plainly():
    with pytest.raises(ApiError, match="only the HTML parse mode"):
        message_text("*x*", "MarkdownV2", None)


def test_explicit_entities_apply_to_plain_text():
    formatted = message_text("hello world", None, '[{"type":"bold","offset":6,"length":5}]')
    assert [(e.type, e.offset, e.length) for e in formatted.entities] == [("bold", 6, 5)]


def test_without_parse_mode_tags_are_plain_text():
    assert message_text("<b>x</b>", None, None).text == "<b>x</b>"


def test_urls_hashtags_mentions_and_commands_are_detected():
    formatted = user_text("/start@news_bot see https://example.org/a, #Syria @someone")
    found = {(e.type, formatted.text[e.offset : e.offset + e.length]) for e in formatted.entities}
    assert found == {
        ("bot_command", "/start@news_bot"),
        ("url", "https://example.org/a"),
        ("hashtag", "#Syria"),
        ("mention", "@someone"),
    }


def test_detection_skips_code_and_links():
    formatted = message_text(
        '<code>#tag</code> <a href="https://a.org">https://b.org</a>', "HTML", None
    )
    assert [e.type for e in formatted.entities] == ["code", "text_link"]
