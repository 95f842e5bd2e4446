"""Whether two stories share a subject, from their headlines and summaries (pure, no storage).

An article's *headline terms* are its headline's words, case and accents folded, a plural
ending dropped (``talks`` -> ``talk``, ``ferries`` -> ``ferry``), leaving out function
words, calendar words, words under three letters and the filler of news headlines
(``says``, ``new``, ``amid``: :data:`news.words.HEADLINE_FILLER`) and words too generic to
name a subject (``president``, ``minister``: :data:`news.words.GENERIC_WORDS`); numbers of
two or more digits are kept. Two stories share a subject when *each* headline's terms are
mentioned by the other story (its headline or its summary), enough of them:

    a = terms of A's headline found in B;  b = terms of B's headline found in A
    related when min(a, b) >= 3, or min(a, b) >= 2 and mean(a / |A|, b / |B|) >= 0.4

so one common word ("storm"), two common words seen from one side only, or a pair of very
frequent names in two long headlines ("Trump", "Iran") never link two stories, while two
reports of one event — which repeat each other's names and subject — do. Tags are left
out of the decision: sources tag differently (feed categories, derived names), and a shared
broad category ("International Relations") is exactly the false link to avoid. The
thresholds were tuned on the labelled corpus pairs of `bench/related_pairs.json`
(`bench/related_eval.py` prints precision and recall).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from news.tags import normalize_tag
from news.words import CALENDAR_AND_LABELS, FUNCTION_WORDS, GENERIC_WORDS, HEADLINE_FILLER

MIN_SHARED_TERMS: Final = 2
"""Headline terms each story must find in the other (at the least)."""
MIN_COVERAGE: Final = 0.4
"""... and the mean share of the two headlines' terms found, unless both find
`CONFIDENT_SHARED_TERMS`."""
CONFIDENT_SHARED_TERMS: Final = 3
SAME_STORY_MIN_COVERAGE: Final = 0.55
"""Near-duplicates (SimHash) join one story only with this `subject_overlap` or more."""
MIN_WORD_CHARS: Final = 3

_WORD: Final = re.compile(r"\w+")
_IGNORED: Final = FUNCTION_WORDS | CALENDAR_AND_LABELS
_NOT_SUBJECTS: Final = HEADLINE_FILLER | GENERIC_WORDS


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
    """Return the words to look for other stories by: headline and tag words, each once."""
    words = text_terms(title)
    for tag in tags:
        words.extend(text_terms(tag.replace("_", " ")))
    return tuple(dict.fromkeys(words))


def _stem(term: str) -> str:
    """Drop a plural ending from words of five letters or more: ``ferries`` -> ``ferry``,
    ``talks`` -> ``talk`` (not ``ss``: ``congress``)."""
    if len(term) < 5 or term[-1] != "s" or term[-2] == "s":
        return term
    return term[:-3] + "y" if term.endswith("ies") else term[:-1]


def headline_terms(title: str) -> frozenset[str]:
    """Return the terms of a headline that name its subject (folded, plural ``s`` dropped)."""
    return frozenset(_stem(term) for term in text_terms(title)) - _NOT_SUBJECTS


def _mentioned(title: str, summary: str) -> frozenset[str]:
    return headline_terms(title) | frozenset(_stem(term) for term in text_terms(summary))


def subject_overlap(title: str, summary: str, other_title: str, other_summary: str) -> float:
    """Return how much two stories share a subject, in (0, 1]; 0 when they do not.

    The mean share of each headline's terms that the other story mentions, when the rule
    in the module docstring holds; 0 otherwise.
    """
    own = headline_terms(title)
    other = headline_terms(other_title)
    if not own or not other:
        return 0.0
    found = len(own & _mentioned(other_title, other_summary))
    found_back = len(other & _mentioned(title, summary))
    fewest = min(found, found_back)
    if fewest < MIN_SHARED_TERMS:
        return 0.0
    coverage = (found / len(own) + found_back / len(other)) / 2
    if fewest < CONFIDENT_SHARED_TERMS and coverage < MIN_COVERAGE:
        return 0.0
    return coverage


def is_related(score: float) -> bool:
    """Tell whether a `subject_overlap` score says the two stories share a subject."""
    return score > 0.0


def is_same_story(score: float) -> bool:
    """Tell whether a `subject_overlap` score is high enough for two near-duplicate texts
    (SimHash) to be one story: most of both headlines' terms shared (stories of one running
    subject — a preview and a later interview — share fewer)."""
    return score >= SAME_STORY_MIN_COVERAGE
