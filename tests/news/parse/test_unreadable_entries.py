"""One unreadable entry is skipped and counted; its siblings are read (issue 15.1)."""

from __future__ import annotations

import pytest

from news.drafts import draft_batch
from news.models import ParsedEntry
from news.parse import parse_document
from news.parse.dates import parse_date
from news.prepare import prepare_document

ATOM = (
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    b"<title>Gazette</title>"
    b'<entry><id>a</id><title>Bad &#xDFFF; entry</title><link href="https://g.example/a"/></entry>'
    b'<entry><id>b</id><title>Good entry</title><link href="https://g.example/b"/></entry>'
    b"</feed>"
)


def test_an_atom_entry_with_a_surrogate_reference_is_skipped_and_counted():
    document = parse_document(ATOM, content_type="application/atom+xml")
    assert [entry.title for entry in document.entries] == ["Good entry"]
    assert document.skipped == 1
    prepared = prepare_document(ATOM, content_type="application/atom+xml", url=None)
    assert (prepared.entries, prepared.skipped) == (2, 1)
    assert [draft.title for draft in prepared.drafts] == ["Good entry"]


@pytest.mark.parametrize("text", ["²²²²²²²²²²", "²²²²", "２０２６-01-01", "¹²³⁴-05-06"])
def test_dates_of_digits_int_cannot_read_are_unreadable_not_errors(text):
    parsed = parse_date(text)
    assert parsed is None or parsed.tzinfo is not None


def test_lone_surrogates_in_any_field_become_replacement_characters():
    bad = ParsedEntry(
        guid="g\ud800",
        url="https://g.example/\udc00",
        title="Title \ud800",
        summary="<p>Sum \udfff</p>",
        author="Ann \ud801",
        categories=["tag\ud800"],
    )
    drafts, failed = draft_batch([bad])
    assert failed == 0
    (draft,) = drafts
    for text in (draft.guid, draft.url, draft.title, draft.summary, draft.author, *draft.tags):
        assert text is not None
        text.encode("utf-8")  # raises on a surrogate
    assert draft.title == "Title \ufffd"
