"""Route templates: fields, escaping, markup checks, blank lines and Telegram's limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from news.entities import LinkPreview, RouteOptions
from news.render import PostContent, PostStyle, render_post
from news.render.routed import render_routed
from news.render.template import (
    SAMPLE,
    TemplateError,
    parse_template,
    parsed_length,
    render_template,
    validate_template,
)

CONTENT = PostContent(
    article_id=7,
    title='Ferry "Dawn" <returns> & sails',
    url="https://harbour.example/ferry?id=1&x=2",
    summary="The ramp was repaired. The first boat left at nine.",
    source_name="Harbour Courier",
    published_at=datetime(2026, 11, 30, 14, 5, tzinfo=UTC),
    tags=("Harbour", "Ferries"),
    image_url="https://harbour.example/dawn.jpg",
    author="Robin Shore",
)


def render(text: str, content: PostContent = CONTENT, limit: int = 4096) -> str:
    return render_template(parse_template(text), content, limit=limit)[0]


def test_every_field_is_filled_and_escaped() -> None:
    text = render(
        '<b><a href="{link}">{title}</a></b>\\n{lede}\\n{source} · {time} · {author}\\n'
        "{tags}\\n{image}"
    )
    assert text == (
        '<b><a href="https://harbour.example/ferry?id=1&amp;x=2">'
        "Ferry &quot;Dawn&quot; &lt;returns&gt; &amp; sails</a></b>\n"
        "The ramp was repaired. The first boat left at nine.\n"
        "Harbour Courier · 30 Nov 2026 14:05 · Robin Shore\n"
        "#Harbour #Ferries\n"
        "https://harbour.example/dawn.jpg"
    )


def test_a_value_cannot_break_out_of_an_attribute() -> None:
    content = replace(CONTENT, url='https://harbour.example/"><b>x')
    text = render('<a href="{link}">read</a>', content)
    assert '"><b>' not in text
    assert "&quot;&gt;&lt;b&gt;" in text


def test_braces_and_line_breaks() -> None:
    assert (
        render("{{title}} {title}\\nend")
        == "{title} Ferry &quot;Dawn&quot; &lt;returns&gt; &amp; sails\nend"
    )


def test_lines_left_blank_by_empty_fields_are_dropped() -> None:
    content = replace(CONTENT, author=None, tags=())
    assert render("{title}\\n{author}\\n{tags}\\n\\n{source}", content).count("\n") == 2


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{headline}", "unknown field {headline}: use one of title, link, lede"),
        ("{title", "unmatched '{' at character 1"),
        ("title}", "unmatched '}' at character 6"),
        ("<div>{title}</div>", "Telegram does not accept the tag <div>"),
        ("<b>{title}", "<b> is never closed"),
        ("<b>{title}</i>", "</i> closes a tag that is not open"),
        ("{title} & more", "a bare '&' in '{…} & more'"),
        ("1 < 2 {title}", "a bare '<' in '1 < 2 {…}'"),
        ("<a>{title}</a>", "<a> needs an address"),
        ("   ", "the template is empty"),
        ("x" * 2001, "more than 2000"),
    ],
)
def test_a_bad_template_is_refused_with_one_line(template: str, message: str) -> None:
    with pytest.raises(TemplateError) as raised:
        parse_template(template)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_allowed_markup_and_entities_pass() -> None:
    template = parse_template(
        "<i>{source}</i> &amp; <u>{time}</u> <s>x</s> <code>{tags}</code> "
        "<tg-spoiler>{lede}</tg-spoiler> <blockquote>{title}</blockquote> &#169;"
    )
    assert template.fields == {"source", "time", "tags", "lede", "title"}


def test_the_lede_then_the_title_are_cut_to_fit() -> None:
    long = replace(CONTENT, summary="word " * 900, title="Headline " * 60)
    html, length = render_template(parse_template("{title}\\n{lede}"), long, limit=1024)
    assert length <= 1024
    assert parsed_length(html) == length
    assert html.startswith("Headline Headline")


@pytest.mark.parametrize("title", ["", "  ", "\u200b", "\u200d\ufeff "])
def test_a_blank_or_invisible_title_reads_untitled_as_in_the_default_layout(title: str) -> None:
    # Telegram shows a text of only zero-width characters as empty (found by Hypothesis).
    assert render("{title}", replace(CONTENT, title=title)) == "Untitled"


def test_a_template_whose_own_text_is_too_long_is_refused_when_set() -> None:
    with pytest.raises(
        TemplateError,
        match=r"renders to \d+ characters, over Telegram's limit of 1024 for a photo caption",
    ):
        validate_template("x" * 1100 + "{title}", caption=True)
    validate_template("x" * 1100 + "{title}")  # fits a message
    assert render_template(parse_template("{title} {lede}"), SAMPLE, limit=4096)[1] <= 4096


def test_routed_post_uses_the_template_and_the_preview_choice() -> None:
    options = RouteOptions(template="<b>{title}</b> — {source}", link_preview=LinkPreview.LARGE)
    post = render_routed(CONTENT, style="compact", options=options)
    assert (
        post.text == "<b>Ferry &quot;Dawn&quot; &lt;returns&gt; &amp; sails</b> — Harbour Courier"
    )
    assert post.link_preview_url == "https://harbour.example/ferry?id=1&x=2"
    assert post.prefer_large_media
    assert post.show_above
    off = render_routed(CONTENT, style="text", options=RouteOptions(link_preview=LinkPreview.OFF))
    assert off.disable_link_preview
    assert off.text == render_post(CONTENT, style="text").text
    small = render_routed(CONTENT, style="text", options=RouteOptions(link_preview=LinkPreview.ON))
    assert (small.prefer_large_media, small.show_above) == (False, False)
    photo = render_routed(CONTENT, style="photo", options=RouteOptions(template="{title}"))
    assert photo.style is PostStyle.PHOTO
    assert photo.text == "Ferry &quot;Dawn&quot; &lt;returns&gt; &amp; sails"
    assert render_routed(CONTENT, style="text", options=RouteOptions()) == render_post(
        CONTENT, style="text"
    )


def test_a_template_of_missing_fields_falls_back_to_the_style() -> None:
    content = replace(CONTENT, author=None)
    with pytest.raises(TemplateError, match="empty post"):
        render_template(parse_template("<i>{author}</i>"), content, limit=4096)
    post = render_routed(content, style="text", options=RouteOptions(template="<i>{author}</i>"))
    assert post == render_post(content, style="text")
