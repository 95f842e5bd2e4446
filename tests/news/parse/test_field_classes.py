"""Fields that were dropped before issue 13: dc:title, xhtml:body, media and iTunes categories,
iTunes tags in both namespace spellings, media:group, author e-mail forms, pre-standard Atom."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.clean import html_to_text
from news.parse import parse_document


@pytest.fixture
def entries(fixture_bytes):
    document = parse_document(fixture_bytes("fields_rss.xml"))
    return {entry.url.rsplit("/", 1)[1]: entry for entry in document.entries}


def test_dc_title_on_the_channel_and_items(fixture_bytes, entries):
    assert parse_document(fixture_bytes("fields_rss.xml")).title == "Saltmarsh Radio"
    assert entries["reeds"].title == "Reed beds flood after the spring tide"


def test_a_title_element_wins_over_dc_title():
    feed = (
        b'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        b"<item><dc:title>Secondary</dc:title><title>Primary</title>"
        b"<link>https://t.example/1</link></item></channel></rss>"
    )
    [entry] = parse_document(feed).entries
    assert entry.title == "Primary"


def test_items_with_text_only_in_xhtml_body_are_kept(entries):
    entry = entries["dunes"]
    assert html_to_text(entry.content) == "Bring a torch and warm boots.\n\nWe meet at nine."


@pytest.mark.parametrize("element", ["body", "fullitem"])
def test_items_with_text_only_in_other_body_elements(element):
    feed = (
        f'<rss version="2.0"><channel><item><title>Tide mill</title>'
        f"<link>https://t.example/mill</link><{element}>&lt;p&gt;The wheel turns again."
        f"&lt;/p&gt;</{element}></item></channel></rss>"
    ).encode()
    [entry] = parse_document(feed).entries
    assert html_to_text(entry.content) == "The wheel turns again."


def test_media_category_and_dc_subject_are_categories(entries):
    assert entries["reeds"].categories == ["Wetlands", "Environment"]


def test_nested_itunes_categories(entries):
    assert entries["ep12"].categories == ["Science", "Nature"]
    assert entries["ep13"].categories == ["Leisure", "Hobbies"]


@pytest.mark.parametrize("episode", ["ep12", "ep13"])
def test_itunes_tags_in_both_namespace_spellings(entries, episode):
    entry = entries[episode]
    assert entry.author == "Nell Brackish"
    assert entry.image_url == f"https://saltmarsh.example/art/{episode}.jpg"
    assert html_to_text(entry.summary) in (
        "Nell follows the oystercatchers along the tideline.",
        "Curlews return to the marsh in autumn.",
    )


def test_media_group_contents(entries):
    entry = entries["clip"]
    assert entry.title == "Clip: a heron fishing at dawn"
    assert html_to_text(entry.summary) == "Two minutes of a heron at the sluice gate."
    assert entry.image_url == "https://saltmarsh.example/clip.jpg"
    assert entry.categories == ["Birds"]


def test_authors_with_an_address_show_only_the_name(entries):
    assert entries["reeds"].author == "Ada Fenwick"
    assert entries["dunes"].author == "Tom Reedman"
    assert entries["lost"].author is None


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Ada Fenwick (ada@saltmarsh.example)", "Ada Fenwick"),
        ("ada@saltmarsh.example (Ada Fenwick)", "Ada Fenwick"),
        ("Ada Fenwick <ada@saltmarsh.example>", "Ada Fenwick"),
        ("ada@saltmarsh.example", None),
        ("Ada Fenwick", "Ada Fenwick"),
        ("Ada Fenwick (Saltmarsh Radio)", "Ada Fenwick (Saltmarsh Radio)"),
    ],
)
def test_author_forms(written, shown):
    feed = (
        '<rss version="2.0"><channel><item><title>t</title><link>https://t.example/a</link>'
        f"<author>{written.replace('<', '&lt;')}</author></item></channel></rss>"
    ).encode()
    [entry] = parse_document(feed).entries
    assert entry.author == shown


@pytest.mark.parametrize(
    "namespace",
    [
        "http://purl.org/echo/",
        "http://purl.org/pie/",
        "http://example.com/newformat#",
        "http://example.com/necho",
        "uri/of/echo/namespace#",
        "http://purl.org/atom/ns#",
    ],
)
def test_pre_standard_atom_namespaces(fixture_bytes, namespace):
    content = fixture_bytes("atom_prestandard.xml").replace(
        b"http://purl.org/echo/", namespace.encode()
    )
    document = parse_document(content)
    assert document.title == "Estuary Notes"
    assert document.link == "https://estuary.example/"
    [entry] = document.entries
    assert entry.title == "Mudflat survey begins"
    assert entry.url == "https://estuary.example/survey"
    assert entry.author == "Iris Wader"
    assert entry.published_at == datetime(2004, 2, 1, 14, 0, tzinfo=UTC)
    assert html_to_text(entry.content) == "Volunteers counted worms."
