"""A post as a route wants it: its template and link preview over the channel's style.

The channel's style decides the layout (`render_post`); a route's template replaces the
text (or caption) and its link preview choice replaces the style's: `off` (none), `on` (the
article's, small), `large` (the article's large media above the text). A template that
cannot fit one article's post (its fixed text over the limit; refused when set) leaves
that post in the style's layout rather than failing it.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from news.entities import LinkPreview, RouteOptions
from news.render.html import http_url
from news.render.post import (
    MAX_CAPTION_UNITS,
    MAX_TEXT_UNITS,
    PostContent,
    PostStyle,
    RenderedPost,
    render_post,
)
from news.render.template import Template, TemplateError, parse_template, render_template


def render_routed(content: PostContent, *, style: str, options: RouteOptions) -> RenderedPost:
    """Render a post in a channel `style` with a route's template and link preview."""
    post = render_post(content, style=style)
    if options.template is not None:
        limit = MAX_CAPTION_UNITS if post.style is PostStyle.PHOTO else MAX_TEXT_UNITS
        try:
            text, length = render_template(parsed(options.template), content, limit=limit)
        except TemplateError:
            pass  # refused when set; only an extreme article gets here: the style's layout
        else:
            post = replace(post, text=text, text_length=length)
    # A full-text page is previewed instead of the article: Telegram shows its Instant View.
    preview = http_url(content.full_text_url) or content.url
    return with_link_preview(post, options.link_preview, preview)


@functools.lru_cache(maxsize=256)
def parsed(template: str) -> Template:
    """Return a route's template parsed (each is parsed once; checked when it was set)."""
    return parse_template(template)


def with_link_preview(post: RenderedPost, choice: LinkPreview | None, url: str) -> RenderedPost:
    """Apply a route's link preview choice to a text post (a caption has no preview)."""
    if choice is None or post.style is PostStyle.PHOTO:
        return post
    if choice is LinkPreview.OFF or http_url(url) is None:
        return replace(post, link_preview_url=None, prefer_large_media=False, show_above=False)
    large = choice is LinkPreview.LARGE
    return replace(
        post, link_preview_url=http_url(url), prefer_large_media=large, show_above=large
    )
