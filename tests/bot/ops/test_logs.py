"""Log lines: one per event, `key=value` or JSON, and never the token or the webhook secret."""

from __future__ import annotations

import ast
import json
import logging
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.ops.logs import (
    EVENT_NAME,
    RECORD_ATTRIBUTES,
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
    fields: dict[str, object] | None = None,
) -> logging.LogRecord:
    """A record as `logging` makes it, `fields` given as `extra`."""
    record = logging.getLogger(name).makeRecord(
        name,
        level,
        __file__,
        1,
        message,
        args or None,
        exc_info,
        extra=fields,  # type: ignore[arg-type]  # makeRecord takes the exc_info tuple as is
    )
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


def test_keyvalue_line_has_time_level_logger_event_and_fields():
    record = make_record(
        "posted",
        fields={"item_id": 7, "channel_id": 3, "error": "Bad Request: chat not found"},
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
        (None, "null"),
    ],
)
def test_values_are_quoted_only_when_needed(value, written):
    assert quote_value(value) == written


def test_a_traceback_stays_on_the_same_line_as_its_event():
    record = make_record(
        "handler_error",
        level=logging.ERROR,
        exc_info=exc_info_of(ValueError("bad value\nsecond line")),
        fields={"update": "Update"},
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


def test_text_that_is_not_an_event_name_goes_to_message():
    plain = make_record("Application started", name="telegram.ext.Application")
    with_args = make_record("Sent %d updates", 3, name="telegram.ext.Updater")
    sentence_with_fields = make_record("In flight at the last stop", fields={"rows": 2})
    assert KeyValueFormatter().format(plain) == (
        '2026-11-30T05:00:00Z level=INFO logger=telegram.ext.Application message="Application '
        'started"'
    )
    assert KeyValueFormatter().format(with_args).endswith(' message="Sent 3 updates"')
    assert (
        KeyValueFormatter()
        .format(sentence_with_fields)
        .endswith('logger=bot.app.jobs rows=2 message="In flight at the last stop"')
    )


# --- taking the record apart -------------------------------------------------------------


def test_each_field_is_one_whole_value_even_with_spaces_or_pairs_inside():
    record = make_record(
        "fetch_failed",
        fields={
            "source_id": 4,
            "failures": 2,
            "error": "timed out after 10 s",
            "cause": "source:9 retry=no",
        },
    )
    parsed = event_fields(record)
    assert parsed.event == "fetch_failed"
    assert parsed.pairs == [
        ("source_id", 4),
        ("failures", 2),
        ("error", "timed out after 10 s"),
        ("cause", "source:9 retry=no"),
    ]
    assert parsed.text == ""
    assert (
        KeyValueFormatter()
        .format(record)
        .endswith(
            'event=fetch_failed source_id=4 failures=2 error="timed out after 10 s" '
            'cause="source:9 retry=no"'
        )
    )


def test_a_message_is_never_parsed_for_pairs():
    parsed = event_fields(make_record("event=publisher_stopped posted=%d", 3))
    assert parsed.event is None
    assert parsed.pairs == []
    assert parsed.text == "event=publisher_stopped posted=3"


@pytest.mark.parametrize(
    "record",
    [
        make_record("event=x count=%(count)d", {"count": 3}),  # mapping arguments
        make_record("event=x  double=%s", 1),  # not an event name
        make_record("event=x value=%d", "not a number"),  # the format itself fails
    ],
)
def test_messages_that_are_not_event_names_are_kept_whole(record):
    parsed = event_fields(record)
    assert parsed.event is None
    assert parsed.pairs == []
    assert parsed.text.startswith("event=x")


def test_a_field_cannot_replace_a_record_attribute():
    with pytest.raises(KeyError):
        make_record("posted", fields={"message": "no"})
    with pytest.raises(KeyError):
        make_record("posted", fields={"name": "no"})


# --- JSON lines --------------------------------------------------------------------------


def test_json_line_is_one_object_with_typed_fields():
    record = make_record(
        "inline_share",
        fields={"result": "42", "user": 7, "recorded": True, "ratio": 0.5, "missing": None},
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "2026-11-30T05:00:00Z",
        "level": "INFO",
        "logger": "bot.app.jobs",
        "event": "inline_share",
        "result": "42",
        "user": 7,
        "recorded": True,
        "ratio": 0.5,
        "missing": None,
    }


def test_json_line_gives_other_values_as_their_text():
    fields = json.loads(JsonFormatter().format(make_record("x", fields={"kind": Path("a/b")})))
    assert fields["kind"] == "a/b"


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


def test_fields_cannot_overwrite_the_line_fields():
    record = make_record("x", fields={"level": "high", "time": "now", "event": "y", "exc": "z"})
    fields = json.loads(JsonFormatter().format(record))
    assert (fields["level"], fields["level_"]) == ("INFO", "high")
    assert (fields["time"], fields["time_"]) == ("2026-11-30T05:00:00Z", "now")
    assert (fields["event"], fields["event_"]) == ("x", "y")
    assert fields["exc_"] == "z"
    assert "exc" not in fields


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
    library = logging.getLogger("telegram.ext.test_logs")
    library.info(f"calling https://api.telegram.org/bot{TOKEN}/getMe")
    library.info("calling %s with secret %s", f"/bot{TOKEN}/getMe", SECRET)
    log.info("in_fields", extra={"url": f"/bot{TOKEN}/getMe", "secret": SECRET})
    log.info("in_objects", extra={"request": Payload(), "request_repr": repr(Payload())})
    library.info("request %r", Payload())
    try:
        fail_with_token()
    except ConnectionError:
        log.exception("request_failed", extra={"method": "getUpdates"})
    lines = capsys.readouterr().err.splitlines()

    assert len(lines) == 6  # one line per event, the traceback included
    for line in lines:
        assert TOKEN not in line
        assert TOKEN.split(":")[1] not in line
        assert SECRET not in line
    assert lines[-1].count("<redacted>") >= 2
    if log_format == "json":
        events = [json.loads(line) for line in lines]
        assert [e.get("event") for e in events] == [
            None,
            None,
            "in_fields",
            "in_objects",
            None,
            "request_failed",
        ]
        assert events[0]["message"] == "calling https://api.telegram.org/bot<redacted>/getMe"
        assert events[1]["message"] == "calling /bot<redacted>/getMe with secret <redacted>"
        assert events[2]["url"] == "/bot<redacted>/getMe"
        assert events[2]["secret"] == "<redacted>"
        assert events[3]["request"] == "POST https://api.telegram.org/bot<redacted>/sendMessage"
        assert events[3]["request_repr"] == "Payload(token='<redacted>')"
        assert events[4]["message"] == "request Payload(token='<redacted>')"
        assert "ConnectionError: cannot reach /bot<redacted>/getUpdates" in events[5]["exc"]
        assert events[5]["method"] == "getUpdates"
    else:
        assert all(LINE_START.match(line) for line in lines)
        assert "event=in_fields url=/bot<redacted>/getMe secret=<redacted>" in lines[2]
        assert "request_repr=\"Payload(token='<redacted>')\"" in lines[3]
        assert "message=\"request Payload(token='<redacted>')\"" in lines[4]
        assert "ConnectionError: cannot reach /bot<redacted>/getUpdates" in lines[5]


def test_redaction_keeps_fields_apart_for_the_formatters():
    record = make_record("call", fields={"url": f"/bot{TOKEN}/getMe", "attempt": 2})
    RedactTokenFilter(TOKEN).filter(record)
    assert (record.url, record.attempt) == ("/bot<redacted>/getMe", 2)
    assert event_fields(record).pairs == [("url", "/bot<redacted>/getMe"), ("attempt", 2)]


def test_redaction_keeps_arguments_apart_for_the_formatters():
    record = make_record("call url=%s attempt=%d", f"/bot{TOKEN}/getMe", 2)
    RedactTokenFilter(TOKEN).filter(record)
    assert record.args == ("/bot<redacted>/getMe", 2)
    assert record.getMessage() == "call url=/bot<redacted>/getMe attempt=2"


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


# --- every log call of ours is an event with fields --------------------------------------

ROOT = Path(__file__).resolve().parents[3]
LOGGED_PACKAGES = ("bot", "handlers", "news", "storage")
LOG_METHODS = frozenset({"debug", "info", "warning", "error", "exception", "critical"})


def log_calls() -> Iterator[tuple[str, ast.Call]]:
    """Every `log.<level>(...)` / `logger.<level>(...)` call in the logged packages."""
    for package in LOGGED_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in LOG_METHODS
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"log", "logger"}
                ):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node


def test_every_log_call_names_an_event_and_gives_fields_by_extra():
    problems = []
    calls = list(log_calls())
    for where, call in calls:
        first = call.args[0] if call.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            problems.append(f"{where}: the event is not a literal")
        elif not EVENT_NAME.fullmatch(first.value):
            problems.append(f"{where}: {first.value!r} is not an event name")
        if len(call.args) > 1:
            problems.append(f"{where}: %-arguments; give fields with extra=")
        for keyword in call.keywords:
            if keyword.arg == "extra" and isinstance(keyword.value, ast.Dict):
                for key in keyword.value.keys:
                    if isinstance(key, ast.Constant) and key.value in RECORD_ATTRIBUTES:
                        problems.append(f"{where}: field {key.value!r} is a record attribute")
    assert len(calls) > 40  # the scan reaches the code
    assert problems == []
