"""Admin reports as plain text: messages split to fit Telegram's limit, source lines."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ops.i18n import texts_for
from bot.services.admin.reports import (
    MESSAGE_LIMIT,
    source_block,
    sources_messages,
    split_messages,
)
from news.entities import Source
from news.render import utf16_len


def source(number: int, **fields) -> Source:
    """A source record of our own."""
    values = {
        "id": number,
        "url": f"https://quay{number}.example/rss",
        "name": f"Quay Gazette {number}",
        "tags": (),
        "interval_seconds": None,
        "active": True,
        "paused": False,
        "etag": None,
        "last_modified": None,
        "last_fetched_at": None,
        "last_success_at": None,
        "next_fetch_at": None,
        "failure_count": 0,
        "last_error": None,
        "created_at": datetime(2026, 11, 30, tzinfo=UTC),
    }
    values.update(fields)
    return Source(**values)


def test_blocks_that_fit_share_one_message() -> None:
    assert split_messages(["a", "b", "c"]) == ["a\n\nb\n\nc"]
    assert split_messages([]) == []


def test_blocks_are_never_cut_between_messages() -> None:
    blocks = [f"block {n} " + "x" * 40 for n in range(10)]
    messages = split_messages(blocks, limit=100)
    assert all(utf16_len(m) <= 100 for m in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks)
    assert len(messages) == 5  # two 48-character blocks and a blank line fit in 100


def test_a_block_longer_than_a_message_is_cut_at_a_word() -> None:
    [message] = split_messages(["word " * 50], limit=40)
    assert utf16_len(message) <= 40
    assert message.endswith("word…")


def test_the_limit_counts_utf16_units() -> None:
    blocks = ["🚢" * 30, "🚢" * 30]  # 60 units each, though 30 characters
    messages = split_messages(blocks, limit=100)
    assert messages == blocks


def test_source_lines_say_state_timing_and_failures() -> None:
    english = texts_for("en")
    failing = source(
        3,
        failure_count=2,
        last_error="connection reset " * 30,
        next_fetch_at=datetime(2026, 11, 30, 6, 5, tzinfo=UTC),
        last_success_at=datetime(2026, 11, 29, 22, 0, tzinfo=UTC),
    )
    lines = source_block(failing, english).split("\n")
    assert lines[0] == "3. Quay Gazette 3 — active"
    assert lines[2] == "last success: 2026-11-29 22:00 UTC · next fetch: 2026-11-30 06:05 UTC"
    assert lines[3].startswith("2 failures in a row, last error: connection reset")
    assert lines[3].endswith("…")
    assert "next fetch: due now" in source_block(source(4), english)
    russian = source_block(source(5, paused=True), texts_for("ru"))
    assert russian.startswith("5. Quay Gazette 5 — приостановлен")
    assert "не запланирована" in russian


def test_a_long_source_list_fills_messages_up_to_the_limit() -> None:
    sources = [source(n, name="Bulletin " * 20) for n in range(1, 101)]
    messages = sources_messages(sources, texts_for("en"))
    assert len(messages) > 1
    assert all(utf16_len(m) <= MESSAGE_LIMIT for m in messages)
    assert messages[0].startswith("100 sources:")
    assert messages[-1].endswith("/pause ID · /resume ID · /removesource ID")
