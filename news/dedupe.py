"""Dedupe keys: canonical URLs, exact content hashes and 64-bit SimHash fingerprints."""

from __future__ import annotations

import functools
import hashlib
import operator
import posixpath
import re
import unicodedata
from collections import Counter
from itertools import compress, repeat
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from news.text import is_tidy
from news.words import FUNCTION_WORDS

# ---------------------------------------------------------------------------------------
# Canonical URLs
# ---------------------------------------------------------------------------------------

# Query parameters that only track the click; removed wherever they appear.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "ysclid", "twclid", "ttclid", "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid",
        "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking", "mkt_tok",
        "ocid", "cmpid", "s_cid", "wt.mc_id", "ref_src", "ref_url", "smid", "smtyp", "emc",
        "_ga", "_gl", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "rb_clickid",
        "maca", "traffic_source", "at_medium", "at_campaign", "at_custom1", "at_custom2",
        "at_custom3", "at_custom4", "at_term", "at_send_date", "at_creation", "at_link",
        "at_link_id", "at_link_origin", "at_link_type", "at_ptr_name", "at_format",
        "at_bbc_team", "at_platform", "at_type", "at_emailtype",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_",)
# Parameters that can carry meaning, dropped only when their value names a feed or a
# sharing channel (``?ref=rss``, ``?source=twitter``).
CHANNEL_PARAMS = frozenset({"ref", "source", "src", "from", "partner", "feature", "via"})
CHANNEL_VALUES = frozenset(
    {
        "rss", "rss2", "atom", "feed", "feeds", "rssfeed", "rss_feed", "feedburner",
        "feedly", "newsletter", "email", "mail", "twitter", "twtr", "tw", "x", "facebook",
        "fb", "share", "social", "telegram", "tg", "whatsapp", "linkedin", "reddit",
    }
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = "/?:@!$'()*+,;=-._~%"
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# A URL whose parts need no more than lower-casing, dot segments and the query's filter:
# an http(s) scheme, an ASCII host name of non-empty labels (no port, no user, no trailing
# dot), a path of characters that need no escaping and no "%" (quoting leaves it as it is),
# printable ASCII after it. Most article links are; they skip `urlsplit` and `quote`.
_PLAIN_URL = re.compile(
    r"((?i:https?))://([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)"
    r"(/[A-Za-z0-9_.~!$&'()*+,;=:@/-]*)?(?:\?([!-\"$-~]*))?(?:#[!-~]*)?"
)
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def canonical_url(url: str) -> str:
    """Return the canonical form of an http(s) URL used to recognise the same article.

    Scheme and host lower-cased, an internationalised host in punycode (``xn--``), a
    trailing dot and a default port dropped, the path's dot segments resolved and its
    percent-escapes normalised (unreserved characters decoded, hex upper-cased, other
    characters escaped as UTF-8), an empty path made ``/``; tracking parameters
    (:data:`TRACKING_PARAMS`, ``utm_*``, and :data:`CHANNEL_PARAMS` naming a channel)
    and empty ones removed while the rest keep their order; the fragment dropped.
    Anything that is not an absolute http(s) URL is returned stripped, never an error.
    """
    text = url.strip()
    plain = _PLAIN_URL.fullmatch(text)
    if plain is not None:
        scheme, host, path, query = plain.groups()
        if not path:
            path = "/"
        elif "/." in path:
            path = _path(path)
        query = _query(query) if query else ""
        base = f"{scheme.lower()}://{host.lower()}{path}"
        return f"{base}?{query}" if query else base
    return _split_canonical_url(text)


def _split_canonical_url(text: str) -> str:
    """`canonical_url` of a stripped URL through `urlsplit`: any URL, however written."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return text
    netloc = _host(host)
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username is not None:
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@{netloc}"
    path = _path(parts.path)
    query = _query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def feed_key(url: str) -> str:
    """Return the key two source URLs share when they name the same feed: the
    :func:`canonical_url` with no trailing slash on a non-empty path."""
    canonical = canonical_url(url)
    parts = urlsplit(canonical)
    if parts.scheme not in _DEFAULT_PORTS:
        return canonical
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _host(host: str) -> str:
    host = host.rstrip(".")
    if ":" in host:
        return f"[{host}]"  # IPv6 literal
    if not host.isascii():
        try:
            return host.encode("idna").decode("ascii")
        except UnicodeError:
            return host  # not encodable under IDNA 2003: keep it lower-case as given
    return host


def _path(path: str) -> str:
    if not path:
        return "/"
    path = _normalise_escapes(path, _PATH_SAFE)
    if "/." in path:
        resolved = posixpath.normpath(path)
        if path.endswith("/") and not resolved.endswith("/"):
            resolved += "/"
        path = "/" + resolved.lstrip("/")  # normpath keeps a leading "//"
    return path


def _query(query: str) -> str:
    kept = []
    for segment in query.split("&"):
        if not segment or segment == "=":
            continue
        name, _, value = segment.partition("=")
        key = unquote(name).strip().lower()
        if not key or _is_tracking(key, value):
            continue
        kept.append(_normalise_escapes(segment, _QUERY_SAFE))
    return "&".join(kept)


def _is_tracking(key: str, value: str) -> bool:
    if key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES):
        return True
    return key in CHANNEL_PARAMS and unquote(value).strip().lower() in CHANNEL_VALUES


def _normalise_escapes(part: str, safe: str) -> str:
    if "%" in part:
        part = _ESCAPE.sub(_normalise_escape, part)
        part = _BARE_PERCENT.sub("%25", part)
    return quote(part, safe=safe)


def _normalise_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


# ---------------------------------------------------------------------------------------
# Content hash
# ---------------------------------------------------------------------------------------


def content_hash(title: str, summary: str, body: str) -> str:
    """Return the sha256 hex digest of the texts, NFKC-normalised, case-folded, spaces collapsed.

    Equal for texts that differ only in case, spacing or Unicode compatibility forms;
    different whenever a word changes.
    """
    normalised = "\x1f".join(_normalise_text(part) for part in (title, summary, body))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def clean_content_hash(title: str, summary: str, body: str) -> str:
    """Return :func:`content_hash` of clean texts, as `news.clean` makes them (tidy lines,
    "\\n" apart within a paragraph, paragraphs "\\n\\n" apart), without looking for the
    spacing they do not have: that look was half of the hash's time on a 4 KB body (issue 18).
    """
    normalised = "\x1f".join(_normalise_clean_text(part) for part in (title, summary, body))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _normalise_clean_text(text: str) -> str:
    if text.isascii():  # lower() keeps tidy lines tidy; the line breaks become the spaces
        return " ".join(filter(None, text.lower().split("\n")))
    return _normalise_text(text)


def _normalise_text(text: str) -> str:
    if text.isascii():  # NFKC and case folding reduce to lower() for ASCII
        lowered = text.lower()
        # Clean text's paragraphs are "\n\n" apart and its words single spaces apart:
        # then one `replace` gives what splitting and joining every word gives.
        joined = lowered.replace("\n\n", " ") if "\n\n" in lowered else lowered
        if is_tidy(joined):
            return joined
        return " ".join(lowered.split())
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# ---------------------------------------------------------------------------------------
# SimHash
# ---------------------------------------------------------------------------------------

SIMHASH_BITS = 64
NEAR_DUPLICATE_DISTANCE = 3  # at most this many differing bits: the same story
_MASK64 = (1 << SIMHASH_BITS) - 1

# Feature weights (tuned on near-duplicate and unrelated fixture stories, see the tests):
# a word's weight is min(tf, _TF_CAP) ** 2, tripled when it is ever capitalised (names).
# Squaring lets the words a story repeats outvote the few an edit adds or removes.
_TF_CAP = 8
_TF_WEIGHT = tuple(count**2 for count in range(_TF_CAP + 1))
_CAPITALISED_BOOST = 3
# Words said once and never capitalised add noise, not identity; they are used only when
# a text is too short to have this many features otherwise.
_MIN_FEATURES = 16

# Function words and one-character ASCII tokens are never features.
_STOP_TOKENS = frozenset(word.encode("utf-8") for word in FUNCTION_WORDS) | frozenset(
    bytes([c]) for c in range(0x80)
)
# ASCII bytes that are not letters or digits become spaces; UTF-8 bytes of other scripts
# (>= 0x80) are kept, so Cyrillic and accented words stay whole.
_TOKEN_BYTES = bytes(
    c if chr(c).isalnum() and c < 0x80 else 0x20 if c < 0x80 else c for c in range(256)
)
# Frequent non-ASCII punctuation, turned into spaces before encoding.
_UNICODE_PUNCTUATION = "’‘“”«»„–—…•·\u00a0\u2009\u202f"
_POWERS_OF_TWO = tuple(1 << bit for bit in range(SIMHASH_BITS))


def simhash(text: str) -> int:
    """Return the 64-bit unsigned SimHash of a text (stable across runs and machines).

    Features are words (lower-cased; function words and one-letter tokens left out), each
    hashed with blake2b-64 and weighted by its squared, capped term frequency, tripled for
    capitalised words; words said once and never capitalised count only in short texts.
    Near-duplicate stories differ in at most :data:`NEAR_DUPLICATE_DISTANCE` bits.
    """
    return _simhash(text, b"")


def article_simhash(title: str, body: str) -> int:
    """Return the SimHash of an article, its headline counted twice.

    Headline words are the most telling words of a story; counting them twice keeps
    short near-duplicates (a summary with one word added) within
    :data:`NEAR_DUPLICATE_DISTANCE` far more often, at a small cost for copies whose
    headline was rewritten.
    """
    return simhash(f"{title}\n\n{title}\n\n{body}")


def _simhash(text: str, salt: bytes) -> int:
    """SimHash with a blake2b salt; tests use other salts to check the tuning is no fluke."""
    features = _weighted_features(text)
    if not features:
        return 0
    spread = _TOKEN_LANES.__getitem__ if not salt else functools.partial(_salted_lanes, salt=salt)
    # Each feature's hash is spread into 64 lanes of 32 bits (lane i holds bit i), so adding
    # spread hashes sums the votes of all 64 bits at once. Features share a handful of
    # weights: the spread hashes of each weight's features are summed (in C, by `sum`), and
    # multiplied once by the weight.
    votes = 0
    total = 0
    for weight, tokens in features.items():
        votes += weight * sum(map(spread, tokens))
        total += weight * len(tokens)
    counts = memoryview(votes.to_bytes(_LANE_BYTES * SIMHASH_BITS, "little")).cast("I")
    return sum(compress(_POWERS_OF_TWO, [2 * count > total for count in counts]))


_LANE_BYTES = 4  # 32-bit vote counters: far more votes than any text can cast
_LANE_OF_BYTE = tuple(
    tuple(
        sum(1 << (8 * _LANE_BYTES * (8 * index + bit)) for bit in range(8) if value >> bit & 1)
        for value in range(256)
    )
    for index in range(8)
)


def _lanes(digest: bytes) -> int:
    """Spread a 64-bit digest into 64 lanes: lane i is 1 when bit i is set."""
    return sum(table[byte] for table, byte in zip(_LANE_OF_BYTE, digest, strict=True))


_LANE_CACHE_SIZE = 1 << 17


class _LaneCache(dict[bytes, int]):
    """Token → spread feature hash, memoised (news vocabulary repeats a lot) and emptied
    when full. Read with `dict.__getitem__` from C (`map`): an `lru_cache` hit cost more
    than the lookup it saved a text's hundred-odd features (issue 18)."""

    def __missing__(self, token: bytes) -> int:
        if len(self) >= _LANE_CACHE_SIZE:
            self.clear()
        lanes = self[token] = _lanes(hashlib.blake2b(token, digest_size=8).digest())
        return lanes


_TOKEN_LANES = _LaneCache()


def _salted_lanes(token: bytes, *, salt: bytes) -> int:
    """Return a token's spread feature hash under another blake2b salt."""
    return _lanes(hashlib.blake2b(token, digest_size=8, salt=salt).digest())


def _weighted_features(text: str) -> dict[int, list[bytes]]:
    """Return the features grouped by weight; tokens are UTF-8 bytes of lower-cased words."""
    counts, capitalised = _count_tokens(text)
    # Repeated words, found without a Python-level loop over every word.
    repeated = compress(counts.keys(), map(operator.lt, repeat(1), counts.values()))
    chosen = capitalised.union(repeated).difference(_STOP_TOKENS)
    if len(chosen) < _MIN_FEATURES:
        chosen = counts.keys() - _STOP_TOKENS
    groups: dict[int, list[bytes]] = {}
    for token in chosen:
        weight = _TF_WEIGHT[min(counts[token], _TF_CAP)]
        if token in capitalised:
            weight *= _CAPITALISED_BOOST
        groups.setdefault(weight, []).append(token)
    return groups


# Capitalised ASCII words; searched in the text with a space put before it, so the leading
# space lets the regex engine skip ahead to each word start.
_ASCII_CAPITALISED = re.compile(rb" ([A-Z][0-9A-Za-z]*)")


def _count_tokens(text: str) -> tuple[Counter[bytes], set[bytes]]:
    """Count lower-cased word tokens; also return those that ever start with a capital."""
    if not text.isascii():
        for char in _UNICODE_PUNCTUATION:
            if char in text:
                text = text.replace(char, " ")
    if text.isascii():  # the fast path (often reached once curly quotes are gone)
        words = b" " + text.encode("ascii").translate(_TOKEN_BYTES)
        counts = Counter(words.lower().split())
        return counts, set(map(bytes.lower, _ASCII_CAPITALISED.findall(words)))
    lowered = text.lower()
    counts = Counter(lowered.encode("utf-8").translate(_TOKEN_BYTES).split())
    if lowered == text:
        return counts, set()
    capitalised = set()
    for token in set(text.encode("utf-8").translate(_TOKEN_BYTES).split()).difference(counts):
        word = token.decode("utf-8")
        if word[0].isupper():
            capitalised.add(word.lower().encode("utf-8"))
    return counts, capitalised


def hamming(a: int, b: int) -> int:
    """Return the number of differing bits between two 64-bit fingerprints.

    Signed and unsigned encodings of the same 64 bits compare equal, so values read back
    from a signed 64-bit column need no conversion.
    """
    return ((a ^ b) & _MASK64).bit_count()


def to_signed64(value: int) -> int:
    """Convert an unsigned 64-bit fingerprint to the signed form SQLite INTEGER can hold."""
    value &= _MASK64
    return value - (1 << SIMHASH_BITS) if value >= 1 << (SIMHASH_BITS - 1) else value


def to_unsigned64(value: int) -> int:
    """Convert a signed 64-bit integer (as stored) back to the unsigned fingerprint."""
    return value & _MASK64
