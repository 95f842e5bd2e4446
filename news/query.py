"""Search query language, shared by the CLI, storage and handlers (tags: `news.tags`).

Pure text processing, no SQL. `parse_query` turns whatever a user typed into a
`SearchQuery` whose parts are plain tokens; storage quotes every token before it reaches
FTS5, so no user text is ever interpreted as query syntax.

Query language:
    words            every word must match; the last word also matches as a prefix
    "exact phrase"   the words must appear together, in order
    #tag             the article carries the tag (several tags: all of them)
    source:NAME      the article comes from the source NAME (or id); `source:"Two words"`
    saved ...        a leading `saved` restricts the search to the user's bookmarks
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from news.tags import normalize_tag

__all__ = [
    "MAX_FILTERS",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "SearchQuery",
    "normalize_tag",
    "parse_query",
    "tokenize",
]

MAX_QUERY_CHARS = 512
"""Text past this length is ignored (Telegram inline queries stop at 256)."""

MAX_TERMS = 16
"""At most this many words and phrases are kept; the rest of a long query is ignored."""

MAX_FILTERS = 8
"""At most this many tags and sources each are kept."""

MIN_PREFIX_CHARS = 3
"""A last word shorter than this is matched as a whole word (`EU`, `UN`), not as a prefix:
the full-text index keeps 3-letter prefixes only (see storage migration 6)."""

_TOKEN = re.compile(r"[^\W_]+")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # from Telegram's JSON ("\ud800"); not text
_PIECE = re.compile(
    r"""
    (?P<source>source:(?:"(?P<source_quoted>[^"]*)"?|(?P<source_bare>\S*)))
    | "(?P<phrase>[^"]*)"?
    | (?P<word>[^\s"]+)
    """,
    re.VERBOSE | re.IGNORECASE,
)


def tokenize(text: str) -> list[str]:
    """Split text into lower-cased word tokens (letters and digits), as FTS5 would."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed search: every part holds plain tokens or keys, never search syntax."""

    words: tuple[str, ...] = ()
    """Words that must all match; a word typed with inner punctuation (`don't`) keeps its
    tokens together, space-separated, and matches them as a phrase."""
    prefix: str | None = None
    """The last typed word, matched as a prefix (as-you-type); also space-separated tokens."""
    phrases: tuple[str, ...] = ()
    """Quoted phrases, tokens separated by one space."""
    tags: tuple[str, ...] = ()
    """Tag keys as produced by `normalize_tag`; an article must carry all of them."""
    sources: tuple[str, ...] = ()
    """Source names or ids as typed; an article must come from one of them."""
    saved: bool = False
    """Search only the asking user's bookmarks."""

    @property
    def has_text(self) -> bool:
        """Return whether the query has words or phrases to match against article text."""
        return bool(self.words or self.prefix or self.phrases)

    @property
    def is_empty(self) -> bool:
        """Return whether nothing restricts the search (it then lists the latest articles)."""
        return not (self.has_text or self.tags or self.sources or self.saved)


def parse_query(text: str) -> SearchQuery:
    """Parse user-typed search text into a `SearchQuery`; never raises on any string.

    Lone surrogates (which no database can store) become U+FFFD, so every part encodes.
    """
    text = unicodedata.normalize("NFC", _LONE_SURROGATE.sub("\ufffd", text[:MAX_QUERY_CHARS]))
    saved = False
    words: list[str] = []
    phrases: list[str] = []
    tags: list[str] = []
    sources: list[str] = []
    for index, match in enumerate(_PIECE.finditer(text)):
        if match.group("source") is not None:
            name = match.group("source_quoted")
            if name is None:
                name = match.group("source_bare")
            _append_limited(sources, " ".join(name.split()), MAX_FILTERS)
        elif match.group("phrase") is not None:
            _append_limited(phrases, " ".join(tokenize(match.group("phrase"))), MAX_TERMS)
        elif index == 0 and match.group("word").casefold() == "saved":
            saved = True
        elif match.group("word").startswith("#"):
            _append_limited(tags, normalize_tag(match.group("word")), MAX_FILTERS)
        else:
            _append_limited(words, " ".join(tokenize(match.group("word"))), MAX_TERMS)
    prefix = None
    if words and len(words[-1].rsplit(" ", 1)[-1]) >= MIN_PREFIX_CHARS:
        prefix = words.pop()
    return SearchQuery(
        words=tuple(words),
        prefix=prefix,
        phrases=tuple(phrases[: max(0, MAX_TERMS - len(words) - (prefix is not None))]),
        tags=tuple(tags),
        sources=tuple(sources),
        saved=saved,
    )


def _append_limited(items: list[str], item: str, limit: int) -> None:
    """Append a non-empty `item` that is not there yet, while fewer than `limit` are kept."""
    if item and item not in items and len(items) < limit:
        items.append(item)
