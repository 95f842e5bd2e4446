"""Atom 1.0 and 0.3 feeds: text constructs, xml:base links, dates and authors."""

from __future__ import annotations

from datetime import UTC, datetime

from news.models import DocumentKind, ParsedEntry
from news.parse import parse_document


def test_atom_10_feed_metadata_resolved_against_xml_base(fixture_bytes):
    document = parse_document(fixture_bytes("atom10.xml"))

    assert document.kind is DocumentKind.ATOM
    assert document.title == "The Field Notebook"
    assert document.link == "https://notebook.example/blog/"
    assert document.language == "en"


def test_atom_10_entry_with_html_title_xhtml_content_and_enclosure(fixture_bytes):
    first = parse_document(fixture_bytes("atom10.xml")).entries[0]

    assert first == ParsedEntry(
        guid="tag:notebook.example,2024:swifts",
        url="https://notebook.example/blog/posts/counting-swifts",
        title="Counting swifts over the river & marsh",
        summary="<p>We counted 312 swifts &amp; one very late heron.</p>",
        content="<p>We counted <strong>312</strong> swifts.</p><p>One heron arrived late.</p>",
        author="Oona Falk",  # the feed's author: the entry names none
        published_at=datetime(2024, 5, 19, 20, 40, tzinfo=UTC),
        image_url="https://notebook.example/img/swifts.jpg",
        image_urls=["https://notebook.example/img/swifts.jpg"],
        categories=["Birds", "river"],
        language="en",
    )


def test_atom_10_entry_with_its_own_base_language_and_only_updated(fixture_bytes):
    second = parse_document(fixture_bytes("atom10.xml")).entries[1]

    assert second.url == "https://elsewhere.example/guest/moss-in-the-bog"
    assert second.language == "de"
    assert second.author == "Lena Brandt"
    assert second.published_at == datetime(2024, 5, 18, 10, 0, tzinfo=UTC)
    assert second.content == '<p>Das Moor ist <img src="bog.jpg" alt=""> voller Moose.</p>'
    assert second.image_url == "https://elsewhere.example/guest/bog.jpg"


def test_atom_03_escaped_content_and_issued_date(fixture_bytes):
    document = parse_document(fixture_bytes("atom03.xml"))

    assert document.kind is DocumentKind.ATOM
    assert document.entries == [
        ParsedEntry(
            guid="tag:oldmill.example,2005:waterwheel",
            url="https://oldmill.example/2005/03/waterwheel",
            title="The waterwheel turns again",
            content="<p>After forty years the wheel <b>turns</b>.</p>",
            author="Pieter Holm",
            published_at=datetime(2005, 3, 1, 14, 0, tzinfo=UTC),
            language="en",
        )
    ]


def _atom(entries: str) -> bytes:
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">'
        f"<title>F</title>{entries}</feed>"
    ).encode()


def test_html_alternate_link_preferred_and_kind_category_skipped():
    content = _atom(
        "<entry><title>A</title>"
        '<link rel="alternate" type="application/pdf" href="https://a.example/a.pdf"/>'
        '<link rel="alternate" type="text/html" href="https://a.example/a"/>'
        '<link rel="replies" href="https://a.example/a#comments"/>'
        '<category scheme="http://schemas.google.com/g/2005#kind" '
        'term="http://schemas.google.com/blogger/2008/kind#post"/>'
        '<category term="Economics"/></entry>'
    )

    (entry,) = parse_document(content).entries

    assert entry.url == "https://a.example/a"
    assert entry.categories == ["Economics"]


def test_media_group_gives_thumbnail_and_description_not_the_video():
    content = _atom(
        "<entry><id>yt:1</id><title>Clip</title>"
        '<link rel="alternate" href="https://video.example/watch/1"/>'
        "<media:group><media:title>Clip</media:title>"
        '<media:content url="https://video.example/v/1" type="application/x-shockwave-flash"/>'
        '<media:thumbnail url="https://img.example/1.jpg" width="480"/>'
        "<media:description>Line one &amp; more\n\nLine two</media:description>"
        "</media:group></entry>"
    )

    (entry,) = parse_document(content).entries

    assert entry.image_url == "https://img.example/1.jpg"
    assert entry.summary == "<p>Line one &amp; more</p><p>Line two</p>"


def test_text_content_is_escaped_into_paragraphs():
    content = _atom(
        '<entry><title>A</title><content type="text">1 &lt; 2\n\nyes</content></entry>'
    )

    (entry,) = parse_document(content).entries

    assert entry.content == "<p>1 &lt; 2</p><p>yes</p>"


def test_out_of_line_content_is_not_text():
    content = _atom(
        '<entry><title>A</title><content src="https://a.example/body.html" type="text/html"/>'
        "</entry>"
    )

    (entry,) = parse_document(content).entries

    assert entry.content == ""
