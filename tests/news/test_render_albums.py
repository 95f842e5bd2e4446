"""Albums in the photo style: which images make one, and the follow-up that carries the
buttons."""

from __future__ import annotations

from datetime import UTC, datetime

from emulator.text_rules import caption_text, message_text
from news.render import MAX_ALBUM_PHOTOS, PostContent, PostStyle, post_keyboard, render_post

URL = "https://harbour.example/ferry"
PHOTOS = tuple(f"https://img.harbour.example/{n}.jpg" for n in range(12))


def content(*images: str, source: str = "Harbour <Post> & Co") -> PostContent:
    """An article of our own writing with these images."""
    return PostContent(
        article_id=7,
        title="Ferry returns",
        url=URL,
        summary="The night boat sailed again after the storm.",
        source_name=source,
        published_at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
        image_url=images[0] if images else None,
        image_urls=images,
    )


def test_two_to_ten_images_make_an_album_with_the_caption_and_a_follow_up():
    post = render_post(content(*PHOTOS[:3]), style="photo")

    assert post.style is PostStyle.PHOTO
    assert post.album == PHOTOS[:3]
    assert post.photo_url == PHOTOS[0]
    assert caption_text(post.text, "HTML", None) is not None  # a valid caption (<= 1024)
    assert post.follow_up == f'<a href="{URL}">Harbour &lt;Post&gt; &amp; Co</a>'
    parsed = message_text(post.follow_up, "HTML", None)
    assert parsed.text == "Harbour <Post> & Co"
    assert post.buttons == post_keyboard(7)


def test_album_keeps_order_drops_repeats_and_non_web_links_and_stops_at_ten():
    images = (PHOTOS[1], "ftp://x.example/a.jpg", PHOTOS[1], *PHOTOS)
    post = render_post(content(*images), style="photo")
    assert post.album == (PHOTOS[1], PHOTOS[0], *PHOTOS[2:MAX_ALBUM_PHOTOS])


def test_one_usable_image_is_a_single_photo_and_other_styles_never_albums():
    single = render_post(content(PHOTOS[0], "javascript:alert(1)"), style="photo")
    assert (single.album, single.follow_up, single.photo_url) == ((), None, PHOTOS[0])
    for style in ("text", "compact"):
        post = render_post(content(*PHOTOS[:4]), style=style)
        assert (post.album, post.follow_up) == ((), None)


def test_follow_up_without_a_source_name_says_read_the_article():
    post = render_post(content(*PHOTOS[:2], source=""), style="photo")
    assert post.follow_up == f'<a href="{URL}">Read the article</a>'
