"""Telegram HTML building blocks: escaping, clean text, safe links, UTF-16 lengths, cuts.

Telegram counts message limits (4096 for text, 1024 for captions) in UTF-16 code units of
the text *after* entity parsing, so every length here is in UTF-16 units, and every cut
keeps surrogate pairs (astral emoji) whole.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

ELLIPSIS = "…"

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# C0/C1 controls (not whitespace) and the bidi embeddings/overrides Telegram strips itself.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e]")
_WHITESPACE_RUN = re.compile(r"\s+")
_LAST_SPACE = re.compile(r".*\s", re.DOTALL)
# A sentence ends with . ! ? … (or their CJK forms), maybe closed by quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*(?=\s)")
_HTTP_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# Whitespace, controls and invisible format characters (a URL must show what it links to).
_BAD_URL_CHAR = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_BAD_HOST_CHAR = re.compile(r"[^\w.\-%]")
# An http(s) URL that passes every check below as it stands: an ASCII host name of
# non-empty labels, no port, no user, printable ASCII after it. Most links are; they skip
# `urlsplit` (issue 18: two thirds of this function's time).
_PLAIN_HTTP_URL = re.compile(r"(?i:https?)://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:[/?#][!-~]*)?")
# How close to the limit a boundary must be to be used, as a share of the kept text.
SENTENCE_MIN_SHARE = 0.6
WORD_MIN_SHARE = 0.5
_GLUE = frozenset({"\u200d", "\u200c", "\u2060"})  # joiners: never end a cut on one


def escape_html(text: str, *, quote: bool = False) -> str:
    """Escape `&`, `<`, `>` (and `"` when `quote`) for Telegram's HTML parse mode."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def utf16_len(text: str) -> int:
    """Return the length of `text` in UTF-16 code units (astral characters count 2)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


def clean_text(text: str) -> str:
    """Return one line of displayable text: whitespace runs collapsed, controls removed.

    Lone surrogates (which Telegram refuses) become U+FFFD; format characters such as
    zero-width joiners and RTL marks are kept (emoji sequences and bidi text need them).
    """
    if text.isprintable():  # no controls, line breaks, odd spaces or surrogates
        if "  " in text or text.startswith(" ") or text.endswith(" "):
            return " ".join(text.split())
        return text
    text = _LONE_SURROGATE.sub("\ufffd", text)
    text = _CONTROL.sub("", text)
    return _WHITESPACE_RUN.sub(" ", text).strip()


def http_url(url: str | None) -> str | None:
    """Return `url` stripped when it is an http(s) URL Telegram links, else None."""
    if not url:
        return None
    url = url.strip()
    if _PLAIN_HTTP_URL.fullmatch(url):
        return url
    if not _HTTP_SCHEME.match(url) or _BAD_URL_CHAR.search(url):
        return None
    if not url.isascii() and _LONE_SURROGATE.search(url):
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
        or _BAD_HOST_CHAR.search(host)
    ):
        return None
    return url


def utf16_prefix(text: str, limit: int) -> str:
    """Return the longest prefix of `text` at most `limit` UTF-16 units long, pairs kept whole."""
    if limit <= 0:
        return ""
    head = text[:limit]
    if head.isascii():
        return head
    data = head.encode("utf-16-le", errors="surrogatepass")
    if len(data) <= 2 * limit:
        return head
    data = data[: 2 * limit]
    if 0xD8 <= data[-1] <= 0xDB:  # the last unit is a high surrogate: its pair is cut off
        data = data[:-2]
    return data.decode("utf-16-le", errors="surrogatepass")


def truncate_words(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` UTF-16 units at a sentence end, else a word, else a character.

    A sentence end is used when it keeps at least `SENTENCE_MIN_SHARE` of what fits (no
    ellipsis needed); otherwise the text is cut after the last whole word that keeps at least
    `WORD_MIN_SHARE`, else inside the word (never inside an emoji sequence), and `…` is
    appended. The result is never longer than `limit`; a text that fits is returned as is.
    """
    if limit <= 0:
        return ""
    if utf16_len(text) <= limit:
        return text
    fits = utf16_prefix(text, limit)
    sentence_end = _last_sentence_end(fits, text)
    if sentence_end >= SENTENCE_MIN_SHARE * len(fits):
        return fits[:sentence_end]
    room = utf16_prefix(fits, limit - 1)
    if not room:
        return ELLIPSIS
    if text[len(room)].isspace():
        word_end = len(room)
    else:
        match = _LAST_SPACE.match(room)
        word_end = match.end() - 1 if match else 0
    if word_end >= WORD_MIN_SHARE * len(room):
        kept = room[:word_end].rstrip(" ,;:-–—(\"'«“‘")
        if kept:
            return kept.rstrip() + ELLIPSIS
    return room[: _safe_cut(text, len(room))] + ELLIPSIS


def _last_sentence_end(fits: str, text: str) -> int:
    """Return the index just after the last usable sentence end inside `fits`, or 0."""
    threshold = SENTENCE_MIN_SHARE * len(fits)
    # Search one character past the fitting part so that the lookahead sees what follows,
    # and only where a match could end late enough to be used.
    window = text[: len(fits) + 1]
    best = 0
    for match in _SENTENCE_END.finditer(window, max(0, int(threshold) - 8)):
        end = match.end()
        if end > len(fits):
            break
        if end >= threshold and not _is_initial(window, match.start()):
            best = end
    return best


def _is_initial(text: str, dot: int) -> bool:
    """Tell whether the `.` at `dot` ends an initial (`J. Smith`, `U.S.`), not a sentence."""
    if text[dot] != "." or dot == 0 or not text[dot - 1].isalpha():
        return False
    return dot == 1 or text[dot - 2] in " ."


def _safe_cut(text: str, index: int) -> int:
    """Move a cut index back so it does not split a grapheme (marks, joiners, flags)."""
    original = index
    while index > 0 and (_is_extender(text[index]) if index < len(text) else False):
        index -= 1
    while index > 0 and text[index - 1] in _GLUE:
        index -= 1
        while index > 0 and _is_extender(text[index]):
            index -= 1
    if index > 0 and _is_regional_indicator(text[index - 1]):
        run = 0
        while run < index and _is_regional_indicator(text[index - 1 - run]):
            run += 1
        if run % 2 == 1 and index < len(text) and _is_regional_indicator(text[index]):
            index -= 1
    return index if index > 0 else original


def _is_extender(char: str) -> bool:
    """Tell whether `char` belongs to the character before it (mark, selector, modifier)."""
    code = ord(char)
    return (
        char in _GLUE
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or 0xE0100 <= code <= 0xE01EF
        or unicodedata.category(char).startswith("M")
    )


def _is_regional_indicator(char: str) -> bool:
    """Tell whether `char` is one half of a flag emoji."""
    return 0x1F1E6 <= ord(char) <= 0x1F1FF
