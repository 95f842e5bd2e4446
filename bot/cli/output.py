"""Printing for the CLI: JSON lines for scripts, aligned tables and one-line errors for people."""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO


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
    """A one-line progress bar on a terminal; silent when the stream is not a TTY."""

    def __init__(self, total: int, label: str, *, out: TextIO | None = None) -> None:
        self._total = max(total, 0)
        self._done = 0
        self._label = label
        self._out = out or sys.stderr
        self._live = self._out.isatty() and self._total > 0

    def advance(self, note: str = "") -> None:
        """Count one item done and redraw."""
        self._done += 1
        if not self._live:
            return
        width = 30
        filled = int(width * self._done / self._total)
        bar = "#" * filled + "-" * (width - filled)
        self._out.write(f"\r{self._label} [{bar}] {self._done}/{self._total} {shorten(note, 40)}")
        self._out.write("\x1b[K")
        self._out.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self._live:
            self._out.write("\n")
            self._out.flush()
