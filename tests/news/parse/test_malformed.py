"""Broken feeds read as far as they can be: repaired text first, recovery mode last."""

from __future__ import annotations

import time

import pytest

from news.errors import ParseError
from news.parse import parse_document
from news.parse.xmltree import parse_feed_xml, repair_xml


def _items(*items: str, after: str = "") -> bytes:
    body = "".join(items)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Broken</title>'
        f"{body}</channel></rss>{after}"
    ).encode()


def _titles(content: bytes) -> list[str]:
    return [entry.title for entry in parse_document(content).entries]


def test_unescaped_ampersands_in_text_and_urls():
    content = _items(
        "<item><title>Q&A: salt & pepper</title>"
        "<link>https://a.example/search?q=salt&page=2</link></item>"
    )

    (entry,) = parse_document(content).entries

    assert entry.title == "Q&A: salt & pepper"
    assert entry.url == "https://a.example/search?q=salt&page=2"


def test_html_named_entities_undefined_in_xml():
    content = _items(
        "<item><title>Caf&eacute; opens&nbsp;today &mdash; finally&hellip;</title></item>"
    )

    assert _titles(content) == ["Café opens today — finally…"]


def test_entities_inside_cdata_are_left_for_the_html_cleaner():
    content = _items(
        "<item><title>Fine & dandy</title>"
        "<description><![CDATA[<p>Tom&nbsp;&amp; Jerry &copy;</p>]]></description></item>"
    )

    (entry,) = parse_document(content).entries

    assert entry.title == "Fine & dandy"
    assert entry.summary == "<p>Tom&nbsp;&amp; Jerry &copy;</p>"


def test_unknown_entity_is_kept_visible():
    assert _titles(_items("<item><title>Price &euro5; &bogus; now</title></item>")) == [
        "Price &euro5; &bogus; now"
    ]


def test_invalid_control_characters_are_removed():
    content = _items("<item><title>Bell\x07 and\x0b tab\x1f here&#1;</title></item>")

    assert _titles(content) == ["Bell and tab here"]


def test_garbage_after_the_root_element():
    content = _items(
        "<item><title>First</title></item>",
        after="\n<!-- cache 12ms --><p>Powered by a very old CMS</p>",
    )

    assert _titles(content) == ["First"]


def test_whitespace_and_a_server_warning_before_the_prolog():
    warning = b"\n\n  Warning: something deprecated in /var/www/feed.php on line 3\n"

    assert _titles(warning + _items("<item><title>Still read</title></item>")) == ["Still read"]


def test_unclosed_tags_are_recovered():
    content = _items(
        "<item><title>One</title><description>Lead <b>bold text</description></item>",
        "<item><title>Two</title><link>https://a.example/2</link></item>",
    )

    assert _titles(content) == ["One", "Two"]


def test_truncated_feed_yields_the_complete_items():
    full = _items(
        "<item><title>One</title><link>https://a.example/1</link></item>",
        "<item><title>Two</title><link>https://a.example/2</link></item>",
        "<item><title>Three</title><link>https://a.example/3</link><description>Cut",
    )
    truncated = full[: full.index(b"Cut") + 3]

    document = parse_document(truncated)

    assert [e.title for e in document.entries] == ["One", "Two"]
    assert [e.url for e in document.entries] == ["https://a.example/1", "https://a.example/2"]


def test_truncated_atom_feed_yields_the_complete_entries():
    content = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
        b"<entry><title>Done</title><id>1</id></entry><entry><title>Half"
    )

    assert _titles(content) == ["Done"]


def test_recovery_is_reported_only_when_needed():
    assert parse_feed_xml(_items("<item><title>ok</title></item>")).recovered is False
    broken = parse_feed_xml(_items("<item><title>a</title></item>", "<item><title>b"))
    assert broken.recovered is True
    assert broken.closed_items == 1


def test_repair_xml_leaves_comments_and_cdata_alone():
    text = "<r><!-- a & b --><![CDATA[x & y &nbsp;]]>c & d&nbsp;</r>"

    assert repair_xml(text) == "<r><!-- a & b --><![CDATA[x & y &nbsp;]]>c &amp; d&#160;</r>"


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?>',
        b'<?xml version="1.0"?><rss',
        b"<rss><<<<>>>>",
    ],
)
def test_unrecoverable_xml_is_a_parse_error(content):
    with pytest.raises(ParseError):
        parse_document(content)


def test_entities_of_an_external_dtd_that_is_not_loaded():
    content = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"\n'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>Caf&eacute; news</title>'
        b"<item><title>Cr&egrave;me &amp; more</title>"
        b"<description>&lt;p&gt;A &copy; B&lt;/p&gt;</description></item></channel></rss>"
    )

    document = parse_document(content)

    assert document.title == "Caf\u00e9 news"
    (entry,) = document.entries
    assert entry.title == "Cr\u00e8me & more"
    assert entry.summary == "<p>A &copy; B</p>"


def test_atom_html_content_with_unloaded_dtd_entities():
    content = (
        b'<!DOCTYPE feed SYSTEM "http://example.invalid/atom.dtd">'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>E</title>'
        b'<content type="html">&lt;p&gt;x&nbsp;y&lt;/p&gt;</content>'
        b'<summary type="text">a &mdash; b</summary></entry></feed>'
    )

    (entry,) = parse_document(content).entries

    assert entry.content == "<p>x&nbsp;y</p>"
    assert entry.summary == "<p>a \u2014 b</p>"


def test_large_malformed_feed_is_repaired_in_linear_time():
    items = "".join(
        f"<item><title>Q&A {n} &nbsp;caf&eacute;</title><link>https://a.example/?a=1&b={n}</link>"
        f"<description><![CDATA[<p>x & y {n}</p>]]></description></item>"
        for n in range(10_000)
    )
    started = time.perf_counter()

    document = parse_document(_items(items))

    assert time.perf_counter() - started < 5.0
    assert len(document.entries) == 10_000
    assert document.entries[7].title == "Q&A 7 caf\u00e9"
    assert document.entries[7].url == "https://a.example/?a=1&b=7"
