"""Properties of route templates: any article in a checked template gives HTML the
emulator's strict parser accepts, within Telegram's limits, of the announced length."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.errors import ApiError
from emulator.html_entities import parse_html
from emulator.text_rules import caption_text, message_text
from news.render import MAX_CAPTION_UNITS, MAX_TEXT_UNITS, PostContent
from news.render.post import INVISIBLE
from news.render.template import TemplateError, field_values, parse_template, render_template
from tests.news.test_render_properties import CONTENT

TEMPLATES = st.sampled_from(
    [
        "{title}",
        "<b>{author}</b>",
        '<b><a href="{link}">{title}</a></b>\\n\\n{lede}\\n\\n{source} · {time}\\n{tags}',
        "<i>{author}</i> {{raw}} &amp; <code>{image}</code>\\n<blockquote>{lede}</blockquote>",
        "{lede}{lede}{lede}{lede}{lede}{lede}{lede}\\n<tg-spoiler>{title}</tg-spoiler>",
    ]
)


@given(CONTENT, TEMPLATES, st.booleans())
def test_any_article_in_a_template_renders_to_html_telegram_accepts(
    content: PostContent, template: str, caption: bool
) -> None:
    limit = MAX_CAPTION_UNITS if caption else MAX_TEXT_UNITS
    parsed = parse_template(template)
    if parsed.fields == {"author"} and not field_values(content)["author"].strip(INVISIBLE):
        with pytest.raises(TemplateError, match="empty post"):
            render_template(parsed, content, limit=limit)
        return
    html, length = render_template(parsed, content, limit=limit)
    assert length == parse_html(html).utf16_length
    assert length <= limit
    try:
        if caption:
            caption_text(html, "HTML", None)
        else:
            message_text(html, "HTML", None)
    except ApiError as exc:
        raise AssertionError(f"{exc}: {html!r}") from None
