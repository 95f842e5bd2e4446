"""Logging set-up: one line per event, real `key=value` fields, the bot token redacted.

Our log calls name an event and give its fields with the standard library's `extra`:

    log.info("posted", extra={"item_id": 7, "channel_id": 1, "message_id": 42})

A handler set up by `configure_logging` prints each record on one line, in one of two
formats (LOG_FORMAT):

    keyvalue  2026-11-30T05:00:00Z level=INFO logger=bot.app.jobs event=posted item_id=7
              (values with spaces, quotes or `=` are quoted and escaped like JSON strings)
    json      {"time": "2026-11-30T05:00:00Z", "level": "INFO", "logger": "bot.app.jobs",
               "event": "posted", "item_id": 7}

A record whose message is an event name (`snake_case`, no arguments) gets `event=`; any
other text (third-party libraries' messages) goes to `message`. The fields are the record's
`extra` attributes, each one value whatever it contains; a traceback goes to `exc`.
Every record, ours and the libraries', passes the same `RedactTokenFilter` first.

On a terminal, a live status line (the CLI's progress bar) registers with `above_status_line`:
while it is shown, each log line clears it, is printed, and redraws it below, so that the two
never share a line.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, Literal, Protocol, TextIO

# Telegram bot tokens look like `123456789:AA...` (35 url-safe characters after the colon).
# No `\b` in front: inside Bot API URLs the token follows `/bot` directly.
_TOKEN_SHAPE = re.compile(r"(?<!\d)\d{5,12}:[A-Za-z0-9_-]{30,}")
EVENT_NAME: Final = re.compile(r"[a-z][a-z0-9_]*")
"""What an event name looks like: the whole message of one of our log calls."""
RECORD_ATTRIBUTES: Final = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))
) | {"message", "asctime", "taskName"}
"""A `LogRecord`'s own attributes; any other attribute is a field given with `extra`."""
_NEEDS_QUOTES: Final = re.compile(r"[\s\"=\\]|[^\x20-\x7e\u00a0-\U0010ffff]")
_RESERVED: Final = frozenset({"time", "level", "logger", "event", "message", "exc", "stack"})
_HANDLER_NAME = "newsbot"

LogFormat = Literal["keyvalue", "json"]
REDACTED: Final = "<redacted>"


class _Redacted:
    """An argument whose text held a secret: prints as its redacted `str` and `repr`."""

    def __init__(self, text: str, representation: str) -> None:
        self._text = text
        self._representation = representation

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return self._representation


class RedactTokenFilter(logging.Filter):
    """Replace the token, other secrets, and anything shaped like a bot token with `<redacted>`."""

    def __init__(self, token: str | None = None, *, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._token = token
        # Other secrets (the webhook secret: A-Z a-z 0-9 _ -) are replaced only where they
        # stand alone, so that a short secret cannot mangle longer words that contain it.
        self._secrets = [
            re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(s)}(?![A-Za-z0-9_-])") for s in secrets if s
        ]

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message, arguments, fields and traceback in place; never drop it.

        Arguments and `extra` fields are redacted one by one, so each stays one value for
        the formatters; should a secret still show in the whole message, it is replaced by
        the redacted text.
        """
        if isinstance(record.msg, str):
            record.msg = self.redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(self._redact_argument(arg) for arg in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: self._redact_argument(arg) for key, arg in record.args.items()}
        for name in [name for name in vars(record) if name not in RECORD_ATTRIBUTES]:
            setattr(record, name, self._redact_argument(getattr(record, name)))
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def _redact_argument(self, argument: object) -> object:
        """Return the argument, or a stand-in printing its redacted text when it held a secret."""
        if isinstance(argument, bool | int | float) or argument is None:
            return argument
        text, representation = str(argument), repr(argument)
        clean_text, clean_representation = self.redact(text), self.redact(representation)
        if clean_text == text and clean_representation == representation:
            return argument
        if isinstance(argument, str):
            return clean_text
        return _Redacted(clean_text, clean_representation)

    def redact(self, text: str) -> str:
        """Return `text` with the token and the other secrets removed."""
        if self._token:
            text = text.replace(self._token, REDACTED)
        for secret in self._secrets:
            text = secret.sub(REDACTED, text)
        return _TOKEN_SHAPE.sub(REDACTED, text)


@dataclass(frozen=True, slots=True)
class EventFields:
    """A record taken apart: its event name, its `extra` fields and any other text."""

    event: str | None = None
    pairs: list[tuple[str, object]] = field(default_factory=list)
    text: str = ""


def event_fields(record: logging.LogRecord) -> EventFields:
    """Return the record's event (a message that is an event name), fields and other text."""
    pairs = [(key, value) for key, value in vars(record).items() if key not in RECORD_ATTRIBUTES]
    message = record.msg
    if isinstance(message, str) and not record.args and EVENT_NAME.fullmatch(message):
        return EventFields(message, pairs)
    return EventFields(None, pairs, _message(record))


def _message(record: logging.LogRecord) -> str:
    """Return the record's message; a broken template shows as itself with its arguments."""
    try:
        return record.getMessage()
    except (TypeError, ValueError):
        return f"{record.msg} {record.args!r}"


def json_value(value: object) -> object:
    """Keep numbers, booleans and None as such (for JSON); anything else is its text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def utc_time(record: logging.LogRecord) -> str:
    """Return the record's time as ISO 8601 UTC to the second (`2026-11-30T05:00:00Z`)."""
    return datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def quote_value(value: object) -> str:
    """Return a value as it goes after `key=`: bare when simple, JSON-quoted otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    text = str(value)
    if text and not _NEEDS_QUOTES.search(text):
        return text
    return json.dumps(text, ensure_ascii=False)


class _EventFormatter(logging.Formatter):
    """Shared parts of the one-line formatters: fields, exception text, reserved names."""

    def fields(self, record: logging.LogRecord) -> dict[str, object]:
        """Return every field of the line, in order: time, level, logger, pairs, the rest."""
        line: dict[str, object] = {
            "time": utc_time(record),
            "level": record.levelname,
            "logger": record.name,
        }
        parsed = event_fields(record)
        if parsed.event is not None:
            line["event"] = parsed.event
        for key, value in parsed.pairs:
            name = f"{key}_" if key in _RESERVED else key
            while name in line:
                name += "_"
            line[name] = json_value(value)
        if parsed.text:
            line["message"] = parsed.text
        exc = record.exc_text
        if not exc and record.exc_info:
            exc = self.formatException(record.exc_info)
        if exc:
            line["exc"] = exc
        if record.stack_info:
            line["stack"] = record.stack_info
        return line


class KeyValueFormatter(_EventFormatter):
    """`2026-11-30T05:00:00Z level=INFO logger=bot.app.jobs event=posted item_id=7` lines."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one `key=value` line."""
        line = self.fields(record)
        head = f"{line.pop('time')} "
        return head + " ".join(f"{key}={quote_value(value)}" for key, value in line.items())


class JsonFormatter(_EventFormatter):
    """One JSON object per line: time, level, logger, the event's fields, message, exc."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        return json.dumps(self.fields(record), ensure_ascii=False, default=str)


class StatusLine(Protocol):
    """A line kept at the bottom of the terminal (a progress bar)."""

    def clear(self) -> None:
        """Erase the line, leaving the cursor at its start."""

    def redraw(self) -> None:
        """Draw the line again where the cursor is."""


class _LineHandler(logging.StreamHandler[TextIO]):
    """Our handler: one line per record, printed above the status line when one is shown."""

    status: StatusLine | None = None

    def emit(self, record: logging.LogRecord) -> None:
        """Print the record; a status line is cleared first and redrawn after it."""
        status = self.status
        if status is None:
            super().emit(record)
            return
        status.clear()
        try:
            super().emit(record)
        finally:
            status.redraw()


@contextmanager
def above_status_line(line: StatusLine) -> Iterator[None]:
    """While the block runs, print every log line above `line` (cleared, then redrawn)."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, _LineHandler)]
    previous = [h.status for h in handlers]
    for handler in handlers:
        handler.status = line
    try:
        yield
    finally:
        for handler, status in zip(handlers, previous, strict=True):
            handler.status = status


FORMATTERS: Final[Mapping[str, type[logging.Formatter]]] = {
    "keyvalue": KeyValueFormatter,
    "json": JsonFormatter,
}


def configure_logging(
    level: str,
    *,
    token: str | None = None,
    secrets: Iterable[str | None] = (),
    log_format: LogFormat = "keyvalue",
) -> None:
    """Send one line per event to stderr at `level` in `log_format` (keyvalue or json),
    with the token and secrets redacted."""
    handler = _LineHandler(sys.stderr)
    handler.setFormatter(FORMATTERS[log_format]())
    handler.addFilter(RedactTokenFilter(token, secrets=secrets))
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG: too much, even for DEBUG.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
