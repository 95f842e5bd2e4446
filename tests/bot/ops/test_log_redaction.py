"""Secrets never reach the log: the bot token and the webhook secret are redacted."""

from __future__ import annotations

import logging

from bot.ops.logs import RedactTokenFilter

TOKEN = "123456789:" + "AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr"  # split: not token-shaped
SECRET = "hook-Secret_4242"


def redacted(message: str, *args: object) -> str:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, None)
    RedactTokenFilter(TOKEN, secrets=[SECRET, None]).filter(record)
    return record.getMessage()


def test_token_and_webhook_secret_are_redacted_in_messages_and_arguments():
    line = redacted(
        "Calling Bot API endpoint `setWebhook` with parameters `%s` via /bot%s/setWebhook",
        {"url": "https://bot.example/hook", "secret_token": SECRET},
        TOKEN,
    )
    assert SECRET not in line
    assert TOKEN not in line
    assert "'secret_token': '<redacted>'" in line
    assert "https://bot.example/hook" in line


def test_a_secret_inside_a_longer_word_is_left_alone():
    filter_ = RedactTokenFilter(None, secrets=["ab"])
    assert filter_.redact("tab ab cab-ab") == "tab <redacted> cab-ab"


def fail_with_secret() -> None:
    raise ValueError(f"bad secret {SECRET}")


def test_secret_in_a_traceback_is_redacted():
    try:
        fail_with_secret()
    except ValueError as exc:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "failed", (), (type(exc), exc, exc.__traceback__)
        )
    RedactTokenFilter(TOKEN, secrets=[SECRET]).filter(record)
    assert record.exc_text is not None
    assert SECRET not in record.exc_text
    assert "bad secret <redacted>" in record.exc_text
