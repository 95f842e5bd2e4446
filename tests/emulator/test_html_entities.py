"""Telegram's HTML parse mode: entities, UTF-16 offsets, and Telegram's error texts."""

from __future__ import annotations

import pytest

from emulator.entities import MessageEntity
from emulator.html_entities import EntityParseError, parse_html


def kinds(markup: str) -> list[tuple[str, int, int]]:
    """Parse and list (type, offset, length) of each entity."""
    return [(e.type, e.offset, e.length) for e in parse_html(markup).entities]


@pytest.mark.parametrize(
    ("tag", "kind"),
    [
        ("b", "bold"),
        ("strong", "bold"),
        ("i", "italic"),
        ("em", "italic"),
        ("u", "underline"),
        ("ins", "underline"),
        ("s", "strikethrough"),
        ("strike", "strikethrough"),
        ("del", "strikethrough"),
        ("tg-spoiler", "spoiler"),
        ("code", "code"),
        ("pre", "pre"),
        ("blockquote", "blockquote"),
    ],
)
def test_each_simple_tag_gives_its_entity(tag, kind):
    formatted = parse_html(f"say <{tag}>word</{tag}>!")
    assert formatted.text == "say word!"
    assert kinds(f"say <{tag}>word</{tag}>!") == [(kind, 4, 4)]


def test_plain_text_passes_through_untouched():
    formatted = parse_html("no markup > here")
    assert formatted.text == "no markup > here"
    assert formatted.entities == ()


def test_tag_names_are_case_insensitive_but_end_tags_must_match_exactly():
    assert kinds("<B>x</b>") == [("bold", 0, 1)]
    with pytest.raises(EntityParseError, match='expected "</b>", found "</B>"'):
        parse_html("<b>x</B>")


def test_nested_entities_are_sorted_outer_first():
    assert kinds("<b>bold <i>both</i></b> plain") == [("bold", 0, 9), ("italic", 5, 4)]


def test_offsets_count_utf16_code_units():
    # 😀 is one character but two UTF-16 units; ж is one unit (two UTF-8 bytes).
    formatted = parse_html("😀ж <b>x</b>")
    assert formatted.entities == (MessageEntity("bold", 4, 1),)
    assert kinds("<i>😀😀</i>") == [("italic", 0, 4)]


def test_supported_entities_are_decoded():
    formatted = parse_html("&lt;a&gt; &amp; &quot;q&quot; &#65;&#x42; &#128512;<b>x</b>")
    assert formatted.text == '<a> & "q" AB 😀x'
    assert formatted.entities == (MessageEntity("bold", 15, 1),)


def test_entity_without_semicolon_is_accepted_like_telegram():
    assert parse_html("a &amp b &lt").text == "a & b <"


@pytest.mark.parametrize(
    ("markup", "language"),
    [
        ('<pre><code class="language-python">x = 1</code></pre>', "python"),
        ("<pre>x = 1</pre>", None),
    ],
)
def test_pre_blocks_carry_the_code_language(markup, language):
    [entity] = parse_html(markup).entities
    assert (entity.type, entity.language) == ("pre", language)


def test_inline_code_never_has_a_language():
    [entity] = parse_html('<code class="language-python">x</code>').entities
    assert (entity.type, entity.language) == ("code", None)


@pytest.mark.parametrize(
    ("href", "url"),
    [
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a?b=1&amp;c=2", "https://example.com/a?b=1&c=2"),
        ("example.com/page", "http://example.com/page"),
        ("tg://resolve?domain=news", "tg://resolve?domain=news"),
    ],
)
def test_links_are_normalized_as_telegram_stores_them(href, url):
    [entity] = parse_html(f'<a href="{href}">link</a>').entities
    assert (entity.type, entity.url) == ("text_link", url)


def test_link_with_unsupported_scheme_is_dropped_silently():
    formatted = parse_html('<a href="javascript:alert(1)">link</a>')
    assert formatted.text == "link"
    assert formatted.entities == ()


def test_link_without_href_uses_its_text():
    [entity] = parse_html("<a>https://example.org</a>").entities
    assert entity.url == "https://example.org/"


def test_user_link_becomes_a_text_mention():
    [entity] = parse_html('<a href="tg://user?id=42">Ann</a>').entities
    assert (entity.type, entity.user_id) == ("text_mention", 42)


def test_blockquote_spoiler_span_and_custom_emoji():
    assert kinds("<blockquote expandable>q</blockquote>") == [("expandable_blockquote", 0, 1)]
    assert kinds('<span class="tg-spoiler">s</span>') == [("spoiler", 0, 1)]
    [emoji] = parse_html('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>').entities
    assert (emoji.type, emoji.custom_emoji_id) == ("custom_emoji", "5368324170671202286")


def test_empty_tags_make_no_entity():
    formatted = parse_html("a<b></b>b")
    assert (formatted.text, formatted.entities) == ("ab", ())


def test_unquoted_attribute_values_are_name_tokens():
    [entity] = parse_html("<code class=language-go>x</code>").entities
    assert entity.type == "code"


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("é<br>", 'Unsupported start tag "br" at byte offset 2'),
        ("<b>x</b><p>", 'Unsupported start tag "p" at byte offset 8'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x" =y>', 'Empty attribute name in the tag "a" at byte offset 0'),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a" '
         "at byte offset 0"),
        ("<a href=http://x>x</a>", "Unexpected end of name token at byte offset 8"),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("a &nbsp; b", 'Unsupported HTML entity "&nbsp;" at byte offset 2'),
        ("AT&T", 'Unsupported HTML entity "&T" at byte offset 2'),
        ("a & b", 'Unsupported HTML entity "&" at byte offset 2'),
        ("&#0;", 'Unsupported HTML entity "&#0;" at byte offset 0'),
        ("&#xD83D;", "Text contains invalid Unicode characters after decoding HTML entities, "
         "check for unmatched surrogate code units"),
    ],
)  # fmt: skip
def test_malformed_markup_gets_telegrams_error(markup, message):
    with pytest.raises(EntityParseError) as caught:
        parse_html(markup)
    assert str(caught.value) == message


FAST_PATH_MARKUP = [
    '<b>Ferry</b> <a href="https://harbour.example/a?x=1&amp;y=2">link</a>',
    '<a href="https://harbour.example/news/1">Night ferry</a> · Herald',
    '<a href="tg://user?id=42">Ann</a>',
    '<a href="">empty</a>',
    '<a href="not a url">text</a>',
    "<span>no class</span>",
    '<span class="tg-spoiler">secret</span>',
    "<tg-spoiler>hidden</tg-spoiler>",
    "<B>upper</B>",
    "<blink>unsupported</blink>",
    "<b>unclosed",
    '<a href="x">unclosed',
    '<pre><code class="language-python">x = 1</code></pre>',
    "<b><i>nested</i></b> <u>under</u> <s>strike</s> <code>c</code>",
    '<a href="https://ex.example/ünïcode">ü</a>',
    '<a  href="https://ex.example/two-spaces">x</a>',
    "<tg-emoji>no id</tg-emoji>",
]


def _parse_outcome(markup: str) -> object:
    """The parse result, or the error text."""
    try:
        return parse_html(markup)
    except EntityParseError as error:
        return str(error)


@pytest.mark.parametrize("markup", FAST_PATH_MARKUP)
def test_the_fast_path_for_plain_tags_changes_nothing(markup, monkeypatch):
    import re

    import emulator.html_entities as module

    with_fast_path = _parse_outcome(markup)
    monkeypatch.setattr(module, "_PLAIN_START_TAG", re.compile(rb"(?!)"))  # never matches
    assert _parse_outcome(markup) == with_fast_path
