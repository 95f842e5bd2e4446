"""How related two stories are, from their headline words and tags (pure, no storage).

An article's key terms are its headline's words (case and accents folded; function words,
calendar words and words under three letters left out, numbers of two or more digits
kept) and the words of its tags. Another article is related when it mentions enough of
them in its headline, summary or tags:

    relevance = shared key terms / all key terms
    related   = shared >= MIN_SHARED_TERMS and relevance >= MIN_RELEVANCE

so one common word ("storm") never links two stories, while a follow-up that repeats
the story's names and subject does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from news.tags import normalize_tag
from news.words import CALENDAR_AND_LABELS, FUNCTION_WORDS

MIN_SHARED_TERMS: Final = 2
MIN_RELEVANCE: Final = 0.3
MIN_WORD_CHARS: Final = 3

_WORD: Final = re.compile(r"\w+")
_IGNORED: Final = FUNCTION_WORDS | CALENDAR_AND_LABELS


def text_terms(text: str) -> list[str]:
    """Return the folded words of a text that can carry meaning, in order, repeats kept."""
    terms = []
    for word in _WORD.findall(text):
        folded = normalize_tag(word)
        if (
            folded
            and folded not in _IGNORED
            and (len(folded) >= MIN_WORD_CHARS or (folded.isdigit() and len(folded) > 1))
        ):
            terms.append(folded)
    return terms


def key_terms(title: str, tags: Iterable[str] = ()) -> tuple[str, ...]:
    """Return an article's key terms: its headline's and its tags' words, each once."""
    words = text_terms(title)
    for tag in tags:
        words.extend(text_terms(tag.replace("_", " ")))
    return tuple(dict.fromkeys(words))


def relevance(terms: Iterable[str], title: str, summary: str, tags: Iterable[str]) -> float:
    """Return the share of `terms` found in another article's headline, summary or tags;
    0 when fewer than `MIN_SHARED_TERMS` are found."""
    wanted = set(terms)
    if not wanted:
        return 0.0
    found = set(text_terms(title)) | set(text_terms(summary))
    for tag in tags:
        found.update(text_terms(tag.replace("_", " ")))
    shared = len(wanted & found)
    if shared < MIN_SHARED_TERMS:
        return 0.0
    return shared / len(wanted)


def is_related(score: float) -> bool:
    """Tell whether a `relevance` score is high enough to show the story as related."""
    return score >= MIN_RELEVANCE
