"""news.drafts: parsed entries to cleaned article drafts."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from news.dedupe import article_simhash, content_hash
from news.drafts import URN_PREFIX, build_drafts
from news.models import ParsedEntry, RelatedLink

PUBLISHED = datetime(2024, 5, 14, 6, 30, tzinfo=UTC)
FOOTER = "<p>Harbour Herald is funded by its readers. Support local news.</p>"


def entry(**fields: Any) -> ParsedEntry:
    """A parsed entry with a guid, link and title unless overridden."""
    defaults: dict[str, Any] = {
        "guid": "hh-1001",
        "url": "https://harbourherald.example/news/bridge?utm_source=rss#main",
        "title": "Larkspur Bridge closed after cracked cables found",
    }
    return ParsedEntry(**(defaults | fields))


def test_a_full_entry_becomes_a_clean_draft() -> None:
    related = [RelatedLink("Ferry timetable doubled", "https://harbourherald.example/ferry")]
    parsed = entry(
        summary="<p>The only road link to Wren Point is shut.</p>",
        content=(
            "<p>The Larkspur Bridge was closed on Tuesday.</p>"
            "<script>track()</script>"
            "<p>Engineers found two cracked cables &amp; corrosion.</p>"
        ),
        author="  Nadia Brook ",
        published_at=PUBLISHED,
        image_url="https://harbourherald.example/bridge.jpg",
        categories=["Transport", "Port Ellery", "transport"],
        language="en",
        related=related,
    )
    [draft] = build_drafts([parsed], source_tags=["Local", "#port-ellery"])

    body = (
        "The Larkspur Bridge was closed on Tuesday.\n\n"
        "Engineers found two cracked cables & corrosion."
    )
    assert draft.guid == "hh-1001"
    assert draft.url == "https://harbourherald.example/news/bridge"
    assert draft.title == "Larkspur Bridge closed after cracked cables found"
    assert draft.summary == "The only road link to Wren Point is shut."
    assert draft.body == body
    assert draft.author == "Nadia Brook"
    assert draft.published_at == PUBLISHED
    assert draft.image_url == "https://harbourherald.example/bridge.jpg"
    assert draft.language == "en"
    assert draft.tags == ["Transport", "Port Ellery", "Local"]
    assert draft.related == related
    assert draft.related is not parsed.related
    assert draft.content_hash == content_hash(draft.title, draft.summary, body)
    assert draft.simhash == article_simhash(draft.title, body)


def test_summary_only_entry_gets_a_lede_and_derived_tags() -> None:
    summary = (
        "<p>Mayor Tobias Renn asked the province for emergency money after the Larkspur "
        "Bridge closed. Renn said divers would inspect the foundations.</p>"
        "<p>In Wren Point, traders fear a long closure. Renn promised a timetable for Wren "
        "Point by Friday.</p>"
    )
    [draft] = build_drafts([entry(summary=summary, title="Renn asks for emergency funds")])
    assert draft.body == (
        "Mayor Tobias Renn asked the province for emergency money after the Larkspur Bridge "
        "closed. Renn said divers would inspect the foundations.\n\n"
        "In Wren Point, traders fear a long closure. Renn promised a timetable for Wren Point "
        "by Friday."
    )
    assert draft.summary == draft.body.split("\n\n")[0]
    assert draft.tags == ["Renn", "Wren Point"]


def test_content_without_text_falls_back_to_the_summary() -> None:
    [draft] = build_drafts([entry(content="<p> </p><script>x()</script>", summary="Real text.")])
    assert draft.body == "Real text."
    assert draft.summary == "Real text."


def test_a_summary_repeating_the_body_start_is_kept() -> None:
    [draft] = build_drafts(
        [entry(summary="The bridge was closed on Tuesday […]",
               content="<p>The bridge was closed on Tuesday morning.</p><p>More.</p>")]
    )  # fmt: skip
    assert draft.summary == "The bridge was closed on Tuesday…"


def test_a_long_feed_summary_is_cut_to_a_lede() -> None:
    sentence = "Engineers described the corrosion on the eastern span in great detail. "
    [draft] = build_drafts([entry(summary=sentence * 12, content="<p>Body text.</p>")])
    assert draft.summary == (sentence * 5).strip()
    assert len(draft.summary) <= 400


def test_categories_win_over_derived_tags() -> None:
    text = "Port Ellery shut the bridge. Port Ellery officials met. Port Ellery waits."
    [with_categories] = build_drafts([entry(content=text, categories=["Roads"])])
    [without] = build_drafts([entry(content=text)])
    assert with_categories.tags == ["Roads"]
    assert without.tags == ["Port Ellery"]


def test_categories_that_carry_no_information_give_way_to_derived_tags() -> None:
    """A label on most of a source's items, a code, a kind of page or the source's own
    name is no tag; an entry left without categories gets tags from its text."""
    text = "Port Ellery shut the bridge. Port Ellery officials met. Port Ellery waits."
    entries = [
        entry(
            guid=f"hh-{n}",
            url=f"https://harbourherald.example/news/{n}",
            content=text,
            categories=["Harbour Digest", "internal-open-access-x1", "News"]
            + (["Roads"] if n == 0 else []),
        )
        for n in range(8)
    ]
    entries.append(entry(guid="hh-9", content=text, categories=["Harbour Herald", "Tides"]))
    drafts = build_drafts(entries, source_names=["Harbour Herald"])
    assert drafts[0].tags == ["Roads"]
    assert drafts[1].tags == ["Port Ellery"]
    assert drafts[-1].tags == ["Tides"]


def test_names_indexed_last_first_are_shown_as_written() -> None:
    [draft] = build_drafts([entry(categories=["Putin, Vladimir V", "Vance, J D"])])
    assert draft.tags == ["Vladimir Putin", "JD Vance"]


def test_boilerplate_recurring_across_the_batch_is_dropped() -> None:
    entries = [
        entry(guid=f"hh-{n}", url=f"https://harbourherald.example/{n}",
              content=f"<p>Story number {n} text.</p>{FOOTER}")
        for n in range(4)
    ]  # fmt: skip
    entries.append(entry(guid="hh-9", url="https://harbourherald.example/9",
                         content="<p>Story nine.</p><p>Continue reading…</p>"))  # fmt: skip
    drafts = build_drafts(entries)
    assert [d.body for d in drafts] == [
        "Story number 0 text.",
        "Story number 1 text.",
        "Story number 2 text.",
        "Story number 3 text.",
        "Story nine.",
    ]


def test_entry_without_link_or_guid_gets_a_urn_and_a_hash_guid() -> None:
    parsed = entry(guid=None, url=None, content="<p>Body text.</p>", published_at=PUBLISHED)
    draft, _ = build_drafts([parsed, entry(guid="other", url=None, content="Other.")])
    assert draft.url == URN_PREFIX + content_hash(draft.title, draft.summary, draft.body)[:32]
    expected_guid = f"{draft.title}\x1f{PUBLISHED.isoformat()}"
    assert draft.guid == hashlib.sha256(expected_guid.encode()).hexdigest()


def test_entry_without_guid_uses_its_canonical_url() -> None:
    [draft] = build_drafts([entry(guid="  ", content="Body.")])
    assert draft.guid == "https://harbourherald.example/news/bridge"


def test_fallback_url_serves_a_single_article_only() -> None:
    page = "https://HarbourHerald.example/news/bridge?fbclid=x"
    [article] = build_drafts([entry(guid=None, url=None, content="Body.")], fallback_url=page)
    assert article.url == "https://harbourherald.example/news/bridge"
    assert article.guid == "https://harbourherald.example/news/bridge"

    feed = [entry(guid=None, url=None, title=f"Item {n}", content=f"Body {n}.") for n in (1, 2)]
    first, second = build_drafts(feed, fallback_url="https://harbourherald.example/")
    assert first.url.startswith(URN_PREFIX)
    assert second.url.startswith(URN_PREFIX)
    assert first.url != second.url


def test_title_falls_back_to_the_first_sentence() -> None:
    content = (
        "<p>Divers will examine the foundations of the Larkspur Bridge on Wednesday. "
        "A full survey follows.</p>"
    )
    [draft] = build_drafts([entry(title="  ", content=content)])
    assert (
        draft.title == "Divers will examine the foundations of the Larkspur Bridge on Wednesday."
    )

    long_sentence = "word " * 60 + "end."
    [cut] = build_drafts([entry(title="", content=long_sentence)])
    assert cut.title.endswith("…")
    assert len(cut.title) <= 120


def test_title_is_cleaned_to_one_line() -> None:
    [draft] = build_drafts([entry(title="Bridge &amp; ferry\n  update", content="Body.")])
    assert draft.title == "Bridge & ferry update"


def test_entries_without_title_or_text_are_skipped_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    entries = [
        entry(title="", content="<p> </p>", summary=""),
        entry(guid="kept", content="Body."),
        entry(title=" ", content="<script>only()</script>"),
    ]
    with caplog.at_level(logging.INFO, logger="news.drafts"):
        drafts = build_drafts(entries)
    assert [d.guid for d in drafts] == ["kept"]
    [record] = caplog.records
    assert record.getMessage() == "entries_skipped"
    assert (record.skipped, record.entries) == (2, 3)


def test_an_empty_batch_gives_no_drafts() -> None:
    assert build_drafts([]) == []
