"""Rendering of posts as Telegram HTML: pure functions, no Telegram or storage types.

`render_post` gives a channel post in a style, `render_inline_message` the message an
inline result sends; both always pass Telegram's HTML parser and fit its limits. The
buttons under a post and their wire formats live in `news.render.buttons`.
"""

from news.render.buttons import (
    SAVE_LABEL,
    SHARE_LABEL,
    Keyboard,
    PostButton,
    SaveAction,
    decode_callback,
    decode_share_query,
    encode_save,
    encode_share_query,
    keyboard_json,
    post_keyboard,
)
from news.render.hashtags import hashtag_body, hashtags
from news.render.html import clean_text, escape_html, http_url, truncate_words, utf16_len
from news.render.post import (
    MAX_ALBUM_PHOTOS,
    MAX_CAPTION_UNITS,
    MAX_TEXT_UNITS,
    PostContent,
    PostStyle,
    RenderedPost,
    album_photos,
    format_time,
    render_inline_message,
    render_post,
)

__all__ = [
    "MAX_ALBUM_PHOTOS",
    "MAX_CAPTION_UNITS",
    "MAX_TEXT_UNITS",
    "SAVE_LABEL",
    "SHARE_LABEL",
    "Keyboard",
    "PostButton",
    "PostContent",
    "PostStyle",
    "RenderedPost",
    "SaveAction",
    "album_photos",
    "clean_text",
    "decode_callback",
    "decode_share_query",
    "encode_save",
    "encode_share_query",
    "escape_html",
    "format_time",
    "hashtag_body",
    "hashtags",
    "http_url",
    "keyboard_json",
    "post_keyboard",
    "render_inline_message",
    "render_post",
    "truncate_words",
    "utf16_len",
]
