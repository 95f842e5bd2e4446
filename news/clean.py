"""HTML and scraped plain text to clean paragraphs; ledes; boilerplate shared by a source.

Output format of :func:`html_to_text`: paragraphs separated by exactly one blank line
(``"\\n\\n"``); a single ``"\\n"`` inside a paragraph is a kept line break (``<pre>`` lines,
or single newlines of plain-text input). No leading/trailing whitespace, no runs of spaces.

The HTML path is a regular-expression tokenizer rather than a DOM parser: feed bodies are
fragments, often broken, and this is several times faster than building a tree. It drops
whole elements that are never article prose (:data:`DROPPED_ELEMENTS`), turns block
elements into paragraph breaks, removes every other tag, then decodes entities once (plus
the double-escaped ``&amp;amp;`` form feeds produce).
"""

from __future__ import annotations

import html
import math
import re

from news.text import is_printable, is_tidy

# Elements removed with everything inside them. ``figcaption`` is dropped because photo
# captions and credits interrupt the prose a lede or a search snippet is cut from;
# ``header``/``footer`` because in whole pages they hold site chrome.
DROPPED_ELEMENTS = (
    "script", "style", "noscript", "template", "iframe", "object", "svg", "math", "canvas",
    "video", "audio", "nav", "aside", "form", "button", "select", "textarea", "header",
    "footer", "head", "figcaption",
)  # fmt: skip
# Elements whose start or end is a paragraph boundary.
BLOCK_ELEMENTS = (
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "tr", "table", "thead", "tbody", "tfoot", "caption", "pre", "hr",
    "section", "article", "main", "figure", "address", "center", "details", "summary",
    "fieldset", "body", "html", "title",
)  # fmt: skip
# Tags that prove a string is HTML rather than plain text that happens to hold a "<".
_KNOWN_TAGS = (
    *BLOCK_ELEMENTS, *DROPPED_ELEMENTS, "a", "img", "b", "i", "u", "s", "em", "strong",
    "span", "small", "sup", "sub", "code", "td", "th", "font", "abbr", "cite", "q", "del",
    "ins", "mark", "time", "picture", "source", "meta", "link", "input", "wbr", "tt", "big",
)  # fmt: skip

# Attribute text up to the closing ">" (quoted values may hold ">"). Nothing in a tag may be
# a "<", so a failed match attempt stops at the next "<": broken markup ("<p<p<p...") is
# scanned once, not once per "<". Possessive, so nothing backtracks.
_ATTRS = r"""[^<>"']*+(?:(?:"[^<"]*+"|'[^<']*+')[^<>"']*+)*+"""
# Also a sign: an element of any name with a quoted attribute or self-closed (``<embed
# src="...">``, ``<widget/>``), a closing tag of any name, a comment or a CDATA section.
_HTML_SIGN = re.compile(
    r"<(?:/?(?:" + "|".join(_KNOWN_TAGS) + r")\b" + _ATTRS + r">|!--|!\[CDATA\[|"
    r"/[A-Za-z][\w:-]*\s*>|[A-Za-z][\w:-]*(?:\s+[\w:-]+\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*')"
    + _ATTRS
    + r"|\s*/)>)",
    re.I,
)
_ESCAPED_HTML_SIGN = re.compile(
    r"&lt;/?(?:p|br|div|a|img|b|i|em|strong|span|ul|ol|li|h[1-6]|blockquote|table)\b"
    r"(?:(?!&gt;|&lt;).){0,400}?&gt;",
    re.I,
)
# Case-sensitive patterns are several times faster; upper-case tag names are lowered first.
_UPPER_TAG_SIGN = re.compile(r"</?[A-Z]")
_TAG_NAME = re.compile(r"</?[A-Za-z][A-Za-z0-9]*")
_COMMENT = re.compile(r"<(?:!--.*?(?:-->|\Z)|!\[CDATA\[|![^>]*>|\?[^>]*(?:>|\Z))", re.S)
_RAW_TEXT = re.compile(r"<(script|style)\b" + _ATTRS + r">.*?(?:</\1\s*>|\Z)", re.S)
# The content may not hold another start of the same element, so an unclosed one costs a
# scan to the next, not to the end of the document.
_DROPPED = re.compile(
    r"<(" + "|".join(DROPPED_ELEMENTS) + r")\b" + _ATTRS + r">(?:(?!<\1\b).)*?</\1\s*>",
    re.S,
)
_PRE = re.compile(r"<pre\b" + _ATTRS + r">.*?(?:</pre\s*>|\Z)", re.S)
_BLOCK_TAG = re.compile(r"</?(?:" + "|".join(BLOCK_ELEMENTS) + r")\b" + _ATTRS + r">")
_CELL_TAG = re.compile(r"</?t[dh]\b" + _ATTRS + r">")
_ANY_TAG = re.compile(r"<[A-Za-z/]" + _ATTRS + r">")
# A "<" inside a quoted attribute value (``<a title="x < y">``) defeats the patterns above,
# which stop at every "<" to stay linear. When one is seen, such tags are found with a bounded
# pattern and their quoted "<" and ">" escaped first.
_LT_IN_ATTRIBUTE = re.compile(r"""=\s*(?:"[^"<>]*<|'[^'<>]*<)""")
_TAG_WITH_QUOTES = re.compile(
    r"""<[A-Za-z][\w:-]*(?:[^<>"']++|"[^"]{0,2000}+"|'[^']{0,2000}+'){0,64}+>"""
)
_QUOTED = re.compile(r""""[^"]*"|'[^']*'""")

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_DOUBLE_ESCAPED = re.compile(
    r"&amp;(?=(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
)

# Internal markers (private-use code points, removed from input first).
_PARAGRAPH = "\ue000"  # a paragraph break
_LINE = "\ue001"  # a kept line break inside a paragraph
_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")
_TRAILING_DOTS = re.compile(r"\s*(?:\[(?:…|\.\.\.)\]|\((?:…|\.\.\.)\))\s*$")

# Whitespace of every kind (NBSP, thin spaces, ...) is collapsed by str.split(); what is
# left to remove are control and invisible format characters. ZWJ/ZWNJ (U+200C/D) and
# direction marks are kept: emoji sequences and Persian, Arabic, Hebrew text need them.
# C1 control codes (U+0080-U+009F) are almost always Windows-1252 bytes read as Latin-1
# ("don\x92t"): they become the Windows-1252 characters, as browsers read them; the five
# bytes Windows-1252 leaves undefined are dropped.
_C1_AS_CP1252: dict[int, str | None] = {
    code: bytes([code]).decode("cp1252", errors="ignore") or None for code in range(0x80, 0xA0)
}
_INVISIBLE: dict[int, str | None] = {
    **dict.fromkeys(range(0x00, 0x20)), 0x7F: None, **_C1_AS_CP1252,
    0xAD: None, 0x200B: None, 0x2060: None, 0xFEFF: None,
}  # fmt: skip

# UTF-8 read as Windows-1252 (or Latin-1) and encoded again: "â€\u2122" for U+2019, "Ã©" for "é".
# Each character below stands for one byte; a lead byte and its continuation bytes that form
# valid UTF-8 are put back together. Only text showing a typical sign is looked at.
_BYTE_OF: dict[str, int] = {
    **{chr(code): code for code in range(0x80, 0x100)},
    **{
        char: code
        for code in range(0x80, 0xA0)
        if (char := bytes([code]).decode("cp1252", errors="ignore"))
    },
}
_CONTINUATION = "".join(char for char, code in _BYTE_OF.items() if code < 0xC0)
_LEAD2 = "".join(chr(code) for code in range(0xC2, 0xE0))
_LEAD3 = "".join(chr(code) for code in range(0xE0, 0xF0))
_LEAD4 = "".join(chr(code) for code in range(0xF0, 0xF5))
_MOJIBAKE_SIGN = re.compile(
    "[\u00c2\u00c3\u00c5\u00d0\u00d1][" + _CONTINUATION + "]|\u00e2[\u20ac\u0080]"
)
_MOJIBAKE = re.compile(
    f"[{_LEAD2}][{_CONTINUATION}]|[{_LEAD3}][{_CONTINUATION}]{{2}}|[{_LEAD4}][{_CONTINUATION}]{{3}}"
)

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
_ABBREVIATIONS_TEXT = """mr mrs ms dr prof st sr jr gen col lt sgt capt cpt maj adm gov sen
    rep rev hon pres supt insp inc ltd corp bros vs etc nos fig al approx dept jan feb mar apr jun
    jul aug sep sept oct nov dec mt ft vol eds"""
_ABBREVIATIONS = frozenset(_ABBREVIATIONS_TEXT.split())
_ELLIPSIS = "…"
_HEADING_MAX_CHARS = 80  # a shorter first line without a final stop is not the lede
_SENTENCE_FINAL = frozenset(".!?…\"'”’»)")


def html_to_text(markup: str) -> str:
    """Return plain text with paragraphs kept from an HTML fragment, page or plain text."""
    if not markup:
        return ""
    if _PARAGRAPH in markup or _LINE in markup:
        markup = markup.replace(_PARAGRAPH, "").replace(_LINE, "")
    markup = repair_mojibake(markup)
    if "<" in markup and _HTML_SIGN.search(markup):
        return _html_to_text(markup)
    if "&lt;" in markup and _ESCAPED_HTML_SIGN.search(markup):
        # A body escaped once too often: its tags arrive as text (&lt;p&gt;...).
        return _html_to_text(html.unescape(markup))
    return _plain_to_text(markup)


def html_fragment_to_text(markup: str) -> str:
    """Like :func:`html_to_text` for a fragment known to be HTML, even with no known tag."""
    if not markup:
        return ""
    if _PARAGRAPH in markup or _LINE in markup:
        markup = markup.replace(_PARAGRAPH, "").replace(_LINE, "")
    return _html_to_text(repair_mojibake(markup))


def plain_to_text(text: str) -> str:
    """Normalise plain text: blank lines separate paragraphs, single newlines are kept."""
    if _PARAGRAPH in text or _LINE in text:
        text = text.replace(_PARAGRAPH, "").replace(_LINE, "")
    return _plain_to_text(repair_mojibake(text))


def looks_like_html(text: str) -> bool:
    """True when a string holds markup: a known tag, any closing tag, a comment, CDATA..."""
    return "<" in text and _HTML_SIGN.search(text) is not None


def tidy_line(text: str) -> str:
    """One line of text: whitespace collapsed, invisible characters dropped, C1 codes mapped."""
    return _tidy(repair_mojibake(text))


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was read as Windows-1252 and encoded again ("Ã©tÃ©" -> "été")."""
    if text.isascii() or _MOJIBAKE_SIGN.search(text) is None:
        return text
    return _MOJIBAKE.sub(_repair_sequence, text)


def _repair_sequence(match: re.Match[str]) -> str:
    found = match.group()
    try:
        return bytes(_BYTE_OF[char] for char in found).decode("utf-8")
    except UnicodeDecodeError:
        return found


def _plain_to_text(text: str) -> str:
    if "&" in text:
        text = _decode_entities(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2029", "\n\n").replace("\u2028", "\n")
    text = _BLANK_LINES.sub(_PARAGRAPH, text).replace("\n", _LINE)
    return _finish(text)


def _html_to_text(markup: str) -> str:
    if "=" in markup and _LT_IN_ATTRIBUTE.search(markup):  # no attributes, nothing quoted
        markup = _TAG_WITH_QUOTES.sub(_escape_quoted_brackets, markup)
    openings = _openings(markup)
    if (
        "<!" in openings
        or "<?" in openings
        or not openings.isdisjoint(_UPPER_OPENINGS)
        or ("]" in markup and "]]>" in markup)
    ):
        markup = _without_comments_in_lower_case(markup)
        openings = _openings(markup)
    if "<script" in openings or "<style" in openings:
        markup = _RAW_TEXT.sub(" ", markup)
    markup = _DROPPED.sub(" ", markup)
    if "<pre" in openings:  # still there unless dropped (then the pattern finds nothing)
        markup = _PRE.sub(_keep_pre_lines, markup)
    markup = _BLOCK_TAG.sub(_PARAGRAPH, markup)
    # Seen at the start, maybe gone with the blocks (a "</td>" left alone must stay a tag).
    if "<t" in openings and "<t" in markup:
        markup = _CELL_TAG.sub(" ", markup)
    markup = _ANY_TAG.sub("", markup)
    if "&" in markup:
        markup = _decode_entities(markup, legacy=True)
    return _finish(markup)


# The openings of the tags that need a step of their own, found in one scan: a substring
# search each cost a third of `_html_to_text` on a 4 KB body (issue 18). The steps after
# the comments only remove markup or put spaces and markers in its place, so they never
# make one of these openings appear.
_OPENING = re.compile(r"<(?:[!?]|/?[A-Z]|script|style|pre|t)")
_UPPER_OPENINGS = frozenset(
    f"{slash}{letter}" for slash in ("<", "</") for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


def _openings(markup: str) -> set[str]:
    """The distinct openings of `_OPENING` in the markup (`<!`, `<P`, `</P`, `<pre`, `<t`...)."""
    return set(_OPENING.findall(markup))


def _without_comments_in_lower_case(markup: str) -> str:
    """The markup without comments, CDATA marks and processing instructions, tag names in
    lower case."""
    if "<!" in markup or "<?" in markup:
        markup = _COMMENT.sub("", markup)
    if "]]>" in markup:
        markup = markup.replace("]]>", "")
    if _UPPER_TAG_SIGN.search(markup):
        markup = _TAG_NAME.sub(_lower_match, markup)
    return markup


def _escape_quoted_brackets(match: re.Match[str]) -> str:
    return _QUOTED.sub(_escape_brackets, match.group())


def _escape_brackets(match: re.Match[str]) -> str:
    return match.group().replace("<", "&lt;").replace(">", "&gt;")


def _lower_match(match: re.Match[str]) -> str:
    return match.group().lower()


def _keep_pre_lines(match: re.Match[str]) -> str:
    return match.group().replace("\r\n", "\n").replace("\n", _LINE)


def _decode_entities(text: str, *, legacy: bool = False) -> str:
    """Decode entities once, first collapsing double escaping (``&amp;amp;`` -> ``&amp;``).

    HTML text decodes legacy forms without ``;`` as browsers do (``legacy``); plain text
    decodes only complete entities, so that ``?a=1&para=2`` in prose stays as written.
    """
    if "&amp;" in text:
        text = _DOUBLE_ESCAPED.sub("&", text)
    if legacy:
        return html.unescape(text)
    return _ENTITY.sub(_unescape_match, text)


def _unescape_match(match: re.Match[str]) -> str:
    return html.unescape(match.group())


def _finish(text: str) -> str:
    """Split on the markers; collapse whitespace and drop invisible characters in each piece."""
    pieces = text.split(_PARAGRAPH)
    if _all_tidy(pieces):  # most texts: nothing to collapse or drop, no line break kept
        return "\n\n".join([piece for piece in pieces if piece])
    paragraphs = []
    for raw in pieces:
        if _LINE in raw:
            lines = (_tidy(line) for line in raw.split(_LINE))
            paragraph = "\n".join(line for line in lines if line)
        else:
            paragraph = _tidy(raw)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _all_tidy(pieces: list[str]) -> bool:
    """Tell whether `_tidy` leaves every piece as it is, with no kept line break in any: the
    pieces are checked together, one scan of their text instead of one per piece."""
    for piece in pieces:
        if piece[:1] == " " or piece[-1:] == " ":
            return False
    joined = "".join(pieces)  # "  " across two pieces needs one ending in a space: seen above
    return "  " not in joined and is_printable(joined)


def _tidy(piece: str) -> str:
    if is_tidy(piece):
        return piece  # already tidy: its one whitespace is single inner spaces (most pieces)
    tidy = " ".join(piece.split())
    if not tidy.isprintable():  # rare: control or format characters are present
        tidy = " ".join(tidy.translate(_INVISIBLE).split())
    return tidy


def paragraphs(text: str) -> list[str]:
    """Split clean text (as :func:`html_to_text` returns it) into its paragraphs."""
    # Most texts have no line break but the paragraphs' "\n\n": then splitting on "\n"
    # (found with memchr) gives each paragraph and an empty string between two, in half
    # the time of splitting on "\n\n" (issue 18).
    parts = text.split("\n")
    if len(parts) % 2 and all(parts[::2]) and not any(parts[1::2]):
        return parts[::2]
    return [p for p in text.split("\n\n") if p]


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences, not after abbreviations (``Mr.``) or initials."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        end = match.end()
        if end >= len(paragraph) or not _starts_sentence(paragraph, end):
            continue
        if paragraph[match.start()] == "." and _is_abbreviation(paragraph, match.start()):
            continue
        sentences.append(paragraph[start:end].strip())
        start = end
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _starts_sentence(text: str, index: int) -> bool:
    for char in text[index : index + 3]:
        if char.isalpha():
            return char.isupper()
        if char.isdigit():
            return True
    return True  # quote, dash or bracket: treat as a new sentence


def _is_abbreviation(text: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("\"'“‘«([")
    if not word:
        return False
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. Smith"
    if "." in word:
        return True  # "U.S", "e.g"
    return word.casefold() in _ABBREVIATIONS


def truncate(text: str, max_chars: int) -> str:
    """Cut ``text`` to at most ``max_chars`` at a word boundary, ending with an ellipsis."""
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    if text[max_chars - 1] != " ":  # the cut falls inside a word: back off to a space
        space = cut.rfind(" ")
        if space > max_chars // 2:
            cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + _ELLIPSIS


def lede(text: str, max_chars: int = 400) -> str:
    """Return the first paragraph, or as many first sentences as fit in ``max_chars``.

    Short leading lines that do not end like a sentence (a heading, a dateline, "Updated
    5 min ago") are passed over when prose follows. A first sentence longer than
    ``max_chars`` is cut at a word boundary and ends with an ellipsis; whole sentences are
    returned as they are.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    parts = paragraphs(text)
    first = next((p for p in parts if not _is_heading(p)), parts[0] if parts else "")
    first = " ".join(first.split())
    if len(first) <= max_chars:
        return first
    kept = ""
    for sentence in split_sentences(first):
        candidate = f"{kept} {sentence}" if kept else sentence
        if len(candidate) > max_chars:
            break
        kept = candidate
    return kept or truncate(first, max_chars)


def _is_heading(paragraph: str) -> bool:
    return len(paragraph) <= _HEADING_MAX_CHARS and paragraph[-1] not in _SENTENCE_FINAL


def tidy_summary(text: str) -> str:
    """Replace a feed's trailing ``[…]``/``[...]`` truncation mark with an ellipsis."""
    if text.rstrip()[-1:] not in ("]", ")"):  # no mark (the pattern tries every space)
        return text
    trimmed = _TRAILING_DOTS.sub("", text)
    if trimmed != text and trimmed:
        return trimmed.rstrip(" ,;:") + _ELLIPSIS
    return text


# Chrome that differs per article so recurrence cannot catch it. Matched against whole
# paragraphs of at most _CHROME_MAX_CHARS characters only, so prose is never touched.
_CHROME_MAX_CHARS = 200
_CHROME = re.compile(
    r"""^(?:
        the\ post\ .+\ appeared\ first\ on\ .+
      | (?:continue|keep)\ reading\b.*
      | read\ (?:more|on|the\ (?:full|whole|rest)|full|the\ original)\b.*
      | (?:click|tap)\ here\b.*
      | .*\bshare\ this\ (?:story|article|post|page|video)\b.*
      | (?:share|tweet|email)\ (?:on|via|this)\b.*
      | .*\b(?:sign\ up|subscribe)\b.*\bnewsletters?\b.*
      | follow\ us\ on\b.*
      | this\ (?:article|story|post)\ (?:was\ )?(?:originally\ |first\ )?
        (?:appeared|published|posted)\ (?:on|in|at)\b.*
      | (?:advertisement|advertising|sponsored(?:\ content)?)\.?
      | (?:story|article)\ continues\ (?:below|after)\b.*
      | skip\ (?:to|past)\ (?:content|main\ content|advert).*
      | (?:related|more)\ (?:articles|stories|coverage|on\ this\ story)\ ?:?
      | \d*\ ?comments?
      | (?:…|\.\.\.|\[…\]|\[\.\.\.\])
    )$""",
    re.I | re.X,
)


def is_chrome(paragraph: str) -> bool:
    """Tell whether a paragraph is known page chrome (share prompts, "Read more", ...)."""
    return len(paragraph) <= _CHROME_MAX_CHARS and _CHROME.match(paragraph) is not None


def drop_boilerplate(bodies: list[str], *, min_articles: int = 3, share: float = 0.5) -> list[str]:
    """Drop paragraphs recurring across one source's articles, and known chrome.

    ``bodies`` are clean texts as :func:`html_to_text` returns them. A paragraph
    (compared case-insensitively) is boilerplate when it occurs in at least
    ``max(min_articles, ceil(share * n))`` of the ``n`` distinct non-empty bodies.
    Identical bodies count once, so a story repeated in a feed does not erase itself.
    Returns the bodies in the same order; a body made only of boilerplate becomes "".
    """
    if min_articles < 1 or not 0.0 < share <= 1.0:
        raise ValueError("min_articles must be >= 1 and share in (0, 1]")
    keyed: dict[str, list[tuple[str, str]]] = {}
    for body in bodies:
        if body not in keyed:
            keyed[body] = [(p, p.casefold()) for p in paragraphs(body)]
    recurring = _recurring_keys(
        [parts for parts in keyed.values() if parts], min_articles=min_articles, share=share
    )
    cleaned = {
        body: "\n\n".join(p for p, key in parts if key not in recurring and not is_chrome(p))
        for body, parts in keyed.items()
    }
    return [cleaned[body] for body in bodies]


def _recurring_keys(
    distinct: list[list[tuple[str, str]]], *, min_articles: int, share: float
) -> frozenset[str]:
    threshold = max(min_articles, math.ceil(share * len(distinct)))
    if len(distinct) < threshold:
        return frozenset()
    counts: dict[str, int] = {}
    for parts in distinct:
        for key in {key for _, key in parts}:
            counts[key] = counts.get(key, 0) + 1
    return frozenset(key for key, count in counts.items() if count >= threshold)
