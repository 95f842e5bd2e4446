"""A bounded memo of the exact texts that passed a pure check (newest use kept longest)."""

from __future__ import annotations

from collections import OrderedDict


class KnownValid:
    """Texts a pure check accepted: the check need not run again on the same exact text.

    Only successes are kept (a refused text is checked, and refused, every time), and only
    for checks whose verdict depends on nothing but the text. Keys are strings, so the
    memo adds no objects for the garbage collector to scan.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._texts: OrderedDict[str, None] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __contains__(self, text: object) -> bool:
        """Tell whether `text` passed before (and mark it recently used)."""
        if text in self._texts:
            assert isinstance(text, str)
            self._texts.move_to_end(text)
            self.hits += 1
            return True
        self.misses += 1
        return False

    def __len__(self) -> int:
        return len(self._texts)

    def add(self, text: str) -> None:
        """Remember that `text` passed; forget the least recently used beyond the limit."""
        self._texts[text] = None
        self._texts.move_to_end(text)
        while len(self._texts) > self.limit:
            self._texts.popitem(last=False)
