"""What `/follow` watches: a search in the inline query language, checked and keyed.

A follow is a standing search run against every new article. It reads like an inline query
(`news.query`) with two differences:

- every word is a whole word: the last word is not a prefix (a follow of `war` must not
  fire on `warm`; as-you-type matching only makes sense while typing);
- `saved` is refused: it searches the user's bookmarks, and a new story is never saved.

Two follows are the same when their keys are equal: the same words, phrases, tags and
sources in any order and letter case (`Ferry #Harbour` = `#harbour ferry`).
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from news.query import SearchQuery, normalize_tag, parse_query

MAX_FOLLOW_CHARS: Final = 200
"""A follow longer than this is refused (it is shown in every alert and list)."""


class FollowProblem(StrEnum):
    """Why a text cannot be followed."""

    EMPTY = "empty"
    """Nothing was typed."""
    UNSEARCHABLE = "unsearchable"
    """No word, phrase, tag or source is left (punctuation only)."""
    SAVED = "saved"
    """A `saved` search: new stories are never in anyone's bookmarks."""
    TOO_LONG = "too_long"
    """Longer than `MAX_FOLLOW_CHARS`."""


class FollowQueryError(ValueError):
    """The text cannot be followed; `problem` says why."""

    def __init__(self, problem: FollowProblem) -> None:
        """Keep the reason."""
        super().__init__(f"cannot follow this text: {problem.value}")
        self.problem = problem


@dataclass(frozen=True, slots=True)
class FollowQuery:
    """A followable search: the text shown to the user, the search, and its identity."""

    text: str
    """As typed, NFC, whitespace runs collapsed."""
    search: SearchQuery
    """Words (no prefix), phrases, tags and sources to match new articles with."""
    key: str
    """Equal for follows that match the same stories (order and case ignored)."""


def normalize_follow_text(text: str) -> str:
    """Return the text as stored and shown: NFC, whitespace runs collapsed to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def follow_search(text: str) -> SearchQuery:
    """Return the search a follow's text stands for: the last word whole, not a prefix."""
    query = parse_query(text)
    if query.prefix is None:
        return query
    return dataclasses.replace(query, words=(*query.words, query.prefix), prefix=None)


def follow_key(query: SearchQuery) -> str:
    """Return the identity of a follow's search: its parts sorted, sources normalised."""
    parts = {
        "words": sorted(set(query.words)),
        "phrases": sorted(set(query.phrases)),
        "tags": sorted(set(query.tags)),
        "sources": sorted({normalize_tag(name) or name for name in query.sources}),
    }
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def parse_follow(text: str) -> FollowQuery:
    """Check and parse a text to follow; `FollowQueryError` says what is wrong with it."""
    normalized = normalize_follow_text(text)
    if not normalized:
        raise FollowQueryError(FollowProblem.EMPTY)
    if len(normalized) > MAX_FOLLOW_CHARS:
        raise FollowQueryError(FollowProblem.TOO_LONG)
    search = follow_search(normalized)
    if search.saved:
        raise FollowQueryError(FollowProblem.SAVED)
    if search.is_empty:
        raise FollowQueryError(FollowProblem.UNSEARCHABLE)
    return FollowQuery(normalized, search, follow_key(search))
