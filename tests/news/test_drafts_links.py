"""Only http(s) links are stored: article and image links are validated at ingest (15.2)."""

from __future__ import annotations

import pytest

from news.drafts import URN_PREFIX, build_drafts
from news.models import ParsedEntry, RelatedLink


@pytest.mark.parametrize(
    "link",
    [
        "java\tscript:alert(1)",
        "javascript:alert(1)",
        "tg://resolve?domain=evil",
        "ftp://harbour.example/file",
        "data:text/html,<b>x</b>",
        "https:///no-host",
        "mailto:desk@harbour.example",
    ],
)
def test_an_entry_without_a_usable_web_link_keeps_no_link(link):
    entry = ParsedEntry(
        guid=None,
        url=link,
        title="Ferry returns",
        image_url=link,
        image_urls=[link, "https://img.harbour.example/ferry.jpg", link],
        related=[RelatedLink("Also", link)],
    )
    (draft,) = build_drafts([entry])
    assert draft.url.startswith(URN_PREFIX)
    assert draft.image_url is None
    assert draft.image_urls == ["https://img.harbour.example/ferry.jpg"]  # the album's
    assert draft.related == [RelatedLink("Also", None)]
    assert not draft.guid.startswith(link[:4])


def test_web_links_are_normalised_and_newlines_cannot_survive():
    entry = ParsedEntry(
        guid="g",
        url=" HTTPS://Harbour.Example/a\nb?utm_source=x ",
        title="Ferry",
        image_url="https://img.example/a b.jpg",
    )
    (draft,) = build_drafts([entry])
    assert draft.url == "https://harbour.example/ab"
    assert draft.image_url is None  # whitespace in a link: not a usable link
