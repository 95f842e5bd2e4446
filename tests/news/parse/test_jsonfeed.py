"""JSON Feed 1.0/1.1 and JSON article lists (the `newsbot import` shape)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from news.errors import ParseError
from news.models import DocumentKind, ParsedEntry, RelatedLink
from news.parse import parse_document


def test_json_feed_11(fixture_bytes):
    document = parse_document(
        fixture_bytes("jsonfeed11.json"), content_type="application/feed+json"
    )

    assert document.kind is DocumentKind.JSON_FEED
    assert document.title == "Tidewater Dispatch"
    assert document.link == "https://tidewater.example/"
    assert document.language == "en-GB"
    assert document.entries == [
        ParsedEntry(
            guid="2024-07-01-seawall",
            url="https://tidewater.example/2024/07/seawall",
            title="Seawall repairs finish early",
            summary="<p>Repairs finished &lt;ahead&gt; of schedule.</p>",
            content="<p>The last stones were set on Sunday.</p>",
            author="Rhea Nolan, Idris Cole",
            published_at=datetime(2024, 7, 1, 6, 45, tzinfo=UTC),
            image_url="https://tidewater.example/img/seawall.jpg",
            image_urls=["https://tidewater.example/img/seawall.jpg"],
            categories=["Coast", "Engineering"],
            language="en",
        ),
        ParsedEntry(
            guid="42",
            url="https://tidewater.example/2024/06/regatta",
            title="Regatta postponed by fog",
            content="<p>Fog rolled in at dawn.</p><p>The race moves to Saturday.</p>",
            author="Tidewater Desk",
            published_at=datetime(2024, 6, 29, 16, 0, tzinfo=UTC),  # date_modified fallback
            image_url="https://tidewater.example/img/regatta-banner.jpg",
            image_urls=["https://tidewater.example/img/regatta-banner.jpg"],
            language="en-GB",
        ),
    ]  # the third item is a string, not an object: skipped


def test_json_feed_10_author_object_and_feed_author_fallback(fixture_bytes):
    document = parse_document(fixture_bytes("jsonfeed10.json"))

    first, second = document.entries
    assert first.author == "Bo Stone"
    assert second.author == "Ada Stone"
    assert second.title == ""
    assert second.content == "<p>Untitled note.</p>"
    assert second.published_at == datetime(2023, 11, 6, 18, 0, tzinfo=UTC)


def test_article_list(fixture_bytes):
    document = parse_document(fixture_bytes("articles.json"))

    assert document.kind is DocumentKind.JSON_FEED
    honey, fete = document.entries
    assert honey == ParsedEntry(
        guid=None,
        url="https://meadow.example/news/honey-record",
        title="Beekeepers report a record honey year",
        summary="Hives produced a third more than last year.",
        content=(
            "Hives produced a third more than last year.\n\n"
            "The long warm spring helped, keepers said."
        ),
        author="Greta Lind",
        published_at=datetime(2023, 9, 14, 8, 0, tzinfo=UTC),
        image_url="https://meadow.example/img/hives.jpg",
        categories=["Farming", "Bees"],
        related=[
            RelatedLink(
                title="Wildflower verges return",
                url="https://meadow.example/news/verges",
                site="meadow.example",
            ),
            RelatedLink(title="Pollinator count begins"),
        ],
    )
    assert fete.title == "Village fete raises funds for the hall roof"
    assert fete.url == "https://meadow.example/news/fete"
    assert fete.content == "The fete raised enough to fix the roof."
    assert fete.published_at == datetime(2023, 9, 15, 8, 0, tzinfo=UTC)  # Unix seconds
    assert fete.categories == ["Community", "Fundraising"]


def test_articles_wrapper_and_single_object():
    wrapped = json.dumps({"articles": [{"title": "One", "text": "Body."}]}).encode()
    single = json.dumps({"title": "Two", "body": "Text.", "published": 1700000000000}).encode()

    assert [e.title for e in parse_document(wrapped).entries] == ["One"]
    (entry,) = parse_document(single).entries
    assert entry.title == "Two"
    assert entry.published_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)  # milliseconds


def test_article_list_names_the_unusable_item():
    content = json.dumps([{"title": "Fine", "text": "ok"}, {"tags": ["x"]}]).encode()

    with pytest.raises(ParseError, match="article 1: it has no title, url or text"):
        parse_document(content)


def test_article_list_rejects_items_that_are_not_objects():
    with pytest.raises(ParseError, match="article 0: expected an object, got str"):
        parse_document(b'["x"]')


def test_invalid_json_reports_where():
    with pytest.raises(ParseError, match=r"invalid JSON: .* line 2 column"):
        parse_document(b'{"version": "https://jsonfeed.org/version/1.1",\n "items": [,]}')


def test_json_that_is_no_feed_or_article():
    with pytest.raises(ParseError, match="neither a JSON Feed nor an article list"):
        parse_document(b'{"status": "ok", "count": 3}')


def test_json_feed_with_utf8_bom_and_relative_urls_against_the_document_url():
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Café",
        "items": [{"id": "1", "url": "p/1", "title": "Crème brûlée", "content_text": "x"}],
    }
    content = b"\xef\xbb\xbf" + json.dumps(feed, ensure_ascii=False).encode()

    document = parse_document(content, url="https://cafe.example/feed.json")

    assert document.title == "Café"
    assert document.entries[0].title == "Crème brûlée"
    assert document.entries[0].url == "https://cafe.example/p/1"
