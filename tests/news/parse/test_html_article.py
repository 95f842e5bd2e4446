"""A single HTML article page: metadata from og/meta/JSON-LD, main text by trafilatura."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.errors import ParseError
from news.models import DocumentKind
from news.parse import parse_document

PARAGRAPHS = [
    "The first sleeper train in six years left the central station at ten past eleven on "
    "Thursday night, carrying a little over two hundred passengers towards the coast.",
    "Operators said the carriages had been rebuilt with wider berths and a small dining car, "
    "and that tickets for the first month had already sold out.",
    'Regular travellers welcomed the return. "It means I can work a full day and still wake '
    'up by the sea," said one commuter, who had booked a cabin for every Friday in April.',
    "The service will run four nights a week until the summer timetable begins, when a daily "
    "departure is planned.",
]


def test_article_page_fields(fixture_bytes):
    document = parse_document(
        fixture_bytes("article.html"),
        content_type="text/html; charset=utf-8",
        url="https://railcourier.example/news/night-trains?utm_source=share",
    )

    assert document.kind is DocumentKind.HTML_ARTICLE
    assert document.title == "Rail Courier"
    assert document.link == "https://railcourier.example/news/night-trains"
    (entry,) = document.entries
    assert entry.guid is None
    assert entry.url == "https://railcourier.example/news/night-trains"  # rel=canonical
    assert entry.title == "Night trains return to the coast line"
    assert entry.summary == "Sleeper services resume after a six-year gap."
    assert entry.content == "\n\n".join(PARAGRAPHS)
    assert entry.author == "Petra Lund"
    assert entry.published_at == datetime(2024, 3, 8, 5, 30, tzinfo=UTC)
    assert entry.image_url == "https://railcourier.example/media/sleeper-carriage.jpg"
    assert entry.categories == ["Rail", "Travel", "sleeper trains", "coast line", "Timetables"]
    assert entry.language == "en-GB"


def _page(head: str, *, body: str | None = None) -> bytes:
    text = body or "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = f"<!doctype html><html><head>{head}</head><body><article>{text}</article></body></html>"
    return page.encode()


def test_title_tag_without_site_suffix_and_json_ld_date_and_keywords():
    head = (
        "<title>Harbour cranes repaired - Coast Daily</title>"
        '<meta property="og:site_name" content="Coast Daily">'
        '<script type="application/ld+json">{"@type": ["NewsArticle"], '
        '"datePublished": "2024-02-01T10:00:00+02:00", "keywords": "Ports, Repairs", '
        '"image": {"url": "https://coast.example/c.jpg"}, "author": "Ole Berg", '
        '"inLanguage": "nb"}</script>'
    )

    (entry,) = parse_document(_page(head), url="https://coast.example/a/1").entries

    assert entry.title == "Harbour cranes repaired"
    assert entry.published_at == datetime(2024, 2, 1, 8, 0, tzinfo=UTC)
    assert entry.categories == ["Ports", "Repairs"]
    assert entry.image_url == "https://coast.example/c.jpg"
    assert entry.author == "Ole Berg"
    assert entry.language == "nb"
    assert entry.url == "https://coast.example/a/1"  # no canonical: the page's own URL


def test_time_element_date_and_meta_keywords():
    body = '<time datetime="2023-12-24T18:00:00Z">Christmas Eve</time>' + "".join(
        f"<p>{p}</p>" for p in PARAGRAPHS
    )
    head = '<meta name="news_keywords" content="Rail , Night trains,,rail">'

    (entry,) = parse_document(_page(head, body=body)).entries

    assert entry.published_at == datetime(2023, 12, 24, 18, 0, tzinfo=UTC)
    assert entry.categories == ["Rail", "Night trains"]


def test_page_without_article_text_is_an_error():
    page = (
        b"<html><head><title>Home</title>"
        b'<link rel="alternate" type="application/rss+xml" href="/rss"></head>'
        b'<body><nav><a href="/a">A</a> <a href="/b">B</a></nav></body></html>'
    )

    with pytest.raises(ParseError, match=r"no main text found.*https://home\.example/rss"):
        parse_document(page, url="https://home.example/")


def test_xhtml_page_with_xml_declaration():
    page = b'<?xml version="1.0" encoding="utf-8"?>\n' + _page(
        '<meta property="og:title" content="XHTML story">'
    ).replace(b"<html>", b'<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">')

    document = parse_document(page)

    assert document.kind is DocumentKind.HTML_ARTICLE
    assert document.entries[0].title == "XHTML story"
    assert document.entries[0].language == "en"
