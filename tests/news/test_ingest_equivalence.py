"""The faster ingestion code gives exactly what the code it replaced gave (issue 18).

Each replaced piece is kept here in its earlier, plain form as the reference; the new code
must agree with it on the synthetic benchmark's bodies, on the real corpus when present,
and on generated text (any script, punctuation, case).
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench.synth import rss_feed
from news import clean, dedupe, tags
from news import text as text_module
from news.clean import html_to_text
from news.dedupe import content_hash
from news.drafts import build_drafts
from news.models import ParsedDocument
from news.parse import parse_document
from news.render import html as html_module
from news.render.html import http_url
from news.tags import derive_tags

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "feeds"
_WORD = re.compile(r"\w+")


def reference_is_common_word(name: str, written: str) -> bool:
    """The earlier check: the lower-case spelling is one of the text's set of words."""
    lower = name.lower()
    return lower[:1].islower() and lower in set(_WORD.findall(written))


def synthetic_texts(items: int = 120) -> Iterator[tuple[str, str]]:
    """(title, body) pairs of the ingest benchmark's synthetic feed, in several cases."""
    document = parse_document(rss_feed(3, items, base="https://news.example"), content_type=None)
    for entry in document.entries:
        title = entry.title or ""
        body = html_to_text(entry.content or entry.summary or "")
        yield title, body
        yield title.upper(), body.lower()
        yield title.title(), body[:600]


def corpus_texts() -> Iterator[tuple[str, str]]:
    """(title, body) pairs of the real corpus's feeds (none when it is absent)."""
    if not CORPUS.is_dir():
        return
    for path in sorted(CORPUS.glob("*.xml")):
        try:
            document = parse_document(path.read_bytes(), content_type=None)
        except Exception:  # the corpus holds a broken feed or two on purpose
            continue
        for entry in document.entries:
            yield entry.title or "", html_to_text(entry.content or entry.summary or "")


def test_common_word_check_agrees_with_the_set_of_words() -> None:
    checked = 0
    for title, body in [*synthetic_texts(40), *corpus_texts()]:
        written = f"{title}\n{body}"
        words = set(_WORD.findall(written))  # the reference's set, made once per text
        some = sorted(words)[:: max(1, len(words) // 80)]  # spread over the alphabet
        for word in [*some, "Block", "İstanbul", "ǅemal", "O'Brien", "Blo"]:
            for name in (word, word.capitalize(), word.upper()):
                lower = name.lower()
                expected = lower[:1].islower() and lower in words
                assert tags._is_common_word(name, written) == expected, (name, written[:80])
                checked += 1
    assert checked > 10_000


_TEXT = st.lists(
    st.sampled_from([*"aAbBöÖßẞİıǅǆ _-'’.\n1éÉжЖσΣς", "block", "Block"]), max_size=30
).map("".join)


@settings(max_examples=300, deadline=None)
@given(written=_TEXT, name=_TEXT)
def test_common_word_check_agrees_on_generated_text(written: str, name: str) -> None:
    assert tags._is_common_word(name, written) == reference_is_common_word(name, written)


def test_derived_tags_are_the_same_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*synthetic_texts(), *corpus_texts()]
    new = [derive_tags(title, body) for title, body in texts]
    monkeypatch.setattr(tags, "_is_common_word", reference_is_common_word)
    before = [derive_tags(title, body) for title, body in texts]
    assert new == before
    assert sum(1 for found in new if found) > 100  # the texts do yield tags


def reference_collect(
    text: str,
    candidates: dict[str, tags._Candidate],
    demonyms: dict[str, tags._Candidate],
    *,
    weight: float,
    offset: int,
) -> None:
    """The earlier `news.tags._collect`: `_count` called for every counted word."""
    position = offset
    for match in tags._PHRASE.finditer(text):
        position += 1
        phrase = match.group()
        start = match.start()
        if phrase.isalpha():
            initial = None
        else:
            resolved = tags._resolve(phrase, demonyms, weight, position)
            if resolved is None:
                continue
            first, words = resolved
            initial = tags._is_sentence_initial(text, start) and first == 0
            if len(words) > 1:
                tags._count(" ".join(words), candidates, weight, position, initial)
                continue
            phrase = words[0]
        lower = phrase.lower()
        if lower in tags._NOT_TAGS and not (len(phrase) > 1 and phrase.isupper()):
            continue
        if (place := tags.DEMONYMS.get(lower)) is not None:
            tags._count(place, demonyms, weight, position, initial=False)
        elif len(phrase) > 1:
            if initial is None:
                initial = tags._is_sentence_initial(text, start)
            tags._count(phrase, candidates, weight, position, initial)


def test_derived_tags_are_counted_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*synthetic_texts(), *corpus_texts()]
    texts += [(title, f"{body} {title}. {title.upper()}") for title, body in texts[:200]]
    new = [derive_tags(title, body) for title, body in texts]
    monkeypatch.setattr(tags, "_collect", reference_collect)
    assert new == [derive_tags(title, body) for title, body in texts]
    assert sum(1 for found in new if found) > 100


_PHRASES = st.lists(
    st.sampled_from(
        [
            *" .,'’-\n", "The", "the", "Bank of England", "Vladimir Putin", "Putin", "Putin's",
            "Turkish President Erdoğan", "Turkish", "Turkey", "US", "U.S.", "Block", "block",
            "O'Brien", "Jean-Luc", "Turkish-backed", "North Korea", "Monday", "Minister",
        ]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(title=_PHRASES, body=_PHRASES)
def test_derived_tags_are_counted_as_before_on_generated_text(title: str, body: str) -> None:
    new = derive_tags(title, body)
    original = tags._collect
    try:
        tags._collect = reference_collect  # type: ignore[assignment]
        assert new == derive_tags(title, body)
    finally:
        tags._collect = original  # type: ignore[assignment]


def reference_tidy(piece: str) -> str:
    """The earlier `news.clean._tidy`: always split and join."""
    tidy = " ".join(piece.split())
    if not tidy.isprintable():
        tidy = " ".join(tidy.translate(clean._INVISIBLE).split())
    return tidy


def reference_normalise(text: str) -> str:
    """The earlier ASCII branch of `news.dedupe._normalise_text`: always split and join."""
    return " ".join(text.lower().split())


def test_no_whitespace_but_the_space_is_printable() -> None:
    # What the tidy fast paths rest on: a printable text's only whitespace is " ".
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c.isprintable()] == [
        " "
    ]


_SPACED = st.lists(
    st.sampled_from(
        [*"aZ é.\n\t\r\x0b\x0c\x1c\x1f\x7f\x85\u00a0\u200b\u2028\u2029\u3000", "\n\n", "  ", "ab"]
    ),
    max_size=40,
).map("".join) | st.lists(st.sampled_from(["a", "é", " ", "  ", ".", "\n\n"]), max_size=12).map(
    "".join
)


@settings(max_examples=500, deadline=None)
@given(piece=_SPACED)
@example(piece="a  b")
@example(piece=" a")
@example(piece="a\n\n b")
def test_tidy_is_the_same_as_before(piece: str) -> None:
    assert clean._tidy(piece) == reference_tidy(piece)
    if piece.isascii():
        assert dedupe._normalise_text(piece) == reference_normalise(piece)


def test_clean_text_and_content_hashes_are_the_same_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = parse_document(rss_feed(5, 150, base="https://news.example"), content_type=None)
    corpus = [
        parse_document(path.read_bytes(), content_type=None)
        for path in (sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else [])
        if path.stat().st_size < 3_000_000
    ]
    entries = [*document.entries, *(entry for doc in corpus for entry in doc.entries)]

    def outputs() -> list[tuple[str, str]]:
        texts = [html_to_text(entry.content or entry.summary or "") for entry in entries]
        return [(text, content_hash(text[:80], text[:300], text)) for text in texts]

    new = outputs()
    monkeypatch.setattr(clean, "_tidy", reference_tidy)
    monkeypatch.setattr(dedupe, "_normalise_text", _reference_normalise_any)
    assert new == outputs()
    assert len(new) >= 150


def _reference_normalise_any(text: str) -> str:
    """The earlier `news.dedupe._normalise_text` whole."""
    if text.isascii():
        return reference_normalise(text)
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@settings(max_examples=500, deadline=None)
@given(text=_SPACED | st.text(st.characters(max_codepoint=0x7F)) | st.text())
@example(text="".join(map(chr, range(0x80))))
def test_the_ascii_printable_test_is_isprintable(text: str) -> None:
    assert text_module.is_printable(text) == text.isprintable()
    for char in map(chr, range(0x80)):
        assert text_module.is_printable(char) == char.isprintable()


def reference_tidy_summary(text: str) -> str:
    """The earlier `news.clean.tidy_summary`: the pattern tried on every summary."""
    trimmed = clean._TRAILING_DOTS.sub("", text)
    if trimmed != text and trimmed:
        return trimmed.rstrip(" ,;:") + clean._ELLIPSIS
    return text


_SUMMARY = st.lists(
    st.sampled_from(["a", "b.", " ", "\n", "\u00a0", "\u2003", "[", "]", "(", ")", "…", "..."]),
    max_size=14,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=_SUMMARY)
@example(text="Read on [...]\n")
@example(text="Read on (…) \u2003")
def test_summary_marks_are_replaced_as_before(text: str) -> None:
    assert clean.tidy_summary(text) == reference_tidy_summary(text)


def reference_simhash(text: str) -> int:
    """SimHash as its docstring defines it, bit by bit (the tokenising is shared)."""
    counts, capitalised = dedupe._count_tokens(text)
    chosen = {t for t in counts if counts[t] > 1 or t in capitalised} - dedupe._STOP_TOKENS
    if len(chosen) < dedupe._MIN_FEATURES:
        chosen = set(counts) - dedupe._STOP_TOKENS
    votes = [0] * 64
    total = 0
    for token in chosen:
        weight = min(counts[token], 8) ** 2 * (3 if token in capitalised else 1)
        digest = int.from_bytes(hashlib.blake2b(token, digest_size=8).digest(), "little")
        for bit in range(64):
            votes[bit] += weight * (digest >> bit & 1)
        total += weight
    return sum(1 << bit for bit in range(64) if 2 * votes[bit] > total)


def test_simhash_is_the_bit_by_bit_definition() -> None:
    texts = [f"{title}\n\n{title}\n\n{body}" for title, body in synthetic_texts(60)]
    texts += [body for _, body in corpus_texts()][:300]
    for text in texts:
        assert dedupe.simhash(text) == reference_simhash(text)
    assert len(texts) >= 180


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from([*"aAbBcC éЖж.,’", "the", "Putin", "gas", "gas ", "Gas "]), max_size=80
    ).map("".join)
)
def test_simhash_is_the_bit_by_bit_definition_on_generated_text(text: str) -> None:
    assert dedupe.simhash(text) == reference_simhash(text)


def reference_http_url(url: str | None) -> str | None:
    """The earlier `news.render.html.http_url`: every URL through `urlsplit`."""
    if not url:
        return None
    url = url.strip()
    if not html_module._HTTP_SCHEME.match(url) or html_module._BAD_URL_CHAR.search(url):
        return None
    if not url.isascii() and html_module._LONE_SURROGATE.search(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if (
        not host
        or port == 0
        or host.startswith(".")
        or ".." in host
        or html_module._BAD_HOST_CHAR.search(host)
    ):
        return None
    return url


# URLs built of the pieces that decide which path a URL takes and what it becomes: schemes
# in any case, hosts with ports, users, dots and IDN labels, escapes, dot segments, tracking
# and kept parameters, fragments, controls and spaces.
_URL_PIECES = [
    *"aZ09-._~!$&'()*+,;=:@/?#%[] \t\n\x00é",
    "http://", "https://", "HTTPS://", "ftp://", "//", "%41", "%2f", "%zz", "/./", "/../",
    "news.example", "News.Example.", "xn--e1a.example", "пример.рф", "a..b", ":8080", ":443",
    ":0", ":99999", "user:pw@", "?utm_source=rss", "&ref=rss", "&id=5", "?a=", "#top", "&&",
]  # fmt: skip
_URL_TAIL = st.lists(st.sampled_from(_URL_PIECES), max_size=12).map("".join)
_URL = _URL_TAIL | st.builds(
    "{}{}".format, st.sampled_from(["http://", "https://", "HTTP://", " https://"]), _URL_TAIL
)


def benchmark_and_corpus_documents(feeds: int, items: int) -> list[ParsedDocument]:
    """The benchmark's feed of `feeds` x `items` and the real corpus's feeds, parsed."""
    body = rss_feed(feeds, items, base="https://news.example")
    documents = [parse_document(body, content_type=None)]
    for path in sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else []:
        try:
            documents.append(parse_document(path.read_bytes(), content_type=None))
        except Exception:  # the corpus holds a broken feed or two on purpose
            continue
    return documents


def synthetic_and_corpus_urls() -> list[str]:
    """The links and images of the benchmark's feed and of the real corpus."""
    documents = benchmark_and_corpus_documents(2, 60)
    return [
        url
        for document in documents
        for entry in document.entries
        for url in (entry.url, entry.image_url, *entry.image_urls)
        if url
    ]


def test_urls_are_the_same_as_before_on_feeds() -> None:
    urls = synthetic_and_corpus_urls()
    for url in urls:
        assert dedupe.canonical_url(url) == dedupe._split_canonical_url(url.strip()), url
        assert http_url(url) == reference_http_url(url), url
        canonical = dedupe.canonical_url(url)
        assert http_url(canonical) == reference_http_url(canonical), canonical
    assert sum(1 for url in urls if dedupe._PLAIN_URL.fullmatch(url)) > 100  # the fast path


@settings(max_examples=3000, deadline=None)
@given(url=_URL)
@example(url="https://a.b/x/./y/../z?utm_source=rss&id=1#f")
@example(url="HTTP://News.Example?ref=rss&x=%2f")
@example(url="http://a.b/p#f?x=1")
@example(url="https://a.b/?")
def test_urls_are_the_same_as_before_on_generated_text(url: str) -> None:
    assert dedupe.canonical_url(url) == dedupe._split_canonical_url(url.strip())
    assert http_url(url) == reference_http_url(url)
    canonical = dedupe.canonical_url(url)
    assert http_url(canonical) == reference_http_url(canonical)


def reference_html_to_text(markup: str) -> str:
    """The earlier `news.clean._html_to_text`: a substring search before each rare step,
    every paragraph tidied apart."""
    if "=" in markup and clean._LT_IN_ATTRIBUTE.search(markup):
        markup = clean._TAG_WITH_QUOTES.sub(clean._escape_quoted_brackets, markup)
    if "<!" in markup or "<?" in markup:
        markup = clean._COMMENT.sub("", markup)
    if "]]>" in markup:
        markup = markup.replace("]]>", "")
    if clean._UPPER_TAG_SIGN.search(markup):
        markup = clean._TAG_NAME.sub(clean._lower_match, markup)
    if "<script" in markup or "<style" in markup:
        markup = clean._RAW_TEXT.sub(" ", markup)
    markup = clean._DROPPED.sub(" ", markup)
    if "<pre" in markup:
        markup = clean._PRE.sub(clean._keep_pre_lines, markup)
    markup = clean._BLOCK_TAG.sub(clean._PARAGRAPH, markup)
    if "<t" in markup:
        markup = clean._CELL_TAG.sub(" ", markup)
    markup = clean._ANY_TAG.sub("", markup)
    if "&" in markup:
        markup = clean._decode_entities(markup, legacy=True)
    return reference_finish(markup)


def feed_markups() -> list[str]:
    """The contents and summaries of the benchmark's feed and of the real corpus."""
    documents = benchmark_and_corpus_documents(4, 80)
    return [
        markup
        for document in documents
        for entry in document.entries
        for markup in (entry.content, entry.summary)
        if markup
    ]


def test_html_text_is_the_same_as_before_on_feeds() -> None:
    markups = feed_markups()
    for markup in markups:
        assert clean._html_to_text(markup) == reference_html_to_text(markup), markup[:200]
    assert len(markups) >= 160


# Tag soup of the pieces each step of `_html_to_text` looks for, in both cases.
_MARKUP = st.lists(
    st.sampled_from(
        [
            *"ab <>/=\"'\n\t\r!?&;-[]", "  ", "<p>", "</P>", "<br/>", "<TD>", "</td>", "<th x=1>",
            "<table>", "</TABLE>", "<tr>", "<tt>", "<t", "<pre>", "</pre>", "<PRE>", "<script>",
            "</script>", "<STYLE>", "</style>", "<nav>", "</nav>", "<!--", "-->", "<![CDATA[",
            "]]>", "<?xml ?>", "<!DOCTYPE x>", "<a title=\"x < y\">", "&amp;", "&lt;p&gt;",
            "&#xe000;", "&#xe001;", "&nbsp;", "\u00a0", "\u200b", "\x85", "é", "\ue000",
        ]
    ),
    max_size=30,
).map("".join)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(markup=_MARKUP)
@example(markup="a</td>b")
@example(markup="<<!-- -->td>x</td>")
@example(markup="<TABLE><tr><td>a</td></tr></TABLE>b</td>c")
@example(markup="<p> a </p><p>b  c</p>")
def test_html_text_is_the_same_as_before_on_generated_markup(markup: str) -> None:
    assert clean._html_to_text(markup) == reference_html_to_text(markup)


def reference_finish(text: str) -> str:
    """The earlier `news.clean._finish`: every paragraph tidied apart."""
    paragraphs = []
    for raw in text.split(clean._PARAGRAPH):
        if clean._LINE in raw:
            lines = (reference_tidy(line) for line in raw.split(clean._LINE))
            paragraph = "\n".join(line for line in lines if line)
        else:
            paragraph = reference_tidy(raw)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


@settings(max_examples=2000, deadline=None)
@given(
    text=st.lists(
        st.sampled_from([*"ab .\n\t\x00\x7f\u00a0\u200bé", "  ", clean._PARAGRAPH, clean._LINE]),
        max_size=30,
    ).map("".join)
)
def test_paragraphs_are_finished_as_before(text: str) -> None:
    assert clean._finish(text) == reference_finish(text)


def test_drafts_hash_their_clean_texts_as_content_hash_does() -> None:
    drafts = [
        draft
        for document in [
            parse_document(rss_feed(6, 120, base="https://news.example"), content_type=None),
            *(
                parse_document(path.read_bytes(), content_type=None)
                for path in (sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else [])
                if path.stat().st_size < 3_000_000
            ),
        ]
        for draft in build_drafts(document.entries)
    ]
    for draft in drafts:
        assert draft.content_hash == content_hash(draft.title, draft.summary, draft.body)
    assert len(drafts) >= 120


@settings(max_examples=2000, deadline=None)
@given(markup=_MARKUP, title=_MARKUP)
def test_clean_texts_hash_as_content_hash_does(markup: str, title: str) -> None:
    body = html_to_text(markup)
    heading = clean.plain_to_text(title)
    summary = clean.lede(body, 60) if body else ""
    assert dedupe.clean_content_hash(heading, summary, body) == content_hash(
        heading, summary, body
    )


@settings(max_examples=2000, deadline=None)
@given(text=st.lists(st.sampled_from(["a", "b c", "\n", "\n\n", "\n\n\n", " "]), max_size=12))
@example(text=["a", "\n"])
def test_paragraphs_are_split_as_before(text: list[str]) -> None:
    joined = "".join(text)
    assert clean.paragraphs(joined) == [p for p in joined.split("\n\n") if p]
