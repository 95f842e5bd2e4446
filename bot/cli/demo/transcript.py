"""Print a chat the way Telegram shows it: entities made readable, buttons in brackets.

`render_entities(text, entities)` turns a message's text and its entities (Bot API JSON,
offsets in UTF-16 units) into plain text a terminal can show: bold as `*bold*`, italic as
`_italic_`, a link as `text <url>`, a quote with `> ` before each line — or, with
`ansi=True`, the same with terminal styles instead of the markers. `Transcript` prints
the demo's steps, posts and search results with these.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TextIO

Entity = Mapping[str, Any]
"""A Bot API MessageEntity as JSON: type, offset, length (UTF-16 units), url …"""
Button = Mapping[str, Any]
"""A Bot API InlineKeyboardButton as JSON (only `text` is shown)."""

_QUOTES: Final = frozenset({"blockquote", "expandable_blockquote"})
_PLAIN_MARKERS: Final[dict[str, tuple[str, str]]] = {
    "bold": ("*", "*"),
    "italic": ("_", "_"),
    "underline": ("__", "__"),
    "strikethrough": ("~", "~"),
    "spoiler": ("||", "||"),
    "code": ("`", "`"),
    "pre": ("```\n", "\n```"),
}
_ANSI_MARKERS: Final[dict[str, tuple[str, str]]] = {
    "bold": ("\x1b[1m", "\x1b[22m"),
    "italic": ("\x1b[3m", "\x1b[23m"),
    "underline": ("\x1b[4m", "\x1b[24m"),
    "strikethrough": ("\x1b[9m", "\x1b[29m"),
    "spoiler": ("\x1b[7m", "\x1b[27m"),
    "code": ("\x1b[33m", "\x1b[39m"),
    "pre": ("\x1b[33m", "\x1b[39m"),
    "text_link": ("\x1b[4m", "\x1b[24m"),
    "url": ("\x1b[4m", "\x1b[24m"),
    "hashtag": ("\x1b[34m", "\x1b[39m"),
    "mention": ("\x1b[34m", "\x1b[39m"),
}
_ANSI_URL: Final = ("\x1b[36m", "\x1b[39m")
_ANSI_DIM: Final = ("\x1b[2m", "\x1b[22m")
_QUOTE_PREFIX: Final = "> "
DEFAULT_WIDTH: Final = 76
"""Columns a message's lines wrap at, inside its frame, when the terminal width is unknown."""
MAX_WIDTH: Final = 96


def _python_index_of(text: str) -> dict[int, int]:
    """Map every UTF-16 offset that falls between characters to its Python string index."""
    index = {0: 0}
    units = 0
    for position, char in enumerate(text, start=1):
        units += 2 if ord(char) > 0xFFFF else 1
        index[units] = position
    return index


def _span(entity: Entity, index: Mapping[int, int], size: int) -> tuple[int, int] | None:
    """Return an entity's (start, end) as Python indices, or None when it is out of range."""
    try:
        offset, length = int(entity["offset"]), int(entity["length"])
    except (KeyError, TypeError, ValueError):
        return None
    start, end = index.get(offset), index.get(offset + length)
    if start is None or end is None or not 0 <= start < end <= size:
        return None
    return start, end


def _markers(entity: Entity, *, ansi: bool) -> tuple[str, str, str]:
    """Return (opening, closing, suffix) for an entity; the suffix follows every closing."""
    kind = str(entity.get("type", ""))
    opening, closing = (_ANSI_MARKERS if ansi else _PLAIN_MARKERS).get(kind, ("", ""))
    suffix = ""
    if kind == "text_link" and entity.get("url"):
        url = f"<{entity['url']}>"
        suffix = f" {_ANSI_URL[0]}{url}{_ANSI_URL[1]}" if ansi else f" {url}"
    elif kind == "pre" and entity.get("language") and not ansi:
        opening = f"```{entity['language']}\n"
    return opening, closing, suffix


def render_entities(text: str, entities: Sequence[Entity], *, ansi: bool = False) -> str:
    """Return `text` with its entities shown readably (markers, or terminal styles if `ansi`).

    Entities may nest; at one position closings come before openings, inner ones first,
    and a link's ` <url>` comes after every closing there (`*Title* <https://…>`). An
    entity whose offsets fall outside the text or inside a character is ignored.
    """
    index = _python_index_of(text)
    spans = sorted(
        (
            (span, entity)
            for entity in entities
            if (span := _span(entity, index, len(text))) is not None
        ),
        key=lambda item: (item[0][0], -item[0][1]),
    )
    openings: dict[int, list[str]] = {}
    closings: dict[int, list[str]] = {}
    suffixes: dict[int, list[str]] = {}
    quotes: list[tuple[int, int]] = []
    for (start, end), entity in spans:
        opening, closing, suffix = _markers(entity, ansi=ansi)
        openings.setdefault(start, []).append(opening)
        closings.setdefault(end, []).insert(0, closing)  # inner (later) ones close first
        if suffix:
            suffixes.setdefault(end, []).insert(0, suffix)
        if entity.get("type") in _QUOTES:
            quotes.append((start, end))
    pieces: list[str] = []
    quote_pieces: list[tuple[int, int]] = []
    quote_starts = {start: end for start, end in quotes}
    open_quote: tuple[int, int] | None = None  # (piece index, end position)
    for position in range(len(text) + 1):
        pieces.extend(closings.get(position, ()))
        pieces.extend(suffixes.get(position, ()))
        if open_quote is not None and open_quote[1] == position:
            quote_pieces.append((open_quote[0], len(pieces)))
            open_quote = None
        if position in quote_starts and open_quote is None:
            open_quote = (len(pieces), quote_starts[position])
        pieces.extend(openings.get(position, ()))
        if position < len(text):
            pieces.append(text[position])
    for first, last in reversed(quote_pieces):
        quoted = "".join(pieces[first:last])
        pieces[first:last] = [_QUOTE_PREFIX + quoted.replace("\n", "\n" + _QUOTE_PREFIX)]
    return "".join(pieces)


def render_buttons(rows: Sequence[Sequence[Button]]) -> list[str]:
    """Return one line per keyboard row: `[🔖 Save] [↗ Share]`."""
    return [" ".join(f"[{button.get('text', '')}]" for button in row) for row in rows if row]


def wrap_lines(text: str, width: int) -> list[str]:
    """Split text into lines of at most `width` columns at spaces; words never break."""
    lines: list[str] = []
    for line in text.split("\n"):
        lines.extend(
            textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""]
        )
    return lines


def use_ansi(stream: TextIO) -> bool:
    """Tell whether to style output: a terminal, and NO_COLOR not set."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass
class Transcript:
    """Prints the demo as it happens: steps, chat messages and search results."""

    out: TextIO = field(default_factory=lambda: sys.stdout)
    ansi: bool = False
    width: int = DEFAULT_WIDTH
    """Columns a message's text wraps at (inside the frame)."""

    @classmethod
    def for_stream(cls, out: TextIO) -> Transcript:
        """A transcript on `out`, styled when it is a terminal and as wide as the terminal."""
        columns = shutil.get_terminal_size((DEFAULT_WIDTH + 6, 24)).columns
        return cls(out, ansi=use_ansi(out), width=max(40, min(columns, MAX_WIDTH) - 6))

    def _write(self, text: str) -> None:
        """Write and flush at once (the output is often piped)."""
        self.out.write(text)
        self.out.flush()

    def _dim(self, text: str) -> str:
        """Return text dimmed on a terminal."""
        return f"{_ANSI_DIM[0]}{text}{_ANSI_DIM[1]}" if self.ansi else text

    def step(self, text: str) -> None:
        """Print one step of the story: `» adding source …`."""
        marker = "\x1b[1m»\x1b[22m" if self.ansi else "»"
        self._write(f"\n{marker} {text}\n")

    def note(self, text: str) -> None:
        """Print an indented detail under the current step."""
        self._write(f"  {self._dim(text)}\n")

    def message(
        self,
        chat: str,
        text: str,
        entities: Sequence[Entity] = (),
        buttons: Sequence[Sequence[Button]] = (),
        *,
        photo: bool = False,
    ) -> None:
        """Print one message as its chat shows it, framed, with its buttons below."""
        lines = [self._dim(f"┌─ {chat}")]
        body = render_entities(text, entities, ansi=self.ansi)
        if photo:
            body = "[photo]\n" + body
        lines.extend("│ " + line if line else "│" for line in wrap_lines(body, self.width))
        lines.extend("│ " + row for row in render_buttons(buttons))
        lines.append(self._dim("└─"))
        self._write("".join(f"  {line}\n" for line in lines))

    def result(self, number: int, title: str, detail: str) -> None:
        """Print one numbered search result: its title and its detail, dimmed and wrapped."""
        shown = f"\x1b[1m{title}\x1b[22m" if self.ansi else title
        details = "".join(
            f"     {self._dim(line)}\n" for line in wrap_lines(detail, self.width) if line
        )
        self._write(f"  {number}. {shown}\n{details}")
