"""The barrier helper: returns what the check found, fails at its deadline saying why."""

from __future__ import annotations

import pytest

from tests.support.waiting import eventually


async def test_returns_the_first_truthy_answer():
    answers = iter([0, None, "", "ready"])

    async def check() -> object:
        return next(answers)

    assert await eventually(check, interval=0) == "ready"


async def test_fails_at_the_deadline_with_what_and_the_context():
    async def never() -> bool:
        return False

    with pytest.raises(AssertionError, match=r"the row did not happen within 0\.05s:\nlog tail"):
        await eventually(never, within=0.05, what="the row", context=lambda: "log tail")
