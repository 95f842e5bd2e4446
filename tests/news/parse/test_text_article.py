"""Scraped plain-text articles in the seed's shape, parsed to exact fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.errors import ParseError
from news.models import DocumentKind, ParsedEntry, RelatedLink
from news.parse import parse_document

LEDE = (
    "Fishing crews and farm co-operatives in the Marrow valley signed a water-sharing "
    "agreement on Wednesday, ending a dispute over summer irrigation that had lasted three "
    "seasons."
)
BODY = [
    LEDE,
    "Under the deal, farms will draw less water during the salmon run in late summer, while "
    "fishing crews accept a shorter netting season in return.",
    "\u201cNobody got everything they wanted,\u201d the valley\u2019s mediator told reporters. "
    "\u201cBut everybody got enough to keep working.\u201d",
    "The agreement will be reviewed after two years. A panel of growers, crews and river "
    "scientists will publish the flow readings every month.",
]
HEADLINE = (
    "Fishermen & farmers \u2018share the river\u2019 in new water deal for the Marrow valley"
)


def test_seed_shaped_article_to_exact_fields(fixture_bytes):
    document = parse_document(fixture_bytes("scraped.txt"), content_type="text/plain")

    assert document.kind is DocumentKind.TEXT_ARTICLE
    assert document.title == HEADLINE
    assert document.entries == [
        ParsedEntry(
            guid=None,
            url=None,
            title=HEADLINE,
            summary=LEDE,
            content="\n\n".join(BODY),
            published_at=datetime(2021, 3, 3, 7, 5, tzinfo=UTC),
            related=[
                RelatedLink(
                    title="Drought warning issued for the upper valley",
                    url=None,
                    site="valleynews.example",
                )
            ],
        )
    ]


def _article(*lines: str) -> bytes:
    return "\n\n".join(lines).encode()


@pytest.mark.parametrize(
    ("date_line", "expected"),
    [
        ("21 February 2021 19:53", datetime(2021, 2, 21, 19, 53, tzinfo=UTC)),
        ("Feb 21, 2021", datetime(2021, 2, 21, tzinfo=UTC)),
        ("Published time: 4 Jan, 2022 08:15", datetime(2022, 1, 4, 8, 15, tzinfo=UTC)),
        ("2022-01-04 08:15", datetime(2022, 1, 4, 8, 15, tzinfo=UTC)),
    ],
)
def test_date_line_forms(date_line, expected):
    (entry,) = parse_document(_article(date_line, "Quiet night", "Nothing happened.")).entries

    assert entry.published_at == expected
    assert entry.title == "Quiet night"


def test_chrome_lines_are_dropped_and_url_line_is_kept():
    content = _article(
        "https://ridge.example/news/snow-day",
        "Snow closes the ridge road",
        "The ridge road closed at noon after heavy snow.",
        "Subscribe to Ridge News daily",
        "Follow us on Telegram",
        "Read more",
        "This website uses cookies to improve your experience. Accept",
        "Ploughs are expected to clear it by morning.",
        "Follow the ploughs on their route, the council told drivers.",
        "Follow Ridge News on Telegram for updates",
        "Share this story",
        "Read more: Avalanche risk rises on the north face",
    )

    (entry,) = parse_document(content).entries

    assert entry.url == "https://ridge.example/news/snow-day"
    assert entry.guid is None
    assert entry.published_at is None
    assert entry.title == "Snow closes the ridge road"
    assert entry.content == (
        "The ridge road closed at noon after heavy snow.\n\n"
        "Ploughs are expected to clear it by morning.\n\n"
        "Follow the ploughs on their route, the council told drivers."
    )
    assert entry.related == [RelatedLink(title="Avalanche risk rises on the north face")]


def test_hard_wrapped_paragraphs_are_joined():
    content = (
        b"Kiln fire at the pottery\n\nThe kiln caught fire late on Monday and the\n"
        b"crew put it out within minutes.\nNobody was hurt.\n"
    )

    (entry,) = parse_document(content).entries

    assert entry.content == (
        "The kiln caught fire late on Monday and the crew put it out within minutes.\n\n"
        "Nobody was hurt."
    )


def test_headline_repeated_with_a_site_suffix_is_deduplicated():
    content = _article("Tram line opens | City Post", "Tram line opens", "Trams ran all day.")

    (entry,) = parse_document(content).entries

    assert entry.title == "Tram line opens"
    assert entry.content == "Trams ran all day."


def test_text_without_body_is_an_error():
    with pytest.raises(ParseError, match="no text after the headline"):
        parse_document(_article("icon a-icon bicon cicon dicon eicon", "Only a headline"))


def test_text_with_only_chrome_is_an_error():
    with pytest.raises(ParseError, match="no headline"):
        parse_document(_article("Share this story!", "Follow us on Telegram"))
