"""Log lines: one per event, `key=value` or JSON, and never the token or the webhook secret."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.ops.logs import (
    JsonFormatter,
    KeyValueFormatter,
    LogFormat,
    RedactTokenFilter,
    configure_logging,
    event_fields,
    quote_value,
)

TOKEN = "987654321:" + "ZZyyXXwwVVuuTTssRRqqPPooNNmmLLkkJJi"  # split: not token-shaped
SECRET = "hook-Secret_77"
AT_FIVE = datetime(2026, 11, 30, 5, 0, 0, 250_000, tzinfo=UTC).timestamp()
LINE_START = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ level=")


def make_record(
    message: str,
    *args: object,
    level: int = logging.INFO,
    name: str = "bot.app.jobs",
    exc_info: object = None,
) -> logging.LogRecord:
    record = logging.LogRecord(name, level, __file__, 1, message, args or None, exc_info)  # type: ignore[arg-type]  # LogRecord takes the exc_info tuple as is
    record.created = AT_FIVE
    return record


def _raise(error: BaseException) -> None:
    raise error


def exc_info_of(error: BaseException) -> tuple[type[BaseException], BaseException, object]:
    try:
        _raise(error)
    except BaseException as caught:
        return type(caught), caught, caught.__traceback__
    raise AssertionError("not raised")


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


# --- key=value lines ---------------------------------------------------------------------


def test_keyvalue_line_has_time_level_logger_and_the_event_pairs():
    record = make_record(
        "event=posted item_id=%s channel_id=%d error=%s", 7, 3, "Bad Request: chat not found"
    )
    assert KeyValueFormatter().format(record) == (
        "2026-11-30T05:00:00Z level=INFO logger=bot.app.jobs event=posted item_id=7 channel_id=3 "
        'error="Bad Request: chat not found"'
    )


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("plain", "plain"),
        ("two words", '"two words"'),
        ("", '""'),
        ('say "hi"', '"say \\"hi\\""'),
        ("a=b", '"a=b"'),
        ("line\nbreak", '"line\\nbreak"'),
        ("tab\there", '"tab\\there"'),
        ("Москва", "Москва"),
        (True, "true"),
        (12, "12"),
    ],
)
def test_values_are_quoted_only_when_needed(value, written):
    assert quote_value(value) == written


def test_a_traceback_stays_on_the_same_line_as_its_event():
    record = make_record(
        "event=handler_error update=%s",
        "Update",
        level=logging.ERROR,
        exc_info=exc_info_of(ValueError("bad value\nsecond line")),
    )
    line = KeyValueFormatter().format(record)
    assert "\n" not in line
    assert line.startswith(
        "2026-11-30T05:00:00Z level=ERROR logger=bot.app.jobs event=handler_error update=Update"
        " exc="
    )
    exc = json.loads(line.split(" exc=", 1)[1])
    assert exc.startswith("Traceback (most recent call last):")
    assert exc.endswith("ValueError: bad value\nsecond line")


def test_text_that_is_not_pairs_goes_to_message():
    plain = make_record("Application started", name="telegram.ext.Application")
    mixed = make_record("event=outbox_recovered rows=%d (in flight at the last stop)", 2)
    assert KeyValueFormatter().format(plain) == (
        '2026-11-30T05:00:00Z level=INFO logger=telegram.ext.Application message="Application '
        'started"'
    )
    assert (
        KeyValueFormatter()
        .format(mixed)
        .endswith('event=outbox_recovered rows=2 message="(in flight at the last stop)"')
    )


# --- taking the message apart ------------------------------------------------------------


def test_each_argument_is_one_whole_value_even_with_spaces():
    record = make_record(
        "event=fetch_failed source_id=%s failures=%d error=%r cause=%s:%s",
        4,
        2,
        "timed out after 10 s",
        "source",
        9,
    )
    parsed = event_fields(record)
    assert parsed.pairs == [
        ("event", "fetch_failed"),
        ("source_id", 4),
        ("failures", 2),
        ("error", "'timed out after 10 s'"),
        ("cause", "source:9"),
    ]
    assert parsed.text == ""


def test_a_preformatted_run_of_pairs_is_split_into_fields():
    parsed = event_fields(make_record("event=publisher_stopped %s", "posted=3 state=done"))
    assert parsed.pairs == [("event", "publisher_stopped"), ("posted", 3), ("state", "done")]


@pytest.mark.parametrize(
    "record",
    [
        make_record("event=x count=%(count)d", {"count": 3}),  # mapping arguments
        make_record("event=x  double=%s", 1),  # two spaces: not a simple template
        make_record("event=x value=%d", "not a number"),  # the format itself fails
    ],
)
def test_templates_that_cannot_be_read_safely_keep_the_whole_message(record):
    parsed = event_fields(record)
    assert parsed.pairs == []
    assert parsed.text.startswith("event=x")


# --- JSON lines --------------------------------------------------------------------------


def test_json_line_is_one_object_with_typed_fields():
    record = make_record(
        "event=inline_share result=%r user=%d recorded=%s ratio=%.2f", "42", 7, True, 0.5
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "2026-11-30T05:00:00Z",
        "level": "INFO",
        "logger": "bot.app.jobs",
        "event": "inline_share",
        "result": "'42'",
        "user": 7,
        "recorded": True,
        "ratio": 0.5,
    }


def test_json_line_keeps_free_text_and_the_exception():
    record = make_record(
        "Error while getting Updates: %s",
        "Conflict",
        level=logging.ERROR,
        name="telegram.ext.Updater",
        exc_info=exc_info_of(RuntimeError("polling stopped")),
    )
    fields = json.loads(JsonFormatter().format(record))
    assert fields["message"] == "Error while getting Updates: Conflict"
    assert fields["exc"].endswith("RuntimeError: polling stopped")
    assert "event" not in fields


def test_pairs_cannot_overwrite_the_line_fields():
    fields = json.loads(JsonFormatter().format(make_record("event=x level=%s time=now", "high")))
    assert (fields["level"], fields["level_"]) == ("INFO", "high")
    assert (fields["time"], fields["time_"]) == ("2026-11-30T05:00:00Z", "now")


# --- secrets in both formats -------------------------------------------------------------


class Payload:
    """An argument whose text carries the token (as a request object might)."""

    def __str__(self) -> str:
        return f"POST https://api.telegram.org/bot{TOKEN}/sendMessage"

    def __repr__(self) -> str:
        return f"Payload(token={TOKEN!r})"


def fail_with_token() -> None:
    raise ConnectionError(f"cannot reach /bot{TOKEN}/getUpdates (secret {SECRET})")


@pytest.mark.parametrize("log_format", ["keyvalue", "json"])
def test_the_token_and_secret_never_reach_the_output(log_format, capsys, restore_root_logger):
    configure_logging("INFO", token=TOKEN, secrets=[SECRET], log_format=log_format)
    log = logging.getLogger("newsbot.test_logs")
    log.info(f"event=in_message url=https://api.telegram.org/bot{TOKEN}/getMe")  # noqa: G004 - the token in the template itself is what is tested
    log.info("event=in_args url=%s secret=%s", f"/bot{TOKEN}/getMe", SECRET)
    log.info("event=in_objects request=%s request_repr=%r", Payload(), Payload())
    try:
        fail_with_token()
    except ConnectionError:
        log.exception("event=request_failed method=%s", "getUpdates")
    lines = capsys.readouterr().err.splitlines()

    assert len(lines) == 4  # one line per event, the traceback included
    for line in lines:
        assert TOKEN not in line
        assert TOKEN.split(":")[1] not in line
        assert SECRET not in line
    assert lines[-1].count("<redacted>") >= 2
    if log_format == "json":
        events = [json.loads(line) for line in lines]
        assert [e["event"] for e in events] == [
            "in_message",
            "in_args",
            "in_objects",
            "request_failed",
        ]
        assert events[1]["url"] == "/bot<redacted>/getMe"
        assert events[1]["secret"] == "<redacted>"
        assert events[2]["request_repr"] == "Payload(token='<redacted>')"
        assert "ConnectionError: cannot reach /bot<redacted>/getUpdates" in events[3]["exc"]
    else:
        assert all(LINE_START.match(line) for line in lines)
        assert "url=/bot<redacted>/getMe secret=<redacted>" in lines[1]
        assert "request_repr=\"Payload(token='<redacted>')\"" in lines[2]
        assert "ConnectionError: cannot reach /bot<redacted>/getUpdates" in lines[3]


def test_redaction_keeps_arguments_apart_for_the_formatters():
    record = make_record("event=call url=%s attempt=%d", f"/bot{TOKEN}/getMe", 2)
    RedactTokenFilter(TOKEN).filter(record)
    assert record.args == ("/bot<redacted>/getMe", 2)
    assert event_fields(record).pairs == [
        ("event", "call"),
        ("url", "/bot<redacted>/getMe"),
        ("attempt", 2),
    ]


def test_the_setting_chooses_the_formatter(restore_root_logger):
    cases: list[tuple[LogFormat, type[logging.Formatter]]] = [
        ("json", JsonFormatter),
        ("keyvalue", KeyValueFormatter),
    ]
    for log_format, formatter in cases:
        configure_logging("WARNING", log_format=log_format)
        [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "newsbot"]
        assert isinstance(handler.formatter, formatter)
        assert isinstance(handler, logging.StreamHandler)
        assert handler.stream is sys.stderr
