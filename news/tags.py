"""Tags: normalised keys for matching, Telegram display forms, and tags derived from text.

Three forms of a tag:

* the *text* as a feed or :func:`derive_tags` gives it (``"São Paulo"``) — stored and shown;
* the *key* from :func:`normalize_tag` (``"sao_paulo"``) — what search and dedupe compare,
  so ``#syria``, ``Syria`` and ``SYRIA`` are one tag;
* the *display* form from :func:`display_tag` (``"São_Paulo"``) — safe after a ``#`` in a
  Telegram message, and ``normalize_tag(display_tag(t)) == normalize_tag(t)``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from news.words import (
    CALENDAR_AND_LABELS,
    DEMONYMS,
    FUNCTION_WORDS,
    GENERIC_CATEGORIES,
    GENERIC_WORDS,
    ROLE_WORDS,
)

MAX_TAG_KEY_CHARS = 64  # longer "categories" are sentences or URLs, not tags

_APOSTROPHES = re.compile(r"['’ʼ`´]")
_SEPARATORS = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=1 << 16)  # pure, and tags repeat across thousands of articles
def normalize_tag(text: str) -> str:
    """Return the matching key of a tag: ``"#São Paulo"`` -> ``"sao_paulo"``.

    Case-folded; diacritics removed (``й`` is kept: it is a letter of its own in Russian);
    a leading ``#`` and apostrophes dropped; every run of other non-letters, non-digits
    becomes one ``_``. Letters of any script are kept (``"Москва"`` -> ``"москва"``).
    Returns ``""`` when nothing usable is left.
    """
    folded = text.strip().lstrip("#").casefold()
    if folded.isalnum() and folded.isascii():
        return folded  # the common case: one plain word
    if not folded.isascii():
        folded = _strip_marks(folded)
    folded = _APOSTROPHES.sub("", folded)
    return _SEPARATORS.sub("_", folded).strip("_")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    previous = ""
    for char in decomposed:
        if unicodedata.combining(char) and not (char == "\u0306" and previous == "и"):
            continue
        kept.append(char)
        previous = char
    return unicodedata.normalize("NFC", "".join(kept))


def display_tag(text: str) -> str:
    """Return a Telegram hashtag body: letters (any script, accents kept), digits and ``_``.

    Words are joined with ``_`` and case is kept: ``"São Paulo"`` -> ``"São_Paulo"``,
    ``"#Al-Qaeda"`` -> ``"Al_Qaeda"``, ``"O'Brien"`` -> ``"OBrien"``. Returns ``""`` when
    nothing usable is left.
    """
    composed = unicodedata.normalize("NFC", text.strip().lstrip("#"))
    composed = _APOSTROPHES.sub("", composed)
    return _SEPARATORS.sub("_", composed).strip("_")


def merge_tags(
    categories: Iterable[str],
    derived: Iterable[str],
    source_tags: Iterable[str],
    *,
    limit: int | None = None,
) -> list[str]:
    """Merge tag lists in that order, one per :func:`normalize_tag` key, first text kept.

    Texts are whitespace-collapsed, lose a leading ``#`` and take their
    :func:`canonical_tag` form; empty ones, URLs and ones whose key is longer than
    :data:`MAX_TAG_KEY_CHARS` are skipped.
    """
    merged: list[str] = []
    seen: set[str] = set()
    for group in (categories, derived, source_tags):
        for raw in group:
            text = canonical_tag(raw)
            if not text or "://" in text:
                continue
            key = normalize_tag(text)
            if not key or len(key) > MAX_TAG_KEY_CHARS or key in seen:
                continue
            seen.add(key)
            merged.append(text)
            if limit is not None and len(merged) >= limit:
                return merged
    return merged


# ---------------------------------------------------------------------------------------
# Categories that help readers
# ---------------------------------------------------------------------------------------

_MACHINE_SEPARATORS = re.compile(r"[-_:/.|=]")
_HEX_ID = re.compile(r"[0-9a-f]{8,}|[0-9a-f]{8}-[0-9a-f]{4}-")
_LONG_NUMBER = re.compile(r"\d{4,}")
_NAME_PART = re.compile(r"^[^\W\d_][\w'’.-]*$")
_INITIALS = re.compile(r"^(?:[A-Z]\.?){1,3}$")


@functools.lru_cache(maxsize=1 << 14)  # pure; a feed repeats its labels on every item
def looks_machine_made(text: str) -> bool:
    """Tell whether a category is a code, not a word: ``internal-open-access-from-nl``,
    ``a3f9c2d1e8``, ``12345``, ``story_88231``, ``FROM_FILE_P``.

    Machine-made: no letter at all (digits only); a hex id; a lower-case slug of three or
    more parts joined by ``-``, ``_``, ``:``, ``/`` or ``.`` without spaces; any ``_``
    or ``=`` (identifiers, key=value pairs); a run of four or more digits glued to letters
    without a space (``story88231``, ``id-2024``). ``COVID-19``, ``G7``, ``F-35``,
    ``Olympic Games (2026)`` and ``9/11`` are words.
    """
    text = text.strip().lstrip("#")
    if not text:
        return False
    if not any(char.isalpha() for char in text):
        return text.isdigit()
    if "_" in text or "=" in text:
        return True
    folded = text.casefold()
    if _HEX_ID.search(folded) and any(char.isdigit() for char in folded):
        return True
    if " " in text:
        return False
    if text == folded and len(_MACHINE_SEPARATORS.findall(text)) >= 2:
        return True
    return bool(_LONG_NUMBER.search(text))


def is_generic_category(text: str) -> bool:
    """Tell whether a category names a kind of page (``News``, ``Top Stories``, ``PAID``)."""
    return normalize_tag(text) in GENERIC_CATEGORIES


@functools.lru_cache(maxsize=1 << 14)  # pure; a feed repeats its labels on every item
def canonical_tag(text: str) -> str:
    """Return the form of a tag that sources agree on.

    Whitespace collapsed and a leading ``#`` dropped; a person indexed ``Last, First``
    (``"Putin, Vladimir V"``) turned into the name as written in text, without middle
    initials (``"Vladimir Putin"``, as other sources and :func:`derive_tags` write it);
    initials run together (``"J. D. Vance"`` -> ``"JD Vance"``); a trailing possessive
    dropped (``"Syria's"`` -> ``"Syria"``). Other commas are kept: ``"Demonstrations,
    Protests and Riots"`` and ``"Paris, France"`` are not names of people.
    """
    text = " ".join(text.split()).lstrip("#").strip()
    if "," in text:
        text = _name_from_index_form(text)
    words = text.split(" ")
    if len(words) > 1:
        words = _joined_initials(words)
        text = " ".join(words)
    for ending in ("'s", "’s"):
        if text.endswith(ending) and len(text) > len(ending) + 1:
            text = text[: -len(ending)]
    return text


def _name_from_index_form(text: str) -> str:
    """``"Trump, Donald J"`` -> ``"Donald Trump"``; anything else is returned unchanged."""
    last, _, first = (part.strip() for part in text.partition(","))
    if "," in first or not last or not first:
        return text
    last_words, first_words = last.split(), first.split()
    suffixes = [word for word in first_words if word.rstrip(".").lower() in _NAME_SUFFIXES]
    first_words = [word for word in first_words if word not in suffixes]
    if not 1 <= len(last_words) <= 3 or not 1 <= len(first_words) <= 4:
        return text
    if not all(_is_name_word(word) for word in last_words + first_words):
        return text
    given = [word for word in first_words if not _INITIALS.match(word)]
    if not given:  # "Vance, J D": initials are the given name
        given = ["".join(word.replace(".", "") for word in first_words)]
    elif first_words[0] != given[0]:  # "Smith, J Robert": the initial leads, keep it
        return text
    if normalize_tag(first) in _PLACES or normalize_tag(" ".join(given)) in _PLACES:
        return text  # "Paris, France"
    return " ".join([*given, *last_words, *suffixes])


_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _is_name_word(word: str) -> bool:
    return (
        bool(_NAME_PART.match(word)) and word[0].isupper() and word.lower() not in _CONNECTOR_WORDS
    )


def _joined_initials(words: list[str]) -> list[str]:
    """Run single-letter initials together: ``["J.", "D.", "Vance"]`` -> ``["JD", "Vance"]``."""
    joined: list[str] = []
    run: list[str] = []
    for word in words:
        bare = word.rstrip(".")
        if len(bare) == 1 and bare.isupper() and (word.endswith(".") or run):
            run.append(bare)
            continue
        if run:
            joined.append("".join(run))
            run = []
        joined.append(word)
    if run:
        joined.append("".join(run))
    return joined


def common_categories(
    category_lists: Sequence[Sequence[str]], *, min_entries: int = 8, share: float = 0.5
) -> frozenset[str]:
    """Return the keys of categories on more than ``share`` of a batch's entries.

    A category on most of one source's items (``International`` on every item) tells a
    reader nothing about any of them. Only batches of at least ``min_entries`` entries
    decide: three items that share a subject are not a pattern.
    """
    if len(category_lists) < min_entries:
        return frozenset()
    counts: dict[str, int] = {}
    for categories in category_lists:
        for key in {normalize_tag(canonical_tag(text)) for text in categories}:
            counts[key] = counts.get(key, 0) + 1
    limit = share * len(category_lists)
    return frozenset(key for key, count in counts.items() if key and count > limit)


def source_name_keys(names: Iterable[str | None]) -> frozenset[str]:
    """Return the tag keys that name a source itself: each name, and each part of it split
    at `` - ``, ``:``, ``>``, ``|`` or a dash (``"WSJ.com: World News"`` -> ``wsj_com``,
    ``world_news``), and a web host's main label (``www.nytimes.com`` -> ``nytimes``)."""
    keys: set[str] = set()
    for name in names:
        if not name:
            continue
        if "://" in name:
            host = name.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
            labels = [label for label in host.split(".") if label not in {"www", "feeds", "rss"}]
            if len(labels) >= 2:
                keys.add(normalize_tag(labels[-2]))
            continue
        keys.add(normalize_tag(name))
        for part in _TITLE_PARTS.split(name):
            keys.add(normalize_tag(part))
    keys.discard("")
    return frozenset(keys)


_TITLE_PARTS = re.compile(r"\s+[-–—>|:]\s+|:\s+|\s*>\s*|\s*\|\s*")


def useful_categories(
    categories: Iterable[str], *, dropped: frozenset[str] = frozenset()
) -> list[str]:
    """Return the categories that help readers, in order: not a kind of page
    (:func:`is_generic_category`), not a code (:func:`looks_machine_made`), and whose key
    is not in ``dropped`` (common to most of the source's items, or the source's name)."""
    kept = []
    for text in categories:
        if looks_machine_made(text) or is_generic_category(text):
            continue
        if normalize_tag(canonical_tag(text)) in dropped:
            continue
        kept.append(text)
    return kept


# ---------------------------------------------------------------------------------------
# Deriving tags from text
# ---------------------------------------------------------------------------------------

TITLE_WEIGHT = 3  # one mention in a sentence-case title counts as three in the body
MIN_SCORE = 2  # a tag needs at least two body mentions, or one in the title

_UPPER = (
    "A-ZÀ-ÖØ-Þ"
    + "".join(c for c in map(chr, range(0x100, 0x250)) if c.isupper())
    + "".join(c for c in map(chr, range(0x370, 0x530)) if c.isupper())
)
_CONNECTORS = "of|de|da|del|der|van|von|bin|al|la|le|du|dos|das"
_CONNECTOR_WORDS = frozenset(_CONNECTORS.split("|"))
# A capitalised word; an apostrophe inside is kept (O'Brien) unless it starts a possessive
# or a contraction ("Syria's", "I'm", "We'll"), which is left outside the match.
_CAP_WORD = rf"[{_UPPER}]\w*(?:-\w+)*(?:['’](?!(?:s|m|re|ve|ll|d|t)\b)\w+)?"
# A phrase: capitalised words joined by single spaces or by a lower-case connector
# ("Bank of England"); a possessive ending ("Syria's") is left outside the match.
_PHRASE = re.compile(rf"{_CAP_WORD}(?:[ \u00a0](?:(?:{_CONNECTORS})[ \u00a0])?{_CAP_WORD})*")
_OPENING_MARKS = " \t\u00a0\"'“‘«([”’»)]"
_SENTENCE_ENDS = frozenset(".!?…:\n")
_EDGE_WORDS = FUNCTION_WORDS | CALENDAR_AND_LABELS
_NOT_TAGS = _EDGE_WORDS | GENERIC_WORDS
_TITLE_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class _Candidate:
    """Evidence for one capitalised phrase (keyed by its lower-case text)."""

    text: str
    first: int
    weight: float = 0.0  # mentions that are not sentence-initial (title mentions weigh more)
    held: float = 0.0  # sentence-initial mentions: they count once the phrase is confirmed
    initial: int = 0  # sentence-initial mentions in the text (the title's first word aside)

    @property
    def confirmed(self) -> bool:
        """Seen mid-sentence, or at the start of at least two sentences of the text."""
        return self.weight > 0 or self.initial >= 2

    @property
    def score(self) -> float:
        """Total weight, sentence-initial mentions included once confirmed."""
        return self.weight + self.held if self.confirmed else 0.0

    def absorb(self, other: _Candidate) -> None:
        """Add another candidate's evidence to this one."""
        self.weight += other.weight
        self.held += other.held
        self.initial += other.initial
        if other.first < self.first:
            self.text, self.first = other.text, other.first


def derive_tags(title: str, text: str, *, limit: int = 5) -> list[str]:
    """Derive up to ``limit`` tags (names of places, people, organisations) from text.

    A fast heuristic, no model: capitalised phrases (Latin, Greek or Cyrillic) are counted,
    a sentence-case title weighing :data:`TITLE_WEIGHT` per mention (a Title-Case or
    ALL-CAPS title only boosts phrases also found in the text). Rules:

    * function words, months, weekdays and labels are trimmed from a phrase's edges;
      generic words (``Ministry``, ``North``) are not tags alone; possessives are
      stripped (``Syria's`` -> ``Syria``);
    * a phrase at the start of a sentence counts only if it also occurs elsewhere or at
      the start of two sentences;
    * role words cut a phrase: ``Defense Minister Hulusi Akar`` -> ``Hulusi Akar``;
    * a multi-word name whose last word also occurs alone is counted as that last word
      (``Vladimir Putin`` ... ``Putin`` -> ``Putin``);
    * nationality adjectives add weight to the place they name when the text also names
      that place (``Turkish`` -> ``Turkey``), and are never tags themselves;
    * a single word also written in lower case in the title or text ("Block" ... "a
      block") is a common word, not a name (acronyms aside);
    * a tag needs a score of :data:`MIN_SCORE`; ties keep the order of first mention.
    """
    if limit < 1:
        return []
    candidates: dict[str, _Candidate] = {}
    demonyms: dict[str, _Candidate] = {}  # keyed by place; text unused
    title = " ".join(title.split())
    title_case = _is_title_case(title)
    if title and not title_case:
        _collect(title, candidates, demonyms, weight=TITLE_WEIGHT, offset=-len(title))
    _collect(text, candidates, demonyms, weight=1, offset=0)
    if title and title_case:
        _boost_from_title(title, candidates)
    _merge_surnames(candidates)
    merged = _merge_by_key(candidates)
    for place, evidence in demonyms.items():
        found = merged.get(normalize_tag(place))
        if found is not None and found.confirmed:
            found.weight += evidence.weight
            found.first = min(found.first, evidence.first)
    written = f"{title}\n{text}"
    scored = [
        (score, c.first, c.text)
        for c in merged.values()
        if (score := c.score) >= MIN_SCORE
        and not (_is_common_word(c.text, written) and not _is_acronym(c.text))
    ]
    chosen = sorted(scored, key=lambda s: (-s[0], s[1]))
    return [name for _, _, name in chosen[:limit]]


_WORD_CHAR = re.compile(r"\w")


def _is_common_word(name: str, written: str) -> bool:
    """Tell whether a capitalised word is also written in lower case in the text ("Block"
    ... "a block"): then it is a common word, not a name.

    "Written" means a whole word of `written` (a maximal run of ``\\w``), found with
    `str.find` for the few candidates that score rather than by splitting the whole text
    into a set of words (which was half of this function's time)."""
    lower = name.lower()
    if not lower[:1].islower() or _TITLE_WORD.fullmatch(lower) is None:
        return False
    size = len(lower)
    at = written.find(lower)
    while at >= 0:
        end = at + size
        if (at == 0 or _WORD_CHAR.match(written, at - 1) is None) and (
            _WORD_CHAR.match(written, end) is None
        ):
            return True
        at = written.find(lower, at + 1)
    return False


def _is_title_case(title: str) -> bool:
    words = [w for w in _TITLE_WORD.findall(title) if len(w) > 3 and w[0].isalpha()]
    if len(words) < 3:
        return title.isupper()
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= 0.7 * len(words)


def _collect(
    text: str,
    candidates: dict[str, _Candidate],
    demonyms: dict[str, _Candidate],
    *,
    weight: float,
    offset: int,
) -> None:
    """Count the capitalised phrases of ``text``."""
    position = offset
    for match in _PHRASE.finditer(text):
        position += 1
        phrase = match[0]
        if phrase.isalpha():  # one plain word: most matches, most of them skipped here
            lower = phrase.lower()
            if lower in _NOT_TAGS and not (len(phrase) > 1 and phrase.isupper()):
                continue
            initial = None  # looked at only when the word counts
        else:  # several words, hyphens, apostrophes or digits
            resolved = _resolve(phrase, demonyms, weight, position)
            if resolved is None:
                continue
            first, words = resolved
            initial = _is_sentence_initial(text, match.start()) and first == 0
            if len(words) > 1:
                _count(" ".join(words), candidates, weight, position, initial)
                continue
            phrase = words[0]
            lower = phrase.lower()
            if lower in _NOT_TAGS and not (len(phrase) > 1 and phrase.isupper()):
                continue
        if (place := DEMONYMS.get(lower)) is not None:
            _count(place, demonyms, weight, position, initial=False)
        elif len(phrase) > 1:
            if initial is None:
                initial = _is_sentence_initial(text, match.start())
            # `_count`, written out: most counted words pass here (issue 18)
            candidate = candidates.get(lower)
            if candidate is None:
                candidate = candidates[lower] = _Candidate(text=phrase, first=position)
            if initial:
                candidate.held += weight
                if weight == 1:
                    candidate.initial += 1
            else:
                candidate.weight += weight


def _is_sentence_initial(text: str, start: int) -> bool:
    """Tell whether only quotes, brackets and spaces follow a sentence end before `start`."""
    before = text[start - 4 if start > 4 else 0 : start].rstrip(_OPENING_MARKS)
    return before[-1] in _SENTENCE_ENDS if before else start <= 4


def _resolve(
    phrase: str, demonyms: dict[str, _Candidate], weight: float, position: int
) -> tuple[int, list[str]] | None:
    """Trim a multi-word phrase; count nationality words cut off before a role word."""
    words = _phrase_words(phrase)
    trimmed = _trim(words)
    if trimmed is None:
        return None
    first, kept = trimmed
    for word in words[:first]:  # "Russian" in "Russian President Vladimir Putin"
        if (place := DEMONYMS.get(word.lower())) is not None:
            _count(place, demonyms, weight, position, initial=False)
    return first, kept


def _phrase_words(phrase: str) -> list[str]:
    """Split a phrase; cut hyphenated words at a lower-case part (``Turkish-backed``)."""
    words = []
    for word in phrase.split():
        if "-" in word:
            parts = word.split("-")
            kept = [parts[0]]
            for part in parts[1:]:
                if not part[:1].isupper():
                    break
                kept.append(part)
            word = "-".join(kept)
        words.append(word)
    return words


def _trim(words: list[str]) -> tuple[int, list[str]] | None:
    """Cut a phrase after its last role word and trim function words from its edges.

    Returns the index of the first kept word in the original phrase, and the kept words.
    """
    start = 0
    for index, word in enumerate(words):
        if word.lower() in ROLE_WORDS and not _is_acronym(word):
            start = index + 1
    if start >= len(words):
        # Only role words at the end ("Turkish President"): keep what precedes them.
        end = next(i for i, w in enumerate(words) if w.lower() in ROLE_WORDS)
        words, start = words[:end], 0
    else:
        words = words[start:]
    while words and _is_edge(words[0]):
        words = words[1:]
        start += 1
    while words and _is_edge(words[-1]):
        words = words[:-1]
    if not words:
        return None
    return start, words


def _is_edge(word: str) -> bool:
    return word.lower() in _EDGE_WORDS and not _is_acronym(word)


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _count(
    phrase: str, candidates: dict[str, _Candidate], weight: float, position: int, initial: bool
) -> None:
    key = phrase.lower()
    candidate = candidates.get(key)
    if candidate is None:
        candidate = candidates[key] = _Candidate(text=phrase, first=position)
    if initial:
        candidate.held += weight
        if weight == 1:  # the title's first word often repeats the lede's: not a second vote
            candidate.initial += 1
    else:
        candidate.weight += weight


def _boost_from_title(title: str, candidates: dict[str, _Candidate]) -> None:
    """Credit phrases of the text whose words all occur in a Title-Case title."""
    title_words = {w.lower() for w in _TITLE_WORD.findall(title)}
    for key, candidate in candidates.items():
        if all(word in title_words for word in _TITLE_WORD.findall(key)):
            candidate.weight += TITLE_WEIGHT


def _merge_surnames(candidates: dict[str, _Candidate]) -> None:
    """Fold "Vladimir Putin" into "Putin" when the last word also occurs alone.

    Not for phrases with a connector ("Bank of England") or starting with a generic word
    ("North Korea").
    """
    for key in [k for k in candidates if " " in k]:
        words = key.split(" ")
        if words[0] in GENERIC_WORDS or any(w in _CONNECTOR_WORDS for w in words):
            continue
        alone = candidates.get(words[-1])
        if alone is not None:
            surname = alone.text
            alone.absorb(candidates.pop(key))
            alone.text = surname


def _merge_by_key(candidates: dict[str, _Candidate]) -> dict[str, _Candidate]:
    """Merge candidates whose tag keys match (``Erdoğan`` and ``Erdogan``)."""
    merged: dict[str, _Candidate] = {}
    for candidate in candidates.values():
        key = normalize_tag(candidate.text)
        if not key:
            continue
        existing = merged.get(key)
        if existing is None:
            merged[key] = candidate
        else:
            existing.absorb(candidate)
    return merged


_PLACES = frozenset(normalize_tag(place) for place in DEMONYMS.values()) | frozenset(
    {"usa", "us", "uk", "dc", "d_c", "united_states", "united_kingdom"}
)
