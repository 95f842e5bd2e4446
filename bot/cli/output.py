"""Printing for the CLI: JSON lines for scripts, aligned tables and one-line errors for people."""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from bot.ops.logs import above_status_line


def to_jsonable(value: Any) -> Any:
    """Turn dataclasses, enums, datetimes and paths into plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    return value


def print_json_lines(items: Iterable[Any], *, out: TextIO | None = None) -> None:
    """Print one JSON object per line."""
    stream = out or sys.stdout
    for item in items:
        stream.write(json.dumps(to_jsonable(item), ensure_ascii=False, sort_keys=True) + "\n")


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, out: TextIO | None = None
) -> None:
    """Print rows as a left-aligned table with a header line."""
    stream = out or sys.stdout
    cells = [[str(h) for h in headers], *[["" if c is None else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        stream.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        stream.write("\n")


def fail(message: str) -> None:
    """Print one error line to stderr."""
    sys.stderr.write(f"newsbot: error: {message}\n")


def warn(message: str) -> None:
    """Print one warning line to stderr."""
    sys.stderr.write(f"newsbot: warning: {message}\n")


def shorten(text: str, width: int) -> str:
    """Cut `text` to `width` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


class ProgressBar:
    """A one-line progress bar on a terminal; silent when the stream is not a TTY.

    Use it as a context manager: while it runs, log lines are printed above the bar (see
    `bot.ops.logs.above_status_line`) instead of running into it.
    """

    def __init__(self, total: int, label: str, *, out: TextIO | None = None) -> None:
        self._total = max(total, 0)
        self._done = 0
        self._note = ""
        self._label = label
        self._out = out or sys.stderr
        self._live = self._out.isatty() and self._total > 0
        self._logs: contextlib.ExitStack | None = None

    def __enter__(self) -> ProgressBar:
        """Show the bar; log lines go above it until the block ends."""
        if self._live:
            self._logs = contextlib.ExitStack()
            self._logs.enter_context(above_status_line(self))
            self.redraw()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """End the bar's line."""
        self.close()

    def advance(self, note: str = "") -> None:
        """Count one item done and redraw."""
        self._done += 1
        self._note = note
        if self._live:
            self.clear()
            self.redraw()

    def clear(self) -> None:
        """Erase the bar, leaving the cursor at the start of its line."""
        if self._live:
            self._out.write("\r\x1b[K")

    def redraw(self) -> None:
        """Draw the bar where the cursor is."""
        if not self._live:
            return
        width = 30
        filled = int(width * self._done / self._total)
        bar = "#" * filled + "-" * (width - filled)
        note = shorten(self._note, 40)
        self._out.write(f"{self._label} [{bar}] {self._done}/{self._total} {note}".rstrip())
        self._out.flush()

    def close(self) -> None:
        """End the bar's line (once); log lines print as usual again."""
        if self._logs is not None:
            self._logs.close()
            self._logs = None
        if self._live:
            self._live = False
            self._out.write("\n")
            self._out.flush()
