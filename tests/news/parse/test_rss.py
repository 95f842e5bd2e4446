"""RSS 0.91, 1.0 (RDF) and 2.0 feeds read into exact entries."""

from __future__ import annotations

from datetime import UTC, datetime

from news.models import DocumentKind, ParsedEntry
from news.parse import parse_document


def test_rss_091_items_and_channel(fixture_bytes):
    document = parse_document(fixture_bytes("rss091.xml"))

    assert document.kind is DocumentKind.RSS
    assert document.title == "Harbour Town Gazette"
    assert document.link == "https://gazette.example/"
    assert document.language == "en-gb"
    assert document.entries == [
        ParsedEntry(
            guid=None,
            url="https://gazette.example/ferry-winter",
            title="Ferry timetable changes for the winter",
            summary="The evening crossing moves to 18:30 from next week.",
            language="en-gb",
        ),
        ParsedEntry(
            guid=None,
            # relative link, no document URL given: resolved against the channel link
            url="https://gazette.example/lighthouse-open-day",
            title="Lighthouse open day draws a crowd",
            summary="Visitors climbed all 212 steps.",
            language="en-gb",
        ),
    ]


def test_rss_10_rdf_items_beside_the_channel(fixture_bytes):
    document = parse_document(fixture_bytes("rss10.rdf"))

    assert document.kind is DocumentKind.RSS
    assert document.title == "Valley Observer"
    assert document.language == "en"
    first, second = document.entries
    assert first == ParsedEntry(
        guid="https://valley.example/2024/orchard-frost",
        url="https://valley.example/2024/orchard-frost",
        title="Late frost threatens the orchards",
        summary="Growers lit braziers between the rows overnight.",
        content=(
            "<p>Growers lit braziers between the rows overnight.</p>"
            "<p>The apple blossom survived, they said.</p>"
        ),
        author="Mara Quill",
        published_at=datetime(2024, 4, 3, 4, 15, tzinfo=UTC),
        categories=["Farming", "Weather"],
        language="en",
    )
    assert second.title == "Council votes to repair the old bridge"
    assert second.published_at == datetime(2024, 4, 2, 18, 0, tzinfo=UTC)
    assert second.summary == ""


def test_rss_20_content_media_and_categories(fixture_bytes):
    document = parse_document(fixture_bytes("rss20.xml"), url="https://wire.example/feed.xml")

    assert document.title == "Northern Wire & Co"
    glacier = document.entries[0]
    assert glacier == ParsedEntry(
        guid="wire-20240611-001",
        url="https://wire.example/science/glacier-retreat?utm_source=rss",
        title="Glacier retreat measured at record pace",
        summary="<p>Survey teams found the ice front <b>40 metres</b> further back.</p>",
        content=(
            "<p>Survey teams found the ice front 40 metres further back than last summer.</p>"
            "<p>&ldquo;It is the fastest we have seen,&rdquo; a surveyor said.</p>"
        ),
        author="Ilse Varga",
        published_at=datetime(2024, 6, 11, 13, 30, tzinfo=UTC),  # 09:30 EDT
        # the widest media:content image beats the thumbnail; the video is not an image
        image_url="https://img.wire.example/glacier-wide.jpg",
        # every image media:content, in feed order, for an album
        image_urls=[
            "https://img.wire.example/glacier-wide.jpg",
            "https://img.wire.example/glacier-mid.jpg",
        ],
        categories=["Science", "Climate"],
        language="en-us",
    )


def test_rss_20_relative_link_enclosure_and_dc_creator(fixture_bytes):
    document = parse_document(fixture_bytes("rss20.xml"), url="https://wire.example/feed.xml")

    port = document.entries[1]
    assert port.url == "https://wire.example/business/port-strike-ends"
    assert port.guid == "https://wire.example/business/port-strike-ends"
    assert port.author == "Tomas Reyes"
    assert port.image_url == "https://img.wire.example/port.png"
    assert port.published_at == datetime(2024, 6, 10, 20, 5, tzinfo=UTC)


def test_rss_20_permalink_guid_is_the_url_and_empty_items_are_skipped(fixture_bytes):
    document = parse_document(fixture_bytes("rss20.xml"), url="https://wire.example/feed.xml")

    assert len(document.entries) == 3  # the fourth <item> is empty
    rain = document.entries[2]
    assert rain.title == ""
    assert rain.url == "https://wire.example/brief/rain"
    # no media: the first image of the description, resolved against the feed URL
    assert rain.image_url == "https://wire.example/img/rain.jpg"


def _rss(items: str, *, namespaces: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0" {namespaces}><channel><title>T</title>'
        f"<link>https://site.example/</link>{items}</channel></rss>"
    ).encode()


def test_guid_that_is_not_a_permalink_is_not_used_as_url():
    content = _rss(
        '<item><title>A</title><guid isPermaLink="false">https://x.example/1</guid></item>'
    )

    (entry,) = parse_document(content).entries

    assert entry.guid == "https://x.example/1"
    assert entry.url is None


def test_feedburner_original_link_wins_over_the_tracking_link():
    content = _rss(
        "<item><title>A</title><link>https://feeds.example/~r/track/1</link>"
        "<feedburner:origLink>https://site.example/story</feedburner:origLink></item>",
        namespaces='xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"',
    )

    (entry,) = parse_document(content).entries

    assert entry.url == "https://site.example/story"


def test_item_language_and_updated_date_fallback():
    content = _rss(
        '<item xml:lang="fr"><title>Bonjour</title>'
        "<atom:updated>2024-01-02T03:04:05Z</atom:updated></item>",
        namespaces='xmlns:atom="http://www.w3.org/2005/Atom"',
    )

    (entry,) = parse_document(content).entries

    assert entry.language == "fr"
    assert entry.published_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_rss_20_with_a_wrong_default_namespace_is_still_read():
    content = (
        b'<rss version="2.0" xmlns="http://backend.userland.com/rss2"><channel>'
        b"<title>Odd</title><item><title>Still here</title><link>https://o.example/a</link>"
        b"</item></channel></rss>"
    )

    document = parse_document(content)

    assert [e.title for e in document.entries] == ["Still here"]
    assert document.entries[0].url == "https://o.example/a"


def test_item_image_element_and_itunes_image():
    content = _rss(
        "<item><title>A</title><image>https://img.example/a.jpg</image></item>"
        '<item><title>B</title><itunes:image href="https://img.example/b.png"/></item>',
        namespaces='xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"',
    )

    images = [e.image_url for e in parse_document(content).entries]

    assert images == ["https://img.example/a.jpg", "https://img.example/b.png"]


def test_unescaped_xhtml_inside_description_is_kept_as_markup():
    content = _rss("<item><title>A</title><description>Lead <b>bold</b> tail</description></item>")

    (entry,) = parse_document(content).entries

    assert entry.summary == "Lead <b>bold</b> tail"


def test_album_images_media_enclosures_and_body_in_order_deduped_at_most_ten():
    body = "".join(f'&lt;img src="/body/{n}.jpg"&gt;' for n in range(12))
    content = _rss(
        "<item><title>Gallery</title><link>https://site.example/g</link>"
        '<media:content url="https://img.example/one.jpg" medium="image"/>'
        '<media:thumbnail url="https://img.example/thumb.jpg"/>'
        '<media:content url="https://img.example/clip.mp4" medium="video"/>'
        '<enclosure url="https://img.example/two.png" type="image/png" length="1"/>'
        '<enclosure url="https://img.example/talk.mp3" type="audio/mpeg" length="1"/>'
        "<media:group>"
        '<media:content url="https://img.example/three-small.jpg" medium="image" width="320"/>'
        '<media:content url="https://img.example/three-large.jpg" medium="image" width="1600"/>'
        "</media:group>"
        f'<description>&lt;img src="https://img.example/one.jpg"&gt;'
        f'&lt;img src="/pixel.gif" width="1" height="1"&gt;{body}</description>'
        "</item>",
        namespaces='xmlns:media="http://search.yahoo.com/mrss/"',
    )

    (entry,) = parse_document(content, url="https://site.example/feed").entries

    assert entry.image_urls == [
        "https://img.example/one.jpg",  # the media:content (repeated in the body: once)
        "https://img.example/two.png",  # the image enclosure, not the audio one
        "https://img.example/three-large.jpg",  # a media:group's widest version only
        *(f"https://site.example/body/{n}.jpg" for n in range(7)),  # the body's, to ten
    ]


def test_no_images_gives_an_empty_album():
    (entry,) = parse_document(_rss("<item><title>Plain</title></item>")).entries

    assert entry.image_urls == []
