"""Rendering posts as Telegram HTML: exact layouts, hostile text, limits, buttons.

Every rendered markup goes through the emulator's strict parser (the one that follows
Telegram's own), and its parsed text is measured in UTF-16 units against the limits.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from emulator.entities import FormattedText, MessageEntity
from emulator.html_entities import EntityParseError, parse_html
from emulator.text_rules import caption_text, message_text
from emulator.utf16 import utf16_length
from news.models import RelatedLink
from news.render import (
    MAX_CAPTION_UNITS,
    MAX_TEXT_UNITS,
    PostButton,
    PostContent,
    PostStyle,
    SaveAction,
    clean_text,
    decode_callback,
    decode_share_query,
    encode_save,
    encode_share_query,
    escape_html,
    format_time,
    hashtag_body,
    hashtags,
    http_url,
    post_keyboard,
    render_inline_message,
    render_post,
    truncate_words,
    utf16_len,
)
from news.render.html import utf16_prefix
from news.render.post import INLINE_LEDE_UNITS, POST_LEDE_UNITS

URL = "https://news.example.org/world/ceasefire-talks"
LEDE = (
    "Delegations from both sides met on Monday for a third round of talks. "
    "Mediators called the mood cautious but constructive."
)


def article(**changes: object) -> PostContent:
    """Return a normal article, with some fields changed."""
    content = PostContent(
        article_id=7,
        title="Ceasefire talks resume in Geneva",
        url=URL,
        summary=LEDE,
        source_name="Example Wire",
        published_at=datetime(2026, 11, 30, 14, 5, tzinfo=UTC),
        tags=("Geneva", "Diplomacy"),
        image_url="https://news.example.org/img/talks.jpg",
        related=(
            RelatedLink("Talks stall over prisoner exchange", "https://news.example.org/stall"),
            RelatedLink("Envoys arrive ahead of the summit", "https://news.example.org/envoys"),
            RelatedLink("A third related story is never shown", "https://news.example.org/3"),
        ),
    )
    return replace(content, **changes)  # type: ignore[arg-type]  # test helper: any field


def parsed(markup: str, limit: int = MAX_TEXT_UNITS) -> FormattedText:
    """Parse markup as Telegram would and check it is non-empty and within `limit`."""
    formatted = parse_html(markup)
    assert formatted.text.strip(" \t\r\n"), "Telegram refuses a text that is empty after parsing"
    assert utf16_length(formatted.text) <= limit
    return formatted


# ---- exact layouts -------------------------------------------------------------------------

NORMAL_TEXT = (
    f'<b><a href="{URL}">Ceasefire talks resume in Geneva</a></b>\n'
    "\n"
    f"{LEDE}\n"
    "\n"
    "Example Wire · 30 Nov 2026 14:05\n"
    "#Geneva #Diplomacy\n"
    "\n"
    'Also: <a href="https://news.example.org/stall">Talks stall over prisoner exchange</a>\n'
    'Also: <a href="https://news.example.org/envoys">Envoys arrive ahead of the summit</a>'
)
NORMAL_PLAIN = (
    "Ceasefire talks resume in Geneva\n\n"
    f"{LEDE}\n\n"
    "Example Wire · 30 Nov 2026 14:05\n#Geneva #Diplomacy\n\n"
    "Also: Talks stall over prisoner exchange\nAlso: Envoys arrive ahead of the summit"
)


def test_text_style_exact_output() -> None:
    post = render_post(article(), style="text")
    assert post.style is PostStyle.TEXT
    assert post.text == NORMAL_TEXT
    assert post.photo_url is None
    assert post.link_preview_url == URL
    assert post.prefer_large_media is True
    assert post.disable_link_preview is False
    formatted = parsed(post.text)
    assert formatted.text == NORMAL_PLAIN
    assert post.text_length == utf16_length(formatted.text)
    stall = NORMAL_PLAIN.index("Talks stall")
    envoys = NORMAL_PLAIN.index("Envoys")
    assert formatted.entities == (
        MessageEntity("text_link", 0, 32, url=URL),
        MessageEntity("bold", 0, 32),
        MessageEntity("text_link", stall, 34, url="https://news.example.org/stall"),
        MessageEntity("text_link", envoys, 33, url="https://news.example.org/envoys"),
    )


def test_photo_style_exact_output() -> None:
    post = render_post(article(), style="photo")
    assert post.style is PostStyle.PHOTO
    assert post.text == NORMAL_TEXT
    assert post.photo_url == "https://news.example.org/img/talks.jpg"
    assert post.link_preview_url is None
    assert post.disable_link_preview is True
    assert parsed(post.text, MAX_CAPTION_UNITS).text == NORMAL_PLAIN


def test_compact_style_exact_output() -> None:
    post = render_post(article(), style="compact")
    assert post.style is PostStyle.COMPACT
    assert (
        post.text == f'<b><a href="{URL}">Ceasefire talks resume in Geneva</a></b>\nExample Wire'
    )
    assert post.photo_url is None
    assert post.disable_link_preview is True
    assert parsed(post.text).text == "Ceasefire talks resume in Geneva\nExample Wire"
    assert post.text_length == 45


def test_inline_message_exact_output() -> None:
    assert render_inline_message(article()) == NORMAL_TEXT


def test_minimal_article_has_only_title() -> None:
    content = PostContent(article_id=1, title="Only a title", url=URL)
    post = render_post(content, style="text")
    assert post.text == f'<b><a href="{URL}">Only a title</a></b>'
    assert render_post(content, style="compact").text == post.text


def test_every_style_carries_save_and_share_buttons() -> None:
    for style in PostStyle:
        post = render_post(article(), style=style)
        assert post.buttons == (
            (
                PostButton("🔖 Save", callback_data="s1:7"),
                PostButton("↗ Share", switch_inline_query="id:7"),
            ),
        )


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="fancy"):
        render_post(article(), style="fancy")


# ---- styles fall back, URLs are checked ----------------------------------------------------


@pytest.mark.parametrize("image_url", [None, "", "ftp://example.org/a.jpg", "data:image/png,xx"])
def test_photo_style_without_usable_image_falls_back_to_text(image_url: str | None) -> None:
    post = render_post(article(image_url=image_url), style="photo")
    assert post.style is PostStyle.TEXT
    assert post.photo_url is None
    assert post.text == NORMAL_TEXT
    assert post.link_preview_url == URL


def test_non_http_article_url_is_not_linked_and_not_previewed() -> None:
    post = render_post(article(url="javascript:alert(1)"), style="text")
    assert post.text.startswith("<b>Ceasefire talks resume in Geneva</b>\n\n")
    assert "javascript" not in post.text
    assert post.link_preview_url is None
    formatted = parsed(post.text)
    assert formatted.entities[0] == MessageEntity("bold", 0, 32)
    assert all(e.url != "javascript:alert(1)" for e in formatted.entities)


def test_related_headline_without_http_url_is_plain_text() -> None:
    related = (RelatedLink("Seen elsewhere", "mailto:desk@example.org"), RelatedLink("No URL"))
    post = render_post(article(related=related), style="text")
    assert post.text.endswith("\n\nAlso: Seen elsewhere\nAlso: No URL")
    assert [e.type for e in parsed(post.text).entities] == ["text_link", "bold"]


def test_url_with_quotes_and_ampersands_is_escaped_in_href() -> None:
    url = 'https://example.org/a?x=1&y="2"&z=<3>'
    post = render_post(article(url=url), style="text")
    assert post.text.startswith(
        '<b><a href="https://example.org/a?x=1&amp;y=&quot;2&quot;&amp;z=&lt;3&gt;">'
    )
    assert parsed(post.text).entities[0].url == url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("  HTTP://Example.org  ", "HTTP://Example.org"),
        ("https://user@example.org:8443/p?q#f", "https://user@example.org:8443/p?q#f"),
        ("https://пример.рф/статья", "https://пример.рф/статья"),
        ("ftp://example.org/", None),
        ("javascript:alert(1)", None),
        ("tg://user?id=1", None),
        ("//example.org/a", None),
        ("example.org/a", None),
        ("https://", None),
        ("https:///path", None),
        ("https://exa mple.org/", None),
        ("https://example.org/a b", None),
        ("https://example.org:99999/", None),
        ("https://example.org:0/", None),
        ("https://.example.org/", None),
        ("https://a..b/", None),
        ("https://ex\u202eample.org/", None),
        ("https://exa'mple.org/", None),
        (None, None),
        ("", None),
    ],
)
def test_http_url(url: str | None, expected: str | None) -> None:
    assert http_url(url) == expected


# ---- hostile titles ------------------------------------------------------------------------

HOSTILE_TITLES = [
    '<b>Bold</b> & "quoted" & \'single\' <a href="x">',
    "&amp; &lt; &#128512; &#x1F600; &nbsp; &;&#;&#x;",
    "Kyiv 🇺🇦 family 👩‍👩‍👧 thumbs 👍🏽 keycap 1️⃣",
    "عاجل: محادثات وقف إطلاق النار تستأنف في جنيف",
    "חדשות: השיחות מתחדשות בז'נבה",
    "Переговоры возобновились в Женеве — «осторожный оптимизм»",
    "Mixed עברית and العربية with \u200f marks \u200e and \u202eoverride",
    "</b></a><i>unbalanced",
    "#hashtag @mention /command https://example.org/x",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
@pytest.mark.parametrize("style", list(PostStyle))
def test_hostile_title_is_shown_exactly(title: str, style: PostStyle) -> None:
    post = render_post(article(title=title), style=style)
    limit = MAX_CAPTION_UNITS if post.style is PostStyle.PHOTO else MAX_TEXT_UNITS
    formatted = parsed(post.text, limit)
    shown = clean_text(title)
    assert formatted.text.startswith(shown + "\n")
    title_units = utf16_length(shown)
    assert MessageEntity("bold", 0, title_units) in formatted.entities
    assert MessageEntity("text_link", 0, title_units, url=URL) in formatted.entities
    assert post.text_length == utf16_length(formatted.text)


def test_bidi_overrides_are_removed_but_marks_kept() -> None:
    assert clean_text("a\u202eb\u200fc\u200dd") == "ab\u200fc\u200dd"


def test_hostile_text_everywhere_parses() -> None:
    evil = "<i>&amp</i> \"x\" 'y' &#0; &#1114112; <<>> & ; # 👩‍👩‍👧 🇺🇦 שלום مرحبا"
    content = article(
        title=evil,
        summary=evil * 3,
        source_name=evil,
        tags=(evil, "x<y", "a&b"),
        related=(RelatedLink(evil, 'https://example.org/"<&>'), RelatedLink(evil, evil)),
    )
    for style in PostStyle:
        post = render_post(content, style=style)
        formatted = parsed(post.text)
        assert evil.split()[0] in formatted.text
        assert post.text_length == utf16_length(formatted.text)
    parsed(render_inline_message(content))


def test_lone_surrogates_become_replacement_characters() -> None:
    post = render_post(
        article(title="broken \ud83d pair \udc00", summary="x\ud800y"), style="text"
    )
    formatted = parsed(post.text)
    assert formatted.text.startswith("broken \ufffd pair \ufffd\n\nx\ufffdy")


def test_controls_and_line_breaks_are_cleaned() -> None:
    content = article(
        title="  Two\nlines\tand\x00 a bell\x07  ", summary="para one\n\npara\r\ntwo"
    )
    formatted = parsed(render_post(content, style="text").text)
    assert formatted.text.startswith("Two lines and a bell\n\npara one para two\n\n")


@pytest.mark.parametrize("title", ["", "   ", "\n\t", "\x00\x01", "\u200b\u200f \ufeff"])
def test_empty_title_gets_a_placeholder(title: str) -> None:
    content = PostContent(article_id=3, title=title, url=URL)
    for style in PostStyle:
        assert parsed(render_post(content, style=style).text).text == "Untitled"


# ---- limits: long ledes and titles ---------------------------------------------------------


def long_lede(units: int) -> str:
    """Return prose of about `units` characters, sentences of varying length."""
    words = ["storm", "coast", "officials", "said", "roads", "closed", "river", "rising"]
    sentences: list[str] = []
    total = 0
    number = 0
    while total < units:
        sentence = " ".join(words[(number + i) % len(words)] for i in range(5 + number % 9))
        sentence = sentence.capitalize() + "."
        sentences.append(sentence)
        total += len(sentence) + 1
        number += 1
    return " ".join(sentences)


def test_ten_thousand_character_lede_is_cut_to_its_budget_at_a_sentence() -> None:
    lede = long_lede(10_000)
    post = render_post(article(summary=lede), style="text")
    formatted = parsed(post.text)
    shown = formatted.text.split("\n\n")[1]
    assert lede.startswith(shown)
    assert shown.endswith(".")
    assert POST_LEDE_UNITS * 0.6 <= len(shown) <= POST_LEDE_UNITS
    assert formatted.text.endswith("Also: Envoys arrive ahead of the summit")


def test_ten_thousand_character_lede_without_budget_fits_4096() -> None:
    lede = long_lede(10_000)
    post = render_post(article(summary=lede), style="text", lede_units=20_000)
    formatted = parsed(post.text)
    assert 4000 < utf16_length(formatted.text) <= MAX_TEXT_UNITS
    shown = formatted.text.split("\n\n")[1]
    assert lede.startswith(shown)
    assert shown.endswith(".")
    # Only the lede was cut: everything else is still there.
    assert formatted.text.endswith(
        "#Geneva #Diplomacy\n\n"
        "Also: Talks stall over prisoner exchange\nAlso: Envoys arrive ahead of the summit"
    )


def test_ten_thousand_character_lede_in_a_caption_fits_1024() -> None:
    post = render_post(article(summary=long_lede(10_000)), style="photo")
    assert post.style is PostStyle.PHOTO
    formatted = parsed(post.text, MAX_CAPTION_UNITS)
    assert "Also: Envoys arrive ahead of the summit" in formatted.text


def test_lede_of_one_giant_astral_word_is_cut_whole_characters() -> None:
    lede = "🇺🇦" * 5_000
    post = render_post(article(summary=lede), style="text", lede_units=20_000)
    formatted = parsed(post.text)
    shown = formatted.text.split("\n\n")[1]
    assert shown.endswith("🇺🇦…")
    assert len(shown[:-1]) % 2 == 0  # whole flags only


def test_five_thousand_character_title_is_cut_last() -> None:
    title = " ".join(["Breaking"] * 555)[:5_000]
    for style in PostStyle:
        post = render_post(article(title=title), style=style)
        limit = MAX_CAPTION_UNITS if style is PostStyle.PHOTO else MAX_TEXT_UNITS
        formatted = parsed(post.text, limit)
        shown = formatted.text.split("\n")[0]
        assert shown.endswith("Breaking…")
        assert title.startswith(shown[:-1])
        # The lede, related lines and hashtags gave way first; the source line stays.
        assert "Also:" not in formatted.text
        assert "#Geneva" not in formatted.text
        assert LEDE not in formatted.text
        assert formatted.text.endswith("Example Wire · 30 Nov 2026 14:05") or (
            style is PostStyle.COMPACT and formatted.text.endswith("\nExample Wire")
        )
        assert utf16_length(formatted.text) > limit - 20
        assert MessageEntity("bold", 0, len(shown)) in formatted.entities


def test_overflow_drops_related_then_hashtags_before_the_title() -> None:
    # A title that leaves room for the source line and hashtags but not the related lines.
    meta = "\n\nExample Wire · 30 Nov 2026 14:05\n#Geneva #Diplomacy"
    title = "x" * (MAX_CAPTION_UNITS - len(meta) - 3)
    post = render_post(article(title=title), style="photo")
    formatted = parsed(post.text, MAX_CAPTION_UNITS)
    assert formatted.text == title + meta
    # Two units more and the hashtags go, one at a time, before the title is touched.
    title = "x" * (MAX_CAPTION_UNITS - len(meta) + 2)
    formatted = parsed(render_post(article(title=title), style="photo").text, MAX_CAPTION_UNITS)
    assert formatted.text == title + "\n\nExample Wire · 30 Nov 2026 14:05\n#Geneva"


def test_lede_that_would_be_too_short_is_dropped() -> None:
    meta = "Example Wire · 30 Nov 2026 14:05\n#Geneva #Diplomacy"
    related = "Also: Talks stall over prisoner exchange\nAlso: Envoys arrive ahead of the summit"
    # Leaves 30 units for the lede (and its blank line): less than the 40 worth showing.
    title = "y" * (MAX_CAPTION_UNITS - len(meta) - len(related) - 3 * 2 - 2 - 30)
    post = render_post(article(title=title, summary=long_lede(2_000)), style="photo")
    formatted = parsed(post.text, MAX_CAPTION_UNITS)
    assert formatted.text == f"{title}\n\n{meta}\n\n{related}"


def test_inline_message_lede_is_shorter() -> None:
    lede = long_lede(3_000)
    inline = parsed(render_inline_message(article(summary=lede))).text.split("\n\n")[1]
    post = parsed(render_post(article(summary=lede), style="text").text).text.split("\n\n")[1]
    assert len(inline) <= INLINE_LEDE_UNITS < len(post)
    assert lede.startswith(inline)


def test_long_source_name_and_related_titles_are_capped() -> None:
    content = article(
        source_name="Source " * 40,
        related=(RelatedLink("Related " * 60, "https://example.org/r"),),
    )
    formatted = parsed(render_post(content, style="text").text)
    source_line = formatted.text.split("\n\n")[2].split("\n")[0]
    assert source_line.endswith("… · 30 Nov 2026 14:05")
    assert utf16_length(source_line) <= 64 + len(" · 30 Nov 2026 14:05")
    related_line = formatted.text.split("\n\n")[3]
    assert related_line.endswith("Related…")
    assert utf16_length(related_line) <= len("Also: ") + 150


# ---- property-style: hostile generated input -----------------------------------------------

ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789")
    + list("<>&;#\"'/=!?.,:-_ \n\t\r")
    + ["&amp;", "&lt;", "&#", "&#x", "&quot", "<b>", "</a>", '<a href="', "https://", "\\"]
    + ["😀", "🇺", "🇦", "👩", "👧", "\u200d", "🏽", "\ufe0f", "𝔘", "𒀀", "🀄"]
    + ["\u200f", "\u200e", "\u202e", "\u2066", "\u0301", "\u00a0", "\u2028", "\x00", "\x07"]
    + list("مرحباשלוםПриветЁё中文日本語")
)


def hostile_text(rng: random.Random, length: int) -> str:
    """Return `length` random pieces of the dangerous alphabet."""
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def hostile_article(rng: random.Random) -> PostContent:
    """Return an article whose every text field is hostile, of random (sometimes huge) size."""
    sizes = [0, 1, 5, 40, 300, 1_200, 5_000]
    return PostContent(
        article_id=rng.randint(1, 2**63 - 1),
        title=hostile_text(rng, rng.choice(sizes)),
        url=rng.choice([URL, "javascript:x", 'https://example.org/"&<>?' + hostile_text(rng, 5)]),
        summary=hostile_text(rng, rng.choice([*sizes, 12_000])),
        source_name=hostile_text(rng, rng.choice(sizes[:5])),
        published_at=rng.choice([None, datetime(2026, 1, 2, 3, 4, tzinfo=UTC)]),
        tags=tuple(hostile_text(rng, rng.randint(0, 12)) for _ in range(rng.randint(0, 8))),
        image_url=rng.choice([None, "https://example.org/i.jpg"]),
        related=tuple(
            RelatedLink(hostile_text(rng, rng.choice(sizes)), rng.choice([None, URL]))
            for _ in range(rng.randint(0, 3))
        ),
    )


def test_generated_hostile_articles_always_parse_and_fit() -> None:
    rng = random.Random(20261130)
    for _ in range(300):
        content = hostile_article(rng)
        for style in PostStyle:
            post = render_post(content, style=style)
            limit = MAX_CAPTION_UNITS if post.style is PostStyle.PHOTO else MAX_TEXT_UNITS
            try:
                formatted = parsed(post.text, limit)
            except EntityParseError as exc:  # pragma: no cover - shows the failing input
                pytest.fail(f"{exc}: {content!r} ({style})")
            assert post.text_length == utf16_length(formatted.text)
            assert any(e.type == "bold" and e.offset == 0 for e in formatted.entities)
            # The emulator's full send rules (trim, empty text, limits) accept it too.
            if post.style is PostStyle.PHOTO:
                assert caption_text(post.text, "HTML", None) is not None
            else:
                message_text(post.text, "HTML", None)
        parsed(render_inline_message(content))


def test_generated_truncations_respect_the_limit_and_keep_pairs() -> None:
    rng = random.Random(7)
    for _ in range(2_000):
        text = hostile_text(rng, rng.randint(0, 200))
        limit = rng.randint(0, 220)
        cut = truncate_words(text, limit)
        assert utf16_len(cut) <= max(limit, 0)
        cut.encode("utf-8")  # no lone surrogate: would raise
        if utf16_len(text) <= limit:
            assert cut == text
        elif cut:
            body = cut.removesuffix("…")
            assert text.startswith(body.rstrip())


# ---- helpers -------------------------------------------------------------------------------


def test_escape_html() -> None:
    assert escape_html("a<b>&\"c'") == "a&lt;b&gt;&amp;\"c'"
    assert escape_html("a<b>&\"c'", quote=True) == "a&lt;b&gt;&amp;&quot;c'"
    assert escape_html("&amp;") == "&amp;amp;"
    assert parse_html(escape_html("&amp; <x> &#1;")).text == "&amp; <x> &#1;"


@pytest.mark.parametrize(
    ("text", "units"),
    [("", 0), ("abc", 3), ("Привет", 6), ("🇺🇦", 4), ("👩‍👩‍👧", 8), ("a😀b", 4), ("\ud83d", 1)],
)
def test_utf16_len(text: str, units: int) -> None:
    assert utf16_len(text) == units


def test_utf16_prefix_never_splits_a_pair() -> None:
    assert utf16_prefix("a😀b", 2) == "a"
    assert utf16_prefix("a😀b", 3) == "a😀"
    assert utf16_prefix("abc", 0) == ""
    assert utf16_prefix("abc", 5) == "abc"


SENTENCES = "The storm hit the coast. Roads were closed overnight. Rivers rose fast."


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        (SENTENCES, 100, SENTENCES),
        (SENTENCES, len(SENTENCES), SENTENCES),
        (SENTENCES, 60, "The storm hit the coast. Roads were closed overnight."),
        (SENTENCES, 53, "The storm hit the coast. Roads were closed overnight."),
        # The last sentence end is too far back: cut after a word instead.
        (SENTENCES, 50, "The storm hit the coast. Roads were closed…"),
        (SENTENCES, 30, "The storm hit the coast."),
        (SENTENCES, 20, "The storm hit the…"),
        # Initials are not sentence ends.
        ("Officials in the U.S. said more. Then", 24, "Officials in the U.S.…"),
        ("Talks with J. Smith went well today", 14, "Talks with J.…"),
        # Punctuation at the cut is dropped before the ellipsis.
        ("Alpha, beta, gamma, delta", 14, "Alpha, beta…"),
        # No word boundary close enough: cut inside the word.
        ("Supercalifragilistic", 10, "Supercali…"),
        ("中文新闻标题很长很长很长", 6, "中文新闻标…"),
        ("abc", 1, "…"),
        ("abc", 0, ""),
        ("abc", -5, ""),
        # Astral characters and emoji sequences stay whole.
        ("😀😀😀😀", 5, "😀😀…"),
        ("x🇺🇦🇺🇦🇺🇦", 7, "x🇺🇦…"),
        ("x👩‍👩‍👧 tail", 8, "x…"),
        ("xyz👍🏽👍🏽", 8, "xyz👍🏽…"),
        # The accents belong to the e: it goes with them.
        ("cafe\u0301\u0301 au lait", 6, "caf…"),
    ],
)
def test_truncate_words(text: str, limit: int, expected: str) -> None:
    assert truncate_words(text, limit) == expected
    assert utf16_len(truncate_words(text, limit)) <= max(limit, 0)


@pytest.mark.parametrize(
    ("tag", "body"),
    [
        ("Syria", "Syria"),
        ("São Paulo", "São_Paulo"),
        ("Sa\u0303o Paulo", "São_Paulo"),  # decomposed input is composed first
        ("#Al-Qaeda", "Al_Qaeda"),
        ("O'Brien", "OBrien"),
        ("Москва", "Москва"),
        ("Ближний Восток", "Ближний_Восток"),
        ("  many   spaces  ", "many_spaces"),
        ("G7", "G7"),
        ("COVID-19", "COVID_19"),
        ("2024", ""),
        ("___", ""),
        ("12 34", ""),
        ("", ""),
        ("!!!", ""),
        ("<b>&amp;</b>", "b_amp_b"),
        ("🇺🇦 Ukraine", "Ukraine"),
        ("x" * 65, ""),
    ],
)
def test_hashtag_body(tag: str, body: str) -> None:
    assert hashtag_body(tag) == body


def test_hashtags_skip_empty_and_duplicates_and_cap_count() -> None:
    tags = ["Syria", "2024", "syria", "SYRIA", "Idlib", "", "São Paulo", "a", "b", "c", "d", "e"]
    assert hashtags(tags) == ["#Syria", "#Idlib", "#São_Paulo", "#a", "#b", "#c"]
    assert hashtags(tags, limit=2) == ["#Syria", "#Idlib"]


def test_tags_needing_cleanup_render_as_hashtags() -> None:
    tags = ("São Paulo", "#Al-Qaeda", "1999", "<script>", "Ukraine 🇺🇦", "")
    formatted = parsed(render_post(article(tags=tags), style="text").text)
    assert "\n#São_Paulo #Al_Qaeda #script #Ukraine\n" in formatted.text


def test_format_time_is_utc_and_locale_free() -> None:
    kyiv = timezone(timedelta(hours=2))
    assert format_time(datetime(2026, 12, 1, 1, 5, tzinfo=kyiv)) == "30 Nov 2026 23:05"
    assert format_time(datetime(2027, 1, 9, 7, 0, tzinfo=UTC)) == "9 Jan 2027 07:00"


def test_post_without_date_or_source_shows_what_it_has() -> None:
    no_date = parsed(render_post(article(published_at=None), style="text").text).text
    assert "\n\nExample Wire\n#Geneva #Diplomacy\n\n" in no_date
    no_source = parsed(render_post(article(source_name=" "), style="text").text).text
    assert "\n\n30 Nov 2026 14:05\n#Geneva" in no_source


# ---- content validation --------------------------------------------------------------------


def test_post_content_refuses_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        article(published_at=datetime(2026, 1, 1))  # noqa: DTZ001 - naive on purpose


@pytest.mark.parametrize("article_id", [0, -1])
def test_post_content_refuses_non_positive_id(article_id: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        article(article_id=article_id)


@pytest.mark.parametrize("article_id", [True, "7", 7.0])
def test_post_content_refuses_non_int_id(article_id: object) -> None:
    with pytest.raises(TypeError, match="int"):
        article(article_id=article_id)


# ---- buttons and their wire formats --------------------------------------------------------


def test_save_callback_round_trip() -> None:
    for article_id in (1, 42, 2**63 - 1):
        data = encode_save(article_id)
        assert 1 <= len(data.encode()) <= 64
        assert decode_callback(data) == SaveAction(article_id)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "s1:",
        "s1:0",
        "s1:007",
        "s1:-5",
        "s1:+5",
        "s1: 5",
        "s1:5 ",
        "s1:5x",
        "s1:١٢",  # Arabic-Indic digits
        "s1:9223372036854775808",  # 2**63
        "s1:99999999999999999999",
        "s2:5",
        "S1:5",
        "x" * 65,
        "id:5",
    ],
)
def test_forged_callback_data_is_refused(data: str | None) -> None:
    assert decode_callback(data) is None


@pytest.mark.parametrize("article_id", [0, -1, 2**63, True])
def test_encoding_an_invalid_id_is_refused(article_id: int) -> None:
    with pytest.raises(ValueError, match="article id"):
        encode_save(article_id)
    with pytest.raises(ValueError, match="article id"):
        encode_share_query(article_id)


def test_share_query_round_trip() -> None:
    query = encode_share_query(2**63 - 1)
    assert len(query) <= 256
    assert decode_share_query(query) == 2**63 - 1
    assert decode_share_query(" id:42 ") == 42


@pytest.mark.parametrize(
    "query", ["", "id:", "id:0", "id:01", "id:42 more", "syria", "#id:4", "id:9223372036854775808"]
)
def test_other_inline_queries_are_not_share_queries(query: str) -> None:
    assert decode_share_query(query) is None


def test_keyboard_without_share() -> None:
    assert post_keyboard(9, share=False) == ((PostButton("🔖 Save", callback_data="s1:9"),),)


def test_post_button_checks_its_action() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        PostButton("x")
    with pytest.raises(ValueError, match="exactly one"):
        PostButton("x", callback_data="a", switch_inline_query="b")
    with pytest.raises(ValueError, match="1-64 bytes"):
        PostButton("x", callback_data="")
    with pytest.raises(ValueError, match="1-64 bytes"):
        PostButton("x", callback_data="é" * 33)
    with pytest.raises(ValueError, match="256"):
        PostButton("x", switch_inline_query="q" * 257)


def test_lede_of_a_long_summary_equals_cutting_the_whole_cleaned_text() -> None:
    # Only the start of a long summary is cleaned; the cut must not notice.
    rng = random.Random(3)
    pieces = ["word", "Sentence.", " ", "\n\n", "\t", " " * 900, "🇺🇦", "x" * 50]
    for _ in range(200):
        summary = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 400)))
        units = rng.choice([40, 120, POST_LEDE_UNITS])
        text = parsed(render_post(article(summary=summary), style="text", lede_units=units).text)
        expected = truncate_words(clean_text(summary), units)
        shown = text.text.split("\n\n")[1]
        if expected:
            assert shown == expected
        else:
            assert shown.startswith("Example Wire")
