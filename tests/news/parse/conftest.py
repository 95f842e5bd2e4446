"""Shared helpers for the parser tests: fixture files of our own writing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """Return a reader of files in tests/news/parse/fixtures."""

    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read
