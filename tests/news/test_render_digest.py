"""The digest message: escaped HTML Telegram's parser accepts, linked headlines, one-line
ledes, and never over 4096 units once the entities are parsed."""

from __future__ import annotations

from emulator.html_entities import parse_html
from news.render import MAX_TEXT_UNITS, utf16_len
from news.render.digest import DigestItem, render_digest


def visible(html: str) -> str:
    """Return the text Telegram shows for an HTML message (what its limit counts)."""
    return parse_html(html).text


def test_heading_then_numbered_linked_headlines_with_a_lede():
    rendered = render_digest(
        "Top stories of the day · 2026-12-07",
        [
            DigestItem("Ferry <back> & running", "https://harbour.example/a?x=1&y=2", "Ramp.\n"),
            DigestItem("No link here", None, ""),
        ],
    )
    assert rendered.shown == 2
    assert rendered.html == (
        "<b>🗞 Top stories of the day · 2026-12-07</b>\n\n"
        '1. <b><a href="https://harbour.example/a?x=1&amp;y=2">Ferry &lt;back&gt; &amp; running'
        "</a></b>\nRamp.\n\n"
        "2. <b>No link here</b>"
    )
    assert visible(rendered.html) == (
        "🗞 Top stories of the day · 2026-12-07\n\n"
        "1. Ferry <back> & running\nRamp.\n\n"
        "2. No link here"
    )


def test_a_lede_is_one_line_cut_at_a_word():
    long = "The harbour master said the new timetable " * 20
    rendered = render_digest("Top", [DigestItem("Title", None, long)])
    lede = visible(rendered.html).split("\n")[-1]
    assert "\n" not in lede
    assert utf16_len(lede) <= 200
    assert lede.endswith("…")


def test_stories_that_do_not_fit_are_left_out_never_the_limit_passed():
    emoji_title = "🚢" * 200  # astral: two units each
    items = [
        DigestItem(f"{emoji_title} {n}", f"https://harbour.example/{n}", "&" * 400)
        for n in range(50)
    ]
    rendered = render_digest("Top", items)
    assert 0 < rendered.shown < 50
    assert utf16_len(visible(rendered.html)) <= MAX_TEXT_UNITS
    more = render_digest("Top", items[: rendered.shown + 1], limit=10**6)
    assert utf16_len(visible(more.html)) > MAX_TEXT_UNITS  # one more would not have fit
