"""The transcript renderer: entities (UTF-16 offsets) shown readably, buttons, wrapping."""

from __future__ import annotations

import io

from bot.cli.demo.transcript import Transcript, render_buttons, render_entities, wrap_lines


def entity(kind: str, offset: int, length: int, **extra: object) -> dict[str, object]:
    return {"type": kind, "offset": offset, "length": length, **extra}


def test_plain_text_without_entities_is_unchanged():
    assert render_entities("Harbour news\nline two", []) == "Harbour news\nline two"


def test_bold_and_italic_get_markers():
    text = "Ferry back tonight"
    shown = render_entities(text, [entity("bold", 0, 5), entity("italic", 11, 7)])
    assert shown == "*Ferry* back _tonight_"


def test_link_shows_its_url_after_the_text():
    text = "Read the story here"
    shown = render_entities(text, [entity("text_link", 9, 5, url="https://c.example/s")])
    assert shown == "Read the story <https://c.example/s> here"


def test_bold_link_title_puts_the_url_outside_the_bold():
    title = "Swifts return"
    shown = render_entities(
        title + "\n\nlede",
        [
            entity("bold", 0, len(title)),
            entity("text_link", 0, len(title), url="https://s.example"),
        ],
    )
    assert shown == "*Swifts return* <https://s.example>\n\nlede"


def test_offsets_count_utf16_units_so_emoji_do_not_shift_entities():
    text = "🐝🐝 Honey harvest"  # each bee is two UTF-16 units
    shown = render_entities(text, [entity("bold", 5, 5)])
    assert shown == "🐝🐝 *Honey* harvest"


def test_nested_entities_close_inner_first():
    text = "big news"
    shown = render_entities(text, [entity("bold", 0, 8), entity("italic", 4, 4)])
    assert shown == "*big _news_*"


def test_blockquote_prefixes_every_line():
    text = "Intro\nquoted one\nquoted two\nafter"
    start = len("Intro\n")
    shown = render_entities(text, [entity("blockquote", start, len("quoted one\nquoted two"))])
    assert shown == "Intro\n> quoted one\n> quoted two\nafter"


def test_entities_outside_the_text_or_inside_a_character_are_ignored():
    text = "🐝 x"
    shown = render_entities(
        text, [entity("bold", 1, 2), entity("italic", 2, 40), {"type": "bold"}]
    )
    assert shown == text


def test_hashtags_and_plain_urls_stay_as_typed_without_ansi():
    text = "#Wildlife https://x.example"
    shown = render_entities(text, [entity("hashtag", 0, 9), entity("url", 10, 17)])
    assert shown == text


def test_ansi_uses_terminal_styles_instead_of_markers():
    text = "Ferry news"
    shown = render_entities(
        text,
        [entity("bold", 0, 5), entity("text_link", 6, 4, url="https://f.example")],
        ansi=True,
    )
    assert shown == (
        "\x1b[1mFerry\x1b[22m \x1b[4mnews\x1b[24m \x1b[36m<https://f.example>\x1b[39m"
    )
    assert "*" not in shown


def test_buttons_render_in_brackets_row_by_row():
    rows = [
        [{"text": "🔖 Save", "callback_data": "s1:1"}, {"text": "↗ Share", "url": "x"}],
        [],
        [{"text": "More"}],
    ]
    assert render_buttons(rows) == ["[🔖 Save] [↗ Share]", "[More]"]


def test_wrap_lines_keeps_blank_lines_and_long_words():
    text = "one two three four\n\nhttps://a-very-long.example/url/that/cannot/break"
    assert wrap_lines(text, 10) == [
        "one two",
        "three four",
        "",
        "https://a-very-long.example/url/that/cannot/break",
    ]


def test_transcript_frames_a_message_with_its_chat_and_buttons():
    out = io.StringIO()
    transcript = Transcript(out, ansi=False, width=40)
    transcript.step("the bot posts 1 story")
    transcript.message(
        "Demo (@demo_news)",
        "Title\n\nBody text",
        [entity("bold", 0, 5)],
        [[{"text": "🔖 Save"}, {"text": "↗ Share"}]],
    )
    assert out.getvalue() == (
        "\n» the bot posts 1 story\n"
        "  ┌─ Demo (@demo_news)\n"
        "  │ *Title*\n"
        "  │\n"
        "  │ Body text\n"
        "  │ [🔖 Save] [↗ Share]\n"
        "  └─\n"
    )


def test_transcript_shows_photo_posts_and_numbered_results():
    out = io.StringIO()
    transcript = Transcript(out)
    transcript.message("Demo", "Caption", photo=True)
    transcript.result(1, "Swifts return", "https://s.example #Wildlife")
    assert "│ [photo]\n  │ Caption\n" in out.getvalue()
    assert out.getvalue().endswith("  1. Swifts return\n     https://s.example #Wildlife\n")


def test_transcript_on_a_pipe_is_not_styled(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert Transcript.for_stream(io.StringIO()).ansi is False


def test_long_result_details_wrap_under_the_title():
    out = io.StringIO()
    Transcript(out, width=30).result(2, "Ferry back", "Courier · 30 Nov · " + "word " * 8)
    assert out.getvalue() == (
        "  2. Ferry back\n     Courier · 30 Nov · word word\n     word word word word word word\n"
    )
