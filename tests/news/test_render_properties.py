"""Properties of the renderer: any article gives HTML the emulator's strict parser accepts,
within Telegram's limits, with the length the renderer announced."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

from hypothesis import example, given
from hypothesis import strategies as st

from emulator.errors import ApiError
from emulator.html_entities import parse_html
from emulator.text_rules import caption_text, message_text
from news.models import RelatedLink
from news.render import (
    MAX_CAPTION_UNITS,
    MAX_TEXT_UNITS,
    PostContent,
    PostStyle,
    render_inline_message,
    render_post,
)
from news.render.buttons import MAX_ARTICLE_ID

# Any code point, lone surrogates and controls included, weighted towards HTML's specials.
FRAGMENT = st.one_of(
    st.characters(codec=None, exclude_categories=()),
    st.sampled_from([*"<>&\";#'\n\t\u200d\u202e\ufeff🦀", "👩‍💻", "&amp;", "&#0;", "<b>"]),
)
TEXT = st.lists(FRAGMENT, max_size=300).map("".join)
LONG_TEXT = st.one_of(TEXT, st.builds(lambda t, n: t * n, TEXT, st.integers(1, 40)))
URL = st.one_of(
    TEXT,
    st.builds(
        lambda scheme, host, path: f"{scheme}://{host}/{path}",
        st.sampled_from(["http", "https", "HTTPS", "javascript", "tg", "ftp", "java\tscript"]),
        st.sampled_from(["news.example", "xn--80ak6aa92e.com", "пример.рф", "a b", "", "[::1]"]),
        TEXT,
    ),
)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])
CONTENT = st.builds(
    PostContent,
    article_id=st.integers(1, MAX_ARTICLE_ID),
    title=LONG_TEXT,
    url=URL,
    summary=LONG_TEXT,
    source_name=TEXT,
    published_at=st.one_of(st.none(), st.datetimes(timezones=ZONES)),
    tags=st.lists(TEXT, max_size=30).map(tuple),
    image_url=st.one_of(st.none(), URL),
    related=st.lists(
        st.builds(RelatedLink, title=TEXT, url=st.one_of(st.none(), URL), site=TEXT),
        max_size=4,
    ).map(tuple),
)


def accepted_as_message(html: str) -> int:
    """Return the UTF-16 length the emulator stores for `html` sent as a message text."""
    try:
        return message_text(html, "HTML", None).utf16_length
    except ApiError as exc:
        raise AssertionError(f"{exc}: {html!r}") from None


@given(CONTENT, st.sampled_from(list(PostStyle)))
@example(PostContent(1, title="\u200b", url="https://a.example/"), PostStyle.TEXT)
@example(PostContent(1, title="&#0; <b>", url="https://a.example/\ud800"), PostStyle.COMPACT)
@example(PostContent(1, title="x", url="", image_url="https://i.example/a.jpg"), PostStyle.PHOTO)
def test_any_article_renders_to_html_telegram_accepts(content: PostContent, style: str) -> None:
    post = render_post(content, style=style)
    assert post.text_length == parse_html(post.text).utf16_length
    if post.style is PostStyle.PHOTO:
        assert post.photo_url is not None
        try:
            caption = caption_text(post.text, "HTML", None)
        except ApiError as exc:
            raise AssertionError(f"{exc}: {post.text!r}") from None
        assert caption is None or caption.utf16_length <= MAX_CAPTION_UNITS
    else:
        assert accepted_as_message(post.text) <= MAX_TEXT_UNITS
    for row in post.buttons:
        for button in row:
            assert len((button.callback_data or "").encode("utf-8")) <= 64


@given(CONTENT)
def test_any_article_renders_to_an_inline_message_telegram_accepts(content: PostContent) -> None:
    assert accepted_as_message(render_inline_message(content)) <= MAX_TEXT_UNITS
