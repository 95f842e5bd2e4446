"""Counters: calls per method, 429 answers, and every error answer with its description."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any

MAX_REMEMBERED_ERRORS = 10_000


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """One error answer."""

    method: str
    error_code: int
    description: str
    detail: str = ""
    """The emulator's own note (a 429's chat, the limit that refused, the time)."""


class Stats:
    """What the bot asked of the emulator and what it got back."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.too_many_requests = 0
        self.errors: deque[ErrorRecord] = deque(maxlen=MAX_REMEMBERED_ERRORS)

    def record_call(self, method: str) -> None:
        """Count one call of `method`."""
        self.calls[method] += 1

    def record_error(
        self, method: str, error_code: int, description: str, detail: str = ""
    ) -> None:
        """Remember one error answer."""
        if error_code == 429:
            self.too_many_requests += 1
        self.errors.append(ErrorRecord(method, error_code, description, detail))

    def reset(self) -> None:
        """Start counting from zero."""
        self.calls.clear()
        self.too_many_requests = 0
        self.errors.clear()

    def to_json(self) -> dict[str, Any]:
        """Return the counters as JSON."""
        return {
            "calls": dict(self.calls),
            "too_many_requests": self.too_many_requests,
            "errors": [asdict(record) for record in self.errors],
        }
