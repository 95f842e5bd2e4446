"""Text in titles and bodies: what is markup, what is text, and what must vanish (issue 13)."""

from __future__ import annotations

import time

import pytest

from news.clean import html_to_text
from news.drafts import build_drafts
from news.parse import parse_document


def _entries(fixture_bytes, name):
    return {entry.url: entry for entry in parse_document(fixture_bytes(name)).entries}


@pytest.fixture
def titles(fixture_bytes):
    return _entries(fixture_bytes, "titles_markup.xml")


def _title(entries, path):
    return entries[f"https://kettle.example/{path}"].title


def _body(entries, path):
    return html_to_text(entries[f"https://kettle.example/{path}"].summary)


def test_script_style_and_comments_vanish_from_titles(titles):
    assert _title(titles, "ferry") == "Ferry back on time"
    assert _title(titles, "wall") == "Harbour wall repaired"
    assert _title(titles, "quiet") == "Quiet night on the quay"
    assert _body(titles, "ferry") == "The morning boat left at seven."


def test_script_style_and_comments_vanish_from_html_atom_titles(fixture_bytes):
    document = parse_document(fixture_bytes("text_constructs.atom"))
    assert document.entries[2].title == "Safe title"


def test_plain_text_titles_are_never_tag_stripped(fixture_bytes, titles):
    document = parse_document(fixture_bytes("text_constructs.atom"))
    first = document.entries[0]
    assert document.title == "Notes on <markup>"
    assert first.title == "History of the <blink> tag"
    assert html_to_text(first.summary) == "Why <script> tags load late, and what <b> means."
    # An RSS title that only names an element is text too.
    assert _title(titles, "blink") == "Using the <blink> element in the parish newsletter"


def test_plain_text_titles_survive_drafting(fixture_bytes):
    entries = parse_document(fixture_bytes("text_constructs.atom")).entries
    [draft] = build_drafts([entries[0]])
    assert draft.title == "History of the <blink> tag"
    assert draft.body == "Why <script> tags load late, and what <b> means."


def test_escaped_markup_inside_an_xhtml_div_is_text(fixture_bytes):
    entry = parse_document(fixture_bytes("text_constructs.atom")).entries[1]
    assert entry.title == "Writing <em> by hand"
    assert html_to_text(entry.content) == "Type <p> to start a paragraph."


def test_html_wrapped_in_a_div_is_read_as_html(fixture_bytes):
    entry = parse_document(fixture_bytes("text_constructs.atom")).entries[2]
    assert html_to_text(entry.summary) == "Wrapped escaped markup."


def test_a_bracket_inside_an_attribute_value_does_not_defeat_tag_stripping(titles):
    assert _title(titles, "tides") == "Tide table explained for visitors"
    assert _body(titles, "tides") == "Read the guide first."


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<p><a title="x < y" href="/a">linked</a> text</p>', "linked text"),
        ("<p><img alt='1 < 2 > 0' src='a.png'>after</p>", "after"),
        ('<span data-note="<b>">inline</span>', "inline"),
    ],
)
def test_brackets_in_attribute_values_in_bodies(markup, expected):
    assert html_to_text(markup) == expected


def test_atom_03_base64_title_and_content_are_decoded(fixture_bytes):
    [entry] = parse_document(fixture_bytes("atom03_base64.xml")).entries
    assert entry.title == "Lantern festival <returns>"
    assert entry.content == "<p>Paper lanterns line the <b>quay</b> again.</p>"
    assert html_to_text(entry.content) == "Paper lanterns line the quay again."


def test_octet_stream_content_is_decoded_as_base64(fixture_bytes):
    [entry] = parse_document(fixture_bytes("atom10_octet_stream.xml")).entries
    assert html_to_text(entry.content) == "Plain words & a < sign."


def test_html_of_only_unknown_elements_is_still_html(titles):
    assert _body(titles, "cam") == "Watch the boats come in."


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<embed src="https://cam.example/x"/>Only an embed', "Only an embed"),
        ("<widget/>Self-closed unknown element", "Self-closed unknown element"),
        ("History of the <blink> tag", "History of the <blink> tag"),
    ],
)
def test_unknown_elements_in_bodies(markup, expected):
    assert html_to_text(markup) == expected


def test_uppercase_hex_references_and_element_names_are_read(titles):
    assert _title(titles, "grades") == "Grade A results for the cove school"
    assert _body(titles, "grades") == "Marks went up in Maths and English."
    assert _title(titles, "lifeboat") == "Lifeboat crew honoured"
    assert _body(titles, "lifeboat") == "First paragraph.\n\nSecond paragraph."


def test_a_nested_cdata_section_leaves_no_markers(titles):
    assert _title(titles, "nested") == "A nested section"
    assert _body(titles, "nested") == "Outer inner text"


def test_an_escaped_comment_opener_is_text_not_a_comment(titles):
    entry = titles["https://kettle.example/comments"]
    expected = "Start a comment with <!-- and end it with --> in the club pages"
    assert entry.title == expected
    assert _body(titles, "comments") == "In the new language <! takes a value from a channel."
    [draft] = build_drafts([entry])
    assert draft.title == expected


@pytest.mark.parametrize(
    "markup",
    [
        "<a '<a ' " * 40_000,  # quoted "<" everywhere: the bounded attribute pattern
        '<p title="x < y">' * 30_000,
        "Ã©â€™" * 50_000,  # mojibake from end to end
    ],
)
def test_new_text_repairs_stay_linear(markup):
    started = time.process_time()
    html_to_text(markup)
    assert time.process_time() - started < 2.0
